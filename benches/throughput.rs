//! End-to-end throughput, the client's own CPU cost, and memory.
//!
//! ```text
//! cargo bench --bench throughput              # both tables below
//! cargo bench --bench throughput -- fixed     # only the client's cost, on a fixed-response server
//! cargo bench --bench throughput -- embedded  # only the embedded-server table
//! cargo bench --bench throughput -- memory    # peak RSS over 100,000 creates
//! cargo bench --bench throughput -- profile   # one client alone on the fixed-response server
//! ```
//!
//! **The client's own cost** (the first table). A fixed-response server answers every request
//! with `201` and the seed's sample body, as fast as a server can: nginx with one worker
//! process when `nginx` is installed (Debian: `apt-get install nginx-light`), else a minimal
//! HTTP/1.1 responder of this file on a one-thread runtime in a process of its own
//! (`USERCOM_BENCH_SERVER=builtin` forces it). The bench prints which one it used. Against it,
//! four clients take turns at concurrency 1 and 64, 3 s each, for 3 rounds, the order
//! rotating by round; medians are reported:
//!
//! - usercom's `create_users` on a one-thread runtime;
//! - **reqwest alone**: the HTTP stack usercom is built on, configured as usercom configures
//!   it, sending the identical request (its bytes made once) through the same
//!   `buffer_unordered` and reading each answer's body whole, undecoded, on the same runtime;
//! - **hyper-util alone**: the same with hyper-util's client, the one reqwest wraps;
//! - `wrk -t1` (Debian package `wrk`), the identical request from a Lua script.
//!
//! Next to the rates it reports CPU time: this process's own user and system time per request
//! (from `/proc/self/stat`; the server runs in another process) and `wrk`'s (the
//! `cutime`/`cstime` its process adds when it ends). usercom's own cost is its CPU per create
//! less reqwest's alone in the same round. Goals, as ratios of the same round: the client's
//! CPU per create at most 2x `wrk`'s per request; creates/s at least 50% of `wrk`'s
//! requests/s at concurrency 64, at least 70% at concurrency 1. The two baselines show how
//! much of each ratio the HTTP stack underneath takes on its own.
//!
//! **Against the embedded server** (the second table): 5,000 creates at each concurrency
//! against `usercom-mock` in a process of its own, compared with `wrk` sending the identical
//! request to it and with a Python `requests.Session` loop doing the seed's own Python example
//! (what users would otherwise write). This server is slower than the client, so the rates
//! there measure it as much as the client. `wrk` and Python's `requests` are optional:
//! without them their rows say how to get them.
//!
//! **Memory**: 100,000 creates through the bulk API at concurrency 64; the peak resident set
//! (VmHWM) of this process is read at 10,000 and at 100,000 users. It must stay flat.
//!
//! **Profile**: usercom alone against the fixed-response server, at concurrency 64 for 10 s
//! (`USERCOM_BENCH_CONCURRENCY` to change it; `USERCOM_BENCH_CLIENT=reqwest` or `hyper` runs
//! a baseline instead), for a profiler to record; it prints the requests/s and the CPU per
//! request of the run. Release builds have no frame pointers, so
//! record with DWARF call graphs, then group the samples by who is responsible with
//! `benches/profile_groups.py` (BENCHMARKS.md, "Where one create's CPU goes"):
//!
//! ```text
//! perf record -F 999 --call-graph dwarf,16384 -o perf.data -- \
//!     target/release/deps/throughput-<hash> --bench profile
//! perf script -i perf.data --no-inline -F comm,ip,sym,dso > perf.txt
//! python3 benches/profile_groups.py perf.txt -v
//! ```
//!
//! CPU times come from `/proc` (Linux); elsewhere those columns say so.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/cpu.rs"]
mod cpu;
#[path = "support/nginx.rs"]
mod nginx;
use cpu::Cpu;

use futures_util::StreamExt;
use usercom::{Client, IntoUserComUser};

const THROUGHPUT_USERS: usize = 5_000;
const MEMORY_USERS: usize = 100_000;
/// Each turn of the fixed-response comparison.
const TURN: Duration = Duration::from_secs(3);
const ROUNDS: usize = 3;
/// What the fixed-response server answers: the seed's sample.
const SEED: &[u8] = include_bytes!("../tests/fixtures/seed_create_user_response.json");
/// Any well-formed key: the fixed-response server does not check it.
const FIXED_KEY: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01";

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

