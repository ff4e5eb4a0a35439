#!/usr/bin/env bash
# Load-model throughput: simulated invocations per second of wall time, natively (release build of
# the core, in a throwaway crate so no CLI or dev-dependency is compiled) and in SimPy 4.1
# (scripts/bench-lambda-simpy.py, `pip install simpy==4.1.1`), best of three runs each, and their
# ratio. The Rust side runs the real account model: the handler script runs once per execution
# environment (it is pure, so later invocations replay it), and the per-minute metrics with
# exact percentiles are computed; SimPy's model does neither.
# Prints numbers; asserts nothing. Target: >= 200x SimPy.
# Usage: scripts/bench-lambda.sh [RPS] [DURATION_S]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RPS=${1:-1000}
DURATION=${2:-600}
BENCH=${CARGO_TARGET_DIR:-$ROOT/target}/bench-lambda-crate
mkdir -p "$BENCH/src"
cat > "$BENCH/Cargo.toml" <<TOML
[package]
name = "bench-lambda"
version = "0.0.0"
edition = "2024"
publish = false
[workspace]
[dependencies]
cloudbook = { path = "$ROOT", default-features = false }
serde_json = "1"
[profile.release]
debug = false
TOML
cat > "$BENCH/src/main.rs" <<'RS'
//! The same model as scripts/bench-lambda-simpy.py, through the core's `bench_load` (the one the
//! CLI's `sim lambda-bench` and the browser's `?cloudbook-bench` switch run): 128 MB, 50 ms of work
//! at one vCPU, jittered arrivals, records and trace text off (lines still counted).
use cloudbook::lambda::bench_load;
use cloudbook::sim::SimDuration;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rps: f64 = args[1].parse().expect("RPS");
    let secs: u64 = args[2].parse().expect("DURATION_S");
    // Best of three: the first run also pays for page faults of a cold allocator.
    let mut best = f64::MAX;
    let mut report = None;
    for _ in 0..3 {
        let start = std::time::Instant::now();
        let r = bench_load(rps, SimDuration::from_secs(secs)).expect("valid spec");
        best = best.min(start.elapsed().as_secs_f64());
        report = Some(r);
    }
    let r = report.expect("ran");
    println!(
        "{{\"invocations\": {}, \"throttles\": {}, \"cold_starts\": {}, \"steps\": {}, \"trace_lines\": {}, \"wall_s\": {best:.4}, \"invocations_per_s\": {:.0}}}",
        r.invocations, r.throttles, r.cold_starts, r.steps, r.trace_lines, r.invocations as f64 / best
    );
}
RS
native=$(cargo run --quiet --release --manifest-path "$BENCH/Cargo.toml" -- "$RPS" "$DURATION")
echo "native: $native"
simpy=$(python3 scripts/bench-lambda-simpy.py "$RPS" "$DURATION" 128 50 1000 3)
echo "simpy:  $simpy"
python3 - "$native" "$simpy" <<'PY'
import json, sys
n, s = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"ratio (native / SimPy invocations per second): {n['invocations_per_s'] / s['invocations_per_s']:.1f}x")
PY
