#!/usr/bin/env bash
# Load-model throughput: simulated invocations per second of wall time, natively (release build)
# and in SimPy 4.1 (scripts/bench-lambda-simpy.py, `pip install simpy==4.1.1`), and their ratio.
# Prints numbers; asserts nothing. Target: >= 200x SimPy.
# Usage: scripts/bench-lambda.sh [RPS] [DURATION_S]
set -euo pipefail
cd "$(dirname "$0")/.."
RPS=${1:-1000}
DURATION=${2:-600}
native=$(cargo run --quiet --release -p cloudbook -- sim lambda-bench --rps "$RPS" --duration-s "$DURATION")
echo "native: $native"
simpy=$(python3 scripts/bench-lambda-simpy.py "$RPS" "$DURATION" 128 50 1000)
echo "simpy:  $simpy"
python3 - "$native" "$simpy" <<'PY'
import json, sys
n, s = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"ratio (native / SimPy invocations per second): {n['invocations_per_s'] / s['invocations_per_s']:.1f}x")
PY
