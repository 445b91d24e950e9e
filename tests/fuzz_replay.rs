//! The response-decoding fuzz corpus (`tests/fuzz_corpus/decode_user`, which
//! `fuzz/corpus/decode_user` links to) replayed on stable through the same code as the
//! `decode_user` fuzz target.

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
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus/decode_user");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).expect("the corpus is in the repository") {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} panicked", path.display());
        replayed += 1;
    }
    assert!(replayed >= 2, "only {replayed} inputs");
}
