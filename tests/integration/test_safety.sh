#!/bin/bash
# The safety audit's defects, each proved on a real private libvirtd (the
# pure parts are in tests/unit): what vmdeck deletes, overwrites or takes
# over is only what it made. Item numbers are the audit's (issue 13).
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
POOL=/var/lib/libvirt/images/vmdeck
VS="virsh -q -c qemu:///system"
STATE=${XDG_STATE_HOME:?testenv sets it}/vmdeck
vms() { "$V" list --all --json | python3 -c "import json,sys; print(' '.join(sorted(d['name'] for d in json.load(sys.stdin))))"; }
nets() { "$V" net list --json | python3 -c "import json,sys; print(' '.join(sorted(d['name'] for d in json.load(sys.stdin))))"; }
mode_of() { stat -c %a "$1" 2>/dev/null; }

# ---- 11: no pool yet; an impossible disk is refused before anything is made,
# and a create that fails later takes away the pool it made
$VS pool-info vmdeck >/dev/null 2>&1 && bad "a pool exists before the first create" || ok "no vmdeck pool yet"
refused "11: create --disk 99999T on a host without the pool" 1 "$V" create huge --memory 64 --disk 99999T "${TINY[@]}"
grep -q "filesystem of pool vmdeck" /tmp/vd.rerr.$$ && ok "11: the message gives the filesystem's free space" \
	|| bad "11: message: $(cat /tmp/vd.rerr.$$)"
$VS pool-info vmdeck >/dev/null 2>&1 && bad "11: the refused create made the pool" || ok "11: the refused create made no pool"
refused "11: a create that fails after its disk (a kernel that is no kernel)" 1 \
	"$V" create nokern --memory 64 --disk 1 --kernel /etc/hostname --start
$VS pool-info vmdeck >/dev/null 2>&1 && bad "11: the failed create left its pool" || ok "11: the failed create removed the pool it made"
[ ! -e "$POOL" ] && ok "11: ... and its directory" || bad "11: $POOL left: $(ls -la "$POOL")"
[ -z "$(vms)" ] && ok "11: no guest left" || bad "11: guests: $(vms)"

# the base of the clones and labs below: a 16 MiB qcow2 disk, tiny kernel
qemu-img create -q -f qcow2 "$T"/base.qcow2 16M
expect "create sbase --import base.qcow2" "$V" create sbase --memory 128 --import "$T"/base.qcow2 "${TINY[@]}"
basedisk=$POOL/sbase-disk0.qcow2
qemu-io -f qcow2 -c "write -P 0x42 0 4096" "$basedisk" >/dev/null
basesum=$(md5sum <"$basedisk")

# ---- 5: every disk vmdeck writes is 0600 (qemu-img's children and libvirt's volumes)
umask 022
expect "clone sbase sfull (full copy)" "$V" clone sbase sfull
expect "create sdisk --disk 1 (a new volume)" "$V" create sdisk --memory 64 --disk 1 "${TINY[@]}"
qemu-img convert -O vdi "$T"/base.qcow2 "$T"/conv.vdi
expect "create sconv --import conv.vdi (converted)" "$V" create sconv --memory 64 --import "$T"/conv.vdi "${TINY[@]}"
expect "clone sbase slink --linked (an overlay)" "$V" clone sbase slink --linked
for f in sbase-disk0.qcow2 sfull-disk0.qcow2 sdisk.qcow2 sconv-disk0.qcow2 slink-disk0.qcow2; do
	[ "$(mode_of "$POOL/$f")" = 600 ] && ok "5: $f is 0600" || bad "5: $f is $(mode_of "$POOL/$f")"
done
for vm in sfull sdisk sconv slink; do "$V" delete $vm --disks --yes >/dev/null; done

# ---- 1: the clone journal lives in a private directory and names what may go
[ -d "$STATE/clones" ] && [ "$(mode_of "$STATE/clones")" = 700 ] && [ "$(mode_of "$STATE")" = 700 ] \
	&& ok "1: journals in \$XDG_STATE_HOME/vmdeck/clones, 0700" || bad "1: state dir: $(ls -ld "$STATE" "$STATE/clones")"
echo "root's precious file" > "$T"/victim
# a dead pid: a journal of an interrupted clone
sh -c 'exit 0' & dead=$!; wait $dead
# a journal (valid in form, from this user) that lists a file outside the pool,
# the base's own disk, and a leftover that is really an interrupted clone's
qemu-img create -q -f qcow2 -b "$basedisk" -F qcow2 "$POOL"/c9-disk0.qcow2
$VS pool-refresh vmdeck >/dev/null
printf 'vmdeck clone journal 2\n%s\nqemu:///system\nsbase\nc9\n%s\n%s\n%s\n' "$dead" "$T/victim" "$basedisk" \
	"$POOL/c9-disk0.qcow2" > "$STATE/clones/c9.$dead.journal"
