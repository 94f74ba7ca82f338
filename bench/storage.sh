#!/bin/bash
# Benchmark (issue 18), peers in the same run:
#   backup: a running guest with a 2 GiB disk holding 1 GiB of data; its full
#     backup, then 16 MiB of changes and an incremental one (time and bytes),
#     and the full one against `qemu-img convert -O qcow2` of the same disk
#   export: the stopped guest as an OVA against `qemu-img convert -O vmdk -o
#     subformat=streamOptimized` + `tar`
#   disk resize of the running guest against `virsh blockresize`
# Prints the times, bytes and ratios.
# Run: scripts/testenv.sh run bench/storage.sh
cd "$(dirname "$0")/.." || exit 1
. tests/integration/lib.sh
stage_tiny
VS="virsh -q -c qemu:///system"
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
B=$T/bk
mkdir -p "$B"

"$V" create bb --memory 128 --disk 2G "${TINY[@]}" >/dev/null || exit 1
disk=$($VS domblklist bb | awk '$1=="vda" {print $2}')
# 1 GiB of data (a pattern, not zeros: every cluster allocated) before it runs
qemu-io -f qcow2 -c "write -P 0x5a 0 1G" "$disk" >/dev/null || exit 1
"$V" start bb >/dev/null && agent_ready bb 120 || { echo "bb did not boot"; exit 1; }

t=$(now); "$V" backup bb "$B" --json > "$T"/full.json || exit 1; full_t=$(since "$t")
full_b=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['bytes'])" "$T"/full.json)
agent_sh bb "dd if=/dev/urandom of=/dev/vda bs=1M seek=100 count=16 conv=fsync 2>/dev/null"
t=$(now); "$V" backup bb "$B" --json > "$T"/inc.json || exit 1; inc_t=$(since "$t")
inc_b=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['bytes'])" "$T"/inc.json)
# the peer: the same disk copied by qemu-img (force-share: the guest runs)
t=$(now); qemu-img convert -U -f qcow2 -O qcow2 "$disk" "$T"/peer.qcow2; conv_t=$(since "$t")
rm -f "$T"/peer.qcow2

# disk resize live, vmdeck vs virsh blockresize (each 5 times, +64M)
t=$(now); for i in 1 2 3 4 5; do "$V" disk resize bb vda +64M >/dev/null || exit 1; done; rs_t=$(since "$t")
t=$(now)
for i in 1 2 3 4 5; do
	size=$($VS domblkinfo bb vda | awk '/Capacity/ {print $2}')
	$VS blockresize bb vda "$((size + (64 << 20)))B" >/dev/null || exit 1
done
vrs_t=$(since "$t")

# export of the stopped guest vs qemu-img convert to a stream-optimised VMDK + tar
"$V" poweroff bb >/dev/null
t=$(now); "$V" export bb "$T"/bb.ova >/dev/null || exit 1; ex_t=$(since "$t")
t=$(now)
qemu-img convert -f qcow2 -O vmdk -o subformat=streamOptimized "$disk" "$T"/bb-disk1.vmdk &&
	tar -cf "$T"/peer.ova -C "$T" bb-disk1.vmdk
pex_t=$(since "$t")
"$V" delete bb --disks --yes >/dev/null

python3 - "$full_t" "$full_b" "$inc_t" "$inc_b" "$conv_t" "$rs_t" "$vrs_t" "$ex_t" "$pex_t" <<'PY'
import sys
full_t, full_b, inc_t, inc_b, conv_t, rs_t, vrs_t, ex_t, pex_t = (float(x) for x in sys.argv[1:])
print(f"backup, 2 GiB disk with 1 GiB written, running: full {full_t:.2f} s, {full_b / 2**20:.0f} MiB; "
      f"incremental after 16 MiB of changes {inc_t:.2f} s, {inc_b / 2**20:.1f} MiB; "
      f"incremental/full = {inc_t / full_t:.3f} of the time, {inc_b / full_b:.3f} of the bytes")
print(f"full backup vs qemu-img convert -O qcow2 ({conv_t:.2f} s): {full_t / conv_t:.2f}x")
print(f"export (OVA) {ex_t:.2f} s vs qemu-img convert -O vmdk streamOptimized + tar {pex_t:.2f} s: {ex_t / pex_t:.2f}x")
print(f"disk resize live, 5 times: vmdeck {rs_t:.2f} s vs virsh blockresize {vrs_t:.2f} s: {rs_t / vrs_t:.2f}x")
PY
