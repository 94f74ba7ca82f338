#!/bin/bash
# Several hosts in one vmdeck: three private libvirtds (a, b, c), each in its
# own namespaces, reached by qemu+tcp:// over a bridge of the test's own
# (tests/integration/fleet.sh). Tiny guests. Every result is cross-checked
# with virsh on each daemon.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
. tests/integration/fleet.sh
trap fleet_stop EXIT
stage_tiny
fleet_start a b c || { bad "the three hosts did not start"; finish; exit 1; }
VT() { "$V" --accel tcg "$@"; }   # /dev/kvm here is kvm_pvm: remote hosts advertise KVM that hangs guests
on() { fleet_virsh "$1" list --all --name | grep -qx "$2"; }
state_on() { [ "$(fleet_virsh "$1" domstate "$2" 2>/dev/null | head -1)" = "$3" ]; }

# ---- hosts
"$V" hosts --json >/tmp/vd.h.$$ && js /tmp/vd.h.$$ "[h['name'] for h in j]==['a','b','c'] and all(h['reachable'] and h['error'] is None and h['cpus']>=1 and 0<h['memory_free_mib']<=h['memory_total_mib'] and h['guests']==0 and h['uri'].startswith('qemu+tcp://10.77.0.') for h in j)" \
	&& ok "hosts --json: a, b, c in [hosts] order, reachable, with CPUs and memory" || bad "hosts --json: $(tr -d '\n ' </tmp/vd.h.$$)"
lv=$(fleet_virsh b version | sed -n 's/.*libvirt \([0-9.]*\)$/\1/p' | head -1)
js /tmp/vd.h.$$ "j[1]['libvirt_version']=='$lv'" && ok "b's libvirt version is virsh's ($lv)" || bad "libvirt version: virsh says '$lv'"

# ---- create on a host, and placed by vmdeck
expect "create a:g1 (running)" VT create a:g1 --memory 128 "${TINY[@]}" --start
expect "create b:g2 (running)" VT create b:g2 --memory 128 "${TINY[@]}" --start
expect "create a:dup (stopped)" VT create a:dup --memory 64 "${TINY[@]}"
expect "create b:dup (the same name on another host)" VT create b:dup --memory 64 "${TINY[@]}"
on a g1 && on b g2 && on a dup && on b dup && ! on b g1 && ! on c g1 && ok "each guest is where it was created (virsh)" \
	|| bad "placement: a=$(fleet_virsh a list --all --name | tr '\n' ' ') b=$(fleet_virsh b list --all --name | tr '\n' ' ')"
out=$(VT create y --memory 64 "${TINY[@]}" --host auto 2>&1)
host=$(echo "$out" | sed -n 's/^y goes on host \([a-z]*\):.*/\1/p')
[ -n "$host" ] && on "$host" y && ok "create y --host auto: on $host, as printed" || bad "--host auto: $out"
refused "create a:g1 again" "1" VT create a:g1 --memory 64 "${TINY[@]}"
refused "create zz:x (no such host)" "2" VT create zz:x --memory 64 "${TINY[@]}"

# ---- list across hosts
"$V" list --all --json >/tmp/vd.l.$$
js /tmp/vd.l.$$ "[(d['host'],d['name']) for d in j]==sorted([(d['host'],d['name']) for d in j], key=lambda x:('abc'.index(x[0]),x[1])) and {(d['host'],d['name']) for d in j}>={('a','g1'),('b','g2'),('a','dup'),('b','dup')}" \
	&& ok "list --all --json: every guest with its host, in host order then name" || bad "list: $(tr -d '\n ' </tmp/vd.l.$$)"
n_virsh=$(for h in a b c; do fleet_virsh "$h" list --all --name | grep -c .; done | paste -sd+ | bc)
js /tmp/vd.l.$$ "len(j)==$n_virsh" && ok "list counts what virsh counts on the three hosts ($n_virsh)" || bad "list count vs virsh $n_virsh"
"$V" list --all | head -1 | grep -q '^HOST ' && "$V" list --all | grep -q '^b  *dup ' && ok "the text table has a HOST column" || bad "text list: $("$V" list --all | head -3)"
"$V" list --all --names | grep -qx 'a:dup' && ok "list --names gives HOST:VM" || bad "--names"