chmod 600 "$STATE/clones/c9.$dead.journal"
expect "doctor lists what the interrupted clone left" "$V" doctor
grep -q "clone-volume $POOL/c9-disk0.qcow2 (disk of the interrupted clone sbase -> c9)" /tmp/vd.out.$$ && \
	[ "$(grep -c clone-volume /tmp/vd.out.$$)" = 1 ] && ok "1: doctor lists exactly c9's overlay" \
	|| bad "1: doctor said: $(cat /tmp/vd.out.$$ | tr '\n' '|')"
"$V" doctor --json > /tmp/vd.doc.$$ && js /tmp/vd.doc.$$ "len(j)==1 and j[0]['kind']=='clone-volume' and j[0]['path'].endswith('/c9-disk0.qcow2') and not j[0]['removed']" \
	&& ok "doctor --json: one leftover, not removed" || bad "doctor --json: $(cat /tmp/vd.doc.$$)"
refused "4: delete sbase --disks while an interrupted clone's overlay sits on its disk" 1 "$V" delete sbase --disks --yes
grep -q "c9" /tmp/vd.rerr.$$ && ok "4: the refusal names the interrupted clone" || bad "4: $(cat /tmp/vd.rerr.$$)"
# a seed whose guest was never defined (a create killed after its upload) is
# vmdeck's leftover too; the seed of a guest that exists is not
$VS vol-create-as vmdeck ghost-seed.iso 1M --format raw >/dev/null
$VS vol-create-as vmdeck sbase-seed.iso 1M --format raw >/dev/null
"$V" doctor --json > /tmp/vd.doc.$$
js /tmp/vd.doc.$$ "sorted(x['kind'] for x in j)==['clone-volume','seed-volume'] and any(x['path'].endswith('/ghost-seed.iso') for x in j)" \
	&& ok "doctor lists ghost-seed.iso (its guest was never defined), not sbase-seed.iso" || bad "doctor seeds: $(cat /tmp/vd.doc.$$ | tr -d '\n ')"
refused "--readonly doctor --fix" 1 "$V" --readonly doctor --fix
expect "doctor --fix" "$V" doctor --fix
[ ! -e "$POOL/c9-disk0.qcow2" ] && ok "1: doctor --fix removed c9's overlay" || bad "1: c9's overlay still there"
[ ! -e "$POOL/ghost-seed.iso" ] && [ -e "$POOL/sbase-seed.iso" ] && ok "doctor --fix removed ghost-seed.iso only" || bad "seeds after fix: $(ls "$POOL")"
$VS vol-delete --pool vmdeck sbase-seed.iso >/dev/null
[ -f "$T"/victim ] && [ -f "$basedisk" ] && [ "$(md5sum <"$basedisk")" = "$basesum" ] \
	&& ok "1: the file outside the pool and the base's disk, named by the same journal, are untouched" \
	|| bad "1: a journal's path was deleted or changed"
[ -z "$(ls "$STATE/clones")" ] && ok "1: the fixed journal is gone" || bad "1: journals left: $(ls "$STATE/clones")"
# the audit's case: a journal made by another user (nobody) in a directory it owns
printf 'vmdeck clone journal 2\n%s\nqemu:///system\nsbase\nc3\n%s\n' "$dead" "$T/victim" > "$STATE/clones/c3.$dead.journal"
chown nobody "$STATE/clones/c3.$dead.journal"
expect "clone sbase c3 --linked (with another user's journal present)" "$V" clone sbase c3 --linked
grep -q removed /tmp/vd.out.$$ && bad "1: the clone removed something: $(cat /tmp/vd.out.$$)" || ok "1: another user's journal is ignored"
[ -f "$T"/victim ] && ok "1: the file it named is still there" || bad "1: victim deleted"
rm -f "$STATE/clones/c3.$dead.journal"
"$V" delete c3 --disks --yes >/dev/null
chown nobody "$STATE/clones"
refused "1: clone while the journal directory belongs to another user" 1 "$V" clone sbase c4 --linked
grep -q "belongs to uid" /tmp/vd.rerr.$$ && ok "1: the refusal says whose the directory is" || bad "1: $(cat /tmp/vd.rerr.$$)"
[ ! -e "$POOL/c4-disk0.qcow2" ] && ! $VS dominfo c4 >/dev/null 2>&1 && ok "1: ... and nothing was made" || bad "1: c4 was made"
chown root "$STATE/clones"
refused "1: clone with neither XDG_STATE_HOME nor HOME" 1 env -u HOME -u XDG_STATE_HOME "$V" clone sbase c5 --linked
grep -q "never under /tmp" /tmp/vd.rerr.$$ && [ ! -e "$POOL/c5-disk0.qcow2" ] && ok "1: refused, not in /tmp, nothing made" \
	|| bad "1: $(cat /tmp/vd.rerr.$$)"

