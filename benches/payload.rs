//! Payload: a derived struct -> request JSON bytes, through the same steps
//! `Client::create_user` takes (the payload, `CreateUser::validate`, the body of the client's
//! API version), against the practical limit: a hand-written
//! `#[derive(Serialize)]` struct of `&str` fields through serde_json, which checks nothing.
//! The struct maps ten fields, among them an integer `user_id`, as the examples do (sent as a
//! JSON string, as User.com expects; the hand-written side writes it with `collect_str`).
//!
//! Goal: at most 1.10x the baseline's time, and no heap allocation besides the output buffer
//! (counted with a counting global allocator; the buffer is reused, so the expected count is
//! zero for both).
//!
//! The paths are timed in alternating batches (each round starting with another one), so
//! that a slow moment of the machine lands on all of them, and the ratio reported is the
//! median of the rounds' own ratios. On Linux a batch is timed in the CPU time of the
//! benchmark's thread (`CLOCK_THREAD_CPUTIME_ID`), so that time spent preempted by other
//! processes is not counted; elsewhere, in wall time.
//!
//! Besides the path `create_user` takes (the payload written in place, checked, its body
//! written by `CreateUserBody::write_json`), two more are timed: the same without
//! `validate`, and `to_create_user` + `serde_json::to_writer` without checks (how the payload
//! was built and measured before).
//!
//! ```text
//! cargo bench --bench payload
//! ```

use std::alloc::System;
use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Serialize;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use usercom::{ApiVersion, CreateUser, IntoUserComUser};

/// Counts every allocation of the process.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Rounds of batches, and the time one batch should take.
const ROUNDS: usize = 301;
const BATCH_TIME: Duration = Duration::from_micros(500);

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
    id: u64,
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
    /// User.com takes `user_id` as a string: written without an intermediate `String`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "integer_as_string"
    )]
    user_id: Option<u64>,
}

fn integer_as_string<S: serde::Serializer>(id: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => s.collect_str(id),
        None => s.serialize_none(),
    }
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
        id: 1815,
        score: 42,
        notifications: true,
        password_hash: "$argon2id$v=19$...".into(),
    }
}

/// What `create_user` does before sending: the payload, written in place, its checks, the
/// body's bytes.
fn derived(value: &Customer, out: &mut Vec<u8>) {
    out.clear();
    let mut payload = CreateUser::new();
    value.write_user_com_user(&mut payload).expect("valid");
    payload.validate().expect("valid");
    payload
        .body(ApiVersion::V1)
        .write_json(out)
        .expect("serializes");
}

/// The same without `validate`, to show what the checks cost.
fn unchecked(value: &Customer, out: &mut Vec<u8>) {
    out.clear();
    let mut payload = CreateUser::new();
    value.write_user_com_user(&mut payload).expect("valid");
    payload
        .body(ApiVersion::V1)
        .write_json(out)
        .expect("serializes");
}

/// `to_create_user` and serde_json, as the payload was measured before (no checks).
fn through_serde(value: &Customer, out: &mut Vec<u8>) {
    out.clear();
    let payload = value.to_create_user().expect("valid");
    serde_json::to_writer(&mut *out, &payload.body(ApiVersion::V1)).expect("serializes");
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
        user_id: Some(value.id),
    };
    serde_json::to_writer(&mut *out, &body).expect("serializes");
}

/// One way of writing the body of a value into a buffer.
type Path = fn(&Customer, &mut Vec<u8>);

/// Allocations of one call of `f`, the output buffer already allocated.
fn allocations(f: Path) -> usize {
    let value = customer();
    let mut out = Vec::with_capacity(4096);
    f(&value, &mut out);
    let region = Region::new(GLOBAL);
    f(&value, &mut out);
    let change = region.change();
    change.allocations + change.reallocations
}

/// Nanoseconds per call of `f` over `n` calls.
fn batch(f: Path, value: &Customer, out: &mut Vec<u8>, n: u32) -> f64 {
    let started = thread_time();
    for _ in 0..n {
        f(black_box(value), black_box(&mut *out));
    }
    (thread_time() - started).as_nanos() as f64 / f64::from(n)
}

