#!/bin/bash
# Benchmark: snapshot take and revert of the same running tiny guest (16 MiB
# qcow2 disk, memory included), vmdeck against plain virsh, alternating, in
# the same run. Prints medians and ratios (goal <= 1.1).
# Run: scripts/testenv.sh run bench/snapshots.sh [ROUNDS]
cd "$(dirname "$0")/.." || exit 1
. tests/integration/lib.sh
R=${1:-5}
stage_tiny
VS="virsh -q -c qemu:///system"
"$V" create sb --memory 128 --disk 16M "${TINY[@]}" --start >/dev/null || exit 1
wait_for 30 sh -c "grep -q TESTVM-BOOTED '$T/log/qemu/sb-serial.log'"
ms() { python3 -c "import sys; print(round((float(sys.argv[2]) - float(sys.argv[1])) * 1000, 1))" "$1" "$2"; }
now() { date +%s.%N; }
: >"$T"/vt; : >"$T"/vr; : >"$T"/pt; : >"$T"/pr
vm_take() { a=$(now); "$V" snapshot take sb "v$1" >/dev/null || exit 1; b=$(now); ms "$a" "$b" >>"$T"/vt; }
pe_take() { a=$(now); $VS snapshot-create-as sb "p$1" >/dev/null || exit 1; b=$(now); ms "$a" "$b" >>"$T"/pt; }
vm_revert() { a=$(now); "$V" snapshot revert sb "v$1" >/dev/null || exit 1; b=$(now); ms "$a" "$b" >>"$T"/vr; }
pe_revert() { a=$(now); $VS snapshot-revert sb "p$1" >/dev/null || exit 1; b=$(now); ms "$a" "$b" >>"$T"/pr; }
# alternate who goes first, so neither always follows a revert
for i in $(seq 1 "$R"); do
	if [ $((i % 2)) -eq 1 ]; then
		vm_take "$i"; pe_take "$i"; vm_revert "$i"; pe_revert "$i"
	else
		pe_take "$i"; vm_take "$i"; pe_revert "$i"; vm_revert "$i"
	fi
done
python3 - "$T" "$R" <<'PY'
import statistics, sys
d = sys.argv[1]
m = {k: statistics.median(float(x) for x in open(f"{d}/{k}")) for k in ("vt", "pt", "vr", "pr")}
print(f"snapshots of a running tiny guest, {sys.argv[2]} rounds, medians:")
print(f"  take  : vmdeck {m['vt']:.0f} ms, virsh snapshot-create-as {m['pt']:.0f} ms, ratio {m['vt'] / m['pt']:.2f} (goal <= 1.1)")
print(f"  revert: vmdeck {m['vr']:.0f} ms, virsh snapshot-revert {m['pr']:.0f} ms, ratio {m['vr'] / m['pr']:.2f} (goal <= 1.1)")
PY
