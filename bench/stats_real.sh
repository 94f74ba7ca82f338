#!/bin/bash
# Benchmark: the sampler on real guests against per-guest polling and a bulk
# call with every group, with 20 guests "on screen" and more off screen.
# Starts tiny guests (128 MiB, a 16 MiB qcow2 disk) and pauses each at once, so
# the measurement runs on a quiet host (paused guests still answer every
# statistics query the peers make: the cost is QEMU monitor round trips and
# libvirtd's work, not guest CPU). Then the 20 on-screen guests are resumed
# (idle, booted) and the largest size is measured again.
# Run: scripts/testenv.sh run bench/stats_real.sh [TOTAL...]   (default: 20 40 60)
cd "$(dirname "$0")/.." || exit 1
. tests/integration/lib.sh
stage_tiny
SIZES=${*:-20 40 60}
made=0
echo "what each statistics group costs (libvirt $(virsh -q -c qemu:///system version 2>/dev/null | awk '/libvirt/ {print $NF; exit}')):"
for total in $SIZES; do
	while [ $made -lt "$total" ]; do
		made=$((made + 1))
		"$V" create "g$made" --memory 128 --disk 16M "${TINY[@]}" --start >/dev/null || exit 1
		"$V" pause "g$made" >/dev/null || exit 1
	done
	build/stats_bench groups qemu:///system 5
	build/stats_bench real qemu:///system 20 10
done
echo "== the 20 on-screen guests running (idle after boot), $made in all =="
for i in $(seq 1 20); do "$V" resume "g$i" >/dev/null; done
sleep 20
build/stats_bench real qemu:///system 20 10