# ---- stats across hosts: every running guest with its host; a named one from its host
running=$(for h in a b c; do fleet_virsh "$h" list --name | sed "s/^/$h:/"; done | grep -v ':$' | sort | tr '\n' ' ')
"$V" stats --json --count 1 --interval 0.3 >/tmp/vd.st.$$ 2>/tmp/vd.ste.$$
got=$(python3 -c 'import json,sys; print(" ".join(sorted("%s:%s" % (r["host"], r["name"]) for r in map(json.loads, open(sys.argv[1])))) + " ")' /tmp/vd.st.$$ 2>&1)
[ "$got" = "$running" ] && [ -n "${running// }" ] && ok "stats --json: the running guests of a, b and c with their hosts ($got)" || bad "stats: got '$got', virsh '$running' $(cat /tmp/vd.ste.$$)"
"$V" stats g2 --count 1 --interval 0.3 >/tmp/vd.st.$$ 2>&1 && grep -q '^HOST  *NAME ' /tmp/vd.st.$$ && grep -q '^b  *g2 ' /tmp/vd.st.$$ && grep -q '^host b: CPU' /tmp/vd.st.$$ \
	&& ok "stats g2: found on b, a HOST column and b's host line" || bad "stats g2: $(cat /tmp/vd.st.$$ | tr '\n' '|')"

# ---- addressing
refused "info dup: on two hosts, refused" "2" "$V" info dup
grep -q "hosts a, b" /tmp/vd.rerr.$$ && ok "the refusal names both hosts" || bad "ambiguity message: $(cat /tmp/vd.rerr.$$)"
expect "info a:dup" "$V" info a:dup
expect "poweroff g2 (unique: found on b)" "$V" poweroff g2
state_on b g2 "shut off" && ok "g2 on b is shut off (virsh)" || bad "g2 state: $(fleet_virsh b domstate g2)"
expect "start b:g2" "$V" start b:g2
refused "info nosuch" "1" "$V" info nosuch
refused "--host zz" "2" "$V" --host zz list
"$V" --host b list --all --json >/tmp/vd.l.$$ && js /tmp/vd.l.$$ "len(j)>0 and all(d['host']=='b' for d in j)" && ok "--host b lists b only" || bad "--host b"
"$V" -c c list --all --json >/tmp/vd.l.$$ && js /tmp/vd.l.$$ "all(d.get('host')=='c' for d in j)" && ok "-c c: one host by its name" || bad "-c NAME"

# ---- live migration a -> b keeps the boot
agent_ready_on() { AGENT_URI=$(fleet_uri "$1") agent_ready "$2" 90; }
agent_ready_on a g1 || bad "g1: no agent on a"
boot=$(AGENT_URI=$(fleet_uri a) agent_sh g1 'cat /proc/sys/kernel/random/boot_id')
AGENT_URI=$(fleet_uri a) agent_sh g1 'echo kept > /tmp/mark' >/dev/null
expect "migrate g1 b (live by default)" "$V" migrate g1 b
grep -q "moved from a to b (live)" /tmp/vd.out.$$ && ok "it says it moved live from a to b" || bad "migrate said: $(cat /tmp/vd.out.$$)"
! on a g1 && state_on b g1 running && ok "g1 is gone from a and runs on b (virsh)" || bad "g1 after migrate"
after=$("$V" exec g1 -- cat /proc/sys/kernel/random/boot_id 2>&1)
mark=$("$V" exec b:g1 -- cat /tmp/mark 2>&1)
[ -n "$boot" ] && [ "$after" = "$boot" ] && [ "$mark" = kept ] && ok "same boot on b (boot_id $boot) with its RAM (/tmp/mark)" \
	|| bad "boot_id before '$boot' after '$after', mark '$mark'"

head -c 200000 /dev/urandom > "$T"/f.bin
"$V" cp "$T"/f.bin b:g1:/tmp/f.bin >/dev/null 2>&1 && "$V" cp g1:/tmp/f.bin "$T"/f.back >/dev/null 2>&1 && cmp -s "$T"/f.bin "$T"/f.back \
	&& ok "cp into b:g1:PATH and back out of g1:PATH (found on b): the same bytes" || bad "cp across hosts"

