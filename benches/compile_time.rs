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
//! workspace's `Cargo.lock` (so dependencies are built once, before timing). The derive crates
//! and the baseline declare the same dependencies (`usercom` and `serde`), so that the time
//! cargo spends checking that their dependencies are up to date (usercom's tree has about 300
//! crates) is the same on both sides and the difference is the derives'. A fourth crate, the
//! baseline with `serde` alone (as this benchmark had it first), shows that bookkeeping.
//! Each crate is checked `RUNS` times after touching its source, the crates taking turns in
//! rounds (the order reversed every other round), so that a change in the machine's speed
//! falls on all of them. Reported: each crate's median wall and CPU time (cargo and rustc,
//! from `/proc`), and the ratios as the median of the rounds' own ratios, which the machine's
//! drift from round to round (10% and more on a shared 2-core machine) does not move.
//! When valgrind is installed, the same checks are also counted in instructions executed
//! (cargo and rustc, and rustc's check of the crate alone), which come out the same from run
//! to run; this is the steady comparison (rustc's own performance tracking counts
//! instructions for the same reason).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/cpu.rs"]
mod cpu;
use cpu::Cpu;

const STRUCTS: usize = 200;
const RUNS: usize = 21;
/// Runs of each crate counted in instructions (under valgrind, about 40 s each).
const INSTRUCTION_RUNS: usize = 3;

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

/// Which crate [`generate`] writes.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// `#[derive(IntoUserComUser)]`, with or without the schema.
    Derive { schema: bool },
    /// `#[derive(serde::Serialize)]`, with the same dependencies as the derive crates.
    Serde,
    /// `#[derive(serde::Serialize)]`, depending on `serde` alone.
    SerdeAlone,
}

fn generate(dir: &Path, kind: Kind) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    let derive = matches!(kind, Kind::Derive { .. });
    if kind == (Kind::Derive { schema: true }) {
        write_schema(dir)?;
    }
    let usercom = format!(
        "usercom = {{ path = {:?} }}\n",
        root().display().to_string()
    );
    let serde = "serde = { version = \"1\", features = [\"derive\"] }\n";
    let dependencies = match kind {
        Kind::SerdeAlone => serde.to_owned(),
        _ => usercom + serde,
    };
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"bench-{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{dependencies}\n[workspace]\n",
            match kind {
                Kind::Derive { schema: false } => "derive",
                Kind::Derive { schema: true } => "derive-schema",
                Kind::Serde => "serde",
                Kind::SerdeAlone => "serde-alone",
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

/// Runs cargo in `dir`: its wall time, and the CPU time (user + system) of cargo and every
/// process it ran (`rustc`, the proc macros inside it), which the machine's other load moves
/// less than the wall time.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> (Duration, f64) {
    let before = Cpu::now().expect("/proc/self/stat");
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
    let wall = started.elapsed();
    let spent = Cpu::now().expect("/proc/self/stat").since(before);
    (wall, spent.children_user + spent.children_system)
}

/// Runs `run(i)` for each of `count` subjects, `rounds` times: the subjects take turns, the
/// order reversed every other round, so that a change in the machine's speed falls on all of
/// them. Each subject's results, in round order.
fn take_turns<T>(count: usize, rounds: usize, mut run: impl FnMut(usize) -> T) -> Vec<Vec<T>> {
    let mut results: Vec<Vec<T>> = (0..count).map(|_| Vec::new()).collect();
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..count).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            results[i].push(run(i));
        }
    }
    results
}

/// Rewrites the crate's source unchanged, so that the next check re-checks it.
fn touch(dir: &Path) {
    let lib = dir.join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).expect("source");
    std::fs::write(&lib, text).expect("touch");
}

/// The `cargo check` wall and CPU times of each crate in `dirs`, one per round, their
/// dependencies already built: the crates take turns, each checked once per round after its
/// source is touched.
fn check_times(dirs: &[&Path], target: &Path) -> Vec<Vec<(Duration, f64)>> {
    for dir in dirs {
        cargo(dir, target, &["check"]); // dependencies, and a first check
    }
    take_turns(dirs.len(), RUNS, |i| {
        touch(dirs[i]);
        cargo(dirs[i], target, &["check"])
    })
}