/// How busy the machine is: the load averages and the number of `rustc` processes running.
fn machine_load() -> String {
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into());
    let rustc = std::fs::read_dir("/proc")
        .map(|entries| {
            entries
                .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("comm")).ok())
                .filter(|comm| comm.trim() == "rustc")
                .count()
        })
        .unwrap_or(0);
    format!("load average {load}; {rustc} rustc processes running")
}

/// A child process serving HTTP, stopped when dropped.
struct Server {
    process: Process,
    base_url: String,
    api_key: String,
    /// What it is, for the report.
    name: String,
}

/// The server's process.
enum Process {
    /// This binary with a flag; it stops when its standard input closes.
    OwnBinary(Child),
    /// nginx, stopped when dropped.
    Nginx { _running: nginx::Nginx },
}

impl Server {
    /// The embedded server, in a child process (this binary with `--serve`).
    fn embedded() -> Server {
        Server::of_this_binary(
            "--serve",
            "the embedded server (usercom-mock, one worker thread)",
        )
    }

    /// This binary with `flag`, which prints `<base URL> <API key>` when it is ready.
    fn of_this_binary(flag: &str, name: &str) -> Server {
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .arg(flag)
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
            process: Process::OwnBinary(child),
            base_url,
            api_key,
            name: name.to_owned(),
        }
    }

    /// The fixed-response server: nginx when installed, else the built-in responder.
    fn fixed() -> Server {
        let builtin = || {
            Server::of_this_binary(
                "--serve-fixed",
                "the built-in fixed-response HTTP/1.1 server (one thread, in a process of its own)",
            )
        };
        if std::env::var("USERCOM_BENCH_SERVER").as_deref() == Ok("builtin") {
            return builtin();
        }
        let Some(nginx) = nginx::find_program("nginx") else {
            println!(
                "nginx not found (apt-get install nginx-light): using the built-in fixed-response \
                 server"
            );
            return builtin();
        };
        match Server::nginx(&nginx) {
            Ok(server) => server,
            Err(why) => {
                println!("nginx could not start ({why}): using the built-in fixed-response server");
                builtin()
            }
        }
    }

    /// nginx, one worker process, answering every request with `201` and the seed's sample.
    fn nginx(nginx: &Path) -> Result<Server, String> {
        let text = std::str::from_utf8(SEED).map_err(|e| e.to_string())?;
        if text.contains('$') {
            return Err("the sample holds `$`, which nginx would read as a variable".into());
        }
        let body = text.replace('\\', "\\\\").replace('\'', "\\'");
        let version = nginx::version(nginx);
        let nginx = nginx::Nginx::start(
            nginx,
            "",
            &format!(
                "    location / {{\n      default_type application/json;\n\
                 return 201 '{body}';\n    }}"
            ),
        )?;
        Ok(Server {
            base_url: format!("http://127.0.0.1:{}/", nginx.port),
            api_key: FIXED_KEY.to_owned(),
            name: format!("{version} (one worker process, `return 201` with the seed's sample)"),
            process: Process::Nginx { _running: nginx },
        })
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
        if let Process::OwnBinary(child) = &mut self.process {
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }
}

/// Reads standard input until it closes: the parent has gone or is done.
fn until_stdin_closes() {
    let mut sink = String::new();
    while std::io::stdin()
        .read_line(&mut sink)
        .map(|n| n > 0)
        .unwrap_or(false)
    {}
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
        tokio::task::spawn_blocking(until_stdin_closes)
            .await
            .expect("stdin watcher");
    });
}

/// `--serve-fixed`: answer every request with `201` and the seed's sample, on one thread,
/// until standard input closes. Requests are read whole (head, then `Content-Length` bytes
/// of body) and answered in order; keep-alive, pipelining allowed.
fn serve_fixed() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!(
            "http://{}/ {FIXED_KEY}",
            listener.local_addr().expect("address")
        );
        std::io::stdout().flush().expect("stdout");
        let serve = async {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer_fixed(stream));
            }
        };
        tokio::select! {
            _ = tokio::task::spawn_blocking(until_stdin_closes) => {}
            _ = serve => {}
        }
    });
}

