#!/bin/bash
# share add/list/remove (issue 18) on a real tiny guest: a virtiofs share the
# guest reads and writes (the host sees the file), shared memory added to the
# definition and the restart said; a read-only share (9p, enforced by QEMU:
# the guest's write fails); removal; bad input changes nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
VS="virsh -q -c qemu:///system"
mkdir -p "$T"/hostdir && echo "from the host" > "$T"/hostdir/in.txt && chmod 755 "$T"/hostdir && chmod 644 "$T"/hostdir/in.txt
expect "create sh1 and start it" "$V" create sh1 --memory 128 "${TINY[@]}" --start
"$V" share add sh1 "$T"/hostdir work --json > /tmp/vd.s.$$ \
	&& js /tmp/vd.s.$$ "j['type']=='virtiofs' and j['memory_added'] and j['restart_needed'] and j['mount']=='mount -t virtiofs work /mnt'" \
	&& ok "share add (running): virtiofs, shared memory added, restart said, the mount line" || bad "add: $(tr -d '\n' < /tmp/vd.s.$$)"
$VS dumpxml sh1 --inactive | grep -q "<access mode='shared'/>" && $VS dumpxml sh1 --inactive | grep -q "<driver type='virtiofs'/>" \
	&& ok "virsh: the definition has shared memory and the virtiofs device" || bad "XML: $($VS dumpxml sh1 --inactive | grep -A3 -E 'memoryBacking|filesystem')"
"$V" share list sh1 --json > /tmp/vd.s.$$ && js /tmp/vd.s.$$ "len(j)==1 and j[0]['tag']=='work' and not j[0]['active'] and not j[0]['readonly']" \
	&& ok "share list: work, not active until the next start" || bad "list: $(tr -d '\n ' < /tmp/vd.s.$$)"
expect "share add --readonly (9p)" "$V" share add sh1 "$T"/hostdir docs --readonly
"$V" poweroff sh1 >/dev/null
expect "start sh1" "$V" start sh1
agent_ready sh1 90 || bad "sh1: no agent"
"$V" share list sh1 --json > /tmp/vd.s.$$ && js /tmp/vd.s.$$ "[s['tag'] for s in j]==['work','docs'] and all(s['active'] for s in j) and [s['type'] for s in j]==['virtiofs','9p']" \
	&& ok "share list after the restart: both active" || bad "list: $(tr -d '\n ' < /tmp/vd.s.$$)"
[ "$(agent_sh sh1 'mkdir -p /mnt/w && mount -t virtiofs work /mnt/w && cat /mnt/w/in.txt')" = "from the host" ] \
	&& ok "the guest mounts work (virtiofs) and reads the host's file" || bad "virtiofs read"
agent_sh sh1 'echo "from the guest" > /mnt/w/out.txt && sync' && [ "$(cat "$T"/hostdir/out.txt 2>/dev/null)" = "from the guest" ] \
	&& ok "the guest writes; the host sees the file" || bad "virtiofs write: $(ls -l "$T"/hostdir)"
[ "$(agent_sh sh1 'mkdir -p /mnt/d && mount -t 9p -o trans=virtio docs /mnt/d && cat /mnt/d/in.txt')" = "from the host" ] \
	&& ok "the guest mounts docs (9p) and reads" || bad "9p read"
agent_sh sh1 'echo no > /mnt/d/nope.txt' >/dev/null 2>&1; rc=$?
[ $rc != 0 ] && [ ! -e "$T"/hostdir/nope.txt ] && ok "docs is read-only: the guest's write fails (rc=$rc), nothing on the host" \
	|| bad "read-only share written: rc=$rc $(ls "$T"/hostdir)"
agent_sh sh1 'umount /mnt/w; umount /mnt/d' >/dev/null
expect "share remove work (live)" "$V" share remove sh1 work
"$V" share list sh1 --json > /tmp/vd.s.$$ && js /tmp/vd.s.$$ "[s['tag'] for s in j]==['docs']" && ok "share list: docs left" || bad "list: $(tr -d '\n ' < /tmp/vd.s.$$)"
[ -f "$T"/hostdir/in.txt ] && [ -f "$T"/hostdir/out.txt ] && ok "the host folder is untouched by remove" || bad "host folder: $(ls "$T"/hostdir)"
refused "share of a missing folder" 1 "$V" share add sh1 "$T"/nowhere x
refused "share tag with a slash" "1 2" "$V" share add sh1 "$T"/hostdir "a/b"
refused "share tag taken" "1 2" "$V" share add sh1 "$T"/hostdir docs
refused "remove an unknown tag" 1 "$V" share remove sh1 nosuch
[ "$($VS dumpxml sh1 --inactive | grep -c '<filesystem')" = 1 ] && ok "the refusals changed nothing" || bad "filesystems: $($VS dumpxml sh1 --inactive | grep -c '<filesystem')"
"$V" poweroff sh1 >/dev/null
"$V" delete sh1 --disks --yes >/dev/null
finish
