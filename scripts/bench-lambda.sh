#!/usr/bin/env bash
# Load-model throughput: simulated invocations per second of wall time, natively (release build of
# the core, in a throwaway crate so no CLI or dev-dependency is compiled) and in SimPy 4.1
# (scripts/bench-lambda-simpy.py, `pip install simpy==4.1.1`), and their ratio.
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
//! The same model as scripts/bench-lambda-simpy.py: 128 MB, 50 ms of work at one vCPU, jittered
//! arrivals, records and log lines off.
use cloudbook::lambda::{AccountConfig, FunctionSpec, simulate_load};
use cloudbook::sim::SimDuration;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rps: f64 = args[1].parse().expect("RPS");
    let secs: u64 = args[2].parse().expect("DURATION_S");
    let spec = FunctionSpec {
        name: "bench".into(),
        handler: Some("fn handler(e, c) { cpu(50); 1 }".into()),
        ..Default::default()
    };
    let account = AccountConfig { keep_records: false, ..AccountConfig::default() };
    let start = std::time::Instant::now();
    let (r, _) = simulate_load(&spec, rps, SimDuration::from_secs(secs), &serde_json::json!({}), 1, account)
        .expect("valid spec");
    let wall = start.elapsed().as_secs_f64();
    println!(
        "{{\"invocations\": {}, \"throttles\": {}, \"cold_starts\": {}, \"steps\": {}, \"wall_s\": {wall:.3}, \"invocations_per_s\": {:.0}}}",
        r.invocations, r.throttles, r.cold_starts, r.steps, r.invocations as f64 / wall
    );
}
RS
native=$(cargo run --quiet --release --manifest-path "$BENCH/Cargo.toml" -- "$RPS" "$DURATION")
echo "native: $native"
simpy=$(python3 scripts/bench-lambda-simpy.py "$RPS" "$DURATION" 128 50 1000)
echo "simpy:  $simpy"
python3 - "$native" "$simpy" <<'PY'
import json, sys
n, s = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"ratio (native / SimPy invocations per second): {n['invocations_per_s'] / s['invocations_per_s']:.1f}x")
PY
