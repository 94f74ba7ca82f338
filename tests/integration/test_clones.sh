#!/bin/bash
# needs: debian
# Full and linked clones of the Debian guest: both boot with their own MACs
# and IPs, a file written in a linked clone stays there, the template is
# protected while clones depend on it, and a SIGKILLed full clone leaves
# nothing behind after the next run.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_debian
stage_tiny
export XDG_STATE_HOME=$T/state
POOL=/var/lib/libvirt/images/vmdeck

expect "create base (not started)" "$V" create base --memory 384 --import "$GUESTS"/debian/disk.qcow2 "${DEB[@]}"
BASEDISK=$POOL/base-disk0.qcow2
SUM_BEFORE=$(sha1sum "$BASEDISK" | cut -c1-40)
expect "full clone base -> full1" "$V" clone base full1
expect "linked clone base -> l1" "$V" clone base l1 --linked
expect "linked clone base -> l2" "$V" clone base l2 --linked
"$V" info l1 --json >/tmp/vd.i.$$
js /tmp/vd.i.$$ "j['disks'][0]['backing']=='$BASEDISK' and j['disks'][0]['source']!='$BASEDISK'" \
	&& ok "info l1 shows its backing chain on base's disk" || bad "l1 disks: $(tr -d ' \n' </tmp/vd.i.$$ | grep -o '"disks".*' | cut -c1-300)"
"$V" info full1 --json >/tmp/vd.i.$$
js /tmp/vd.i.$$ "j['disks'][0]['backing'] is None and j['disks'][0]['source']=='$POOL/full1-disk0.qcow2'" \
	&& ok "full1 has its own disk, no backing" || bad "full1 disks"

refused "start the template while linked clones exist" "1" "$V" start base
grep -q "l1, l2" /tmp/vd.rerr.$$ && ok "the refusal names the clones" || bad "refusal text"
refused "delete the template" "1" "$V" delete base --yes
refused "change the template" "1" "$V" set base --cpus 2
refused "snapshot the template" "1" "$V" snapshot take base
refused "clone a running-only state: linked clone of a missing VM" "1" "$V" clone nosuch x --linked
refused "clone onto an existing name" "1" "$V" clone base l1

for vm in l1 l2 full1; do expect "start $vm" "$V" start "$vm"; done
for vm in l1 l2 full1; do
	"$V" ip "$vm" --wait 180 >/tmp/vd.ip.$vm.$$ && ok "$vm has IPv4 $(cat /tmp/vd.ip.$vm.$$)" || bad "$vm: no IPv4"
done
macs=$(for vm in base l1 l2 full1; do "$V" info $vm --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nics"][0]["mac"])'; done | sort -u | wc -l)
[ "$macs" -eq 4 ] && ok "four different MACs (base, l1, l2, full1)" || bad "MACs not distinct ($macs)"
ips=$(cat /tmp/vd.ip.*.$$ | sort -u | wc -l)
[ "$ips" -eq 3 ] && ok "three different IPs" || bad "IPs not distinct: $(cat /tmp/vd.ip.*.$$)"
uuids=$(for vm in base l1 l2 full1; do "$V" info $vm --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])'; done | sort -u | wc -l)
[ "$uuids" -eq 4 ] && ok "four different UUIDs" || bad "UUIDs not distinct"

# a file written in one linked clone is only there
for vm in l1 l2 full1; do agent_ready $vm 180 || bad "$vm: no agent"; done
agent_sh l1 "echo only-l1 > /root/mark && sync"
[ "$(agent_sh l1 'cat /root/mark')" = only-l1 ] && ok "l1 has its file" || bad "l1 file"
agent_sh l2 "test -e /root/mark"; [ $? -eq 1 ] && ok "l2 does not see l1's file" || bad "l2 sees l1's file"
agent_sh full1 "test -e /root/mark"; [ $? -eq 1 ] && ok "full1 does not see l1's file" || bad "full1 sees it"
[ "$(sha1sum "$BASEDISK" | cut -c1-40)" = "$SUM_BEFORE" ] && ok "base's disk unchanged byte for byte" || bad "base disk changed"

# once the clones are gone the base is an ordinary guest again
for vm in l1 l2 full1; do "$V" poweroff $vm >/dev/null; done
expect "delete l1 --disks" "$V" delete l1 --disks --yes
expect "delete l2 --disks" "$V" delete l2 --disks --yes
[ -f "$BASEDISK" ] && ok "deleting linked clones kept the base disk" || bad "base disk gone"
expect "start base (no clones left)" "$V" start base
agent_ready base 180 && { agent_sh base "test -e /root/mark"; [ $? -eq 1 ] && ok "base does not have l1's file" || bad "base has l1's file"; }
"$V" poweroff base >/dev/null

# SIGKILL in the middle of a full copy: source intact, the next run cleans up
head -c 1536M /dev/urandom > "$T"/big.img 2>/dev/null
SUM_BIG=$(sha1sum "$T"/big.img | cut -c1-40)
expect "create big (1.5 GiB raw, in place)" "$V" create big --memory 64 --import "$T"/big.img --in-place "${TINY[@]}"
"$V" clone big big2 >/dev/null 2>&1 &
CPID=$!
for _ in $(seq 1 200); do [ -s "$POOL"/big2-disk0.img ] && break; sleep 0.02; done
sleep 0.3
kill -KILL $CPID; wait $CPID 2>/dev/null
[ -e "$POOL"/big2-disk0.img ] && ok "the killed clone left a partial copy" || bad "no partial copy to clean (copy too fast?)"
! "$V" list --all --json | grep -q '"big2"' && ok "no half-defined big2" || bad "big2 defined"
[ "$(sha1sum "$T"/big.img | cut -c1-40)" = "$SUM_BIG" ] && ok "source disk intact" || bad "source changed"
"$V" doctor >/tmp/vd.c.$$ 2>&1
grep -q "clone-volume $POOL/big2-disk0.img (disk of the interrupted clone big -> big2)" /tmp/vd.c.$$ \
	&& ok "doctor lists the killed clone's partial copy" || bad "doctor: $(cat /tmp/vd.c.$$)"
"$V" clone big big3 >/tmp/vd.c.$$ 2>&1
grep -q "removed $POOL/big2-disk0.img (disk of the interrupted clone big -> big2)" /tmp/vd.c.$$ && ok "the next run reports and removes the leftover" \
	|| bad "rerun: $(cat /tmp/vd.c.$$)"
[ ! -e "$POOL"/big2-disk0.img ] && ok "leftover gone" || bad "leftover still there"
cmp -s "$T"/big.img "$POOL"/big3-disk0.img && ok "a complete clone is byte-identical" || bad "big3 differs"
# SIGTERM (like Ctrl-C) cancels at once and removes the partial copy itself
"$V" clone big big4 >/dev/null 2>/tmp/vd.t.$$ &
CPID=$!
for _ in $(seq 1 200); do [ -s "$POOL"/big4-disk0.img ] && break; sleep 0.02; done
kill -TERM $CPID; wait $CPID; rc=$?
[ $rc -eq 1 ] && grep -q "cancelled" /tmp/vd.t.$$ && ok "SIGTERM: clone cancelled, exit 1" || bad "SIGTERM: rc=$rc $(cat /tmp/vd.t.$$)"
[ ! -e "$POOL"/big4-disk0.img ] && ok "SIGTERM: partial copy removed" || bad "SIGTERM: partial copy left"
! "$V" list --all --json | grep -q '"big4"' && ok "SIGTERM: no big4 defined" || bad "big4 defined"
finish
