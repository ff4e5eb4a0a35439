#!/usr/bin/env bash
# Placement benchmark: 1k, 10k and 100k tasks on 1,000 instances (binpack memory + memberOf).
# Prints times and growth ratios; asserts nothing. Target: <= 50 ms at 10k tasks, growth no worse
# than n log m. Usage: scripts/bench-ecs.sh [--instances M] [--tasks 1000,10000,100000]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -p cloudbook -- sim ecs-bench "$@"
