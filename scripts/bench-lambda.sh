#!/usr/bin/env bash
# Load-model throughput: simulated invocations per second of wall time, natively (the release CLI's
# `sim lambda-bench`) and in SimPy 4.1
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
# `sim lambda-bench` runs the core's `bench_load` (the model the browser's ?cloudbook-bench switch
# runs too) three times and prints the best as JSON.
cargo build --quiet --release
native=$("${CARGO_TARGET_DIR:-$ROOT/target}/release/cloudbook" sim lambda-bench --rps "$RPS" --duration-s "$DURATION")
echo "native: $native"
simpy=$(python3 scripts/bench-lambda-simpy.py "$RPS" "$DURATION" 128 50 1000 3)
echo "simpy:  $simpy"
python3 - "$native" "$simpy" <<'PY'
import json, sys
n, s = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"ratio (native / SimPy invocations per second): {n['invocations_per_s'] / s['invocations_per_s']:.1f}x")
PY
