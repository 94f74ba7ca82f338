#!/bin/bash
# bench/fuzz.sh [RUNS] - every libFuzzer harness of tests/fuzz for RUNS
# executions (default 1,000,000) under ASan+UBSan, from its seed corpus;
# prints executions, seconds and crashes per harness. A crash leaves its
# input in build-fuzz/crashes/NAME/ (make it a regression input in
# tests/fuzz/corpus/NAME once fixed). CI runs each briefly (scripts/test.sh).
#   bench/fuzz.sh 1000000
cd "$(dirname "$0")/.." || exit 1
RUNS=${1:-1000000}
B=build-fuzz
CC=clang cmake -S . -B "$B" -DVMDECK_FUZZ=ON -DVMDECK_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null &&
	cmake --build "$B" -j"$(nproc)" >"$B"/build.log 2>&1 || { echo "fuzz build failed: $(tail -5 "$B"/build.log)"; exit 1; }
total=0
for f in tests/fuzz/fuzz_*.c; do
	n=$(basename "$f" .c); n=${n#fuzz_}
	mkdir -p "$B/crashes/$n" "$B/corpus/$n"
	# a scratch corpus beside the seeds: what it learns stays out of the tree
	out=$("$B/tests/fuzz/fuzz_$n" -runs="$RUNS" -artifact_prefix="$B/crashes/$n/" "$B/corpus/$n" "tests/fuzz/corpus/$n" 2>&1)
	done_line=$(echo "$out" | grep '^Done' | tail -1)
	crashes=$(ls "$B/crashes/$n" | wc -l)
	total=$((total + crashes))
	printf '%-8s %s, crashes: %d\n' "$n" "${done_line:-did not finish: $(echo "$out" | grep -m1 -E 'ERROR|SUMMARY')}" "$crashes"
done
echo "crashes in all: $total"
