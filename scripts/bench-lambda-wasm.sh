#!/usr/bin/env bash
# Lambda load model in wasm (headless Chromium) against the same model natively, and their ratio.
# The model is `cloudbook::lambda::bench_load`: 1,000 rps for 600 simulated seconds, best of three
# runs on each side.
# Prints numbers; asserts nothing. Target: wasm >= 0.5x native.
set -euo pipefail
cd "$(dirname "$0")/.."
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
cargo build --quiet --release
BIN="${CARGO_TARGET_DIR:-target}/release/cloudbook"
"$BIN" build --out "$site" 2>/dev/null
native=$("$BIN" sim lambda-bench --rps 1000 --duration-s 600)
wasm=$(CLOUDBOOK_BIN="$BIN" cargo run --quiet --release --example bench_wasm -- "$site")
python3 - "$native" "$wasm" <<'PY'
import json, sys
n, w = json.loads(sys.argv[1]), json.loads(sys.argv[2])
native = n["invocations_per_s"]
wasm = w["invocations"] / (w["ms"] / 1000)
print(f"native: {n['invocations']} invocations in {n['wall_s']:.3f} s = {native:,.0f} invocations/s")
print(f"wasm:   {w['invocations']} invocations in {w['ms'] / 1000:.3f} s = {wasm:,.0f} invocations/s")
print(f"ratio wasm / native: {wasm / native:.2f}   (target >= 0.5)")
PY
