#!/bin/bash
# backup, backup list, restore (issue 18) on real tiny guests: markers written
# by the guest straight to its disk (sectors of /dev/vda), a full backup, a
# second marker and an incremental one (smaller: the bytes are checked),
# restores of each into new guests that read back the right markers, a
# stopped guest's backup continuing the chain, pruning by whole chains, a
# backup killed by SIGKILL never listed as good, --replace, bad input; libvirt's
# checkpoints are cross-checked with virsh.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
VS="virsh -q -c qemu:///system"
B=$T/backups
mkdir -p "$B"
# mark VM SECTOR TEXT: TEXT written by the guest at SECTOR of its disk, synced
mark() { agent_sh "$1" "printf '%-16s' '$3' | dd of=/dev/vda bs=512 seek=$2 conv=notrunc,fsync 2>/dev/null"; }
marker() { agent_sh "$1" "dd if=/dev/vda bs=512 skip=$2 count=1 2>/dev/null | head -c 16" | tr -d ' \000'; }
bj() { "$V" backup list "$B" bkv --json > /tmp/vd.bl.$$ && js /tmp/vd.bl.$$ "$1"; }

expect "create bkv (64M disk) and start it" "$V" create bkv --memory 128 --disk 64M "${TINY[@]}" --start
agent_ready bkv 90 || bad "bkv: no agent"
# 8 MiB of noise so that a full backup is clearly larger than an incremental
agent_sh bkv "dd if=/dev/urandom of=/dev/vda bs=1M seek=8 count=8 conv=fsync 2>/dev/null"
mark bkv 100 one
[ "$(marker bkv 100)" = one ] && ok "the guest wrote marker one to its disk" || bad "marker: $(marker bkv 100)"

"$V" backup bkv "$B" --json > /tmp/vd.b1.$$ && js /tmp/vd.b1.$$ "j['kind']=='full' and j['bytes']>8*2**20 and j['parent'] is None" \
	&& ok "first backup: full, $(python3 -c "import json; print(json.load(open('/tmp/vd.b1.$$'))['bytes'])") bytes" \
	|| bad "backup 1: $(tr -d '\n' < /tmp/vd.b1.$$)"
b1=$(python3 -c "import json; print(json.load(open('/tmp/vd.b1.$$'))['path'])")
[ -s "$b1/vda.qcow2" ] && [ -s "$b1/domain.xml" ] && [ "$(stat -c %a "$b1/vda.qcow2")" = 600 ] \
	&& [ "$(stat -c %a "$b1/manifest.json")" = 600 ] && ok "DIR/VM/TIME holds vda.qcow2 and domain.xml (0600) and manifest.json" \
	|| bad "backup dir: $(ls -l "$b1" 2>&1 | tr '\n' '|')"
python3 - "$b1" <<'PY' && ok "manifest: VM, kind, disks with size and a sha256 that matches the file" || bad "manifest: $(cat "$b1"/manifest.json)"
import hashlib, json, sys
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
k = m["disks"][0]
ok = m["vm"] == "bkv" and m["kind"] == "full" and k["target"] == "vda" and k["virtual_size"] == 64 << 20
ok = ok and hashlib.sha256(open(d + "/" + k["file"], "rb").read()).hexdigest() == k["sha256"]
sys.exit(0 if ok else 1)
PY
[ "$($VS checkpoint-list bkv --name)" = "$(python3 -c "import json; print('vmdeck-' + json.load(open('/tmp/vd.b1.$$'))['time'])")" ] \
	&& ok "virsh: bkv has the backup's checkpoint" || bad "checkpoints: $($VS checkpoint-list bkv --name)"

mark bkv 200 two
"$V" backup bkv "$B" --json > /tmp/vd.b2.$$ && js /tmp/vd.b2.$$ "j['kind']=='incremental' and j['bytes']<2**20" \
	&& ok "second backup: incremental, $(python3 -c "import json; print(json.load(open('/tmp/vd.b2.$$'))['bytes'])") bytes (< 1 MiB)" \
	|| bad "backup 2: $(tr -d '\n' < /tmp/vd.b2.$$)"
