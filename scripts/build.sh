#!/bin/sh
# Configure and build vmdeck. Usage: scripts/build.sh [BUILD_DIR] [cmake -D options...]
# Warnings are errors here (the same flags CI uses).
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
[ $# -gt 0 ] && shift
cmake -S . -B "$B" -DVMDECK_WERROR=ON "$@" >/dev/null
cmake --build "$B" -j"$(nproc)" 2>&1 | grep -v '^\[' || true
test -x "$B"/vmdeck
