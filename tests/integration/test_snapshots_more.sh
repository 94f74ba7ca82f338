#!/bin/bash
# Snapshots on every guest vmdeck makes (issue 18), on libvirt 9.0:
#   a UEFI guest (pflash): libvirt refuses internal snapshots of it running,
#     so vmdeck takes an external one with memory and reverts it itself: the
#     same boot comes back (boot_id, a file in RAM), with the disk as it was;
#     reverting between two such snapshots keeps each one's data; a stopped
#     UEFI guest's snapshot is disk-only (internal);
#   a guest with three disks: a tree of snapshots, the middle one deleted,
#     each other one still brings back its markers on all three disks.
# Markers are written by the guest to its disks' sectors; snapshot list says
# which kind each snapshot is.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
VS="virsh -q -c qemu:///system"
# mark VM DEV TEXT / marker VM DEV: sector 100 of /dev/DEV, from inside
mark() { agent_sh "$1" "printf '%-16s' '$3' | dd of=/dev/$2 bs=512 seek=100 conv=notrunc,fsync 2>/dev/null"; }
marker() { agent_sh "$1" "dd if=/dev/$2 bs=512 skip=100 count=1 2>/dev/null | head -c 16" | tr -d ' \000'; }
boot_id() { agent_sh "$1" "cat /proc/sys/kernel/random/boot_id"; }
kind_of() { "$V" snapshot list "$1" --json | python3 -c "import json,sys; print([s['kind'] for s in json.load(sys.stdin) if s['name']=='$2'][0])"; }

if [ -e /usr/share/OVMF/OVMF_CODE.fd ] || [ -e /usr/share/OVMF/OVMF_CODE_4M.fd ]; then
	expect "create ue --firmware uefi and start it" "$V" create ue --memory 256 --disk 64M --firmware uefi "${TINY[@]}" --start
	agent_ready ue 180 || bad "ue: no agent"
	mark ue vda one; agent_sh ue 'echo in-ram-one > /tmp/ram'
	b1=$(boot_id ue)
	expect "snapshot take ue u1 (running UEFI)" "$V" snapshot take ue u1
	[ "$(kind_of ue u1)" = external ] && ok "snapshot list: u1 is external (libvirt 9.0 has no internal one of a running UEFI guest)" \
		|| bad "u1 kind: $(kind_of ue u1)"
	mark ue vda two; agent_sh ue 'echo in-ram-two > /tmp/ram'
	expect "snapshot take ue u2" "$V" snapshot take ue u2
	mark ue vda three
	expect "snapshot revert ue u1" "$V" snapshot revert ue u1
	state_is ue running && ok "ue runs after the revert" || bad "ue not running"
	agent_ready ue 30 || bad "ue: no agent after revert"
	[ "$(boot_id ue)" = "$b1" ] && [ "$(agent_sh ue 'cat /tmp/ram')" = in-ram-one ] \
		&& ok "revert u1: the same boot came back (boot_id, the file in RAM)" || bad "boot after revert: $(boot_id ue) vs $b1, ram $(agent_sh ue 'cat /tmp/ram')"
	[ "$(marker ue vda)" = one ] && ok "revert u1: the disk holds marker one" || bad "u1 disk: $(marker ue vda)"
	expect "snapshot revert ue u2" "$V" snapshot revert ue u2
	agent_ready ue 30 || bad "ue: no agent after revert u2"
	[ "$(marker ue vda)" = two ] && [ "$(agent_sh ue 'cat /tmp/ram')" = in-ram-two ] && ok "revert u2: marker two and its RAM" \
		|| bad "u2: $(marker ue vda) $(agent_sh ue 'cat /tmp/ram')"
	expect "snapshot revert ue u1 (again)" "$V" snapshot revert ue u1
	agent_ready ue 30 || bad "ue: no agent"
	[ "$(marker ue vda)" = one ] && ok "back to u1: marker one (u2's data did not overwrite it)" || bad "u1 again: $(marker ue vda)"
	"$V" snapshot list ue | grep -qE "^u1 +- +[0-9TZ:-]+ +running +external +\*" && ok "snapshot list: KIND column, u1 current" \
		|| bad "list: $("$V" snapshot list ue | tr '\n' '|')"
	expect "snapshot delete ue u2 (external)" "$V" snapshot delete ue u2
	expect "snapshot revert ue u1 after deleting u2" "$V" snapshot revert ue u1
	agent_ready ue 30 || bad "ue: no agent"
	[ "$(marker ue vda)" = one ] && ok "u1 still reverts after u2 was deleted" || bad "after delete: $(marker ue vda)"
	# stopped: disk-only, internal
	"$V" poweroff ue >/dev/null
	expect "snapshot take ue off (stopped UEFI)" "$V" snapshot take ue off
	[ "$(kind_of ue off)" = internal ] && ok "a stopped UEFI guest's snapshot is internal, disk-only" || bad "off kind: $(kind_of ue off)"
	expect "start ue" "$V" start ue
	agent_ready ue 180 || bad "ue: no agent"
	mark ue vda four
	"$V" poweroff ue >/dev/null
	expect "snapshot revert ue off" "$V" snapshot revert ue off
	expect "start ue" "$V" start ue
	agent_ready ue 180 || bad "ue: no agent"
	[ "$(marker ue vda)" = one ] && ok "revert off: the disk as it was when stopped (marker one)" || bad "off: $(marker ue vda)"
	"$V" poweroff ue >/dev/null
	"$V" delete ue --disks --yes >/dev/null
else
	bad "OVMF is not installed (scripts/deps.sh run installs ovmf)"
fi

# three disks, a tree: s1 -> s2 -> s3, the middle one deleted
expect "create md (vda) and start it" "$V" create md --memory 128 --disk 32M "${TINY[@]}" --start
agent_ready md 90 || bad "md: no agent"
expect "disk add md 16M (vdb)" "$V" disk add md 16M
expect "disk add md 16M (vdc)" "$V" disk add md 16M
wait_for 20 agent_sh md "grep -q vdc /proc/partitions" || bad "md lacks vdc"
for n in 1 2 3; do
	for dev in vda vdb vdc; do mark md $dev "$dev-$n"; done
	expect "snapshot take md s$n (three disks, running)" "$V" snapshot take md s$n
done
for dev in vda vdb vdc; do mark md $dev "$dev-now"; done
expect "snapshot delete md s2 (the middle one)" "$V" snapshot delete md s2
"$V" snapshot list md --json > /tmp/vd.sl.$$
js /tmp/vd.sl.$$ "[s['name'] for s in j]==['s1','s3'] and j[1]['parent']=='s1'" && ok "the tree: s3's parent is s1 now" || bad "tree: $(tr -d '\n ' < /tmp/vd.sl.$$)"
for n in 1 3; do
	expect "snapshot revert md s$n" "$V" snapshot revert md s$n
	agent_ready md 30 || bad "md: no agent after revert s$n"
	got="$(marker md vda) $(marker md vdb) $(marker md vdc)"
	[ "$got" = "vda-$n vdb-$n vdc-$n" ] && ok "revert s$n: all three disks hold s$n's markers" || bad "s$n markers: $got"
done
"$V" poweroff md >/dev/null
"$V" delete md --disks --yes >/dev/null
finish
