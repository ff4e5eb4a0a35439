#!/usr/bin/env bash
# Load-model throughput: simulated invocations per second of wall time, natively (the release CLI's
# `sim lambda-bench`, the core's `bench_load`) and in SimPy 4.1.1 (scripts/bench-lambda-simpy.py,
# the same rules with no more work per invocation: its docstring lists what each side does that
# the other does not), best of three runs each, in this one run, and their ratio.
#
# The Rust model runs the handler script; a pure handler (`cpu(50); 1`) runs once per execution
# environment and is replayed after, so its ratio is shown next to that of a handler that calls
# `random()`, which cannot be replayed and runs on every invocation.
#
# First a small run (2,000 rps for 20 s, so the 1,000 concurrency cap throttles) checks that the
# two models agree on the counts; they draw different random numbers, so they agree within a
# fraction of a percent, not exactly.
# Prints numbers; asserts only that agreement. Target: >= 100x SimPy with the pure handler.
# Usage: scripts/bench-lambda.sh [RPS] [DURATION_S]
set -euo pipefail
cd "$(dirname "$0")/.."
RPS=${1:-1000}
DURATION=${2:-600}
python3 -c 'import simpy' 2>/dev/null || python3 -m pip install --quiet simpy==4.1.1
cargo build --quiet --release
BIN="${CARGO_TARGET_DIR:-target}/release/cloudbook"
SIMPY=scripts/bench-lambda-simpy.py

small_rust=$("$BIN" sim lambda-bench --rps 2000 --duration-s 20)
small_simpy=$(python3 "$SIMPY" 2000 20 128 50 1000 1)
pure=$("$BIN" sim lambda-bench --rps "$RPS" --duration-s "$DURATION" --handler pure)
random=$("$BIN" sim lambda-bench --rps "$RPS" --duration-s "$DURATION" --handler random)
simpy=$(python3 "$SIMPY" "$RPS" "$DURATION" 128 50 1000 3)

python3 - "$small_rust" "$small_simpy" "$pure" "$random" "$simpy" "$RPS" "$DURATION" <<'PY'
import json, sys
small_rust, small_simpy, pure, rand, simpy = (json.loads(a) for a in sys.argv[1:6])
rps, duration = sys.argv[6], sys.argv[7]

print("agreement, 2000 rps for 20 s (cap 1000):")
print(f"  {'':12} {'Rust':>9} {'SimPy':>9} {'diff':>7}")
worst = 0.0
for key in ("invocations", "cold_starts", "throttles"):
    r, s = small_rust[key], small_simpy[key]
    diff = (s - r) / max(r, 1) * 100
    worst = max(worst, abs(diff))
    print(f"  {key:12} {r:9} {s:9} {diff:+6.2f}%")

print(f"throughput, {rps} rps for {duration} simulated s, best of 3 wall times each:")
for name, r in (("Rust, pure handler (replayed)", pure), ("Rust, random() handler", rand), ("SimPy 4.1.1", simpy)):
    runs = f"  handler runs {r['handler_runs']:,}" if "handler_runs" in r else ""
    print(f"  {name:30} {r['invocations']:,} invocations in {r['wall_s']:.3f} s = {r['invocations_per_s']:>12,.0f}/s{runs}")
print(f"replay: the pure handler's script ran {pure['handler_runs']:,} times for {pure['invocations']:,} invocations "
      "(once per execution environment, replayed after); the random() handler's ran every time")
print(f"ratio Rust / SimPy, pure handler:     {pure['invocations_per_s'] / simpy['invocations_per_s']:6.1f}x  (target >= 100x)")
print(f"ratio Rust / SimPy, random() handler: {rand['invocations_per_s'] / simpy['invocations_per_s']:6.1f}x")
if worst > 2.0:
    sys.exit(f"the models disagree by {worst:.2f}% on a count (allowed: 2%)")
PY