# ---- a running guest whose disk b does not have: --copy-storage is offered, then copies it
expect "create a:gd (running, a 1 GiB disk)" VT create a:gd --memory 96 --disk 1 "${TINY[@]}" --start
agent_ready_on a gd || bad "gd: no agent on a"
AGENT_URI=$(fleet_uri a) agent_sh gd 'printf DISKMARK | dd of=/dev/vda conv=fsync 2>/dev/null' >/dev/null
refused "migrate gd b: b has no copy of its disk" "1" "$V" migrate gd b
grep -q "add --copy-storage" /tmp/vd.rerr.$$ && state_on a gd running && ! on b gd && ok "the refusal offers --copy-storage; gd still runs on a" \
	|| bad "disk refusal: $(cat /tmp/vd.rerr.$$)"
expect "migrate gd b --copy-storage" "$V" migrate gd b --copy-storage
mark=$("$V" exec b:gd -- head -c 8 /dev/vda 2>&1)
[ "$mark" = DISKMARK ] && ! on a gd && state_on b gd running && fleet_virsh b vol-list vmdeck | grep -q " gd.qcow2 " \
	&& ok "gd runs on b with its disk's bytes (written on a), the disk in b's pool (virsh)" || bad "gd after --copy-storage: mark '$mark'"

# ---- a guest too big for the destination: refused before anything moves
expect "create a:big (stopped, 30 GiB: --force)" VT create a:big --memory 30G "${TINY[@]}" --force
refused "migrate big c: c lacks the memory" "1" "$V" migrate big c
grep -q "c has .* MiB free" /tmp/vd.rerr.$$ && grep -q "(a: .* MiB free" /tmp/vd.rerr.$$ && ok "the refusal gives both hosts' figures" \
	|| bad "refusal: $(cat /tmp/vd.rerr.$$)"
on a big && ! on c big && ok "big stayed on a, nothing on c (virsh)" || bad "big moved"

# ---- evacuate a
VT create a:e1 --memory 96 "${TINY[@]}" --start >/dev/null 2>&1
VT create a:e2 --memory 96 "${TINY[@]}" --start >/dev/null 2>&1
before_a=$(fleet_virsh a list --all --name | sort | tr '\n' ' ')
"$V" host evacuate a --dry-run >/tmp/vd.ev.$$ 2>/tmp/vd.eve.$$; rc=$?
[ $rc = 1 ] && grep -q "big .*stays: fits on no host" /tmp/vd.ev.$$ && grep -q "e1 .*-> [bc] .*live" /tmp/vd.ev.$$ &&
	grep -q "dup .*-> [bc] .*offline" /tmp/vd.ev.$$ && ok "evacuate --dry-run: the plan (big stays, e1 live, dup offline), exit 1" \
	|| bad "dry run rc=$rc: $(cat /tmp/vd.ev.$$ /tmp/vd.eve.$$)"
[ "$(fleet_virsh a list --all --name | sort | tr '\n' ' ')" = "$before_a" ] && ok "--dry-run moved nothing" || bad "dry run moved something"
"$V" host evacuate a --dry-run --json >/tmp/vd.ev.$$ 2>/dev/null
js /tmp/vd.ev.$$ "j['dry_run'] and any(p['name']=='big' and p['result']=='stays' and p['to'] is None for p in j['plan']) and all(p['result'] in ('planned','stays') for p in j['plan'])" \
	&& ok "evacuate --dry-run --json: the plan as data" || bad "evacuate json: $(tr -d '\n ' </tmp/vd.ev.$$)"
expect "delete a:big" "$V" delete a:big --yes
S=$(date +%s.%N)
expect "host evacuate a" "$V" host evacuate a
echo "   evacuating 3 running and 1 stopped guest took $(echo "$(date +%s.%N) - $S" | bc | cut -c1-5) s"
[ -z "$(fleet_virsh a list --all --name | grep .)" ] && ok "a is empty (virsh)" || bad "a still has: $(fleet_virsh a list --all --name | tr '\n' ' ')"
for g in e1 e2; do
	h=$(for x in b c; do on "$x" "$g" && echo "$x"; done)
	[ -n "$h" ] && state_on "$h" "$g" running && ok "$g runs on $h now" || bad "$g after evacuate (on '$h')"