b2=$(python3 -c "import json; print(json.load(open('/tmp/vd.b2.$$'))['path'])")
[ "$($VS checkpoint-list bkv --name | wc -l)" = 1 ] && $VS checkpoint-list bkv --name | grep -q "$(basename "$b2")" \
	&& ok "virsh: one checkpoint left, the newest backup's" || bad "checkpoints: $($VS checkpoint-list bkv --name | tr '\n' ' ')"
bj "len(j)==2 and j[0]['kind']=='full' and j[1]['kind']=='incremental' and j[1]['parent']==j[0]['time'] and all(b['complete'] for b in j)" \
	&& ok "backup list: the full one, then the incremental one on it" || bad "list: $(tr -d '\n ' < /tmp/vd.bl.$$)"
"$V" backup list "$B" | grep -qE "^bkv +[0-9TZ-]+ +incremental +[0-9TZ-]+ " && ok "backup list: text rows" || bad "list text: $("$V" backup list "$B")"

# restores: each backup into a new guest that reads back its markers
expect "restore the full backup as r1" "$V" restore "$b1" r1
expect "restore the incremental one as r2" "$V" restore "$b2" r2
expect "start r1" "$V" start r1
expect "start r2" "$V" start r2
agent_ready r1 90 || bad "r1: no agent"
agent_ready r2 90 || bad "r2: no agent"
[ "$(marker r1 100)" = one ] && [ "$(marker r1 200)" != two ] && ok "r1 holds marker one, not two" \
	|| bad "r1 markers: $(marker r1 100) $(marker r1 200)"
[ "$(marker r2 100)" = one ] && [ "$(marker r2 200)" = two ] && ok "r2 (the chain's end) holds both markers" \
	|| bad "r2 markers: $(marker r2 100) $(marker r2 200)"
[ "$($VS domuuid r1)" != "$($VS domuuid bkv)" ] && [ "$($VS domiflist r1 | awk '{print $5}')" != "$($VS domiflist bkv | awk '{print $5}')" ] \
	&& ok "r1 has its own UUID and MAC" || bad "r1 uuid/mac as bkv's"
refused "restore onto an existing name" 1 "$V" restore "$b1" r1
"$V" poweroff r1 >/dev/null; "$V" poweroff r2 >/dev/null; "$V" delete r1 --disks --yes >/dev/null; "$V" delete r2 --disks --yes >/dev/null

# a stopped guest: a full copy by qemu-img, and the chain goes on from it
"$V" poweroff bkv >/dev/null
"$V" backup bkv "$B" --json > /tmp/vd.b3.$$ && js /tmp/vd.b3.$$ "j['kind']=='full' and j['consistency']=='stopped' and 'stopped' in j['note']" \
	&& ok "a stopped guest's backup: a full copy, saying why" || bad "backup 3: $(tr -d '\n' < /tmp/vd.b3.$$)"
b3=$(python3 -c "import json; print(json.load(open('/tmp/vd.b3.$$'))['time'])")
$VS checkpoint-list bkv --name | grep -qx "vmdeck-$b3" && ok "virsh: its checkpoint was made offline" || bad "offline checkpoint: $($VS checkpoint-list bkv --name)"
expect "start bkv" "$V" start bkv
agent_ready bkv 90 || bad "bkv: no agent after start"
mark bkv 300 three
"$V" backup bkv "$B" --json > /tmp/vd.b4.$$ && js /tmp/vd.b4.$$ "j['kind']=='incremental' and j['parent']=='$b3' and j['bytes']<2**20" \
	&& ok "the next running backup is incremental on the stopped one's copy" || bad "backup 4: $(tr -d '\n' < /tmp/vd.b4.$$)"

# a snapshot of the stopped guest drops the checkpoint (libvirt 9.0 refuses
# both together); the next backup says why it is full
"$V" poweroff bkv >/dev/null
expect "snapshot take of stopped bkv with a checkpoint" "$V" snapshot take bkv s1
[ -z "$($VS checkpoint-list bkv --name)" ] && ok "virsh: the checkpoint gave way to the snapshot" || bad "checkpoints: $($VS checkpoint-list bkv --name)"
"$V" snapshot delete bkv s1 >/dev/null
"$V" backup bkv "$B" --full --keep 1 --json > /tmp/vd.b5.$$ && js /tmp/vd.b5.$$ "j['kind']=='full' and len(j['pruned'])==4" \
	&& ok "--full --keep 1: a new chain; the older chains (4 backups) pruned whole" || bad "backup 5: $(tr -d '\n' < /tmp/vd.b5.$$)"
