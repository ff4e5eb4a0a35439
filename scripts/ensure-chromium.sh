#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver when either is missing: the browser tests
# (scripts/test) and the wasm benchmark (scripts/bench-lambda-wasm.sh) drive headless Chromium.
set -euo pipefail
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "$(basename "$0"): installing chromium and chromium-driver (Debian packages)"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
