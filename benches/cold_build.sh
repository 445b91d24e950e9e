#!/usr/bin/env bash
# Cold debug build of a small application, with usercom and with the hand-written alternative,
# measured in one run:
#
#   usercom:  `cargo add usercom tokio -F tokio/macros,tokio/rt-multi-thread`, a derived struct
#             created with `Client::create_user`;
#   baseline: `cargo add reqwest serde serde_json tokio -F serde/derive,...` (reqwest with its
#             default features), the same request written by hand with `#[derive(Serialize)]`.
#
# Each application is built with `cargo build` into an empty target directory of its own
# (the registry cache is filled first, so downloads are not timed). The usercom application
# uses the workspace's Cargo.lock, so both build the same versions of what they share.
#
#   benches/cold_build.sh            # usercom, then the baseline
#   RUNS=2 benches/cold_build.sh     # ... then the baseline, then usercom again
#   TIMINGS=1 benches/cold_build.sh  # also keep cargo's --timings reports (target/cold-build/)
#   USERCOM_DIR=/path/to/other/checkout benches/cold_build.sh   # another version of usercom
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base=$root/target/cold-build
# The usercom sources to build (default: this checkout; e.g. an exported commit to compare).
usercom_dir=${USERCOM_DIR:-$root}
runs=${RUNS:-1}
timings=()
if [[ -n ${TIMINGS:-} ]]; then timings=(--timings); fi

mkdir -p "$base"

write_app() { # name, dependencies, main.rs
    local dir=$base/$1
    rm -rf "$dir"
    mkdir -p "$dir/src"
    printf '[package]\nname = "cold-%s"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n%s\n\n[workspace]\n' \
        "$1" "$2" >"$dir/Cargo.toml"
    printf '%s\n' "$3" >"$dir/src/main.rs"
    cp "$usercom_dir/Cargo.lock" "$dir/Cargo.lock"
    # Resolve and download outside the timing.
    (cd "$dir" && cargo fetch --quiet)
}

write_app usercom \
    "usercom = { path = \"$usercom_dir\" }
tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }" \
    'use usercom::{Client, IntoUserComUser};

#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(first_name)]
    name: String,
    #[usercom(score)]
    points: i32,
    #[usercom(attribute = "plan")]
    plan: String,
}

#[tokio::main]
async fn main() -> Result<(), usercom::Error> {
    let key = std::env::var("USERCOM_API_KEY").unwrap_or_default();
    let client = Client::new("my-app", &key)?;
    let customer = Customer {
        email: "ada@example.org".into(),
        name: "Ada".into(),
        points: 42,
        plan: "pro".into(),
    };
    let user = client.create_user(&customer).await?;
    println!("created user {}", user.id);
    Ok(())
}'

write_app reqwest \
    'reqwest = "0.13"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }' \
    'use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Customer<'"'"'a> {
    email: &'"'"'a str,
    first_name: &'"'"'a str,
    score: i32,
}

#[derive(Deserialize)]
struct User {
    id: u64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("USERCOM_API_KEY").unwrap_or_default();
    let base = "https://my-app.user.com/api/public";
    let http = reqwest::Client::new();
    let customer = Customer { email: "ada@example.org", first_name: "Ada", score: 42 };
    let answer = http
        .post(format!("{base}/users/"))
        .header("Authorization", format!("Token {key}"))
        .header("Content-Type", "application/json")
        .body(serde_json::to_vec(&customer)?)
        .send()
        .await?
        .error_for_status()?;
    let user: User = serde_json::from_slice(&answer.bytes().await?)?;
    // Custom attributes are a second request.
    http.post(format!("{base}/users/{}/set_multiple_attributes/", user.id))
        .header("Authorization", format!("Token {key}"))
        .header("Content-Type", "application/json")
        .body(serde_json::to_vec(&serde_json::json!({ "plan": "pro" }))?)
        .send()
        .await?
        .error_for_status()?;
    println!("created user {}", user.id);
    Ok(())
}'

declare -A total cpu count
build() { # name
    local dir=$base/$1 target=$base/target-$1
    rm -rf "$target"
    # Wall time, and the CPU time (user + system) of cargo and everything it ran: on a shared
    # machine the wall time moves with the load, the CPU time much less.
    local measured wall user sys
    measured=$( { TIMEFORMAT='%R %U %S'; time (cd "$dir" && CARGO_TARGET_DIR=$target \
        cargo build --quiet "${timings[@]}" >&2); } 2>&1 >/dev/null | tail -1)
    read -r wall user sys <<<"$measured"
    local used
    used=$(echo "$user + $sys" | bc)
    printf '%-8s cold debug build: %6.1f s wall, %6.1f s CPU\n' "$1" "$wall" "$used"
    total[$1]=$(echo "${total[$1]:-0} + $wall" | bc)
    cpu[$1]=$(echo "${cpu[$1]:-0} + $used" | bc)
    count[$1]=$((${count[$1]:-0} + 1))
    if ((${#timings[@]})); then
        rm -rf "$base/timings-$1" && cp -r "$target/cargo-timings" "$base/timings-$1"
    fi
    rm -rf "$target"
}

rustc --version
for ((run = 1; run <= runs; run++)); do
    if ((run % 2)); then build usercom; build reqwest; else build reqwest; build usercom; fi
done
mean() { echo "scale=2; $1 / $2" | bc; }
usercom=$(mean "${total[usercom]}" "${count[usercom]}")
reqwest=$(mean "${total[reqwest]}" "${count[reqwest]}")
usercom_cpu=$(mean "${cpu[usercom]}" "${count[usercom]}")
reqwest_cpu=$(mean "${cpu[reqwest]}" "${count[reqwest]}")
printf 'mean over %d run(s): wall usercom %.1f s, baseline %.1f s, ratio %.2fx; CPU usercom %.1f s, baseline %.1f s, ratio %.2fx (goal: at most 1.10x)\n' \
    "$runs" "$usercom" "$reqwest" "$(echo "scale=4; $usercom / $reqwest" | bc)" \
    "$usercom_cpu" "$reqwest_cpu" "$(echo "scale=4; $usercom_cpu / $reqwest_cpu" | bc)"