done
h=$(for x in b c; do on "$x" y && echo "$x"; done)
[ -n "$h" ] && state_on "$h" y "shut off" && ok "the stopped y is defined on $h now" || bad "y after evacuate"
[ "$(for x in b c; do on "$x" dup && echo "$x"; done | wc -l)" = 2 ] && ok "a's stopped dup is defined on c next to b's own" \
	|| bad "dup: b=$(on b dup && echo y) c=$(on c dup && echo y)"

# ---- a lab over a and b: the base only on a, copied to b; seats spread by capacity
expect "create a:lbase (stopped, a 1 GiB qcow2 disk)" VT create a:lbase --memory 96 --disk 1 "${TINY[@]}"
lvol=$(fleet_virsh a domblklist lbase --details | awk '$2=="disk"{print $4; exit}')
qemu-img create -q -f qcow2 "$T"/lbase.qcow2 1G && qemu-io -f qcow2 -c "write -P 0xab 0 3M" -c "write -P 0x5c 512M 1M" "$T"/lbase.qcow2 >/dev/null &&
	fleet_virsh a vol-upload "$lvol" "$T"/lbase.qcow2 >/dev/null && ok "lbase's disk holds a pattern (uploaded with virsh)" || bad "lbase disk: '$lvol'"
cat >"$T"/fl.lab <<LAB
[lab]
name = fl
base = lbase
seats = 4
hosts = a, b
start = yes
[network]
mode = internal
LAB
expect "create b:fl-4 (not the lab's)" VT create b:fl-4 --memory 64 "${TINY[@]}"
refused "lab up: b has a fl-4 that is not the lab's" "1" "$V" lab up "$T"/fl.lab
grep -q "'fl-4' exists and is not a seat of this lab.*(host b)" /tmp/vd.rerr.$$ && [ -z "$(fleet_virsh a list --all --name | grep '^fl-')" ] && ! on b lbase \
	&& ok "the clash on b is refused before any host changes (no seat on a, no copy on b)" || bad "clash: $(cat /tmp/vd.rerr.$$) a=$(fleet_virsh a list --all --name | tr '\n' ' ')"
expect "delete b:fl-4" "$V" delete b:fl-4 --yes
expect "lab up over a and b" "$V" lab up "$T"/fl.lab
grep -q "copying base lbase from host a to host b" /tmp/vd.out.$$ && ok "lab up said it copies the base to b" || bad "lab up said: $(cat /tmp/vd.out.$$)"
na=$(fleet_virsh a list --all --name | grep -c '^fl-'); nb=$(fleet_virsh b list --all --name | grep -c '^fl-')
[ "$na" = 2 ] && [ "$nb" = 2 ] && ok "4 seats: 2 on a, 2 on b (by free memory; virsh)" || bad "seats a=$na b=$nb"
bvol=$(fleet_virsh b domblklist lbase --details 2>/dev/null | awk '$2=="disk"{print $4; exit}')
fleet_virsh b vol-download "$bvol" "$T"/lbase.b >/dev/null 2>&1 && cmp -s "$T"/lbase.qcow2 "$T"/lbase.b \
	&& ok "b's copy of lbase has a's bytes ($bvol)" || bad "copy on b: '$bvol' $(ls -la "$T"/lbase.b 2>&1)"
seat_b=$(fleet_virsh b list --all --name | grep '^fl-' | head -1)
sdisk=$(fleet_virsh b domblklist "$seat_b" --details | awk '$2=="disk"{print $4; exit}')
fleet_virsh b vol-dumpxml "$sdisk" | grep -q "<path>$bvol</path>" && state_on b "$seat_b" running \
	&& ok "seat $seat_b on b: an overlay on b's copy, running" || bad "seat on b: $sdisk $(fleet_virsh b vol-dumpxml "$sdisk" | grep -A2 backingStore)"
"$V" lab status "$T"/fl.lab --json >/tmp/vd.ls.$$ && python3 - "$T" /tmp/vd.ls.$$ <<'PY' && ok "lab status --json: each seat's host is where virsh finds it" || bad "lab status: $(tr -d '\n ' </tmp/vd.ls.$$)"
import json, subprocess, sys
j = json.load(open(sys.argv[2]))
where = {}
for h, addr in (("a", "10.77.0.2"), ("b", "10.77.0.3")):
    for n in subprocess.run(["virsh", "-q", "-c", "qemu+tcp://%s/system" % addr, "list", "--all", "--name"], capture_output=True, text=True).stdout.split():
        where[n] = h