/// The CPU time of this thread so far.
#[cfg(target_os = "linux")]
fn thread_time() -> Duration {
    #[repr(C)]
    struct Timespec {
        tv_sec: std::ffi::c_long,
        tv_nsec: std::ffi::c_long,
    }
    extern "C" {
        fn clock_gettime(clock: std::ffi::c_int, time: *mut Timespec) -> std::ffi::c_int;
    }
    const CLOCK_THREAD_CPUTIME_ID: std::ffi::c_int = 3;
    let mut time = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `time` is a valid, writable `struct timespec` of this platform.
    let status = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut time) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(time.tv_sec as u64, time.tv_nsec as u32)
}

/// Wall time since the first call, where the thread's CPU time is not at hand.
#[cfg(not(target_os = "linux"))]
fn thread_time() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// The value at `q` (0 to 1) of sorted `values`.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: do little then.
    let quick = !std::env::args().any(|a| a == "--bench");

    // All produce the same bytes, or the comparison means nothing.
    let outputs = [derived, unchecked, through_serde, hand_written].map(|f| {
        let mut out = Vec::new();
        f(&customer(), &mut out);
        serde_json::from_slice::<serde_json::Value>(&out).expect("JSON")
    });
    for output in &outputs[..3] {
        assert_eq!(output, &outputs[3], "the bodies differ");
    }

    println!(
        "allocations per payload besides the output buffer: derived (checked) {}, hand-written \
         serde {}",
        allocations(derived),
        allocations(hand_written)
    );
    if quick {
        return;
    }

    let value = customer();
    let mut out = Vec::with_capacity(4096);
    let paths: [(&str, Path); 4] = [
        (
            "derived IntoUserComUser, with create_user's checks",
            derived,
        ),
        ("derived, without validate", unchecked),
        (
            "derived, to_create_user + serde_json, unchecked",
            through_serde,
        ),
        ("hand-written serde (baseline)", hand_written),
    ];
    // Warm up, and size a batch to about BATCH_TIME.
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(300) {
        for (_, f) in &paths {
            batch(*f, &value, &mut out, 1000);
        }
    }
    let per_call = batch(hand_written, &value, &mut out, 10_000);
    let n = ((BATCH_TIME.as_nanos() as f64 / per_call) as u32).max(1);

    let mut times = vec![Vec::with_capacity(ROUNDS); paths.len()];
    for round in 0..ROUNDS {
        // Each round starts with another path, so that none always follows the same one.
        for k in 0..paths.len() {
            let i = (round + k) % paths.len();
            times[i].push(batch(paths[i].1, &value, &mut out, n));
        }
    }
    println!(
        "{ROUNDS} rounds of {n}-call batches, the paths alternating; {} per call (median, 10th \
         to 90th percentile):",
        if cfg!(target_os = "linux") {
            "thread CPU time"
        } else {
            "wall time"
        }
    );
    for (i, (name, _)) in paths.iter().enumerate() {
        println!(
            "  {name:<52} {:>7.1} ns  ({:.1} to {:.1})",
            quantile(&times[i], 0.5),
            quantile(&times[i], 0.1),
            quantile(&times[i], 0.9)
        );
    }
    let base = &times[3];
    for (i, label) in [
        (0, "with create_user's checks"),
        (1, "without validate"),
        (2, "to_create_user + serde_json"),
    ] {
        let ratios: Vec<f64> = times[i].iter().zip(base).map(|(a, b)| a / b).collect();
        println!(
            "ratio to the baseline, {label}: {:.3}x (median of the rounds' ratios; 10th to 90th \
             percentile {:.3}x to {:.3}x){}",
            quantile(&ratios, 0.5),
            quantile(&ratios, 0.1),
            quantile(&ratios, 0.9),
            if i == 0 { "; goal: at most 1.10x" } else { "" }
        );
    }
}
