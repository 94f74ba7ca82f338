#!/bin/bash
# Benchmark: a classroom lab made, reset and removed by vmdeck against the
# shell script a teacher writes with the same tools (qemu-img overlays, virsh
# define/snapshot/revert/undefine, one network), same base, same run.
#   class: N seats (default 12), a shared NAT network, a clean snapshot each,
#          not started (guest boots cost the same either way and are left out;
#          so are forwards, which virsh cannot make)
# Prints the time of up, reset (all seats) and down for both, and the ratios.
# Run: scripts/testenv.sh run bench/labs.sh [N]
cd "$(dirname "$0")/.." || exit 1
. tests/integration/lib.sh
N=${1:-12}
stage_tiny
VS="virsh -q -c qemu:///system"
POOL=/var/lib/libvirt/images/vmdeck
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

qemu-img create -q -f qcow2 "$T"/base.qcow2 1G
"$V" create base --memory 128 --import "$T"/base.qcow2 "${TINY[@]}" >/dev/null || exit 1
BASEDISK=$POOL/base-disk0.qcow2
printf '[lab]\nname = cls\nbase = base\nseats = %s\nstart = no\n[network]\nmode = nat\n' "$N" > "$T"/class.ini

t=$(now); "$V" lab up "$T"/class.ini >/dev/null || { echo "lab up failed"; exit 1; }; vm_up=$(since "$t")
t=$(now); "$V" lab reset "$T"/class.ini >/dev/null || { echo "lab reset failed"; exit 1; }; vm_reset=$(since "$t")
t=$(now); "$V" lab down "$T"/class.ini >/dev/null || { echo "lab down failed"; exit 1; }; vm_down=$(since "$t")

# the teacher's script: a network, then per seat an overlay, a definition on
# that network, a clean snapshot; reset reverts each; down undoes it all
cat > "$T"/net.xml <<'XML'
<network><name>shcls-net</name><forward mode='nat'/><ip address='192.168.150.1' netmask='255.255.255.0'>
<dhcp><range start='192.168.150.2' end='192.168.150.254'/></dhcp></ip></network>
XML
$VS dumpxml base | sed -e '/<uuid>/d' -e '/<mac /d' -e "s|<source network='default'/>|<source network='shcls-net'/>|" > "$T"/base.xml
t=$(now)
$VS net-define "$T"/net.xml >/dev/null && $VS net-start shcls-net >/dev/null
for i in $(seq 1 "$N"); do
	qemu-img create -q -f qcow2 -b "$BASEDISK" -F qcow2 "$POOL/sh-$i.qcow2"
	sed -e "s|<name>base</name>|<name>sh-$i</name>|" -e "s|$BASEDISK|$POOL/sh-$i.qcow2|" "$T"/base.xml > "$T"/s.xml
	$VS define "$T"/s.xml >/dev/null
	$VS snapshot-create-as "sh-$i" clean >/dev/null
done
sh_up=$(since "$t")
t=$(now)
for i in $(seq 1 "$N"); do $VS snapshot-revert "sh-$i" clean >/dev/null; done
sh_reset=$(since "$t")
t=$(now)
for i in $(seq 1 "$N"); do $VS undefine "sh-$i" --snapshots-metadata >/dev/null; rm -f "$POOL/sh-$i.qcow2"; done
$VS net-destroy shcls-net >/dev/null && $VS net-undefine shcls-net >/dev/null
sh_down=$(since "$t")
"$V" delete base --disks --yes >/dev/null

python3 - "$N" "$vm_up" "$sh_up" "$vm_reset" "$sh_reset" "$vm_down" "$sh_down" <<'PY'
import sys
n = int(sys.argv[1])
v = [float(x) for x in sys.argv[2:]]
print(f"a lab of {n} seats (linked clones of a 1 GiB qcow2 base, a NAT network, clean snapshots, not started):")
for name, vm, sh in (("up", v[0], v[1]), ("reset", v[2], v[3]), ("down", v[4], v[5])):
    print(f"  {name:5s}: vmdeck lab {name} {vm:6.2f} s, shell script (qemu-img + virsh) {sh:6.2f} s; "
          f"script/vmdeck = {sh / vm:.2f}x")
PY
