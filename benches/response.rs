//! Response: the seed's sample bytes -> `User`, against serde_json -> `serde_json::Value` of
//! the same bytes. Goal: the typed decode is not slower.
//!
//! ```text
//! cargo bench --bench response
//! ```

use criterion::{criterion_group, criterion_main, Criterion};

const SEED: &[u8] = include_bytes!("../tests/fixtures/seed_create_user_response.json");

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("response");
    group.bench_function("typed usercom::User", |b| {
        b.iter(|| serde_json::from_slice::<usercom::User>(std::hint::black_box(SEED)).unwrap())
    });
    group.bench_function("serde_json::Value (baseline)", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(std::hint::black_box(SEED)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
