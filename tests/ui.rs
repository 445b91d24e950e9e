//! Compile-time behaviour of `#[derive(IntoUserComUser)]`, with `.stderr` snapshots.
//!
//! Compiler messages change between Rust releases, so the snapshots are pinned to the
//! toolchain CI uses (the one in `PINNED_RUSTC`), and to the feature set of README's test
//! command (`--all-features`: with `blocking`, rustc spells `usercom::Client` in full). On
//! another toolchain or feature set the test says so and checks nothing; regenerate with
//! `TRYBUILD=overwrite cargo test --all-features --test ui` after moving the pin.

const PINNED_RUSTC: &str = "rustc 1.95.";

#[test]
fn ui() {
    let version = std::process::Command::new(std::env::var("RUSTC").unwrap_or("rustc".into()))
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    if !cfg!(all(feature = "derive", feature = "blocking")) {
        eprintln!("SKIPPED: the UI snapshots are taken with --all-features");
        return;
    }
    if !version.starts_with(PINNED_RUSTC) {
        eprintln!(
            "SKIPPED: the UI snapshots are pinned to {PINNED_RUSTC}x; this is {}",
            version.trim()
        );
        return;
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
