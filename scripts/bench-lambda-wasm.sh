#!/usr/bin/env bash
# Lambda load model in wasm (headless Chromium) against the same model natively, and their ratio.
# The model is `cloudbook::lambda::bench_load`: 1,000 rps for 600 simulated seconds. Each side
# takes three samples, each repeating the run for 2 s (the machine's speed swings within seconds,
# so a single 0.05 s run says more about the moment than the model), and reports the best; the
# native samples are taken just before and just after the browser's, and the best of the six
# counts, so the wasm side is never compared with a native moment it did not share.
# Prints numbers; asserts nothing. Target: wasm >= 0.5x native.
set -euo pipefail
cd "$(dirname "$0")/.."
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
bash scripts/ensure-chromium.sh
cargo build --quiet --release
BIN="${CARGO_TARGET_DIR:-target}/release/cloudbook"
"$BIN" build --out "$site" 2>/dev/null
cargo build --quiet --release --example bench_wasm
native_before=$("$BIN" sim lambda-bench --rps 1000 --duration-s 600 --samples 3 --sample-s 2)
wasm=$(CLOUDBOOK_BIN="$BIN" "${CARGO_TARGET_DIR:-target}/release/examples/bench_wasm" "$site")
native_after=$("$BIN" sim lambda-bench --rps 1000 --duration-s 600 --samples 3 --sample-s 2)
python3 - "$native_before" "$native_after" "$wasm" <<'PY'
import json, sys
before, after, w = (json.loads(a) for a in sys.argv[1:4])
if "error" in w:
    sys.exit(f"the wasm benchmark failed: {w['error']}")
n = max(before, after, key=lambda r: r["invocations_per_s"])
native = n["invocations_per_s"]
wasm = w["invocations"] / (w["ms"] / 1000)
print(f"native: {before['invocations_per_s']:,.0f}/s before the browser, {after['invocations_per_s']:,.0f}/s after")
print(f"native: {n['invocations']} invocations in {n['wall_s']:.4f} s a run = {native:,.0f} invocations/s (best)")
print(f"wasm:   {w['invocations']} invocations in {w['ms'] / 1000:.4f} s a run = {wasm:,.0f} invocations/s "
      f"(best of three 2 s samples, {w['runs']} runs in it; a run took {', '.join(f'{ms:.1f}' for ms in w['samples_ms'])} ms in each)")
print(f"ratio wasm / native: {wasm / native:.2f}   (target >= 0.5)")
PY
