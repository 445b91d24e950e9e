//! 1,000 creates at concurrency 32 through nginx's own `limit_req` (100 a second,
//! `burst=20 nodelay`: over the limit nginx answers `503` with an HTML page and no
//! `Retry-After`) in front of the embedded server, which takes 3 ms per request: none
//! fails, none is created twice. A refused row waits its turn while the client makes
//! progress; it is never failed on a retry count.
//!
//! It needs nginx (Debian: `apt-get install nginx-light`; `.ci/run` installs it). Without
//! it the test says it was skipped, and under CI (`CI=true`) fails instead.

mod common;

#[path = "../benches/support/nginx.rs"]
#[allow(dead_code)] // the benches use more of it
mod nginx;

use std::time::Duration;

use futures_util::StreamExt;
use usercom::{Client, CreateUser};
use usercom_mock::MockServer;

const ROWS: usize = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_creates_behind_nginx_limit_req_lose_nothing() {
    let Some(program) = nginx::find_program("nginx") else {
        let ci = std::env::var("CI").is_ok_and(|value| value == "true" || value == "1");
        assert!(!ci, "CI=true, but nginx is not installed");
        eprintln!("SKIPPED: nginx is not installed (apt-get install nginx-light)");
        return;
    };
    let server = MockServer::start().await;
    server.record_requests(false);
    server.set_latency(Duration::from_millis(3));
    let http = format!(
        "  limit_req_zone $binary_remote_addr zone=api:1m rate=100r/s;\n\
         upstream mock {{ server {}; keepalive 64; }}",
        server.addr()
    );
    let location = "    location / {\n      limit_req zone=api burst=20 nodelay;\n\
         proxy_pass http://mock;\n      proxy_http_version 1.1;\n\
         proxy_set_header Connection \"\";\n    }";
    let nginx = nginx::Nginx::start(&program, &http, location).expect("nginx starts");
    let path = server.base_url();
    let path = path.splitn(4, '/').nth(3).unwrap_or("");
    let client = Client::builder()
        .base_url(&format!("http://127.0.0.1:{}/{path}", nginx.port))
        .api_key(server.api_key())
        .build()
        .unwrap();
    let inputs = (0..ROWS).map(|i| CreateUser::new().email(format!("row{i}@example.org")));
    let started = std::time::Instant::now();
    let outcomes: Vec<_> = client.create_users(inputs, 32).collect().await;
    let elapsed = started.elapsed();
    assert_eq!(common::failures(&outcomes), Vec::<String>::new());
    assert_eq!(outcomes.len(), ROWS);
    common::assert_each_created_once(&server, ROWS);
    // nginx refused some: the run went through the limit, not around it.
    let stats = client.throttle_stats();
    assert!(stats.throttled_answers > 0);
    // For BENCHMARKS.md (`--nocapture`).
    eprintln!(
        "{ROWS} rows in {:.2} s ({:.1}/s), {} refused by nginx, 0 failed, 0 created twice",
        elapsed.as_secs_f64(),
        ROWS as f64 / elapsed.as_secs_f64(),
        stats.throttled_answers
    );
}