# ---- 3: a lab never takes over what it did not make
expect "create web-1 (somebody's own guest, with a disk)" "$V" create web-1 --memory 64 --disk 1 "${TINY[@]}"
web1_xml=$($VS dumpxml --inactive web-1 | md5sum)
printf '[lab]\nname = web\nbase = sbase\nseats = 2\nstart = no\n' > "$T"/web.ini
refused "3: lab up with a guest named web-1 that is not the lab's" 1 "$V" lab up "$T"/web.ini
grep -q "'web-1' exists and is not a seat of this lab" /tmp/vd.rerr.$$ && ok "3: the refusal names web-1" || bad "3: $(cat /tmp/vd.rerr.$$)"
[ "$(vms)" = "sbase web-1" ] && ! $VS net-info web-net >/dev/null 2>&1 && ok "3: lab up made nothing (no web-2, no web-net)" \
	|| bad "3: made: $(vms) / $(nets)"
[ "$($VS dumpxml --inactive web-1 | md5sum)" = "$web1_xml" ] && ok "3: web-1's definition (its NICs) unchanged" || bad "3: web-1 rewired"
refused "3: lab down without --yes (not on a terminal)" 1 "$V" lab down "$T"/web.ini
expect "3: lab down --yes of a lab whose seat name is taken" "$V" lab down "$T"/web.ini --yes
grep -q "web-1: a VM of this name is not this lab's: left alone" /tmp/vd.out.$$ && ok "3: lab down says web-1 is not its own" \
	|| bad "3: down said: $(cat /tmp/vd.out.$$ | tr '\n' '|')"
[ -f "$POOL/web-1.qcow2" ] && $VS dominfo web-1 >/dev/null 2>&1 && ok "3: web-1 and its disk survive lab down" || bad "3: web-1 deleted"
"$V" lab status "$T"/web.ini --json > /tmp/vd.lab.$$
js /tmp/vd.lab.$$ "j[0]['foreign'] and not j[0]['exists'] and j[0]['forwards']==[]" && ok "3: lab status: web-1 is foreign, not a seat" \
	|| bad "3: status: $(cat /tmp/vd.lab.$$)"
# a network of the lab's name made by somebody else
expect "net create cls2-net (the user's own)" "$V" net create cls2-net --mode hostonly
printf '[lab]\nname = cls2\nbase = sbase\nseats = 1\nstart = no\n[network]\nmode = hostonly\n' > "$T"/cls2.ini
refused "3: lab up with a network named cls2-net it did not make" 1 "$V" lab up "$T"/cls2.ini
grep -q "network named 'cls2-net' exists and was not made by this lab" /tmp/vd.rerr.$$ && ok "3: the refusal names cls2-net" \
	|| bad "3: $(cat /tmp/vd.rerr.$$)"
expect "3: lab down --yes cls2" "$V" lab down "$T"/cls2.ini --yes
$VS net-info cls2-net >/dev/null 2>&1 && ok "3: lab down leaves the user's cls2-net" || bad "3: cls2-net deleted"
"$V" net delete cls2-net >/dev/null

