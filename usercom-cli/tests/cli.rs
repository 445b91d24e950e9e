//! The `usercom` binary against the embedded server: real processes, real files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use usercom_mock::{AttributeDefinition, Fault, MockServer};

/// A key of the right shape (64 letters and digits) that the server does not accept.
const WRONG_KEY: &str = "wr0ngwr0ngwr0ngwr0ngwr0ngwr0ngwr0ngwr0ngwr0ngwr0ngwr0ngwr0ngwr0n";

/// The embedded server on its own runtime, and a fresh directory to run in.
struct App {
    server: MockServer,
    dir: tempfile::TempDir,
    // Dropped last: the server's tasks run on it.
    _runtime: tokio::runtime::Runtime,
}

impl App {
    fn start() -> App {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start());
        App {
            server,
            dir: tempfile::tempdir().unwrap(),
            _runtime: runtime,
        }
    }

    /// The file `name` in the directory the command runs in.
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `usercom --base-url <server> args...` in the directory, with the server's key.
    fn usercom(&self, args: &[&str]) -> Run {
        self.usercom_with_key(self.server.api_key(), args)
    }

    fn usercom_with_key(&self, key: &str, args: &[&str]) -> Run {
        let base = self.server.base_url();
        let mut command = self.command(args);
        command
            .arg("--base-url")
            .arg(&base)
            .env("USERCOM_API_KEY", key);
        execute(command, key)
    }

    /// `usercom args...` in the directory, with no `USERCOM_*` variable set.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_usercom"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("USERCOM_API_KEY")
            .env_remove("USERCOM_SUBDOMAIN");
        command
    }

    /// The names of the files in the directory (a pull must leave no temporary file).
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// What a run printed and how it ended.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `command`; whatever happens, `key` appears in neither output.
fn execute(mut command: Command, key: &str) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().unwrap();
    let run = Run {
        code: status.code(),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    };
    assert!(
        !run.stdout.contains(key) && !run.stderr.contains(key),
        "the key was printed: {run:?}"
    );
    run
}

/// Seven definitions: five of users (one of them `fixed`), two of other things.
fn definitions() -> Vec<AttributeDefinition> {
    vec![
        AttributeDefinition::user("seats", "integer").named("Seats"),
        AttributeDefinition::new("revenue", "float", "company"),
        AttributeDefinition::user("plan", "fixed").named("Plan"),
        AttributeDefinition::user("trial_ends", "date").named("Trial ends"),
        AttributeDefinition::new("stage", "string", "deal"),
        AttributeDefinition::user("beta", "boolean").named("Beta \"tester\""),
        AttributeDefinition::user("last_order", "datetime").named("Last order"),
    ]
}

/// The file a pull of [`definitions`] writes.
const PULLED: &str = r#"{
  "attributes": [
    {
      "name_std": "beta",
      "name": "Beta \"tester\"",
      "value_type": "boolean"
    },
    {
      "name_std": "last_order",
      "name": "Last order",
      "value_type": "datetime"
    },
    {
      "name_std": "plan",
      "name": "Plan",
      "value_type": "fixed"
    },
    {
      "name_std": "seats",
      "name": "Seats",
      "value_type": "integer"
    },
    {
      "name_std": "trial_ends",
      "name": "Trial ends",
      "value_type": "date"
    }
  ]
}
"#;

