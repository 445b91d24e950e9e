//! The response-decoding fuzz corpus (`fuzz/corpus/decode_user`, where the fuzzer keeps
//! it) replayed on stable through the same code as the `decode_user` fuzz target.
//!
//! The corpus is in the repository, not in the published package: run from a package, the
//! test says it was skipped, and under CI (`CI=true`) fails instead.

use std::path::Path;

use serde::Deserialize;

/// The body of the `decode_user` fuzz target.
fn check(data: &[u8]) {
    let _ = serde_json::from_slice::<usercom::User>(data);
    let mut de = serde_json::Deserializer::from_slice(data);
    if usercom::User::deserialize(&mut de).is_ok() {
        let _ = de.end();
    }
}

#[test]
fn corpus_never_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decode_user");
    if !dir.is_dir() {
        let ci = std::env::var("CI").is_ok_and(|value| value == "true" || value == "1");
        assert!(!ci, "CI=true, but the corpus {} is missing", dir.display());
        eprintln!(
            "SKIPPED: no corpus at {} (a package has none)",
            dir.display()
        );
        return;
    }
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).expect("the corpus can be listed") {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} panicked", path.display());
        replayed += 1;
    }
    assert!(replayed >= 2, "only {replayed} inputs");
}