sys.exit(0 if len(j) == 4 and all(s["exists"] and s["host"] == where.get(s["name"]) for s in j) else 1)
PY
"$V" lab status "$T"/fl.lab | head -1 | grep -q '^HOST  *SEAT ' && ok "lab status has a HOST column" || bad "lab status text: $("$V" lab status "$T"/fl.lab | head -2)"
expect "lab up again (nothing to do)" "$V" lab up "$T"/fl.lab
! grep -q "copying" /tmp/vd.out.$$ && [ "$(grep -c ': kept' /tmp/vd.out.$$)" = 4 ] && ok "the second lab up keeps the 4 seats, copies nothing" \
	|| bad "second up: $(cat /tmp/vd.out.$$)"
for s in 1 2 3 4; do h=a; on b fl-$s && h=b; AGENT_URI=$(fleet_uri $h) agent_ready fl-$s 120 || bad "fl-$s: no agent on $h"; done
"$V" lab exec "$T"/fl.lab --json -- cat /proc/sys/kernel/hostname >/tmp/vd.lx.$$ 2>/dev/null && js /tmp/vd.lx.$$ "[r['seat'] for r in j]==['fl-1','fl-2','fl-3','fl-4'] and all(r['exit_code']==0 for r in j) and {r['host'] for r in j}=={'a','b'}" \
	&& ok "lab exec runs in the 4 seats on both hosts, in seat order" || bad "lab exec: $(tr -d '\n ' </tmp/vd.lx.$$ | cut -c1-300)"
expect "lab down --yes" "$V" lab down "$T"/fl.lab --yes
[ "$(fleet_virsh a list --all --name | grep -c '^fl-')$(fleet_virsh b list --all --name | grep -c '^fl-')" = 00 ] &&
	! fleet_virsh a net-info fl-net >/dev/null 2>&1 && ! fleet_virsh b net-info fl-net >/dev/null 2>&1 && on a lbase && on b lbase \
	&& ok "lab down: no seat and no lab network on a or b; the base stays on both" || bad "after lab down: a=$(fleet_virsh a list --all --name | tr '\n' ' ') b=$(fleet_virsh b list --all --name | tr '\n' ' ')"
sed 's/^hosts = a, b$/hosts = a, zz/' "$T"/fl.lab >"$T"/fz.lab
refused "lab up with [lab] hosts = a, zz (no such host)" "2" "$V" lab up "$T"/fz.lab
grep -q "'zz', which vmdeck.ini's \[hosts\] does not have" /tmp/vd.rerr.$$ && [ -z "$(fleet_virsh a list --all --name | grep '^fl-')" ] \
	&& ok "the refusal names zz; nothing was made" || bad "zz refusal: $(cat /tmp/vd.rerr.$$)"
expect "delete a:lbase and b's copy with their disks" "$V" delete a:lbase --disks --yes
expect "delete b:lbase" "$V" delete b:lbase --disks --yes
! on a lbase && ! on b lbase && [ -z "$(fleet_virsh b vol-list vmdeck | grep lbase)" ] && ok "no lbase and no copy of its disk left (virsh)" \
	|| bad "lbase left: $(fleet_virsh b vol-list vmdeck)"

# ---- the TUI: M, the migrate dialog; H, the hosts view; a host killed is marked within 5 s, keys still answer
expect "create a:m1 (running)" VT create a:m1 --memory 96 "${TINY[@]}" --start
S=vdfleet$$
screen() { tmux capture-pane -p -t "$S"; }
wait_screen() { local i; for ((i = 0; i < $1 * 10; i++)); do screen | grep -q -- "$2" && return 0; sleep 0.1; done; return 1; }
tmux new-session -d -s "$S" -x 120 -y 30 "bash --norc --noprofile"
tmux send-keys -t "$S" "export TERM=xterm-256color XDG_CONFIG_HOME=$XDG_CONFIG_HOME; $V; echo VMDECK-EXIT=\$?" Enter
wait_screen 15 "guests" || bad "TUI did not open"
# the list spans the hosts: a header row per host, each host's guests under it
wait_screen 10 "^[^ a-z]* c  .* up" && screen | grep -q "^[^ a-z]* a  [0-9]* CPUs  .* free  1/1 running  up" \
	&& ok "the list has a header row per host (CPUs, free memory, running/total, up)" || bad "headers: $(screen | head -20 | tr '\n' '|')"
