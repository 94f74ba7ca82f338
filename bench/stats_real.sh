#!/bin/bash
# Benchmark: the sampler on real guests against per-guest polling and a bulk
# call with every group, with 20 guests "on screen" and more off screen.
# Starts tiny guests (64 MiB, a 16 MiB qcow2 disk) and pauses each at once, so
# the measurement runs on a quiet host (paused guests still answer every
# statistics query: the cost is QEMU monitor round trips, not guest CPU).
# Run: scripts/testenv.sh run bench/stats_real.sh [TOTAL...]   (default: 20 40)
cd "$(dirname "$0")/.." || exit 1
. tests/integration/lib.sh
stage_tiny
SIZES=${*:-20 40}
made=0
for total in $SIZES; do
	while [ $made -lt "$total" ]; do
		made=$((made + 1))
		"$V" create "g$made" --memory 64 --disk 16M "${TINY[@]}" --start >/dev/null || exit 1
		"$V" pause "g$made" >/dev/null || exit 1
	done
	build/stats_bench real qemu:///system 20 10
done