bj "len(j)==1 and j[0]['kind']=='full'" && [ ! -e "$b1" ] && [ ! -e "$b2" ] && ok "backup list: only the new chain; the old directories are gone" \
	|| bad "after prune: $(tr -d '\n ' < /tmp/vd.bl.$$) $(ls "$B"/bkv)"

# SIGKILL during a backup: never listed as a good one
expect "create big (stopped, 768M of noise)" "$V" create big --memory 64 --disk 768M "${TINY[@]}"
big=$($VS domblklist big | awk '$1=="vda" {print $2}')
qemu-io -f qcow2 -c "write -P 0x5a 0 700M" "$big" >/dev/null
"$V" backup big "$B" --full > /dev/null 2>&1 &
pid=$!
wait_for 20 sh -c "ls -a '$B/big' 2>/dev/null | grep -q partial"
kill -9 "$pid"; wait "$pid" 2>/dev/null
"$V" backup list "$B" big --json > /tmp/vd.bl.$$
js /tmp/vd.bl.$$ "all(not b['complete'] for b in j)" && ok "killed mid-backup: backup list shows it incomplete ($(python3 -c "import json; print(len(json.load(open('/tmp/vd.bl.$$'))))") entries)" \
	|| bad "after kill: $(tr -d '\n ' < /tmp/vd.bl.$$)"
"$V" backup list "$B" big | grep -q " incomplete " && ok "... and says incomplete in text" || bad "text: $("$V" backup list "$B" big)"
"$V" delete big --disks --yes >/dev/null

# --replace: the stopped guest's disk back to the new full backup
b5=$(python3 -c "import json; print(json.load(open('/tmp/vd.b5.$$'))['path'])")
expect "start bkv" "$V" start bkv
agent_ready bkv 90 || bad "bkv: no agent"
mark bkv 100 changed
"$V" poweroff bkv >/dev/null
refused "restore --replace without --yes (no terminal)" 1 "$V" restore "$b5" --replace bkv
expect "restore --replace bkv --yes" "$V" restore "$b5" --replace bkv --yes
expect "start bkv" "$V" start bkv
agent_ready bkv 90 || bad "bkv: no agent"
[ "$(marker bkv 100)" = one ] && [ "$(marker bkv 300)" = three ] && ok "--replace: bkv's disk is the backup's again (one, three)" \
	|| bad "after replace: $(marker bkv 100) $(marker bkv 300)"

# the details view's disk keys: a adds, r resizes, x detaches (asks), b backs up
S=vdbk$$
pane() { tmux capture-pane -p -t "$S"; }
tkeys() { tmux send-keys -t "$S" "$@"; sleep 0.4; }
disks() { $VS domblklist bkv | awk '$1 ~ /^vd/ {print $1}' | tr '\n' ' '; }
tmux new-session -d -s "$S" -x 100 -y 30 "bash --norc --noprofile"
tmux send-keys -t "$S" "export TERM=xterm-256color; $V; echo VMDECK-EXIT=\$?" Enter
wait_for 10 sh -c "tmux capture-pane -p -t $S | grep -q ' bkv '" || bad "TUI: no bkv row"
tkeys / C-u b k v Enter
tkeys Enter
wait_for 5 sh -c "tmux capture-pane -p -t $S | grep -q 'details of bkv'" || bad "no details view: $(pane | head -2)"
pane | grep -q "a add disk .*r resize .*x detach .*b backup" && ok "details: the disk keys in the footer" || bad "footer: $(pane | tail -2 | tr '\n' '|')"
tkeys a; tmux send-keys -t "$S" -l 32M; tkeys Enter
wait_for 20 sh -c "$VS domblklist bkv | grep -q '^ *vdb '" && ok "details a 32M: bkv has vdb" || bad "a: disks $(disks) $(pane | tail -1)"
wait_for 20 agent_sh bkv "grep -q vdb /proc/partitions" && ok "... and the guest sees it" || bad "the guest lacks vdb"
tkeys r; tmux send-keys -t "$S" -l vdb; tkeys Enter; tmux send-keys -t "$S" -l +16M; tkeys Enter
wait_for 20 sh -c "[ \$($VS domblkinfo bkv vdb | awk '/Capacity/ {print \$2}') = $((48 << 20)) ]" \
	&& ok "details r vdb +16M: vdb is 48 MiB" || bad "r: $($VS domblkinfo bkv vdb | tr '\n' ' ') $(pane | tail -1)"
