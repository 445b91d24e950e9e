//! End-to-end throughput and memory, against the embedded server in a process of its own.
//!
//! ```text
//! cargo bench --bench throughput              # creates/s at concurrency 1, 8, 64, vs wrk and Python
//! cargo bench --bench throughput -- memory    # peak RSS over 100,000 creates
//! ```
//!
//! Throughput: 5,000 creates at each concurrency, in users/s, compared in the same run with
//! `wrk` sending the identical request to the same server (the ceiling; goal: at least 70% of
//! it at concurrency 64) and with a Python `requests.Session` loop doing the seed's own Python
//! example (what users would otherwise write). `wrk` (Debian package `wrk`) and Python's
//! `requests` are optional: without them their rows say how to get them.
//!
//! Memory: 100,000 creates through the bulk API at concurrency 64; the peak resident set
//! (VmHWM) of this process is read at 10,000 and at 100,000 users. It must stay flat.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use futures_util::StreamExt;
use usercom::{Client, IntoUserComUser};

const THROUGHPUT_USERS: usize = 5_000;
const MEMORY_USERS: usize = 100_000;

#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(first_name)]
    first_name: &'static str,
    #[usercom(last_name)]
    last_name: &'static str,
}

fn customer(i: usize) -> Customer {
    Customer {
        email: format!("user{i}@example.org"),
        first_name: "John",
        last_name: "Doe",
    }
}

/// The embedded server, serving from a child process (this binary with `--serve`).
struct Server {
    child: Child,
    base_url: String,
    api_key: String,
}

impl Server {
    fn spawn() -> Server {
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("piped"))
            .read_line(&mut line)
            .expect("the server prints its URL");
        let mut parts = line.split_whitespace();
        let base_url = parts.next().expect("a URL").to_owned();
        let api_key = parts.next().expect("a key").to_owned();
        Server {
            child,
            base_url,
            api_key,
        }
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.base_url)
            .api_key(&self.api_key)
            .build()
            .expect("valid settings")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// `--serve`: run the embedded server until standard input closes.
fn serve() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = usercom_mock::MockServer::start().await;
        server.record_requests(false);
        println!("{} {}", server.base_url(), server.api_key());
        std::io::stdout().flush().expect("stdout");
        tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin()
                .read_line(&mut sink)
                .map(|n| n > 0)
                .unwrap_or(false)
            {}
        })
        .await
        .expect("stdin watcher");
    });
}

async fn ours(client: &Client, concurrency: usize, users: usize) -> f64 {
    let started = Instant::now();
    let mut outcomes = client.create_users((0..users).map(customer), concurrency);
    let mut failed = 0;
    while let Some((_, result)) = outcomes.next().await {
        failed += usize::from(result.is_err());
    }
    assert_eq!(failed, 0, "creates failed during the benchmark");
    users as f64 / started.elapsed().as_secs_f64()
}

fn wrk(server: &Server, body: &str) -> Result<f64, String> {
    let script = std::env::temp_dir().join("usercom-wrk.lua");
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = [[{body}]]\n\
             wrk.headers[\"Content-Type\"] = \"application/json\"\n\
             wrk.headers[\"Authorization\"] = \"Token {}\"\n",
            server.api_key
        ),
    )
    .map_err(|e| e.to_string())?;
    let output = Command::new("wrk")
        .args(["-t", "1", "-c", "64", "-d", "5s", "-s"])
        .arg(&script)
        .arg(format!("{}users/", server.base_url))
        .output()
        .map_err(|_| "wrk not found: apt-get install wrk".to_owned())?;
    let text = String::from_utf8_lossy(&output.stdout);
    if text.contains("Non-2xx") {
        return Err(format!("wrk saw errors:\n{text}"));
    }
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no rate in wrk's output:\n{text}"))
}

