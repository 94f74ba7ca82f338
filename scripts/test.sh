#!/bin/bash
# Runs every test: installs missing packages, builds with warnings as errors,
# runs the cmocka unit tests under ASan+UBSan, builds the test guests (cached
# in .cache/guests), and runs each integration test against its own private
# libvirtd in fresh namespaces. Ends with "N passed, N failed".
#   scripts/test.sh            everything
#   scripts/test.sh unit       unit tests only
#   scripts/test.sh NAME...    the named tests/{integration,tui}/test_NAME.sh only
set -uo pipefail
cd "$(dirname "$0")/.."
START=$(date +%s)

scripts/deps.sh || exit 1
scripts/build.sh build || { echo "build failed"; exit 1; }
scripts/build.sh build-asan -DVMDECK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug || { echo "ASan build failed"; exit 1; }

pass=0
fail=0
failed=()

echo "== unit tests (ASan+UBSan) =="
if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build-asan --output-on-failure; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); failed+=(unit)
fi
[ "${1:-}" = unit ] && { echo "$pass passed, $fail failed"; [ $fail -eq 0 ]; exit; }

scripts/guests.sh all || { echo "guest build failed"; exit 1; }

if [ $# -gt 0 ]; then
	tests=()
	for n in "$@"; do tests+=($(ls tests/integration/test_"$n".sh tests/tui/test_"$n".sh 2>/dev/null)); done
else
	tests=(tests/integration/test_*.sh tests/tui/test_*.sh)
fi
for t in "${tests[@]}"; do
	echo "== $t =="
	t0=$(date +%s)
	if timeout 900 scripts/testenv.sh run "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); failed+=("$t")
	fi
	echo "   ($(( $(date +%s) - t0 )) s)"
done
echo "== summary: $(( $(date +%s) - START )) s; failed: ${failed[*]:-none} =="
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
