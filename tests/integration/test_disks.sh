#!/bin/bash
# A guest's disks after creation (issue 18's first part): disk list, add
# (the running guest sees the new disk at its size), attach of an image,
# resize live (the guest sees the new size) and offline, shrinking refused,
# detach keeps the image unless --delete, --delete only in vmdeck's pool, and
# a template's disks cannot be resized while linked clones depend on them.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
POOL=/var/lib/libvirt/images/vmdeck
# the guest's own view of a disk: its size in 512-byte sectors from /sys/block
gsize() { agent_sh dk1 "cat /sys/block/$1/size" 2>/dev/null; }
# wait_gsize DEV SECTORS: until the guest sees that size (bounded: 15 s)
wait_gsize() { local i; for ((i = 0; i < 30; i++)); do [ "$(gsize "$1")" = "$2" ] && return 0; sleep 0.5; done; return 1; }
expect "create dk1 --disk 1 --start" "$V" create dk1 --memory 128 --disk 1 "${TINY[@]}" --start
agent_ready dk1 90 || bad "dk1: no agent"
"$V" disk list dk1 --json > /tmp/vd.d.$$
js /tmp/vd.d.$$ "len(j)==1 and j[0]['target']=='vda' and j[0]['device']=='disk' and j[0]['bus']=='virtio' and j[0]['format']=='qcow2' and j[0]['virtual_bytes']==1<<30 and j[0]['path'].endswith('/dk1.qcow2')" \
	&& ok "disk list --json: vda, virtio, qcow2, 1 GiB, its path" || bad "disk list: $(cat /tmp/vd.d.$$ | tr -d '\n ')"
"$V" disk list dk1 | awk 'NR==2 {print $1, $2, $3, $4, $5}' | grep -qx "vda disk virtio qcow2 1G" && ok "disk list text: one token per column" \
	|| bad "disk list text: $("$V" disk list dk1)"

# add: a new volume, live; the guest sees it
expect "disk add dk1 64M" "$V" disk add dk1 64M
grep -q "disk vdb added: $POOL/dk1-disk1.qcow2" /tmp/vd.out.$$ && ok "added as vdb in vmdeck's pool" || bad "add: $(cat /tmp/vd.out.$$)"
wait_gsize vdb 131072 \
	&& ok "the running guest sees vdb, 64 MiB" || bad "guest vdb: $(gsize vdb)"
[ "$(stat -c %a "$POOL"/dk1-disk1.qcow2)" = 600 ] && ok "the new volume is 0600" || bad "mode $(stat -c %a "$POOL"/dk1-disk1.qcow2)"
virsh -q -c qemu:///system dumpxml --inactive dk1 | grep -q "dk1-disk1.qcow2" && ok "... and in the configuration" || bad "not in the config"
refused "disk add with an unknown bus" 1 "$V" disk add dk1 1G --bus ide
refused "disk add beyond the pool's free space" 1 "$V" disk add dk1 9999T

# resize live: the guest sees the new size; shrinking is refused
expect "disk resize dk1 vdb +32M (live)" "$V" disk resize dk1 vdb +32M
wait_gsize vdb 196608 \
	&& ok "the running guest sees vdb grow to 96 MiB" || bad "guest vdb after resize: $(gsize vdb)"
refused "disk resize to a smaller size" 2 "$V" disk resize dk1 vdb 32M
grep -q "vmdeck only grows disks" /tmp/vd.rerr.$$ && ok "... says it only grows" || bad "$(cat /tmp/vd.rerr.$$)"
[ "$(qemu-img info --output=json -U "$POOL"/dk1-disk1.qcow2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])')" = 100663296 ] \
	&& ok "the image is 96 MiB" || bad "image size"

# attach an existing image, detach keeps it, --delete only in the pool
qemu-img create -q -f raw "$T"/extra.img 8M
qemu-img convert -O vdi "$T"/extra.img "$T"/extra.vdi
expect "disk attach dk1 extra.img" "$V" disk attach dk1 "$T"/extra.img
grep -q "attached as vdc" /tmp/vd.out.$$ && ok "attached as vdc" || bad "attach: $(cat /tmp/vd.out.$$)"
refused "disk attach of a relative path" 1 "$V" disk attach dk1 extra.img
refused "disk attach of a vdi (convert first)" 1 "$V" disk attach dk1 "$T"/extra.vdi
grep -q "convert it first" /tmp/vd.rerr.$$ && ok "... says to convert it" || bad "$(cat /tmp/vd.rerr.$$)"
refused "disk detach --delete of an image outside vmdeck's pool" 1 "$V" disk detach dk1 vdc --delete
[ -f "$T"/extra.img ] && "$V" disk list dk1 --names | grep -qx vdc && ok "... nothing changed: still attached, the image is there" \
	|| bad "extra.img deleted or detached"
expect "disk detach dk1 vdc" "$V" disk detach dk1 vdc
! "$V" disk list dk1 --names | grep -qx vdc && [ -f "$T"/extra.img ] && ok "vdc is detached, its image kept" || bad "vdc still attached"
expect "disk detach dk1 vdb (keeps the volume)" "$V" disk detach dk1 vdb
[ -f "$POOL"/dk1-disk1.qcow2 ] && ok "the detached volume is kept" || bad "dk1-disk1 deleted without --delete"
refused "disk detach of a target it does not have" 1 "$V" disk detach dk1 vdz

# offline: resize of a stopped guest's disk, then detach --delete
expect "poweroff dk1" "$V" poweroff dk1
expect "disk resize dk1 vda 2G (offline)" "$V" disk resize dk1 vda 2G
"$V" disk list dk1 --json | python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)[0]['virtual_bytes']==2<<30 else 1)" \
	&& ok "vda is 2 GiB" || bad "offline resize"
expect "disk attach dk1 the kept volume" "$V" disk attach dk1 "$POOL"/dk1-disk1.qcow2
expect "disk detach dk1 vdb --delete" "$V" disk detach dk1 vdb --delete
[ ! -e "$POOL"/dk1-disk1.qcow2 ] && ok "--delete removed the pool's volume" || bad "volume still there"

# a template's disks stay as its clones need them
expect "clone dk1 dk1c --linked" "$V" clone dk1 dk1c --linked
refused "disk resize of a template with a linked clone" 1 "$V" disk resize dk1 vda +1G
grep -q "template of 1 linked clone" /tmp/vd.rerr.$$ && ok "... says why" || bad "$(cat /tmp/vd.rerr.$$)"
refused "disk add to a template" 1 "$V" disk add dk1 1G
refused "--readonly disk add" 1 "$V" --readonly disk add dk1c 1G
"$V" delete dk1c --disks --yes >/dev/null
"$V" delete dk1 --disks --yes >/dev/null
finish