fn python(server: &Server, users: usize) -> Result<f64, String> {
    // The seed's Python example, in a `requests.Session` loop.
    let program = format!(
        r#"
import json, sys, time
import requests
url = "{url}users/"
headers = {{'authorization': "Token {key}", 'content-type': "application/json"}}
session = requests.Session()
start = time.perf_counter()
for i in range({users}):
    payload = json.dumps({{"email": "py%d@example.org" % i, "first_name": "John", "last_name": "Doe"}})
    response = session.request("POST", url, data=payload, headers=headers)
    assert response.status_code == 201, response.text
print({users} / (time.perf_counter() - start))
"#,
        url = server.base_url,
        key = server.api_key,
    );
    let output = Command::new("python3")
        .arg("-c")
        .arg(program)
        .output()
        .map_err(|_| "python3 not found".to_owned())?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        if err.contains("No module named 'requests'") {
            return Err("Python requests not installed: pip install requests".into());
        }
        return Err(err.into_owned());
    }
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("{e}"))
}

/// The client's runtime: one thread, like `wrk -t 1`, leaving the other core to the server.
fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn throughput() {
    let server = Server::spawn();
    let runtime = client_runtime();
    let client = server.client();
    println!("end-to-end creates against the embedded server ({THROUGHPUT_USERS} users each)");
    println!("| client | concurrency | users/s |");
    println!("|---|---|---|");
    let mut at = Vec::new();
    for concurrency in [1, 8, 64] {
        let rate = runtime.block_on(ours(&client, concurrency, THROUGHPUT_USERS));
        println!("| usercom | {concurrency} | {rate:.0} |");
        at.push((concurrency, rate));
    }
    let body = String::from_utf8(
        client
            .create_user_body(&customer(0))
            .expect("a valid payload"),
    )
    .expect("JSON is UTF-8");
    let ours_at = |c: usize| {
        at.iter()
            .find(|(k, _)| *k == c)
            .map(|(_, r)| *r)
            .unwrap_or(0.0)
    };
    match wrk(&server, &body) {
        Ok(rate) => {
            println!("| wrk (ceiling) | 64 | {rate:.0} |");
            println!(
                "\nusercom at concurrency 64 reaches {:.0}% of wrk's rate (goal: at least 70%)",
                100.0 * ours_at(64) / rate
            );
        }
        Err(why) => println!("| wrk (ceiling) | 64 | skipped: {why} |"),
    }
    match python(&server, 2_000) {
        Ok(rate) => {
            println!("| Python requests.Session | 1 | {rate:.0} |");
            println!(
                "usercom at concurrency 1 is {:.2}x the Python loop; at 64, {:.1}x",
                ours_at(1) / rate,
                ours_at(64) / rate
            );
        }
        Err(why) => println!("| Python requests.Session | 1 | skipped: {why} |"),
    }
}

/// Peak resident set size of this process, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn memory() {
    let server = Server::spawn();
    let runtime = client_runtime();
    let client = server.client();
    runtime.block_on(async {
        let started = Instant::now();
        let mut outcomes = client.create_users((0..MEMORY_USERS).map(customer), 64);
        let (mut done, mut failed) = (0usize, 0usize);
        let mut at_10k = None;
        while let Some((_, result)) = outcomes.next().await {
            done += 1;
            failed += usize::from(result.is_err());
            if done == 10_000 {
                at_10k = peak_rss_kib();
            }
        }
        let at_100k = peak_rss_kib();
        println!(
            "{done} creates ({failed} failed) in {:.1?} at concurrency 64",
            started.elapsed()
        );
        match (at_10k, at_100k) {
            (Some(a), Some(b)) => println!(
                "peak RSS of the client process: {a} KiB at 10,000 users, {b} KiB at 100,000 \
                 ({:+.1}%)",
                100.0 * (b as f64 - a as f64) / a as f64
            ),
            _ => println!("peak RSS: not available on this platform (needs /proc)"),
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--serve") {
        return serve();
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: do little then.
    if !args.iter().any(|a| a == "--bench") {
        println!("run with `cargo bench --bench throughput`");
        return;
    }
    if args.iter().any(|a| a == "memory") {
        memory();
    } else {
        throughput();
    }
}
