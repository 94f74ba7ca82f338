#!/bin/sh
# Configure and build vmdeck. Usage: scripts/build.sh [BUILD_DIR] [cmake -D options...]
# Warnings are errors here (the same flags CI uses).
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
[ $# -gt 0 ] && shift
cmake -S . -B "$B" -DVMDECK_WERROR=ON "$@" >/dev/null
# a failed build must fail here: an older binary left in $B would pass for it
if ! cmake --build "$B" -j"$(nproc)" > "$B"/build.log 2>&1; then
	grep -v '^\[' "$B"/build.log
	exit 1
fi
grep -v '^\[' "$B"/build.log || true
test -x "$B"/vmdeck
