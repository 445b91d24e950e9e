#!/usr/bin/env bash
# README's main job from a clean checkout: the time from an empty target directory to the
# quick start's first line, before the examples had a package of their own and now.
#
#   before: `cargo run --example quickstart` at BEFORE (default 167fec8, the last commit
#           where the examples were the facade's), which builds every dev-dependency of the
#           facade (criterion, proptest, wiremock, trybuild, ...);
#   after:  `cargo quickstart` (`cargo run -p examples --bin quickstart`) at HEAD.
#
# Each is a `git worktree` under target/quickstart-build/, built into an empty target
# directory of its own; dependencies are downloaded first (`cargo fetch`), outside the timing.
# The two alternate (before, after, after, before with RUNS=2), so that a slow moment of the
# machine does not land on one side only. Prints wall and CPU time (user + system of cargo
# and everything it runs).
#
#   benches/quickstart_build.sh
#   RUNS=2 BEFORE=<rev> benches/quickstart_build.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base=$root/target/quickstart-build
before_rev=${BEFORE:-167fec8}
runs=${RUNS:-1}

mkdir -p "$base"
checkout() { # name, rev
    local dir=$base/$1
    if [[ -d $dir ]]; then git -C "$root" worktree remove --force "$dir"; fi
    git -C "$root" worktree add --quiet --detach "$dir" "$2"
    (cd "$dir" && cargo fetch --quiet)
}
checkout before "$before_rev"
checkout after HEAD

measure() { # name, command...
    local name=$1
    shift
    local dir=$base/$name
    rm -rf "$dir/target"
    # /usr/bin/time writes its line last, to the same stderr as cargo.
    (cd "$dir" && env -u CARGO_TARGET_DIR -u USERCOM_SUBDOMAIN -u USERCOM_API_KEY \
        /usr/bin/time -f '%e %U %S' "$@" >/dev/null 2>"$base/$name.log")
    local out
    out=$(tail -1 "$base/$name.log")
    read -r wall user system <<<"$out"
    printf '%-7s %8.1f s wall %8.1f s CPU   (%s)\n' "$name" "$wall" \
        "$(echo "$user + $system" | bc)" "$*"
}

order=(before after)
for ((run = 1; run <= runs; run++)); do
    for name in "${order[@]}"; do
        case $name in
        before) measure before cargo run --quiet --example quickstart ;;
        after) measure after cargo quickstart --quiet ;;
        esac
    done
    order=("${order[1]}" "${order[0]}")
done
for name in before after; do git -C "$root" worktree remove --force "$base/$name"; done