async fn answer_fixed(mut stream: tokio::net::TcpStream) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.set_nodelay(true)?;
    let mut response = format!(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        SEED.len()
    )
    .into_bytes();
    response.extend_from_slice(SEED);
    let (mut received, mut out) = (Vec::with_capacity(16 * 1024), Vec::new());
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        received.extend_from_slice(&chunk[..n]);
        let mut used = 0;
        while let Some(len) = request_len(&received[used..]) {
            used += len;
            out.extend_from_slice(&response);
        }
        received.drain(..used);
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
    }
}

/// The length of the first whole request (head and body) at the start of `bytes`.
fn request_len(bytes: &[u8]) -> Option<usize> {
    let head = bytes.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let body = String::from_utf8_lossy(&bytes[..head])
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    (bytes.len() >= head + body).then_some(head + body)
}

/// What one turn measured.
#[derive(Clone, Copy, Debug)]
struct Turn {
    /// Requests (creates) per second.
    rate: f64,
    /// CPU per request, in µs, user and system; `None` without `/proc`.
    cpu: Option<(f64, f64)>,
}

impl Turn {
    fn cpu_total(&self) -> Option<f64> {
        self.cpu.map(|(user, system)| user + system)
    }
}

/// usercom: creates at `concurrency` for `inputs` (pulled lazily), timed, with this process's
/// CPU time per create.
async fn ours(
    client: &Client,
    concurrency: usize,
    inputs: impl Iterator<Item = usize> + Send,
) -> Turn {
    let before = Cpu::now();
    let started = Instant::now();
    let mut outcomes = client.create_users(inputs.map(customer), concurrency);
    let (mut done, mut failed) = (0usize, 0usize);
    while let Some((_, result)) = outcomes.next().await {
        done += 1;
        failed += usize::from(result.is_err());
    }
    assert_eq!(failed, 0, "creates failed during the benchmark");
    per_request(before, started, done)
}

/// Which HTTP client a baseline turn drives: the transport usercom is built on, without
/// usercom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bare {
    /// `reqwest` as usercom configures it (default `Authorization` header, timeouts, no
    /// redirects): the request built from the body's bytes, the answer's status checked and
    /// its body read whole, not decoded.
    Reqwest,
    /// hyper-util's client (the connection pool reqwest itself uses) on hyper: the same
    /// request and the same reading of the answer, without reqwest.
    Hyper,
}

impl Bare {
    fn name(self) -> &'static str {
        match self {
            Bare::Reqwest => "reqwest alone",
            Bare::Hyper => "hyper-util alone",
        }
    }
}

