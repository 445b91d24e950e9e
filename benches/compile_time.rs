//! Compile time: a generated crate of 200 structs with 10 mapped fields each, `cargo check`ed
//! with `#[derive(IntoUserComUser)]` (without a schema, and with a 200-attribute
//! `usercom.schema.json` that every custom attribute is checked against) and, as the
//! baseline, with `#[derive(serde::Serialize)]`. Also reports the derive crate's clean build.
//!
//! ```text
//! cargo bench --bench compile_time
//! ```
//!
//! The crates are generated under `target/compile-bench/`, share one target directory and the
//! workspace's `Cargo.lock` (so dependencies are built once, before timing), and each is
//! checked five times after touching its source; the median is reported.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const STRUCTS: usize = 200;
const RUNS: usize = 5;

/// Ten fields, each mapped: standard attributes of every family and two custom ones.
const FIELDS: &[(&str, &str, &str)] = &[
    ("email", "String", "email"),
    ("first", "String", "first_name"),
    ("last", "Option<String>", "last_name"),
    ("city", "String", "city"),
    ("id", "u64", "user_id"),
    ("points", "i32", "score"),
    ("optin", "bool", "notifications"),
    ("tz", "String", "timezone"),
    ("plan", "String", "attribute = \"plan\""),
    ("seats", "u32", "attribute = \"seats\""),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A schema of `SCHEMA_ATTRIBUTES` attributes, among them the two the structs map.
const SCHEMA_ATTRIBUTES: usize = 200;

fn write_schema(dir: &Path) -> std::io::Result<()> {
    let mut items = vec![
        r#"{"name_std": "plan", "name": "Plan", "value_type": "string"}"#.to_owned(),
        r#"{"name_std": "seats", "name": "Seats", "value_type": "integer"}"#.to_owned(),
    ];
    let types = [
        "boolean", "integer", "float", "string", "date", "datetime", "json", "fixed",
    ];
    for i in items.len()..SCHEMA_ATTRIBUTES {
        items.push(format!(
            r#"{{"name_std": "attribute_{i:03}", "name": "Attribute {i}", "value_type": "{}"}}"#,
            types[i % types.len()]
        ));
    }
    std::fs::write(
        dir.join("usercom.schema.json"),
        format!("{{\"attributes\": [\n{}\n]}}\n", items.join(",\n")),
    )
}

fn generate(dir: &Path, derive: bool, schema: bool) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    if schema {
        write_schema(dir)?;
    }
    let dependency = if derive {
        format!("usercom = {{ path = {:?} }}", root().display().to_string())
    } else {
        "serde = { version = \"1\", features = [\"derive\"] }".to_owned()
    };
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"bench-{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{dependency}\n\n[workspace]\n",
            match (derive, schema) {
                (true, false) => "derive",
                (true, true) => "derive-schema",
                (false, _) => "serde",
            }
        ),
    )?;
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let mut source = String::from("#![allow(dead_code)]\n");
    for i in 0..STRUCTS {
        if derive {
            source.push_str("#[derive(usercom::IntoUserComUser)]\n");
        } else {
            source.push_str("#[derive(serde::Serialize)]\n");
        }
        source.push_str(&format!("pub struct Model{i} {{\n"));
        for (name, ty, attr) in FIELDS {
            if derive {
                source.push_str(&format!("    #[usercom({attr})]\n"));
            } else {
                let wire = attr
                    .strip_prefix("attribute = ")
                    .unwrap_or(&format!("{attr:?}"))
                    .to_owned();
                source.push_str(&format!("    #[serde(rename = {wire})]\n"));
            }
            source.push_str(&format!("    pub {name}: {ty},\n"));
        }
        source.push_str("}\n\n");
    }
    std::fs::write(dir.join("src/lib.rs"), source)
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(args)
        .arg("--quiet")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "cargo {args:?} failed in {}",
        dir.display()
    );
    started.elapsed()
}

/// Median `cargo check` time of the crate in `dir`, its dependencies already built.
fn check_time(dir: &Path, target: &Path) -> Duration {
    cargo(dir, target, &["check"]); // dependencies, and a first check
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let lib = dir.join("src/lib.rs");
            let text = std::fs::read_to_string(&lib).expect("source");
            std::fs::write(&lib, text).expect("touch");
            cargo(dir, target, &["check"])
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("run with `cargo bench --bench compile_time`");
        return;
    }
    let base = root().join("target/compile-bench");
    let target = base.join("target");
    let (derive_dir, schema_dir, serde_dir) = (
        base.join("derive"),
        base.join("derive-schema"),
        base.join("serde"),
    );
    generate(&derive_dir, true, false).expect("generate the derive crate");
    generate(&schema_dir, true, true).expect("generate the derive crate with a schema");
    generate(&serde_dir, false, false).expect("generate the serde crate");

    let derive = check_time(&derive_dir, &target);
    let with_schema = check_time(&schema_dir, &target);
    let serde = check_time(&serde_dir, &target);
    println!(
        "cargo check of {STRUCTS} structs x {} mapped fields (median of {RUNS}):",
        FIELDS.len()
    );
    println!("| derive | time |\n|---|---|");
    println!("| #[derive(IntoUserComUser)] | {:.2?} |", derive);
    println!(
        "| #[derive(IntoUserComUser)] with a {SCHEMA_ATTRIBUTES}-attribute schema | {:.2?} |",
        with_schema
    );
    println!("| #[derive(serde::Serialize)] (baseline) | {:.2?} |", serde);
    println!(
        "\nratio without a schema: {:.2}x, with a schema: {:.2}x",
        derive.as_secs_f64() / serde.as_secs_f64(),
        with_schema.as_secs_f64() / serde.as_secs_f64()
    );

    // The derive crate alone, from nothing (its dependencies included), in a fresh target.
    let clean_target = base.join("clean-target");
    let _ = std::fs::remove_dir_all(&clean_target);
    let clean = cargo(&root(), &clean_target, &["build", "-p", "usercom-derive"]);
    println!("clean build of usercom-derive and its dependencies (debug): {clean:.2?}");
}
