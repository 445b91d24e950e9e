//! Compile-time behaviour of `#[derive(IntoUserComUser)]`: pass cases, and compile-fail cases
//! with `.stderr` snapshots.
//!
//! - The pass cases (`tests/ui/pass`) do not depend on compiler wording: they always run.
//! - The compile-fail snapshots (`tests/ui/fail`) quote rustc's messages, which change between
//!   Rust releases, so they run when rustc is the release they were taken with
//!   ([`PINNED_RUSTC`], the stable toolchain CI has).
//! - `tests/ui/fail_all_features` holds the snapshots whose wording depends on the feature set
//!   (with `blocking`, rustc spells `usercom::Client` in full; the `uuid`, `url`, `time` and
//!   `rust_decimal` features add types to the lists of implementations rustc shows): they run
//!   with `--all-features`, README's test command.
//!
//! A case that cannot run here is reported as SKIPPED, and under CI (`CI=true`) the test fails
//! instead: CI never passes without checking. Regenerate the snapshots with
//! `TRYBUILD=overwrite cargo test --all-features --test ui` after moving the pin.

const PINNED_RUSTC: &str = "rustc 1.95.";

/// Whether this run is CI's (`CI=true`), where nothing may be skipped.
fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

/// Says why a group of cases cannot run here; under CI that is a failure.
fn skip(why: &str) {
    assert!(!under_ci(), "CI=true, but {why}");
    eprintln!("SKIPPED: {why}");
}

fn rustc_version() -> String {
    std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// Copies `tests/ui/schemas` into the folder of the crate trybuild builds the cases in
/// (`<target>/tests/trybuild/usercom/schemas`): a case names its schema relative to that
/// crate's manifest directory, like any crate, and that folder is inside the target
/// directory, wherever `CARGO_TARGET_DIR` puts it.
fn lay_out_schemas() {
    // `CARGO_TARGET_TMPDIR` is `<target>/tmp`; trybuild's crate is `<target>/tests/trybuild/`
    // followed by this package's name.
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the temporary directory is inside the target directory");
    let to = target
        .join("tests/trybuild")
        .join(env!("CARGO_PKG_NAME"))
        .join("schemas");
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/schemas");
    std::fs::create_dir_all(&to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(&from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "json") {
            let copy = to.join(path.file_name().unwrap());
            std::fs::copy(&path, &copy).unwrap_or_else(|e| panic!("{}: {e}", copy.display()));
        }
    }
}

#[test]
fn ui() {
    if !cfg!(feature = "derive") {
        skip("the UI cases need the `derive` feature (on by default)");
        return;
    }
    lay_out_schemas();
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    let version = rustc_version();
    if !version.starts_with(PINNED_RUSTC) {
        skip(&format!(
            "the compile-fail snapshots are taken with {PINNED_RUSTC}x and this is {version:?}: \
             only the pass cases ran"
        ));
        return;
    }
    cases.compile_fail("tests/ui/fail/*.rs");
    if cfg!(all(
        feature = "blocking",
        feature = "uuid",
        feature = "url",
        feature = "time",
        feature = "rust_decimal",
        feature = "sync"
    )) {
        cases.compile_fail("tests/ui/fail_all_features/*.rs");
    } else {
        skip("tests/ui/fail_all_features needs --all-features (README's test command)");
    }
}
