//! The resumable bulk import: killed midway and run again with its journal, it finishes
//! the file without creating any user twice (create mode) and with exact counts.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use examples::import::{import, read_journal, Entry, ImportError, Mode, Options};
use usercom::Client;
use usercom_mock::MockServer;

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "usercom-import-{name}-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A CSV file of `rows` valid rows, ids 1 to `rows`.
fn csv(dir: &Path, rows: u64) -> PathBuf {
    let mut text = String::from("id,email,first_name,last_name,score,plan,newsletter\n");
    for id in 1..=rows {
        text.push_str(&format!(
            "{id},user{id}@example.org,Ada,Lovelace,{id},pro,true\n"
        ));
    }
    let path = dir.join("users.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(&server.base_url())
        .api_key(server.api_key())
        .build()
        .unwrap()
}

/// How many users the server stores per `user_id`.
fn stored(server: &MockServer) -> HashMap<u64, usize> {
    let mut counts = HashMap::new();
    for user in server.users() {
        let id: u64 = user.attributes["user_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        *counts.entry(id).or_default() += 1;
    }
    counts
}

fn options(mode: Mode, concurrency: usize, journal: &Path) -> Options {
    let mut options = Options::new(mode, concurrency);
    options.journal = Some(journal.to_owned());
    options
}

/// Concurrency 1, a batch of 1: the crash after the 20th outcome leaves rows 1-19 done in
/// the journal, row 20 created but only started, rows 21-50 untouched.
async fn crash_after_twenty_then_resume(mode: Mode) -> (MockServer, examples::import::Summary) {
    let dir = scratch(if mode == Mode::Create {
        "create"
    } else {
        "upsert"
    });
    let file = csv(&dir, 50);
    let journal = dir.join("journal");
    let server = MockServer::start().await;
    let client = client(&server);

    let mut first = options(mode, 1, &journal);
    first.crash_after = Some(20);
    let crashed = import(&client, &file, &first).await;
    assert!(matches!(crashed, Err(ImportError::Crashed)), "{crashed:?}");
    assert_eq!(server.user_count(), 20);
    let entries = read_journal(&journal).unwrap();
    assert_eq!(entries.len(), 20);
    assert_eq!(entries.values().filter(|e| **e == Entry::Done).count(), 19);
    assert_eq!(entries[&20], Entry::Started);

    let summary = import(&client, &file, &options(mode, 1, &journal))
        .await
        .unwrap();
    assert_eq!(summary.rows, 50);
    assert_eq!(summary.skipped, 19);
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert!(!summary.interrupted);
    let _ = std::fs::remove_dir_all(&dir);
    (server, summary)
}

#[tokio::test]
async fn a_create_import_resumed_after_a_crash_creates_no_duplicate() {
    let (server, summary) = crash_after_twenty_then_resume(Mode::Create).await;
    // Row 20 (file line 21) may exist: listed, not sent again. The 30 others are created.
    assert_eq!(summary.unknown, vec![(21, 20)]);
    assert_eq!(
        (summary.created, summary.updated, summary.resent),
        (30, 0, 0)
    );
    let stored = stored(&server);
    assert_eq!(stored.len(), 50);
    assert!(stored.values().all(|&n| n == 1), "a user created twice");
    assert_eq!(server.user_count(), 50);
}

#[tokio::test]
async fn an_upsert_import_resumed_after_a_crash_sends_the_unknown_row_again() {
    let (server, summary) = crash_after_twenty_then_resume(Mode::Upsert).await;
    // Row 20 is upserted again: it exists, so it is updated.
    assert!(summary.unknown.is_empty());
    assert_eq!(
        (summary.created, summary.updated, summary.resent),
        (30, 1, 1)
    );
    assert_eq!(server.user_count(), 50);
    assert!(stored(&server).values().all(|&n| n == 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_create_import_resumed_after_a_crash_accounts_for_every_row() {
    const ROWS: u64 = 200;
    let dir = scratch("concurrent");
    let file = csv(&dir, ROWS);
    let journal = dir.join("journal");
    let server = MockServer::start().await;
    server.set_latency(Duration::from_millis(5));
    let client = client(&server);

    let mut first = options(Mode::Create, 8, &journal);
    first.crash_after = Some(60);
    assert!(matches!(
        import(&client, &file, &first).await,
        Err(ImportError::Crashed)
    ));
    let entries = read_journal(&journal).unwrap();
    let done: HashSet<u64> = entries
        .iter()
        .filter(|(_, e)| **e == Entry::Done)
        .map(|(id, _)| *id)
        .collect();
    let started: HashSet<u64> = entries
        .iter()
        .filter(|(_, e)| **e == Entry::Started)
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(done.len(), 59);
    // Let the requests the crash abandoned reach the server, as they would after a kill.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let summary = import(&client, &file, &options(Mode::Create, 8, &journal))
        .await
        .unwrap();
    let unknown: HashSet<u64> = summary.unknown.iter().map(|(_, id)| *id).collect();
    assert_eq!(
        unknown, started,
        "the rows started and not finished are listed"
    );
    assert_eq!(summary.skipped, 59);
    assert_eq!(summary.created as u64, ROWS - 59 - started.len() as u64);
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);

    let stored = stored(&server);
    assert!(stored.values().all(|&n| n == 1), "a user created twice");
    // Every row is on the server once, except the unknown ones whose request never arrived.
    for id in 1..=ROWS {
        if !unknown.contains(&id) {
            assert_eq!(stored.get(&id), Some(&1), "row {id}");
        }
    }
    let missing = unknown.iter().filter(|id| !stored.contains_key(id)).count();
    assert_eq!(server.user_count(), ROWS as usize - missing);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The binary itself, killed (SIGKILL) midway and run again with its journal, against an
/// embedded server that outlives it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bulk_import_binary_killed_midway_resumes_without_duplicates() {
    const ROWS: u64 = 300;
    let dir = scratch("kill");
    let file = csv(&dir, ROWS);
    let journal = dir.join("journal");
    let server = MockServer::start().await;
    server.set_latency(Duration::from_millis(20));
    let run = |server: &MockServer| {
        Command::new(env!("CARGO_BIN_EXE_bulk_import"))
            .args(["--create", "--journal"])
            .arg(&journal)
            .arg(&file)
            .arg("4")
            .env("USERCOM_BASE_URL", server.base_url())
            .env("USERCOM_API_KEY", server.api_key())
            .env_remove("USERCOM_SUBDOMAIN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };

    let mut child = run(&server);
    let done = |journal: &Path| {
        read_journal(journal)
            .unwrap()
            .values()
            .filter(|e| **e == Entry::Done)
            .count()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while done(&journal) < 40 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let entries = read_journal(&journal).unwrap();
    let finished = entries.values().filter(|e| **e == Entry::Done).count();
    assert!(finished >= 40 && (finished as u64) < ROWS, "{finished}");
    let started: HashSet<u64> = entries
        .iter()
        .filter(|(_, e)| **e == Entry::Started)
        .map(|(id, _)| *id)
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let output = tokio::task::spawn_blocking({
        let child = run(&server);
        move || child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    // "  line 42 (id 41)" for each row listed as unknown.
    let unknown: HashSet<u64> = stdout
        .lines()
        .filter_map(|line| line.split("(id ").nth(1))
        .map(|rest| rest.trim_end_matches(')').parse().unwrap())
        .collect();
    assert_eq!(unknown, started, "{stdout}");
    assert!(stdout.contains(&format!("skipped {finished},")), "{stdout}");
    assert!(stdout.contains("failed 0"), "{stdout}");

    let stored = stored(&server);
    assert!(stored.values().all(|&n| n == 1), "a user created twice");
    for id in 1..=ROWS {
        if !unknown.contains(&id) {
            assert_eq!(stored.get(&id), Some(&1), "row {id}");
        }
    }
    let missing = unknown.iter().filter(|id| !stored.contains_key(id)).count();
    assert_eq!(server.user_count(), ROWS as usize - missing);
    let _ = std::fs::remove_dir_all(&dir);
}
