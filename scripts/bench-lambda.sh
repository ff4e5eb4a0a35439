#!/usr/bin/env bash
# Load-model throughput: simulated invocations per second of wall time, natively (the release CLI's
# `sim lambda-bench`, the core's `bench_load`) and in SimPy 4.1.1 (scripts/bench-lambda-simpy.py,
# the same rules with no more work per invocation: its docstring lists what each side does that
# the other does not), best of three samples each, in this one run, and their ratio.
#
# The Rust model runs the handler script; a pure handler (`cpu(50); 1`) runs once per execution
# environment and is replayed after, so its ratio is shown next to that of a handler that calls
# `random()`, which cannot be replayed and runs on every invocation.
#
# Fair sampling on a shared machine: its speed swings by half within seconds (other tenants), so
# the samples are taken in three rounds, each round one sample of every model, and every sample
# lasts seconds: a SimPy sample is one run (3-5 s), a Rust sample repeats its run until SAMPLE_S
# seconds have passed (its rate is its invocations over its wall time). Three back-to-back 40 ms
# runs, as before, could all fall in a slow or a fast second, which a SimPy run never does.
#
# First a small run (2,000 rps for 20 s, so the 1,000 concurrency cap throttles) checks that the
# two models agree on the counts; they draw different random numbers, so they agree within a
# fraction of a percent, not exactly.
# Prints numbers; asserts only that agreement. Target: >= 100x SimPy with the pure handler.
# Usage: scripts/bench-lambda.sh [RPS] [DURATION_S] [SAMPLE_S]
set -euo pipefail
cd "$(dirname "$0")/.."
RPS=${1:-1000}
DURATION=${2:-600}
SAMPLE_S=${3:-2}
python3 -c 'import simpy' 2>/dev/null || python3 -m pip install --quiet simpy==4.1.1
cargo build --quiet --release
BIN="${CARGO_TARGET_DIR:-target}/release/cloudbook"
SIMPY=scripts/bench-lambda-simpy.py

small_rust=$("$BIN" sim lambda-bench --rps 2000 --duration-s 20)
small_simpy=$(python3 "$SIMPY" 2000 20 128 50 1000 1)
rounds=()
for round in 1 2 3; do
  pure=$("$BIN" sim lambda-bench --rps "$RPS" --duration-s "$DURATION" --handler pure --samples 1 --sample-s "$SAMPLE_S")
  random=$("$BIN" sim lambda-bench --rps "$RPS" --duration-s "$DURATION" --handler random --samples 1 --sample-s "$SAMPLE_S")
  simpy=$(python3 "$SIMPY" "$RPS" "$DURATION" 128 50 1000 1)
  rounds+=("[$pure, $random, $simpy]")
done

python3 - "$small_rust" "$small_simpy" "$RPS" "$DURATION" "$SAMPLE_S" "${rounds[@]}" <<'PY'
import json, sys
small_rust, small_simpy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rps, duration, sample_s = sys.argv[3], sys.argv[4], sys.argv[5]
rounds = [json.loads(a) for a in sys.argv[6:]]

print("agreement, 2000 rps for 20 s (cap 1000):")
print(f"  {'':12} {'Rust':>9} {'SimPy':>9} {'diff':>7}")
worst = 0.0
for key in ("invocations", "cold_starts", "throttles"):
    r, s = small_rust[key], small_simpy[key]
    diff = (s - r) / max(r, 1) * 100
    worst = max(worst, abs(diff))
    print(f"  {key:12} {r:9} {s:9} {diff:+6.2f}%")

names = ("Rust, pure handler (replayed)", "Rust, random() handler", "SimPy 4.1.1")
print(f"throughput, {rps} rps for {duration} simulated s; three rounds, each a sample of every model "
      f"(a Rust sample repeats its run for {sample_s} s):")
for i, (p, r, s) in enumerate(rounds, 1):
    print(f"  round {i}: Rust pure {p['invocations_per_s']:,.0f}/s, Rust random() {r['invocations_per_s']:,.0f}/s, "
          f"SimPy {s['invocations_per_s']:,.0f}/s")
best = [max((r[k] for r in rounds), key=lambda s: s["invocations_per_s"]) for k in range(3)]
pure, rand, simpy = best
print("best of three:")
for name, r in zip(names, best):
    runs = f"  handler runs {r['handler_runs']:,}" if "handler_runs" in r else ""
    per = f" (a run: {r['wall_s']:.3f} s, {r['runs_per_sample']} runs in the sample)" if "runs_per_sample" in r else f" (a run: {r['wall_s']:.3f} s)"
    print(f"  {name:30} {r['invocations']:,} invocations a run = {r['invocations_per_s']:>12,.0f}/s{per}{runs}")
runs = pure['handler_runs']
print(f"replay: the pure handler's script ran {runs:,} time{'' if runs == 1 else 's'} for {pure['invocations']:,} invocations "
      f"and {pure['cold_starts']:,} cold starts (its Init and its handler once per function version, every environment "
      "replaying them); the random() handler's ran every time")
print(f"ratio Rust / SimPy, pure handler:     {pure['invocations_per_s'] / simpy['invocations_per_s']:6.1f}x  (target >= 100x)")
print(f"ratio Rust / SimPy, random() handler: {rand['invocations_per_s'] / simpy['invocations_per_s']:6.1f}x")
if worst > 2.0:
    sys.exit(f"the models disagree by {worst:.2f}% on a count (allowed: 2%)")
PY
