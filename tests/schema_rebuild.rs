//! Editing the schema file re-runs the derive on the next build, with no `cargo clean`: a
//! scratch crate is checked, its schema edited, and checked again.

use std::path::{Path, PathBuf};
use std::process::Command;

const MAIN: &str = r#"
#[derive(usercom::IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "plan")]
    plan: String,
}

fn main() {
    let customer = Customer { email: "a@example.org".into(), plan: "pro".into() };
    let _ = usercom::IntoUserComUser::to_create_user(&customer);
}
"#;

fn schema(name: &str, value_type: &str) -> String {
    format!(
        r#"{{"attributes": [{{"name_std": "{name}", "name": "X", "value_type": "{value_type}"}}]}}"#
    )
}

/// `cargo check` of the scratch crate: whether it passed, and what it printed.
fn check(dir: &Path, target: &Path) -> (bool, String) {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--offline", "--message-format=short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("USERCOM_SCHEMA")
        .output()
        .expect("cargo runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn editing_the_schema_re_runs_the_derive() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Inside the project's target directory, which also holds the compiled dependencies
    // that this build reuses (the UI tests' crate).
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = target.join("schema-rebuild");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"schema-rebuild\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\nusercom = {{ path = {:?} }}\n\n[workspace]\n",
            root.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), MAIN).unwrap();
    // Reuse the workspace's lock file: the same dependency versions, nothing to resolve.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let build_dir = target.join("schema-rebuild-target");

    std::fs::write(dir.join("usercom.schema.json"), schema("plan", "string")).unwrap();
    let (ok, out) = check(&dir, &build_dir);
    assert!(ok, "the schema has `plan` as a string:\n{out}");

    // The attribute is renamed in the app: the same sources no longer compile.
    std::fs::write(
        dir.join("usercom.schema.json"),
        schema("plan_name", "string"),
    )
    .unwrap();
    let (ok, out) = check(&dir, &build_dir);
    assert!(!ok, "`plan` is gone from the schema, the build must fail");
    assert!(
        out.contains("the app has no custom attribute `plan`"),
        "{out}"
    );
    assert!(out.contains("did you mean `plan_name`?"), "{out}");

    // Retyped: the field's type no longer fits.
    std::fs::write(dir.join("usercom.schema.json"), schema("plan", "integer")).unwrap();
    let (ok, out) = check(&dir, &build_dir);
    assert!(!ok, "`plan` is an integer now, the build must fail");
    assert!(
        out.contains("`String` does not fit the User.com custom attribute `plan`, whose value type in the schema is `integer`"),
        "{out}"
    );

    // Back as it was: the build passes again.
    std::fs::write(dir.join("usercom.schema.json"), schema("plan", "string")).unwrap();
    let (ok, out) = check(&dir, &build_dir);
    assert!(ok, "{out}");
}