/// A `Bare` client sending `body` to the server's create URL at `concurrency` for `inputs`;
/// its rate and this process's CPU time per request.
async fn bare(
    which: Bare,
    server: &Server,
    body: &str,
    concurrency: usize,
    inputs: impl Iterator<Item = usize>,
) -> Turn {
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    let url = format!("{}users/", server.base_url);
    let auth = format!("Token {}", server.api_key);
    let user_agent = concat!("usercom-rust/", env!("CARGO_PKG_VERSION"));
    let body = Bytes::copy_from_slice(body.as_bytes());
    let before = Cpu::now();
    let started = Instant::now();
    let done = match which {
        Bare::Reqwest => {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(
                reqwest::header::AUTHORIZATION,
                auth.parse().expect("a header value"),
            );
            let http = reqwest::Client::builder()
                .default_headers(headers)
                .timeout(usercom::DEFAULT_TIMEOUT)
                .connect_timeout(usercom::DEFAULT_CONNECT_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(user_agent)
                .build()
                .expect("a reqwest client");
            let url = reqwest::Url::parse(&url).expect("a URL");
            let send = |_| {
                let request = http
                    .post(url.clone())
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
                async move {
                    let response = request.send().await.expect("an answer");
                    assert_eq!(response.status(), 201);
                    response.bytes().await.expect("a body").len()
                }
            };
            send_all(inputs, concurrency, send).await
        }
        Bare::Hyper => {
            let http =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http::<Full<Bytes>>();
            let uri: hyper::Uri = url.parse().expect("a URI");
            let send = |_| {
                let request = hyper::Request::post(uri.clone())
                    .header(hyper::header::AUTHORIZATION, auth.as_str())
                    .header(hyper::header::USER_AGENT, user_agent)
                    .header(hyper::header::CONTENT_TYPE, "application/json")
                    .body(Full::new(body.clone()))
                    .expect("a request");
                let answer = http.request(request);
                async move {
                    let response = answer.await.expect("an answer");
                    assert_eq!(response.status(), 201);
                    let body = response.into_body().collect().await.expect("a body");
                    body.to_bytes().len()
                }
            };
            send_all(inputs, concurrency, send).await
        }
    };
    per_request(before, started, done)
}

/// Runs `send` for each of `inputs`, at most `concurrency` at once, as usercom's bulk stream
/// does (`buffer_unordered`); how many ran.
async fn send_all<F: std::future::Future>(
    inputs: impl Iterator<Item = usize>,
    concurrency: usize,
    send: impl FnMut(usize) -> F,
) -> usize {
    futures_util::stream::iter(inputs)
        .map(send)
        .buffer_unordered(concurrency)
        .count()
        .await
}

/// The rate and the CPU per request of `done` requests begun at `started`, `before`.
fn per_request(before: Option<Cpu>, started: Instant, done: usize) -> Turn {
    let elapsed = started.elapsed();
    let cpu = Cpu::now().zip(before).map(|(after, before)| {
        let spent = after.since(before);
        let per = |seconds: f64| seconds * 1e6 / done as f64;
        (per(spent.user), per(spent.system))
    });
    Turn {
        rate: done as f64 / elapsed.as_secs_f64(),
        cpu,
    }
}

/// `wrk -t1` at `concurrency` for `duration`, sending `body` as usercom does; its rate and its
/// CPU time per request.
fn wrk(
    server: &Server,
    body: &str,
    concurrency: usize,
    duration: Duration,
) -> Result<Turn, String> {
    let script = std::env::temp_dir().join(format!("usercom-wrk-{}.lua", std::process::id()));
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
    let before = Cpu::now();
    let output = Command::new("wrk")
        .args(["-t", "1", "-c"])
        .arg(concurrency.to_string())
        .arg("-d")
        .arg(format!("{}s", duration.as_secs()))
        .arg("-s")
        .arg(&script)
        .arg(format!("{}users/", server.base_url))
        .output()
        .map_err(|_| "wrk not found: apt-get install wrk".to_owned())?;
    let after = Cpu::now();
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&output.stdout);
    if text.contains("Non-2xx") || text.contains("Socket errors") {
        return Err(format!("wrk saw errors:\n{text}"));
    }
    let rate: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no rate in wrk's output:\n{text}"))?;
    let requests: f64 = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.trim().parse().ok())
        .ok_or_else(|| format!("no request count in wrk's output:\n{text}"))?;
    let cpu = after.zip(before).map(|(after, before)| {
        let spent = after.since(before);
        let per = |seconds: f64| seconds * 1e6 / requests;
        (per(spent.children_user), per(spent.children_system))
    });
    Ok(Turn { rate, cpu })
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

/// The exact body usercom sends for `customer(0)`, for `wrk` to send too.
fn request_body(client: &Client) -> String {
    String::from_utf8(
        client
            .create_user_body(&customer(0))
            .expect("a valid payload"),
    )
    .expect("JSON is UTF-8")
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn micros(cpu: Option<(f64, f64)>) -> String {
    match cpu {
        Some((user, system)) => format!("{:.1} µs ({user:.1} + {system:.1})", user + system),
        None => "n/a (needs /proc)".into(),
    }
}

/// The clients of the first table, in the order of its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Contender {
    Usercom,
    Bare(Bare),
    Wrk,
}

const CONTENDERS: [Contender; 4] = [
    Contender::Usercom,
    Contender::Bare(Bare::Reqwest),
    Contender::Bare(Bare::Hyper),
    Contender::Wrk,
];

impl Contender {
    /// Its place in [`CONTENDERS`], and so in each round's turns.
    fn index(self) -> usize {
        CONTENDERS
            .iter()
            .position(|&c| c == self)
            .expect("every contender is listed")
    }
}

impl Contender {
    fn name(self) -> &'static str {
        match self {
            Contender::Usercom => "usercom `create_users`",
            Contender::Bare(bare) => bare.name(),
            Contender::Wrk => "`wrk -t1`",
        }
    }
}