#[test]
fn pull_follows_every_page_and_keeps_only_user_attributes() {
    let app = App::start();
    app.server.set_attribute_definitions(definitions());
    app.server.set_attributes_page_size(2);

    let run = app.usercom(&["schema", "pull"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "+ beta (boolean) added in the app\n\
         + last_order (datetime) added in the app\n\
         + plan (fixed) added in the app\n\
         + seats (integer) added in the app\n\
         + trial_ends (date) added in the app\n\
         wrote 5 attributes to usercom.schema.json\n"
    );
    assert_eq!(run.stderr, "");
    assert_eq!(
        fs::read_to_string(app.file("usercom.schema.json")).unwrap(),
        PULLED
    );
    assert_eq!(app.files(), ["usercom.schema.json"]);

    // Four pages of at most two, each with the key, each once.
    let requests = app.server.requests();
    let pages: Vec<(&str, Option<&str>)> = requests
        .iter()
        .map(|r| (r.path.as_str(), r.query.as_deref()))
        .collect();
    assert_eq!(
        pages,
        [
            ("/api/public/attributes/", None),
            ("/api/public/attributes/", Some("cursor=2")),
            ("/api/public/attributes/", Some("cursor=4")),
            ("/api/public/attributes/", Some("cursor=6")),
        ]
    );
    let token = format!("Token {}", app.server.api_key());
    assert!(requests
        .iter()
        .all(|r| r.method == "GET" && r.header("authorization") == Some(token.as_str())));

    // Pulled again, nothing changed: the file is left alone.
    let again = app.usercom(&["schema", "pull"]);
    assert_eq!(again.code, Some(0), "{again:?}");
    assert_eq!(
        again.stdout,
        "usercom.schema.json is up to date (5 attributes); not rewritten\n"
    );
}

#[test]
fn pull_writes_where_out_says_and_the_default_page_size_is_100() {
    let app = App::start();
    app.server.set_attribute_definitions(
        (0..205).map(|i| AttributeDefinition::user(&format!("a{i:03}"), "string")),
    );
    fs::create_dir(app.file("config")).unwrap();
    let run = app.usercom(&["schema", "pull", "--out", "config/app.schema.json"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run
        .stdout
        .ends_with("\nwrote 205 attributes to config/app.schema.json\n"));
    let written = fs::read_to_string(app.file("config/app.schema.json")).unwrap();
    let schema = usercom_schema::Schema::parse(&written).unwrap();
    assert_eq!(schema.len(), 205);
    assert_eq!(app.server.request_count(), 3);
}

#[test]
fn pull_keeps_hand_written_choices_while_the_attribute_stays_fixed() {
    let app = App::start();
    let committed = r#"{"attributes": [
        {"name_std": "plan", "name": "Plan", "value_type": "fixed", "choices": ["free", "pro"]},
        {"name_std": "tier", "name": "Tier", "value_type": "fixed", "choices": ["a", "b"]},
        {"name_std": "gone", "name": "Gone", "value_type": "json"}
    ]}"#;
    fs::write(app.file("usercom.schema.json"), committed).unwrap();
    app.server.set_attribute_definitions([
        AttributeDefinition::user("plan", "fixed").named("Plan"),
        AttributeDefinition::user("tier", "string").named("Tier"),
    ]);
    let run = app.usercom(&["schema", "pull"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "- gone (json) removed from the app\n\
         ~ tier: value type fixed -> string\n\
         wrote 2 attributes to usercom.schema.json\n"
    );
    assert_eq!(
        fs::read_to_string(app.file("usercom.schema.json")).unwrap(),
        r#"{
  "attributes": [
    {
      "name_std": "plan",
      "name": "Plan",
      "value_type": "fixed",
      "choices": [
        "free",
        "pro"
      ]
    },
    {
      "name_std": "tier",
      "name": "Tier",
      "value_type": "string"
    }
  ]
}
"#
    );
}

