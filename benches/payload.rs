//! Payload: a derived struct -> request JSON bytes, against the practical limit, a
//! hand-written `#[derive(Serialize)]` struct of `&str` fields through serde_json.
//!
//! Goal: at most 1.10x the baseline's time, and no heap allocation besides the output buffer
//! (counted with a counting global allocator; the buffer is reused, so the expected count is
//! zero for both).
//!
//! ```text
//! cargo bench --bench payload
//! ```

use std::alloc::System;

use criterion::{criterion_group, criterion_main, Criterion};
use serde::Serialize;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use usercom::IntoUserComUser;

/// Counts every allocation of the process.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// A typical domain model: ten mapped fields, one unmapped.
#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(first_name)]
    first_name: String,
    #[usercom(last_name)]
    last_name: String,
    #[usercom(city)]
    city: String,
    #[usercom(country)]
    country: String,
    #[usercom(phone_number)]
    phone: String,
    #[usercom(timezone)]
    timezone: String,
    #[usercom(user_id)]
    id: String,
    #[usercom(score)]
    score: i32,
    #[usercom(notifications)]
    notifications: bool,
    #[allow(dead_code)]
    password_hash: String,
}

/// The baseline: what a developer would hand-write for the same body.
#[derive(Serialize)]
struct HandWritten<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notifications: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timezone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
}

fn customer() -> Customer {
    Customer {
        email: "ada.lovelace@example.org".into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        city: "London".into(),
        country: "GB".into(),
        phone: "+44 20 7946 0000".into(),
        timezone: "Europe/London".into(),
        id: "cus_0001815".into(),
        score: 42,
        notifications: true,
        password_hash: "$argon2id$v=19$...".into(),
    }
}

fn derived(value: &Customer, out: &mut Vec<u8>) {
    out.clear();
    let payload = value.to_create_user().expect("valid");
    serde_json::to_writer(&mut *out, &payload).expect("serializes");
}

fn hand_written(value: &Customer, out: &mut Vec<u8>) {
    out.clear();
    let body = HandWritten {
        city: Some(&value.city),
        country: Some(&value.country),
        email: Some(&value.email),
        first_name: Some(&value.first_name),
        last_name: Some(&value.last_name),
        notifications: Some(value.notifications),
        phone_number: Some(&value.phone),
        score: Some(i64::from(value.score)),
        timezone: Some(&value.timezone),
        user_id: Some(&value.id),
    };
    serde_json::to_writer(&mut *out, &body).expect("serializes");
}

/// Allocations of one call of `f`, the output buffer already allocated.
fn allocations(f: impl Fn(&Customer, &mut Vec<u8>)) -> usize {
    let value = customer();
    let mut out = Vec::with_capacity(4096);
    f(&value, &mut out);
    let region = Region::new(GLOBAL);
    f(&value, &mut out);
    let change = region.change();
    change.allocations + change.reallocations
}

fn bench(c: &mut Criterion) {
    // Both produce the same bytes, or the comparison means nothing.
    let (mut a, mut b) = (Vec::new(), Vec::new());
    derived(&customer(), &mut a);
    hand_written(&customer(), &mut b);
    let parse = |v: &[u8]| serde_json::from_slice::<serde_json::Value>(v).unwrap();
    assert_eq!(parse(&a), parse(&b), "the two bodies differ");

    println!(
        "allocations per payload besides the output buffer: derived {}, hand-written serde {}",
        allocations(derived),
        allocations(hand_written)
    );

    let value = customer();
    let mut group = c.benchmark_group("payload");
    let mut out = Vec::with_capacity(4096);
    group.bench_function("derived IntoUserComUser", |b| {
        b.iter(|| derived(std::hint::black_box(&value), &mut out))
    });
    group.bench_function("hand-written serde (baseline)", |b| {
        b.iter(|| hand_written(std::hint::black_box(&value), &mut out))
    });
    group.bench_function("derived, payload only (no JSON)", |b| {
        b.iter(|| std::hint::black_box(std::hint::black_box(&value).to_create_user().unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