/// The first table: usercom, the HTTP stack it is built on without it, and `wrk`, taking
/// turns against the fixed-response server.
fn fixed() {
    let server = Server::fixed();
    let runtime = client_runtime();
    let client = server.client();
    let body = request_body(&client);
    println!("the client's own cost, against {}", server.name);
    println!("machine: {}", machine_load());
    println!(
        "{ROUNDS} rounds of {TURN:?} turns of each client (the order rotates by round); \
         medians, and the medians of each round's ratios to wrk"
    );
    println!(
        "\n| concurrency | client | requests/s | of wrk's | CPU per request (user + sys) | \
         CPU ratio to wrk |"
    );
    println!("|---|---|---|---|---|---|");
    let (usercom_at, reqwest_at, wrk_at) = (
        Contender::Usercom.index(),
        Contender::Bare(Bare::Reqwest).index(),
        Contender::Wrk.index(),
    );
    let mut next = 0usize;
    let mut own = Vec::new();
    for concurrency in [1usize, 64] {
        // rounds[r][c]: round r's turn of CONTENDERS[c].
        let mut rounds: Vec<[Option<Turn>; 4]> = Vec::new();
        let mut wrk_missing = None;
        for round in 0..ROUNDS {
            let mut turns = [None; 4];
            for k in 0..CONTENDERS.len() {
                let c = (round + k) % CONTENDERS.len();
                let deadline =
                    |started: Instant| (0..).take_while(move |_| started.elapsed() < TURN);
                turns[c] = match CONTENDERS[c] {
                    Contender::Usercom => {
                        let first = next;
                        let started = Instant::now();
                        let turn = runtime.block_on(ours(
                            &client,
                            concurrency,
                            deadline(started).map(move |i| first + i),
                        ));
                        next += (turn.rate * TURN.as_secs_f64()) as usize + 1;
                        Some(turn)
                    }
                    Contender::Bare(which) => Some(runtime.block_on(bare(
                        which,
                        &server,
                        &body,
                        concurrency,
                        deadline(Instant::now()),
                    ))),
                    Contender::Wrk if wrk_missing.is_some() => None,
                    Contender::Wrk => match wrk(&server, &body, concurrency, TURN) {
                        Ok(turn) => Some(turn),
                        Err(why) => {
                            wrk_missing = Some(why);
                            None
                        }
                    },
                };
            }
            rounds.push(turns);
        }
        for (c, contender) in CONTENDERS.iter().enumerate() {
            let Some(turns) = rounds.iter().map(|r| r[c]).collect::<Option<Vec<Turn>>>() else {
                let why = wrk_missing.as_deref().unwrap_or("no turn");
                println!(
                    "| {concurrency} | {} | skipped: {why} | | | |",
                    contender.name()
                );
                continue;
            };
            let rate = median(turns.iter().map(|t| t.rate).collect());
            let cpu = cpu_median(&turns);
            // Each round's ratio to wrk's turn of the same round.
            let ratio = |f: fn(&Turn) -> Option<f64>| -> Option<f64> {
                rounds
                    .iter()
                    .map(|r| Some(f(r[c].as_ref()?)? / f(r[wrk_at].as_ref()?)?))
                    .collect::<Option<Vec<_>>>()
                    .map(median)
            };
            println!(
                "| {concurrency} | {} | {rate:.0} | {} | {} | {} |",
                contender.name(),
                ratio(|t| Some(t.rate)).map_or("n/a".into(), |r| format!("{:.0}%", 100.0 * r)),
                micros(cpu),
                ratio(Turn::cpu_total).map_or("n/a".into(), |r| format!("{r:.2}x")),
            );
        }
        // What usercom adds to the reqwest it is built on: its CPU per create less reqwest's
        // alone, in the same round.
        let added = rounds
            .iter()
            .map(|r| Some(r[usercom_at]?.cpu_total()? - r[reqwest_at]?.cpu_total()?))
            .collect::<Option<Vec<_>>>()
            .map(median);
        own.push((concurrency, added));
    }
    println!();
    for (concurrency, added) in own {
        if let Some(added) = added {
            println!(
                "concurrency {concurrency}: usercom's own CPU per create (usercom less reqwest \
                 alone, the median of the rounds): {added:.1} µs"
            );
        }
    }
    println!("\nmachine afterwards: {}", machine_load());
    println!(
        "goals: CPU ratio at most 2x; usercom / wrk at least 50% at concurrency 64, at least 70% \
         at concurrency 1"
    );
}