# ---- 3, 4: a real lab; its identity is its file; a kill leaves the base protected
printf '[lab]\nname = kl\nbase = sbase\nseats = 3\nstart = no\n' > "$T"/kl.ini
expect "lab up kl.ini" "$V" lab up "$T"/kl.ini
cp "$T"/kl.ini "$T"/kl-copy.ini
expect "3: lab down --yes from a copy of the lab file" "$V" lab down "$T"/kl-copy.ini --yes
[ "$(grep -c "not this lab's: left alone" /tmp/vd.out.$$)" = 3 ] && [ "$(vms)" = "kl-1 kl-2 kl-3 sbase web-1" ] \
	&& ok "3: another file's lab of the same name touches none of the seats" || bad "3: copy's down: $(vms) $(cat /tmp/vd.out.$$ | tr '\n' '|')"
refused "3: lab reset without --yes" 1 "$V" lab reset "$T"/kl.ini
# the base's own list of clones lost (a kill before it was written): the
# seats' metadata still protects it
$VS metadata sbase urn:vmdeck:domain:1 --config --key vmdeck --set '<vmdeck><template/></vmdeck>' >/dev/null
refused "4: delete sbase --disks with 3 seats the base's list does not name" 1 "$V" delete sbase --disks --yes
grep -q "kl-1, kl-2, kl-3" /tmp/vd.rerr.$$ && ok "4: the refusal names the seats from their own metadata" || bad "4: $(cat /tmp/vd.rerr.$$)"
refused "4: start sbase" 1 "$V" start sbase
expect "lab down --yes kl" "$V" lab down "$T"/kl.ini --yes
[ "$(vms)" = "sbase web-1" ] && ok "3: the lab's own down removes its 3 seats" || bad "3: left: $(vms)"
# SIGKILL at spread-out moments of a 3-seat lab up: whenever a seat exists,
# the base cannot be deleted or started, and its disk never changes
protected=0 free=0
for delay in 0.05 0.1 0.15 0.2 0.25 0.3 0.4 0.5 0.7; do
	"$V" lab up "$T"/kl.ini >/dev/null 2>&1 & pid=$!
	sleep "$delay"; kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	seats=$($VS list --all --name | grep -c '^kl-')
	if [ "$seats" -gt 0 ]; then
		if "$V" delete sbase --disks --yes >/dev/null 2>&1 || "$V" start sbase >/dev/null 2>&1; then
			bad "4: killed after ${delay} s with $seats seat(s): the base was deleted or started"
			break
		fi
		protected=$((protected + 1))
	else
		free=$((free + 1))
	fi
	"$V" lab down "$T"/kl.ini --yes >/dev/null 2>&1
	"$V" doctor --fix >/dev/null 2>&1
done
[ -f "$basedisk" ] && [ "$(md5sum <"$basedisk")" = "$basesum" ] && ok "4: killed lab up at 9 points ($protected with seats, all protected): the base's disk is unchanged" \
	|| bad "4: the base's disk changed or is gone"
[ "$(vms)" = "sbase web-1" ] && [ -z "$(ls "$POOL" | grep '^kl-')" ] && ok "4: lab down + doctor --fix leave nothing of the killed runs" \
	|| bad "4: left: $(vms) $(ls "$POOL" | tr '\n' ' ')"

# ---- 6: a revert libvirt calls risky needs --force (a disk-only snapshot
# while a managed save exists)
expect "snapshot take sbase (shut off)" "$V" snapshot take sbase s-off
expect "start sbase" "$V" start sbase
wait_for 30 sh -c "grep -aq TESTVM-BOOTED '$T/log/qemu/sbase-serial.log'"
expect "save sbase (managed save)" "$V" save sbase
refused "6: snapshot revert to a disk-only snapshot over a managed save" 1 "$V" snapshot revert sbase s-off
grep -q "refused by libvirt as risky" /tmp/vd.rerr.$$ && grep -q -- "--force" /tmp/vd.rerr.$$ && ok "6: the refusal says why and names --force" \
	|| bad "6: $(cat /tmp/vd.rerr.$$)"
$VS dominfo sbase | grep -q "Managed save: *yes" && ok "6: nothing changed (the managed save is still there)" || bad "6: managed save gone"
expect "6: snapshot revert --force" "$V" snapshot revert sbase s-off --force
$VS dominfo sbase | grep -q "Managed save: *no" && ok "6: --force discarded the saved memory with the revert" || bad "6: managed save left behind"
"$V" snapshot delete sbase s-off >/dev/null

# ---- 8: an OVA's disk is unpacked into a temporary directory: never --in-place
# (a qcow2 inside: --in-place once defined a guest on the file removed after)
cp "$T"/base.qcow2 "$T"/box-disk1.qcow2
cat > "$T"/box.ovf <<'OVF'
<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:id="file1" ovf:href="box-disk1.qcow2"/></References>
  <DiskSection><Info>disks</Info><Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="16777216"/></DiskSection>
  <VirtualSystem ovf:id="box"><Name>evil
name</Name></VirtualSystem>
</Envelope>
OVF
tar -cf "$T"/box.ova -C "$T" box.ovf box-disk1.qcow2
refused "8: create --import X.ova --in-place" 2 "$V" create ova1 --import "$T"/box.ova --in-place "${TINY[@]}"
[ "$(vms)" = "sbase web-1" ] && ok "8: nothing created" || bad "8: $(vms)"
# ---- 13: an OVF name with a newline stays on one line of stdout
expect "create ova2 --import box.ova (its OVF name holds a newline)" "$V" create ova2 --memory 64 --import "$T"/box.ova "${TINY[@]}"
grep -q "^ova2: OVF 'evil?name'" /tmp/vd.out.$$ && ok "13: the OVF's name is on one line" || bad "13: stdout: $(cat -A /tmp/vd.out.$$ | head -3)"
"$V" delete ova2 --disks --yes >/dev/null

# ---- 9, 10: numbers that are not numbers, files that are not files
S=$(date +%s)
refused "9: stats --interval nan" 2 timeout 5 "$V" stats --interval nan --count 2
refused "9: stats --interval inf" 2 timeout 5 "$V" stats --interval inf --count 2
refused "9: ip --wait nan" 2 timeout 5 "$V" ip sbase --wait nan
refused "10: profile check /dev/zero" "1 2" timeout 5 "$V" profile check /dev/zero
grep -q "not a regular file" /tmp/vd.rerr.$$ && ok "10: /dev/zero is not a regular file" || bad "10: $(cat /tmp/vd.rerr.$$)"
[ $(( $(date +%s) - S )) -lt 5 ] && ok "9, 10: all refused at once" || bad "9, 10: took $(( $(date +%s) - S )) s"

# ---- 12: the host's memory is the machine's (not one NUMA node's)
meminfo=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
"$V" host --json > /tmp/vd.h.$$
js /tmp/vd.h.$$ "abs(j['memory_total_mib'] - $meminfo) <= 64" && ok "12: host says $meminfo MiB as /proc/meminfo does" \
	|| bad "12: host: $(python3 -c "import json; print(json.load(open('/tmp/vd.h.$$'))['memory_total_mib'])") MiB, meminfo $meminfo"
big=$((meminfo - 512))
expect "12: create with ${big} MiB (all but 512 MiB of the machine), not started" "$V" create bigmem --memory "$big" "${TINY[@]}"
"$V" delete bigmem --yes >/dev/null

# ---- 13: one error line, whatever the input
refused "13: list with a newline in an option" 2 "$V" list $'--bo\ngus'
"$V" snapshot >/tmp/vd.o.$$ 2>/tmp/vd.e.$$; rc=$?
[ $rc = 2 ] && [ "$(wc -l </tmp/vd.e.$$)" = 1 ] && [ ! -s /tmp/vd.o.$$ ] && grep -q "take, list, revert, delete" /tmp/vd.e.$$ \
	&& ok "13: bare 'snapshot': one error line naming the subcommands, nothing on stdout" || bad "13: snapshot: rc=$rc $(cat /tmp/vd.e.$$ /tmp/vd.o.$$ | tr '\n' '|')"
"$V" snapshot --help >/tmp/vd.o.$$ 2>/tmp/vd.e.$$; rc=$?
[ $rc = 0 ] && [ ! -s /tmp/vd.e.$$ ] && [ "$(grep -c '^vmdeck snapshot ' /tmp/vd.o.$$)" = 4 ] \
	&& ok "13: snapshot --help lists the 4 subcommands on stdout" || bad "13: snapshot --help: rc=$rc $(cat /tmp/vd.o.$$ | tr '\n' '|')"
for fam in net lab profile; do
	"$V" $fam >/dev/null 2>/tmp/vd.e.$$
	[ "$(wc -l </tmp/vd.e.$$)" = 1 ] && ok "13: bare '$fam': one line" || bad "13: $fam: $(cat /tmp/vd.e.$$ | tr '\n' '|')"
done
"$V" clone nosuchvm a b c >/tmp/vd.o.$$ 2>/tmp/vd.e.$$; rc=$?
[ $rc = 1 ] && [ "$(wc -l </tmp/vd.e.$$)" = 1 ] && [ "$(grep -c "no VM named 'nosuchvm'" /tmp/vd.o.$$)" = 3 ] \
	&& ok "13: clone to 3 names that all fail: a line each on stdout, one error line" \
	|| bad "13: clone: rc=$rc out=$(cat /tmp/vd.o.$$ | tr '\n' '|') err=$(cat /tmp/vd.e.$$ | tr '\n' '|')"

"$V" delete web-1 --disks --yes >/dev/null
"$V" delete sbase --disks --yes >/dev/null
finish
