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

scripts/deps.sh test || exit 1
# the Debian guest (debootstrap, minutes on a new machine) builds while the
# builds and the tests that need only the tiny guest run
DEBLOG=$(mktemp /tmp/vmdeck-debian-build.XXXXXX)
DEBPID=
if [ "${1:-}" != unit ]; then
	scripts/guests.sh debian >"$DEBLOG" 2>&1 &
	DEBPID=$!
	trap '[ -n "$DEBPID" ] && kill $DEBPID 2>/dev/null; rm -f "$DEBLOG"' EXIT
fi
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
# the libFuzzer harnesses, briefly (bench/fuzz.sh runs them long): their
# seeds and regression inputs first, then 20 s of new inputs each
if [ $# -eq 0 ] || [[ " $* " == *" fuzz "* ]]; then
	echo "== tests/fuzz (20 s each) =="
	if CC=clang cmake -S . -B build-fuzz -DVMDECK_FUZZ=ON -DVMDECK_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null &&
		cmake --build build-fuzz -j"$(nproc)" >build-fuzz/build.log 2>&1; then
		ffail=0
		for f in tests/fuzz/fuzz_*.c; do
			n=$(basename "$f" .c); n=${n#fuzz_}
			mkdir -p build-fuzz/crashes/"$n" build-fuzz/corpus/"$n"
			if build-fuzz/tests/fuzz/fuzz_"$n" -max_total_time=20 -artifact_prefix=build-fuzz/crashes/"$n"/ \
				build-fuzz/corpus/"$n" tests/fuzz/corpus/"$n" >build-fuzz/"$n".log 2>&1; then
				echo "   $n: $(grep '^Done' build-fuzz/"$n".log | tail -1)"
			else
				echo "   $n: FAILED: $(grep -m1 -E 'ERROR|SUMMARY|runtime error' build-fuzz/"$n".log)"
				ffail=1
			fi
		done
		if [ $ffail = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=(fuzz); fi
	else
		echo "fuzz build failed: $(tail -5 build-fuzz/build.log)"
		fail=$((fail + 1)); failed+=(fuzz)
	fi
fi
if [ "${1:-}" = unit ]; then
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit
fi
# the Debian package: built, checked, installed on this machine and removed
if [ $# -eq 0 ] || [[ " $* " == *" package "* ]]; then
	echo "== tests/package/test_package.sh =="
	t0=$(date +%s)
	if timeout 600 tests/package/test_package.sh; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=(package); fi
	echo "   ($(( $(date +%s) - t0 )) s)"
fi

scripts/guests.sh tiny && scripts/guests.sh install || { echo "tiny guest or install ISO build failed"; exit 1; }

if [ $# -gt 0 ]; then
	tests=()
	for n in "$@"; do tests+=($(ls tests/integration/test_"$n".sh tests/tui/test_"$n".sh 2>/dev/null)); done
else
	tests=(tests/integration/test_*.sh tests/tui/test_*.sh)
fi
# tests marked "# needs: debian" run last, once the Debian guest is built
ordered=()
for t in "${tests[@]}"; do grep -q '^# needs: debian' "$t" || ordered+=("$t"); done
for t in "${tests[@]}"; do grep -q '^# needs: debian' "$t" && ordered+=("$t"); done
debian_ready=false
for t in "${ordered[@]}"; do
	if grep -q '^# needs: debian' "$t" && ! $debian_ready; then
		echo "== waiting for the Debian guest build =="
		if ! wait $DEBPID; then
			DEBPID=
			cat "$DEBLOG"; echo "Debian guest build failed"; exit 1
		fi
		DEBPID=
		tail -1 "$DEBLOG"
		debian_ready=true
	fi
	echo "== $t =="
	t0=$(date +%s)
	if timeout 900 scripts/testenv.sh run "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); failed+=("$t")
	fi
	echo "   ($(( $(date +%s) - t0 )) s)"
done
# nothing needed the Debian guest: let its build finish for the next run
[ -n "$DEBPID" ] && wait $DEBPID 2>/dev/null
DEBPID=
echo "== summary: $(( $(date +%s) - START )) s; failed: ${failed[*]:-none} =="
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