/// The instructions `cargo check` of `dir` executes after its source is touched: cargo's
/// own and those of every process it runs, and of them the compiler's check of the crate
/// itself. Counted by valgrind (cachegrind, without its cache simulation), they come out the
/// same from run to run to within a few hundredths of a percent, where times on this machine
/// move by 5% and more; and the machine's other load does not change them. `None` when
/// valgrind is not installed.
fn instructions(dir: &Path, target: &Path) -> Option<(u64, u64)> {
    let logs = target.join("valgrind-logs");
    let _ = std::fs::remove_dir_all(&logs);
    std::fs::create_dir_all(&logs).expect("a directory for valgrind's logs");
    touch(dir);
    let status = Command::new("valgrind")
        .args([
            "--tool=cachegrind",
            "--cache-sim=no",
            "--trace-children=yes",
            "--cachegrind-out-file=/dev/null",
        ])
        .arg(format!("--log-file={}/%p.log", logs.display()))
        .arg(env!("CARGO"))
        .args(["check", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .ok()?;
    assert!(
        status.success(),
        "cargo check under valgrind failed in {}",
        dir.display()
    );
    let (mut total, mut own) = (0, 0);
    for entry in std::fs::read_dir(&logs).expect("valgrind's logs") {
        let log = std::fs::read_to_string(entry.expect("a log").path()).expect("a log");
        let Some(count) = log.lines().find_map(|line| {
            let (_, count) = line.split_once("I   refs:")?;
            count.trim().replace(',', "").parse::<u64>().ok()
        }) else {
            continue;
        };
        total += count;
        if log.contains("--crate-name bench_") {
            own += count;
        }
    }
    Some((total, own))
}

/// Whether valgrind is installed.
fn has_valgrind() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The median of the rounds' ratios of `a` to `b`, by wall and by CPU time.
fn ratios(a: &[(Duration, f64)], b: &[(Duration, f64)]) -> (f64, f64) {
    let pairs = || a.iter().zip(b);
    (
        median(
            pairs()
                .map(|(a, b)| a.0.as_secs_f64() / b.0.as_secs_f64())
                .collect(),
        ),
        median(pairs().map(|(a, b)| a.1 / b.1).collect()),
    )
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("run with `cargo bench --bench compile_time`");
        return;
    }
    let base = root().join("target/compile-bench");
    let target = base.join("target");
    let crates = [
        ("derive", Kind::Derive { schema: false }),
        ("derive-schema", Kind::Derive { schema: true }),
        ("serde", Kind::Serde),
        ("serde-alone", Kind::SerdeAlone),
    ];
    let dirs: Vec<PathBuf> = crates.iter().map(|(name, _)| base.join(name)).collect();
    for (dir, (name, kind)) in dirs.iter().zip(crates) {
        generate(dir, kind).unwrap_or_else(|e| panic!("generate the {name} crate: {e}"));
    }
    let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let [derive, with_schema, serde, serde_alone] = &check_times(&dirs, &target)[..] else {
        unreachable!("four crates")
    };
    println!(
        "cargo check of {STRUCTS} structs x {} mapped fields ({RUNS} rounds, taking turns):",
        FIELDS.len()
    );
    println!(
        "| derive | dependencies | wall (median) | CPU, cargo + rustc (median) |\n|---|---|---|---|"
    );
    let row = |name: &str, deps: &str, times: &[(Duration, f64)]| {
        let wall = median(times.iter().map(|t| t.0.as_secs_f64()).collect());
        let cpu = median(times.iter().map(|t| t.1).collect());
        println!(
            "| {name} | {deps} | {:.0} ms | {:.0} ms |",
            wall * 1000.0,
            cpu * 1000.0
        );
    };
    row("#[derive(IntoUserComUser)]", "usercom, serde", derive);
    row(
        &format!("#[derive(IntoUserComUser)] with a {SCHEMA_ATTRIBUTES}-attribute schema"),
        "usercom, serde",
        with_schema,
    );
    row(
        "#[derive(serde::Serialize)] (baseline)",
        "usercom, serde",
        serde,
    );
    row("#[derive(serde::Serialize)]", "serde", serde_alone);
    let (wall, cpu) = ratios(derive, serde);
    let (schema_wall, schema_cpu) = ratios(with_schema, serde);
    println!("\nratio to the baseline (median of the rounds' ratios):");
    println!("  without a schema: {wall:.3}x wall, {cpu:.3}x CPU");
    println!("  with a schema:    {schema_wall:.3}x wall, {schema_cpu:.3}x CPU");
    let (alone, _) = ratios(derive, serde_alone);
    let (schema_alone, _) = ratios(with_schema, serde_alone);
    println!(
        "ratio to serde alone (includes cargo's check of usercom's dependency tree), wall: {alone:.2}x, {schema_alone:.2}x"
    );

    // The same checks counted in instructions, which do not drift with the machine.
    if has_valgrind() {
        let counted = [
            ("#[derive(IntoUserComUser)]", dirs[0]),
            ("#[derive(IntoUserComUser)] with the schema", dirs[1]),
            ("#[derive(serde::Serialize)] (baseline)", dirs[2]),
        ];
        let counts = take_turns(counted.len(), INSTRUCTION_RUNS, |i| {
            instructions(counted[i].1, &target).expect("valgrind runs")
        });
        let medians: Vec<(f64, f64, f64)> = counts
            .iter()
            .map(|runs| {
                let total = median(runs.iter().map(|c| c.0 as f64).collect());
                let own = median(runs.iter().map(|c| c.1 as f64).collect());
                let spread = runs
                    .iter()
                    .map(|c| (c.0 as f64 - total).abs() / total)
                    .fold(0.0, f64::max);
                (total, own, spread)
            })
            .collect();
        println!(
            "\ninstructions of `cargo check` after a touch (valgrind, median of {INSTRUCTION_RUNS} runs):"
        );
        println!(
            "| derive | cargo + rustc | ratio | rustc's check of the crate | ratio | largest deviation |\n|---|---|---|---|---|---|"
        );
        let (base_total, base_own, _) = medians[2];
        for ((name, _), (total, own, spread)) in counted.iter().zip(&medians) {
            println!(
                "| {name} | {:.1} M | {:.3}x | {:.1} M | {:.3}x | {:.3}% |",
                total / 1e6,
                total / base_total,
                own / 1e6,
                own / base_own,
                spread * 100.0
            );
        }
    } else {
        println!(
            "\ninstruction counts skipped: valgrind is not installed (`apt-get install valgrind`)"
        );
    }

    // The derive crate alone, from nothing (its dependencies included), in a fresh target.
    let clean_target = base.join("clean-target");
    let _ = std::fs::remove_dir_all(&clean_target);
    let (clean, _) = cargo(&root(), &clean_target, &["build", "-p", "usercom-derive"]);
    println!("clean build of usercom-derive and its dependencies (debug): {clean:.2?}");
}