tkeys x; tmux send-keys -t "$S" -l vdb; tkeys Enter
wait_for 5 sh -c "tmux capture-pane -p -t $S | grep -q 'detach disk vdb from bkv?'" || bad "x: no question: $(pane | tail -1)"
tkeys y
wait_for 20 sh -c "! $VS domblklist bkv | grep -q '^ *vdb '" && ok "details x vdb y: detached" || bad "x: disks $(disks)"
n_before=$("$V" backup list "$B" bkv --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
tkeys b; tmux send-keys -t "$S" -l "$B"; tkeys Enter
wait_for 30 sh -c "[ \$('$V' backup list '$B' bkv --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -gt $n_before ]" \
	&& ok "details b DIR: a new backup in DIR" || bad "b: $(pane | tail -3 | tr '\n' '|')"
tkeys q q q q
tmux kill-session -t "=$S" 2>/dev/null

# an older qcow2 v2 disk: said without a terminal, upgraded after a y on one
qemu-img create -q -f qcow2 -o compat=0.10 "$T"/old.qcow2 32M
expect "create old (a qcow2 v2 disk, in place)" "$V" create old --memory 64 --import "$T"/old.qcow2 --in-place "${TINY[@]}"
"$V" backup old "$B" --json > /tmp/vd.bo.$$ && js /tmp/vd.bo.$$ "j['kind']=='full' and 'qcow2 v3' in j['note']" \
	&& ok "backup of a v2 guest without a terminal: full, the note says why" || bad "v2 backup: $(tr -d '\n' < /tmp/vd.bo.$$)"
tmux new-session -d -s "$S" -x 150 -y 20 "bash --norc --noprofile"
tmux send-keys -t "$S" "$V backup old $B; echo BACKUP-RC=\$?" Enter
wait_for 10 sh -c "tmux capture-pane -p -t $S | grep -q 'upgrade to v3'" && ok "on a terminal: the upgrade is offered" \
	|| bad "no question: $(pane | tr '\n' '|')"
tmux send-keys -t "$S" y Enter
wait_for 30 sh -c "tmux capture-pane -p -t $S | grep -q 'BACKUP-RC=0'" || bad "backup after y: $(pane | tr '\n' '|')"
qemu-img info "$T"/old.qcow2 | grep -q "compat: 1.1" && $VS checkpoint-list old --name | grep -q vmdeck- \
	&& ok "y: the disk is qcow2 v3 and holds the backup's checkpoint" || bad "after upgrade: $(qemu-img info "$T"/old.qcow2 | grep compat) $($VS checkpoint-list old --name)"
tmux kill-session -t "=$S" 2>/dev/null
"$V" delete old --yes >/dev/null

# bad input: one line, nothing made
refused "backup of an unknown VM" 1 "$V" backup nosuch "$B"
refused "backup into a missing directory" 1 "$V" backup bkv "$T"/nowhere
refused "--keep 0" 2 "$V" backup bkv "$B" --keep 0
refused "restore of a directory that is no backup" 1 "$V" restore "$T" r9
refused "restore with neither NEWNAME nor --replace" 2 "$V" restore "$b5"
"$V" list --all --names | grep -q r9 && bad "r9 was made" || ok "nothing was made by the refused restores"
"$V" poweroff bkv >/dev/null
"$V" delete bkv --disks --yes >/dev/null
finish