/// The medians of `turns`' user and system CPU per request.
fn cpu_median(turns: &[Turn]) -> Option<(f64, f64)> {
    let user = turns
        .iter()
        .map(|t| t.cpu.map(|c| c.0))
        .collect::<Option<Vec<_>>>()?;
    let system = turns
        .iter()
        .map(|t| t.cpu.map(|c| c.1))
        .collect::<Option<Vec<_>>>()?;
    Some((median(user), median(system)))
}

/// One client alone against the fixed-response server (usercom unless `USERCOM_BENCH_CLIENT`
/// names a baseline), for a profiler.
fn profile() {
    let concurrency = std::env::var("USERCOM_BENCH_CONCURRENCY")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    let which = match std::env::var("USERCOM_BENCH_CLIENT").as_deref() {
        Ok("reqwest") => Some(Bare::Reqwest),
        Ok("hyper") => Some(Bare::Hyper),
        Ok("usercom") | Err(_) => None,
        Ok(other) => panic!("USERCOM_BENCH_CLIENT={other}: expected usercom, reqwest or hyper"),
    };
    let duration = Duration::from_secs(10);
    let server = Server::fixed();
    let runtime = client_runtime();
    let client = server.client();
    let name = which.map_or("usercom", Bare::name);
    println!("{name} against {}, concurrency {concurrency}", server.name);
    let started = Instant::now();
    let inputs = (0..).take_while(move |_| started.elapsed() < duration);
    let turn = match which {
        None => runtime.block_on(ours(&client, concurrency, inputs)),
        Some(which) => {
            let body = request_body(&client);
            runtime.block_on(bare(which, &server, &body, concurrency, inputs))
        }
    };
    println!(
        "{:.0} requests/s, CPU per request {}",
        turn.rate,
        micros(turn.cpu)
    );
}

/// The second table: against the embedded server, with `wrk` and Python.
fn embedded() {
    let server = Server::embedded();
    let runtime = client_runtime();
    let client = server.client();
    println!(
        "\nend-to-end creates against {} ({THROUGHPUT_USERS} users each)",
        server.name
    );
    println!("machine: {}", machine_load());
    println!("| client | concurrency | users/s | client CPU per create (user + sys) |");
    println!("|---|---|---|---|");
    let mut at = Vec::new();
    let mut first = 0;
    for concurrency in [1, 8, 64] {
        let turn = runtime.block_on(ours(&client, concurrency, first..first + THROUGHPUT_USERS));
        first += THROUGHPUT_USERS;
        println!(
            "| usercom | {concurrency} | {:.0} | {} |",
            turn.rate,
            micros(turn.cpu)
        );
        at.push((concurrency, turn.rate));
    }
    let body = request_body(&client);
    let ours_at = |c: usize| {
        at.iter()
            .find(|(k, _)| *k == c)
            .map(|(_, r)| *r)
            .unwrap_or(0.0)
    };
    match wrk(&server, &body, 64, Duration::from_secs(5)) {
        Ok(turn) => {
            println!(
                "| wrk (ceiling) | 64 | {:.0} | {} (wrk's) |",
                turn.rate,
                micros(turn.cpu)
            );
            println!(
                "\nusercom at concurrency 64 reaches {:.0}% of wrk's rate",
                100.0 * ours_at(64) / turn.rate
            );
        }
        Err(why) => println!("| wrk (ceiling) | 64 | skipped: {why} | |"),
    }
    match python(&server, 2_000) {
        Ok(rate) => {
            println!("| Python requests.Session | 1 | {rate:.0} | |");
            println!(
                "usercom at concurrency 1 is {:.2}x the Python loop; at 64, {:.1}x",
                ours_at(1) / rate,
                ours_at(64) / rate
            );
        }
        Err(why) => println!("| Python requests.Session | 1 | skipped: {why} | |"),
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
    let server = Server::embedded();
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
    let has = |flag: &str| args.iter().any(|a| a == flag);
    if has("--serve") {
        return serve();
    }
    if has("--serve-fixed") {
        return serve_fixed();
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: do little then.
    if !has("--bench") {
        println!("run with `cargo bench --bench throughput`");
        return;
    }
    if has("memory") {
        memory();
    } else if has("profile") {
        profile();
    } else if has("fixed") {
        fixed();
    } else if has("embedded") {
        embedded();
    } else {
        fixed();
        embedded();
    }
}