under() { screen | awk -v h="$1" '/^[^ a-z*]+ [a-z]+  /{cur=$2; next} cur==h && /^[ *] / && NF>1 {print $1}' | sort | tr '\n' ' '; }
[ "$(under b)" = "$(fleet_virsh b list --all --name | grep . | sort | tr '\n' ' ')" ] && [ "$(under c)" = "$(fleet_virsh c list --all --name | grep . | sort | tr '\n' ' ')" ] \
	&& ok "b's and c's guests under their headers, as virsh lists them ($(under b)| $(under c))" || bad "under b: '$(under b)' c: '$(under c)'"
b_cpu() { screen | awk '/^[^ a-z*]+ [a-z]+  /{cur=$2; next} cur=="b" && / running / {print $7}' | grep -c '^[0-9][0-9.]*$'; }
b_cpu_shown() { [ "$(b_cpu)" -gt 0 ]; }
wait_for 10 b_cpu_shown && ok "b's running guests show a CPU % ($(b_cpu) rows), from their CPU time" || bad "b CPU%: $(screen | sed -n 3,12p | tr '\n' '|')"
# s on b's stopped dup (its row by position) starts it on b, through HOST:VM
pos=$(screen | awk '/^[^ a-z*]+ [a-z]+  /{cur=$2; next} cur!="" && NF>1 && /^[ *] /{n++; if (cur=="b" && $1=="dup") {print n-1; exit}}')
for ((i = 0; i < pos; i++)); do tmux send-keys -t "$S" j; done
sleep 0.3
tmux send-keys -t "$S" s
wait_for 20 state_on b dup running && ! state_on c dup running && ok "s on b's dup (row $pos) starts it on b, not c's dup (virsh)" \
	|| bad "b:dup: $(fleet_virsh b domstate dup) screen: $(screen | tail -3 | tr '\n' '|')"
tmux send-keys -t "$S" Enter
wait_screen 10 "details of b:dup" && wait_screen 5 "state  *running" && ok "Enter: details of b:dup, read from b" || bad "details: $(screen | head -4 | tr '\n' '|')"
tmux send-keys -t "$S" q
tmux send-keys -t "$S" g
# M: the migrate dialog moves a's m1 (the first row)
wait_screen 10 " m1 " || bad "m1 not in the list: $(screen | head -5 | tr '\n' '|')"
tmux send-keys -t "$S" M
wait_screen 10 "^  c .*fits" && screen | grep -q "^  a .*the guest is here" && ok "M: destinations with their free memory (c fits, a is where m1 is)" \
	|| bad "migrate dialog: $(screen | head -7 | tr '\n' '|')"
tmux send-keys -t "$S" j j Enter
wait_for 60 state_on c m1 running && ! on a m1 && ok "M, j j, Enter: m1 runs on c now (virsh)" || bad "m1 after M: a=$(on a m1 && echo y) c=$(fleet_virsh c domstate m1 2>&1) screen: $(screen | tail -4 | tr "\n" "|")"
tmux send-keys -t "$S" H
wait_screen 10 "^  c  *up " && wait_screen 5 "^  a  *up " && wait_screen 5 "^  b  *up  .*qemu+tcp://10.77.0.3" \
	&& ok "H: a, b and c up with their URIs" || bad "hosts view: $(screen | head -8 | tr '\n' '|')"
fleet_kill c
S0=$(date +%s.%N)
wait_screen 5 "^  c  *\(unreachable\|reconnecting\|not answering\)" && \
	ok "c killed: marked $(screen | sed -n 's/^  c  *\([a-z ]*[a-z]\) .*/\1/p' | head -1) after $(echo "$(date +%s.%N) - $S0" | bc | cut -c1-4) s" \
	|| bad "c not marked: $(screen | head -8 | tr '\n' '|')"
tmux send-keys -t "$S" '?'
wait_screen 3 "help" && ok "keys still answer (? opens the help)" || bad "no help: $(screen | head -3 | tr '\n' '|')"
tmux send-keys -t "$S" q q   # help goes back to the hosts view it was opened from, then the list
wait_screen 5 "^[^ a-z]* c  unreachable: " && screen | grep -q "^[^ a-z]* b  .* up" && ok "the list: c's header says unreachable, b's up" \
	|| bad "list with c dead: $(screen | head -14 | tr '\n' '|')"
