#!/usr/bin/env python3
"""Where the client's CPU goes: groups a `perf` recording of the throughput bench's profile
mode by who is responsible for each sample (see `benches/throughput.rs`, "Profile").

    perf record -F 999 --call-graph dwarf,16384 -o perf.data -- \
        target/release/deps/throughput-<hash> --bench profile
    perf script -i perf.data --no-inline -F comm,ip,sym,dso > perf.txt
    python3 benches/profile_groups.py perf.txt [-v]

A sample counts for the crate of the function it was taken in; code that belongs to no one
(libc's malloc, free and memcpy, `core`, `alloc`, `std`) counts for its nearest caller that
does, so that an allocation made by hyper is hyper's. `-v` lists each group's top functions.
Release builds inline across crates: a group holds what was compiled into its functions
(reqwest's request dropped inside our attempt counts as ours, say), so the split is close,
not exact. Only the bench's own samples count: the server (nginx, or the built-in responder
in a process of its own) is its child and is recorded too, under another name.
"""
import collections
import re
import sys

NEUTRAL = {"core", "alloc", "std", "libc", "__rust", "__rustc", "compiler_builtins",
           "hashbrown"}
OURS = "ours: "
GROUPS = {
    "serde_json": "decode", "serde_core": "decode", "serde": "decode", "chrono": "decode",
    "url": "url", "idna": "url", "form_urlencoded": "url", "percent_encoding": "url",
    "reqwest": "reqwest", "tower": "reqwest", "tower_http": "reqwest",
    "tower_service": "reqwest", "hyper_rustls": "reqwest",
    "hyper": "hyper / hyper-util / http / httparse / bytes",
    "hyper_util": "hyper / hyper-util / http / httparse / bytes",
    "http": "hyper / hyper-util / http / httparse / bytes",
    "http_body": "hyper / hyper-util / http / httparse / bytes",
    "http_body_util": "hyper / hyper-util / http / httparse / bytes",
    "httparse": "hyper / hyper-util / http / httparse / bytes",
    "want": "hyper / hyper-util / http / httparse / bytes",
    "bytes": "hyper / hyper-util / http / httparse / bytes",
    "tokio": "tokio (runtime, timers, sockets)", "mio": "tokio (runtime, timers, sockets)",
    "futures_util": "futures-util (the bulk stream's buffer_unordered)",
    "futures_core": "futures-util (the bulk stream's buffer_unordered)",
    "atomic_waker": "futures-util (the bulk stream's buffer_unordered)",
    "h2": "h2",
    "rustls": "TLS", "aws_lc_rs": "TLS", "aws_lc_sys": "TLS", "webpki": "TLS",
}
# Our own code, by what it does (the first matching function up the stack decides).
AREAS = [
    ("payload (convert, validate, write the JSON)",
     r"payload|validate|convert::|value::|wire::|IntoUserComUser|write_standard|checked_body"),
    ("decode (the User, from the body as received)",
     r"usercom_core::user|transport::decode|Deserialize for usercom_core|UserWire|enums::"),
    ("URL building", r"transport::.*::(fixed_)?url$"),
    ("throttle", r"throttle"),
    # One area: a release build inlines the retry loop into create_user's future or not.
    ("create_user's future: retry loop, attempt, span, body read",
     r"transport::|instrument::Instrumented|create_user|bounded|client::"),
]


def crate_of(sym, dso):
    if "kernel" in dso:
        return "kernel"
    if "vdso" in dso:
        return "vdso"
    if "libc.so" in dso or "ld-linux" in dso:
        return "libc"
    # A value's drop belongs to its type's crate.
    m = re.match(r"core::ptr::drop_in_place<(.*)>$", sym)
    if m:
        sym = m.group(1)
    s = sym.lstrip("<&*[")
    for prefix in ("dyn ", "mut ", "const "):
        if s.startswith(prefix):
            s = s[len(prefix):].lstrip("<&*[")
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", s)
    if m:
        return m.group(1)
    if s.startswith(("__rust", "__rdl")):
        return "__rust"
    return "?"


def group_of(frames):
    """`frames`: (function, object) pairs, the sampled one first."""
    leaf = crate_of(*frames[0])
    if leaf == "kernel":
        return "kernel (system calls: TCP, epoll; wake-ups)"
    if leaf == "vdso":
        return "vdso (clock_gettime)"
    owner, caller = None, None
    for at, (sym, dso) in enumerate(frames):
        crate = crate_of(sym, dso)
        if crate in NEUTRAL or crate in ("?", "kernel"):
            continue
        if crate == "tracing" and "instrument::Instrumented" in sym:
            # The instrumented attempt: its poll holds our attempt, inlined.
            crate = "usercom_core"
        if owner is None:
            owner = crate
            if GROUPS.get(crate) not in ("decode", "url"):
                caller = (crate, at)
                break
        elif GROUPS.get(crate) not in ("decode", "url"):
            # serde_json and url count for whoever called them.
            caller = (crate, at)
            break
    if owner is None:
        return "libc, unattributed"
    if caller and caller[0] in ("usercom_core", "usercom", "throughput"):
        for sym, _ in frames[caller[1]:]:
            if re.search(r"usercom_core|throughput::|instrument::Instrumented", sym):
                for area, pattern in AREAS:
                    if re.search(pattern, sym):
                        return OURS + area
        if GROUPS.get(owner) == "decode":
            return OURS + AREAS[1][0]
        return "the bench's own loop" if caller[0] == "throughput" else OURS + "other"
    if GROUPS.get(owner) == "url":
        return "reqwest: URL parsing (its redirect policy, the response's URL)"
    if caller:
        return GROUPS.get(caller[0]) or ("other: " + caller[0])
    return GROUPS.get(owner) or ("other: " + owner)


def main():
    path = sys.argv[1]
    verbose = "-v" in sys.argv
    counts = collections.Counter()
    top = collections.defaultdict(collections.Counter)
    frames = []
    total = 0

    def flush():
        nonlocal frames, total
        if frames:
            group = group_of(frames)
            counts[group] += 1
            top[group][frames[0][0][:100]] += 1
            total += 1
        frames = []

    ours_process = False
    for line in open(path, errors="replace"):
        if not line.startswith(("\t", " ")):
            flush()
            # A sample's first line: the process name (perf keeps 15 characters of it).
            ours_process = line.startswith("throughput")
            continue
        if not ours_process:
            continue
        m = re.match(r"\s*[0-9a-f]+ (.*) \((.*)\)$", line.rstrip("\n"))
        if m:
            frames.append((m.group(1), m.group(2)))
        elif not line.strip():
            flush()
    flush()
    ours = sum(n for g, n in counts.items() if g.startswith(OURS))
    for group, n in counts.most_common():
        print(f"{100 * n / total:5.1f}%  {group}")
        if verbose:
            for sym, k in top[group].most_common(6):
                print(f"          {100 * k / total:5.2f}%  {sym}")
    print(f"{100 * ours / total:5.1f}%  all of ours")
    print(f"({total} samples)")


main()
