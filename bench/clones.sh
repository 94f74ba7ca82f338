#!/bin/bash
# Benchmark: linked clones against full copies, same base, same run.
#   base: a 2 GiB qcow2 disk with 1 GiB written
#   vmdeck: `vmdeck clone base c1 ... c30 --linked` (one process, a class at once)
#           and, for reference, 30 separate `vmdeck clone base cN --linked` processes
#   peers:  `virt-clone` full copies (a few; per-clone time), and a plain shell
#           loop of `qemu-img create -b` + `virsh define` (the floor)
# Prints per-clone times and ratios. Goal: all 30 in < 1 s, >= 100x virt-clone.
# Run: scripts/testenv.sh run bench/clones.sh [N_LINKED] [N_VIRTCLONE]
cd "$(dirname "$0")/.." || exit 1
. tests/integration/lib.sh
N=${1:-30}
NV=${2:-2}
stage_tiny
export XDG_STATE_HOME=$T/state
VS="virsh -q -c qemu:///system"
POOL=/var/lib/libvirt/images/vmdeck
now() { date +%s.%N; }

echo "bench: making the base (2 GiB qcow2, 1 GiB written)"
head -c 1G /dev/urandom > "$T"/base.raw
truncate -s 2G "$T"/base.raw
qemu-img convert -f raw -O qcow2 "$T"/base.raw "$T"/base.qcow2 && rm -f "$T"/base.raw
"$V" create base --memory 128 --import "$T"/base.qcow2 "${TINY[@]}" >/dev/null || exit 1
rm -f "$T"/base.qcow2
BASEDISK=$POOL/base-disk0.qcow2

t0=$(now)
"$V" clone base $(seq -f 'c%g' 1 "$N") --linked >/dev/null || { echo "clone failed"; exit 1; }
t1=$(now)
vm_total=$(echo "$t1 - $t0" | bc)
t0=$(now)
for i in $(seq 1 "$N"); do "$V" clone base "d$i" --linked >/dev/null || { echo "clone d$i failed"; exit 1; }; done
t1=$(now)
vm_each=$(echo "$t1 - $t0" | bc)

# the floor: what a script does by hand for the same overlays
$VS dumpxml base | sed -e '/<uuid>/d' -e '/<mac /d' > "$T"/base.xml
t0=$(now)
for i in $(seq 1 "$N"); do
	qemu-img create -q -f qcow2 -b "$BASEDISK" -F qcow2 "$POOL/s$i.qcow2"
	sed -e "s|<name>base</name>|<name>s$i</name>|" -e "s|$BASEDISK|$POOL/s$i.qcow2|" "$T"/base.xml > "$T"/s.xml
	$VS define "$T"/s.xml >/dev/null
done
t1=$(now)
sh_total=$(echo "$t1 - $t0" | bc)

# virt-clone needs the linked clones gone? no: it copies base's disk whatever else exists
t0=$(now)
for i in $(seq 1 "$NV"); do
	virt-clone -q --original base --name "v$i" --file "$POOL/v$i.qcow2" >/dev/null 2>&1 || { echo "virt-clone failed"; exit 1; }
done
t1=$(now)
vc_total=$(echo "$t1 - $t0" | bc)

python3 - "$N" "$vm_total" "$sh_total" "$NV" "$vc_total" "$vm_each" <<'PY'
import sys
n, vm, sh, nv, vc, each = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
print(f"linked clones of a 2 GiB base with 1 GiB written:")
print(f"  vmdeck clone --linked : {n} in {vm:.3f} s = {vm / n * 1000:.1f} ms each, one command (goal: all {n} < 1 s)")
print(f"  same, one process each: {n} in {each:.3f} s = {each / n * 1000:.1f} ms each")
print(f"  qemu-img + virsh loop : {n} in {sh:.3f} s = {sh / n * 1000:.1f} ms each; vmdeck/loop = {vm / sh:.2f}")
print(f"  virt-clone (full)     : {nv} in {vc:.3f} s = {vc / nv * 1000:.0f} ms each")
print(f"  ratio virt-clone/vmdeck per clone: {(vc / nv) / (vm / n):.0f}x (goal >= 100x)")
PY