tmux send-keys -t "$S" H
fleet_restart c || bad "c's libvirtd did not start again"
wait_screen 10 "^  c  *up " && ok "c shown up again after its restart" || bad "c not back: $(screen | head -8 | tr '\n' '|')"
tmux send-keys -t "$S" q
wait_screen 10 "^[^ a-z]* c  .* up" && ok "the list: c up again, with its guests" || bad "list c after restart: $(screen | head -14 | tr '\n' '|')"
# a daemon that hangs (SIGSTOP): marked within 5 s, the others and the keys go on
kill -STOP "$(fleet_pid b)"
S0=$(date +%s.%N)
wait_screen 5 "^[^ a-z]* b  not answering" && screen | grep -q "^[^ a-z]* c  .* up" && \
	ok "b stopped: its header says not answering after $(echo "$(date +%s.%N) - $S0" | bc | cut -c1-4) s, c still up" \
	|| bad "b stopped: $(screen | head -14 | tr '\n' '|')"
tmux send-keys -t "$S" '?'
wait_screen 3 "help" && ok "keys answer while b hangs (? opens the help)" || bad "no help while b hangs"
tmux send-keys -t "$S" q
kill -CONT "$(fleet_pid b)"
wait_screen 10 "^[^ a-z]* b  .* up" && ok "b continued: up again" || bad "b after SIGCONT: $(screen | head -14 | tr '\n' '|')"
tmux send-keys -t "$S" q
wait_screen 5 "VMDECK-EXIT=0" && ok "q quits (exit 0)" || bad "TUI did not quit: $(screen | tail -3 | tr '\n' '|')"
tmux kill-session -t "$S" 2>/dev/null

# ---- a host that dies, and comes back
fleet_kill c
"$V" list --all >/tmp/vd.l.$$ 2>/tmp/vd.le.$$; rc=$?
[ $rc = 0 ] && [ "$(grep -c '^vmdeck: warning: host c' /tmp/vd.le.$$)" = 1 ] && [ "$(wc -l </tmp/vd.le.$$)" = 1 ] &&
	grep -q '^b  *g2 ' /tmp/vd.l.$$ && ! grep -q '^c ' /tmp/vd.l.$$ && ok "c killed: list warns once and lists a and b (exit 0)" \
	|| bad "list with c dead rc=$rc: $(cat /tmp/vd.le.$$)"
"$V" hosts --json >/tmp/vd.h.$$ 2>/dev/null && js /tmp/vd.h.$$ "not j[2]['reachable'] and j[2]['error'] and j[1]['reachable']" \
	&& ok "hosts --json: c unreachable, with the reason" || bad "hosts with c dead: $(tr -d '\n ' </tmp/vd.h.$$)"
fleet_restart c || bad "c's libvirtd did not start again"
"$V" hosts --json >/tmp/vd.h.$$ && js /tmp/vd.h.$$ "all(h['reachable'] for h in j)" && ok "c is back" || bad "c not back"
"$V" list --all --json >/tmp/vd.l.$$ 2>/dev/null && js /tmp/vd.l.$$ "('c','dup') in [(d['host'],d['name']) for d in j]" \
	&& ok "c's guests are listed again" || bad "c's guests after restart"
# a daemon that hangs (SIGSTOP) holds nobody for long
kill -STOP "$(fleet_pid b)"
S=$(date +%s)
"$V" list --all >/tmp/vd.l.$$ 2>/tmp/vd.le.$$; rc=$?
took=$(($(date +%s) - S))
kill -CONT "$(fleet_pid b)"
[ $rc = 0 ] && [ "$took" -le 15 ] && grep -q "host b: .*did not answer" /tmp/vd.le.$$ && grep -q '^c  *dup ' /tmp/vd.l.$$ &&
	ok "b stopped (SIGSTOP): list answers in ${took} s with a and c" || bad "b stopped: rc=$rc ${took}s $(cat /tmp/vd.le.$$)"

for h in a b c; do for g in $(fleet_virsh "$h" list --name); do fleet_virsh "$h" destroy "$g" >/dev/null 2>&1; done; done
finish
