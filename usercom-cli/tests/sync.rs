//! `usercom sync status` and `usercom sync reset` on an SQLite store a sync wrote.

use usercom_cli::{run, Env, EXIT_ERROR, EXIT_OK};
use usercom_core::{Client, CreateUser, RetryPolicy};
use usercom_mock::MockServer;
use usercom_sync::Store;

fn usercom(args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["usercom"];
    argv.extend_from_slice(args);
    let code = run(argv, &Env::default(), &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn status_shows_counts_the_last_run_and_the_failing_keys_and_reset_forgets_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db").display().to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    runtime.block_on(async {
        let client = Client::builder()
            .base_url(&server.base_url())
            .api_key(MockServer::API_KEY)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        let store = Store::sqlite(&path).await.unwrap();
        let users = [
            CreateUser::new().user_id("u1").email("u1@example.org"),
            CreateUser::new().user_id("u2").email("not-an-address"),
        ];
        let report = store.sync_users(&client, &users).await.unwrap();
        assert_eq!((report.created, report.failed.len()), (1, 1));
    });
    // The store is closed (dropped) before the command opens it.
    let (code, out, err) = usercom(&["sync", "status", "--store", &path]);
    assert_eq!(code, EXIT_OK, "{err}");
    assert!(out.contains(&format!("store: {path}\n")), "{out}");
    assert!(out.contains("users: 1\n"), "{out}");
    assert!(
        out.contains("2 seen, 0 unchanged, 1 created, 0 updated, 0 cleared, 0 deleted, 1 failed"),
        "{out}"
    );
    assert!(
        out.contains("failing: 1\n  user u2 (check, 1 attempts since "),
        "{out}"
    );
    assert!(out.contains("email"), "{out}");
    let (code, out, err) = usercom(&["sync", "reset", "--store", &path]);
    assert_eq!(code, EXIT_OK, "{err}");
    assert!(
        out.contains("forgot 1 users, 0 events and 1 failures"),
        "{out}"
    );
    let (_, out, _) = usercom(&["sync", "status", "--store", &format!("sqlite://{path}")]);
    assert!(
        out.contains("users: 0\n") && out.contains("last run: none"),
        "{out}"
    );
}

#[test]
fn a_store_that_cannot_be_opened_is_a_clear_error() {
    let (code, _, err) = usercom(&["sync", "status", "--store", "mysql://db/app"]);
    assert_eq!(code, EXIT_ERROR);
    assert!(
        err.starts_with("error: cannot open the sync store mysql://db/app"),
        "{err}"
    );
    let (code, _, err) = usercom(&["sync", "status"]);
    assert_eq!(code, EXIT_ERROR);
    assert!(err.contains("--store"), "{err}");
}
