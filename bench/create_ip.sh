#!/bin/bash
# Benchmark: create + start + first IPv4 of the tiny busybox guest.
#   vmdeck:  vmdeck create --disk 1 --kernel ... --start, then vmdeck ip --wait
#   peer:    virt-install --import --noautoconsole (same kernel, disk, network),
#            then a `virsh domifaddr --source lease` loop at the same 0.2 s period
# Both in the same run, alternating, fresh MACs each time. Prints medians and
# the ratio vmdeck/peer (goal <= 1.0).
# Run: scripts/testenv.sh run bench/create_ip.sh [ROUNDS]
cd "$(dirname "$0")/.." || exit 1
. tests/integration/lib.sh
ROUNDS=${1:-3}
stage_tiny
VS="virsh -q -c qemu:///system"
command -v virt-install >/dev/null || { echo "bench: virt-install missing (apt-get install virtinst)"; exit 1; }

now() { date +%s.%N; }
vmdeck_round() {
	local n=$1 t0 t1
	t0=$(now)
	"$V" create "$n" --memory 256 --disk 1 "${TINY[@]}" --start >/dev/null || return 1
	"$V" ip "$n" --wait 120 >/dev/null || return 1
	t1=$(now)
	echo "$t1 - $t0" | bc
	"$V" delete "$n" --disks --yes >/dev/null
}
peer_round() {
	local n=$1 t0 t1 i
	t0=$(now)
	virt-install -q --name "$n" --memory 256 --vcpus 1 --virt-type qemu --os-variant generic \
		--import --disk path="$T/$n.qcow2",size=1,format=qcow2,bus=virtio \
		--boot kernel="$T"/vmlinuz,initrd="$T"/initrd.gz,kernel_args="console=ttyS0 quiet" \
		--network network=default,model=virtio --graphics none --noautoconsole >/dev/null 2>&1 || return 1
	for ((i = 0; i < 600; i++)); do
		$VS domifaddr "$n" --source lease 2>/dev/null | grep -q ipv4 && break
		sleep 0.2
	done
	t1=$(now)
	echo "$t1 - $t0" | bc
	$VS destroy "$n" >/dev/null 2>&1; $VS undefine "$n" >/dev/null 2>&1; rm -f "$T/$n.qcow2"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: >"$T/v.times"; : >"$T/p.times"
for r in $(seq 1 "$ROUNDS"); do
	vmdeck_round "bv$r" >>"$T/v.times" || { echo "bench: vmdeck round $r failed"; exit 1; }
	peer_round "bp$r" >>"$T/p.times" || { echo "bench: peer round $r failed"; exit 1; }
done
VM=$(median <"$T/v.times"); PM=$(median <"$T/p.times")
echo "create+start+IP, tiny guest, TCG, $ROUNDS rounds each"
echo "  vmdeck : median $VM s  ($(tr '\n' ' ' <"$T/v.times"))"
echo "  peer   : median $PM s  (virt-install --import + virsh domifaddr loop; $(tr '\n' ' ' <"$T/p.times"))"
echo "  ratio vmdeck/peer: $(echo "scale=3; $VM / $PM" | bc) (goal <= 1.0)"