#[test]
fn check_passes_when_the_file_matches_the_app() {
    let app = App::start();
    app.server.set_attribute_definitions(definitions());
    app.server.set_attributes_page_size(3);
    fs::write(app.file("usercom.schema.json"), PULLED).unwrap();
    let run = app.usercom(&["schema", "check"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        "usercom.schema.json matches the app (5 attributes)\n"
    );
    assert_eq!(run.stderr, "");
    // Hand-written choices are not drift (the app does not expose them).
    let with_choices = PULLED.replace(
        "\"value_type\": \"fixed\"",
        "\"value_type\": \"fixed\", \"choices\": [\"free\"]",
    );
    fs::write(app.file("mine.json"), &with_choices).unwrap();
    let run = app.usercom(&["schema", "check", "mine.json"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "mine.json matches the app (5 attributes)\n");
    assert_eq!(
        fs::read_to_string(app.file("mine.json")).unwrap(),
        with_choices,
        "check writes nothing"
    );
}

#[test]
fn check_exits_1_with_one_line_per_difference() {
    let cases: [(&str, Vec<AttributeDefinition>, &[&str]); 5] = [
        (
            "added",
            [
                definitions(),
                vec![AttributeDefinition::user("referrer", "string")],
            ]
            .concat(),
            &["+ referrer (string) added in the app"],
        ),
        (
            "removed",
            definitions()
                .into_iter()
                .filter(|d| d.name_std != "seats")
                .collect(),
            &["- seats (integer) removed from the app"],
        ),
        (
            "retyped",
            definitions()
                .into_iter()
                .map(|d| match d.name_std.as_str() {
                    "seats" => AttributeDefinition::user("seats", "float").named("Seats"),
                    _ => d,
                })
                .collect(),
            &["~ seats: value type integer -> float"],
        ),
        (
            "renamed",
            definitions()
                .into_iter()
                .map(|d| match d.name_std.as_str() {
                    "plan" => AttributeDefinition::user("plan", "fixed").named("Pricing plan"),
                    _ => d,
                })
                .collect(),
            &["~ plan: display name \"Plan\" -> \"Pricing plan\""],
        ),
        (
            "all at once",
            vec![
                AttributeDefinition::user("beta", "boolean").named("Beta \"tester\""),
                AttributeDefinition::user("last_order", "date").named("Last order"),
                AttributeDefinition::user("plan", "fixed").named("Plan"),
                AttributeDefinition::user("referrer", "string"),
                AttributeDefinition::user("trial_ends", "date").named("Trial ends"),
                // Only a company has `seats` now.
                AttributeDefinition::new("seats", "integer", "company"),
            ],
            &[
                "~ last_order: value type datetime -> date",
                "+ referrer (string) added in the app",
                "- seats (integer) removed from the app",
            ],
        ),
    ];
    for (kind, app_definitions, lines) in cases {
        let app = App::start();
        app.server.set_attribute_definitions(app_definitions);
        app.server.set_attributes_page_size(2);
        fs::write(app.file("usercom.schema.json"), PULLED).unwrap();
        let run = app.usercom(&["schema", "check"]);
        assert_eq!(run.code, Some(1), "{kind}: {run:?}");
        let expected: String = lines.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(run.stdout, expected, "{kind}");
        let n = lines.len();
        assert_eq!(
            run.stderr,
            format!(
                "usercom.schema.json does not match the app ({n} {}): run `usercom schema \
                 pull`, review the change and commit it\n",
                if n == 1 { "difference" } else { "differences" }
            ),
            "{kind}"
        );
        assert_eq!(
            fs::read_to_string(app.file("usercom.schema.json")).unwrap(),
            PULLED,
            "{kind}: check writes nothing"
        );
    }
}

/// Writes a committed file with hand-written choices; returns its exact bytes.
fn committed_file(path: &Path) -> Vec<u8> {
    let text = PULLED.replace(
        "\"value_type\": \"fixed\"",
        "\"value_type\": \"fixed\",\n      \"choices\": [\"free\", \"pro\"]",
    );
    fs::write(path, &text).unwrap();
    text.into_bytes()
}

#[test]
fn a_pull_failing_midway_leaves_the_old_file_byte_identical() {
    let app = App::start();
    let path = app.file("usercom.schema.json");
    let before = committed_file(&path);
    let mut changed = definitions();
    changed.push(AttributeDefinition::user("referrer", "string"));
    app.server.set_attribute_definitions(changed);
    app.server.set_attributes_page_size(2);
    // The second page fails on the first attempt and on each of the 3 retries.
    for _ in 0..4 {
        app.server.fault_when(
            |request| request.query.as_deref() == Some("cursor=2"),
            Fault::status(500),
        );
    }
    let run = app.usercom(&["schema", "pull"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: listing the app's attribute definitions failed: User.com answered 500: A \
         server error occurred.\n\
         note: usercom.schema.json was left unchanged\n"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(app.files(), ["usercom.schema.json"]);
    assert_eq!(app.server.request_count(), 5, "1 page, then 4 attempts");
    assert_eq!(app.server.pending_faults(), 0);

    // A page that succeeds on a retry does not fail the pull.
    app.server.fault_when(
        |request| request.query.as_deref() == Some("cursor=4"),
        Fault::status(503),
    );
    let run = app.usercom(&["schema", "pull"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run
        .stdout
        .starts_with("+ referrer (string) added in the app\n"));
}

#[test]
fn a_refused_key_reads_clearly_and_leaves_the_file_alone() {
    let app = App::start();
    app.server.set_attribute_definitions(definitions());
    let path = app.file("usercom.schema.json");
    let before = committed_file(&path);

    let run = app.usercom_with_key(WRONG_KEY, &["schema", "pull"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: User.com refused the API key (401): Invalid token.\n\
         hint: check USERCOM_API_KEY: it must be a public REST API key of this app (User.com: \
         Settings -> Public REST API keys), and USERCOM_SUBDOMAIN or --base-url must name the \
         app the key belongs to\n\
         note: usercom.schema.json was left unchanged\n"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(app.server.request_count(), 1, "a 401 is not retried");

    let run = app.usercom_with_key(WRONG_KEY, &["schema", "check"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run
        .stderr
        .starts_with("error: User.com refused the API key (401): Invalid token.\nhint: "));

    // A 403 has its own advice.
    app.server.push_fault(
        Fault::status(403)
            .with_body(r#"{"detail": "You do not have permission to perform this action."}"#),
    );
    let run = app.usercom(&["schema", "check"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.starts_with(
            "error: User.com refused the API key (403): You do not have permission to perform \
             this action.\nhint: the key in USERCOM_API_KEY was recognised but may not read \
             attribute definitions"
        ),
        "{run:?}"
    );
}

#[test]
fn a_malformed_or_missing_file_is_an_error_and_nothing_is_sent() {
    let app = App::start();
    app.server.set_attribute_definitions(definitions());
    let path = app.file("usercom.schema.json");
    let broken = "{\n  \"attributes\": [\n    {\"name_std\": \"plan\",}\n  ]\n}\n";
    fs::write(&path, broken).unwrap();
    let run = app.usercom(&["schema", "pull"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: usercom.schema.json is not a valid schema file: not valid JSON at line 3, \
         column 25: trailing comma\n\
         hint: fix the file at the place shown, or move it away and run `usercom schema pull` \
         again (its hand-written choices would then be lost)\n\
         note: usercom.schema.json was left unchanged\n"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), broken);
    let run = app.usercom(&["schema", "check"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run
        .stderr
        .starts_with("error: usercom.schema.json is not a valid schema file: "));

    let run = app.usercom(&["schema", "check", "missing.json"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: cannot read missing.json: no such file\n\
         hint: create it with `usercom schema pull`\n"
    );
    assert_eq!(app.server.request_count(), 0);
}

#[test]
fn a_value_type_usercom_does_not_know_is_an_error_naming_it() {
    let app = App::start();
    app.server.set_attribute_definitions([
        AttributeDefinition::user("seats", "integer"),
        AttributeDefinition::user("balance", "money"),
        // Not a user attribute: its type does not matter.
        AttributeDefinition::new("area", "polygon", "company"),
    ]);
    let path = app.file("usercom.schema.json");
    let before = committed_file(&path);
    let run = app.usercom(&["schema", "pull"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: the app's user attribute `balance` has the value type \"money\", which this \
         version of usercom does not know (it knows boolean, integer, float, string, date, \
         datetime, json, fixed)\n\
         hint: a newer version of usercom may know it\n\
         note: usercom.schema.json was left unchanged\n"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn the_app_comes_from_base_url_or_usercom_subdomain_and_the_key_from_the_environment() {
    let app = App::start();
    let key = app.server.api_key().to_owned();

    // No key: nothing is sent.
    let command = app.command(&["schema", "pull", "--base-url", &app.server.base_url()]);
    let run = execute(command, &key);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: USERCOM_API_KEY is not set: set it to a public REST API key of the app \
         (User.com: Settings -> Public REST API keys)\n\
         note: usercom.schema.json was left unchanged\n"
    );

    // No app.
    let mut command = app.command(&["schema", "check"]);
    command.env("USERCOM_API_KEY", &key);
    let run = execute(command, &key);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: no app is named: set USERCOM_SUBDOMAIN to your app's subdomain (`my-app` for \
         https://my-app.user.com), or pass --base-url URL\n"
    );

    // A subdomain that is no DNS label is refused before anything is sent.
    let mut command = app.command(&["schema", "check"]);
    command
        .env("USERCOM_API_KEY", &key)
        .env("USERCOM_SUBDOMAIN", "my app");
    let run = execute(command, &key);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: invalid client configuration: the subdomain \"my app\""),
        "{run:?}"
    );

    // A key of the wrong shape is described, never quoted.
    let short = "s3cr3t";
    let mut command = app.command(&["schema", "check", "--base-url", &app.server.base_url()]);
    command.env("USERCOM_API_KEY", short);
    let run = execute(command, short);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("the API key must be exactly 64"));
    assert_eq!(app.server.request_count(), 0);

    // --base-url wins over USERCOM_SUBDOMAIN, before or after the subcommand.
    fs::write(app.file("usercom.schema.json"), "{\"attributes\": []}").unwrap();
    let base = app.server.base_url();
    for args in [
        ["--base-url", &base, "schema", "check"],
        ["schema", "check", "--base-url", &base],
    ] {
        let mut command = app.command(&args);
        command
            .env("USERCOM_API_KEY", &key)
            .env("USERCOM_SUBDOMAIN", "elsewhere");
        let run = execute(command, &key);
        assert_eq!(run.code, Some(0), "{args:?}: {run:?}");
        assert_eq!(
            run.stdout,
            "usercom.schema.json matches the app (0 attributes)\n"
        );
    }
}

#[test]
fn help_explains_the_commands_the_variables_and_the_exit_codes() {
    let app = App::start();
    for args in [
        &["--help"][..],
        &["schema", "--help"],
        &["schema", "pull", "--help"],
        &["schema", "check", "--help"],
    ] {
        let run = execute(app.command(args), MockServer::API_KEY);
        assert_eq!(run.code, Some(0), "{args:?}: {run:?}");
        for needle in [
            "USERCOM_API_KEY",
            "USERCOM_SUBDOMAIN",
            "--base-url",
            "Exit status:",
            "1  `check` only",
        ] {
            assert!(run.stdout.contains(needle), "{args:?} lacks {needle}");
        }
    }
    let top = execute(app.command(&["--help"]), MockServer::API_KEY);
    assert!(top.stdout.contains("usercom.schema.json"));
    let pull = execute(
        app.command(&["schema", "pull", "--help"]),
        MockServer::API_KEY,
    );
    assert!(pull.stdout.contains("--out <PATH>"));
    assert!(pull
        .stdout
        .contains("the old file is left exactly as it was"));
    let check = execute(
        app.command(&["schema", "check", "--help"]),
        MockServer::API_KEY,
    );
    assert!(check.stdout.contains("[PATH]"));

    let usage = execute(app.command(&["schema", "push"]), MockServer::API_KEY);
    assert_eq!(usage.code, Some(2), "{usage:?}");
    assert!(usage.stderr.contains("unrecognized subcommand 'push'"));
    assert_eq!(app.server.request_count(), 0);
}
