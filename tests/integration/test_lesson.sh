#!/bin/bash
# A lesson on a lab (issue 19): lab exec runs one command in every seat (or
# those named) in parallel, one line each; lab push puts a file into every
# seat; lab collect brings a path back into DIR/SEAT/ and names the seats
# that lack it; lab sheet says how each student reaches their seat; display
# gives a guest's VNC address and the viewer's line.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
qemu-img create -q -f qcow2 "$T"/base.qcow2 16M
expect "create lbase" "$V" create lbase --memory 128 --import "$T"/base.qcow2 "${TINY[@]}"
printf '[lab]\nname = les\nbase = lbase\nseats = 3\n[forward]\nweb = 8200:80\n' > "$T"/les.ini
expect "lab up les.ini (3 seats)" "$V" lab up "$T"/les.ini
for s in 1 2 3; do agent_ready les-$s 90 || bad "les-$s: no agent"; done

# exec in every seat, in parallel
S=$(date +%s.%N)
"$V" lab exec "$T"/les.ini -- sh -c 'echo seat-$(cat /proc/sys/kernel/random/boot_id | cut -c1-4)' > /tmp/vd.x.$$; rc=$?
el=$(echo "$(date +%s.%N) - $S" | bc | cut -c1-4)
[ $rc = 0 ] && [ "$(grep -cE '^les-[123] +0 +seat-' /tmp/vd.x.$$)" = 3 ] && ok "lab exec: one line per seat, exit 0, its first line ($el s)" \
	|| bad "lab exec: rc=$rc $(cat /tmp/vd.x.$$ | tr '\n' '|')"
[ "$(awk '{print $3}' /tmp/vd.x.$$ | sort -u | wc -l)" = 3 ] && ok "... each seat ran it itself" || bad "outputs: $(cat /tmp/vd.x.$$)"
"$V" lab exec "$T"/les.ini 2 3 -- true > /tmp/vd.x.$$ && [ "$(wc -l < /tmp/vd.x.$$)" = 2 ] && ! grep -q les-1 /tmp/vd.x.$$ \
	&& ok "lab exec SEAT...: only the seats named" || bad "named seats: $(cat /tmp/vd.x.$$ | tr '\n' '|')"
"$V" lab exec "$T"/les.ini --json -- sh -c 'echo out; exit 4' > /tmp/vd.j.$$; rc=$?
[ $rc = 1 ] && js /tmp/vd.j.$$ "len(j)==3 and all(s['exit_code']==4 and s['stdout']=='out\n' for s in j)" \
	&& ok "lab exec --json: every seat's exit code and output; exit 1 when a seat did not exit 0" || bad "--json: rc=$rc $(cat /tmp/vd.j.$$ | tr -d '\n ')"
refused "lab exec without a command" 2 "$V" lab exec "$T"/les.ini
refused "lab exec on a seat the lab does not have" "1 2" "$V" lab exec "$T"/les.ini 9 -- true

# push a file into every seat
printf 'exercise 1: list the files in /\n' > "$T"/task.txt
expect "lab push task.txt /tmp/task.txt" "$V" lab push "$T"/les.ini "$T"/task.txt /tmp/task.txt
for s in 1 2 3; do
	[ "$(agent_sh les-$s 'cat /tmp/task.txt')" = "exercise 1: list the files in /" ] || { bad "les-$s lacks the task"; break; }
	[ $s = 3 ] && ok "every seat has the pushed file"
done

# collect: seats 1 and 3 wrote an answer, seat 2 did not
agent_sh les-1 'echo answer-one > /tmp/answer.txt'; agent_sh les-3 'echo answer-three > /tmp/answer.txt'
"$V" lab collect "$T"/les.ini /tmp/answer.txt "$T"/answers > /tmp/vd.c.$$ 2>/tmp/vd.e.$$; rc=$?
[ $rc = 1 ] && [ "$(cat "$T"/answers/les-1/answer.txt)" = answer-one ] && [ "$(cat "$T"/answers/les-3/answer.txt)" = answer-three ] \
	&& grep -q "^les-2 .*MISSING" /tmp/vd.c.$$ && [ ! -e "$T"/answers/les-2/answer.txt ] \
	&& ok "lab collect: DIR/SEAT/answer.txt for seats 1 and 3, seat 2 listed as missing, exit 1" \
	|| bad "collect: rc=$rc $(cat /tmp/vd.c.$$ /tmp/vd.e.$$ | tr '\n' '|')"

# the sheet: address and forwarded port per seat
wait_for 60 sh -c "'$V' lab sheet '$T/les.ini' --json | python3 -c 'import json,sys; sys.exit(0 if all(s[\"ipv4\"] for s in json.load(sys.stdin)) else 1)'"
"$V" lab sheet "$T"/les.ini --json > /tmp/vd.j.$$
js /tmp/vd.j.$$ "[s['seat'] for s in j]==['les-1','les-2','les-3'] and all(s['ipv4'] for s in j) and [s['ports'][0]['host_port'] for s in j]==[8201,8202,8203]" \
	&& ok "lab sheet --json: each seat's address and its host port 8201..8203" || bad "sheet: $(cat /tmp/vd.j.$$ | tr -d '\n ')"
"$V" lab sheet "$T"/les.ini | grep -qE "^les-2 +192\.168\.[0-9.]+ +web:8202->80" && ok "lab sheet: one line per seat" \
	|| bad "sheet text: $("$V" lab sheet "$T"/les.ini | tr '\n' '|')"

# display: every guest vmdeck makes has a screen (VNC on the loopback) unless
# --graphics none; a seat's is its own
expect "create dsp --graphics none (a guest without a screen)" "$V" create dsp --memory 64 "${TINY[@]}" --graphics none --start
"$V" display les-1 > /tmp/vd.d.$$ && grep -qE "^vnc://127\.0\.0\.1:59[0-9]{2}$" /tmp/vd.d.$$ && grep -q "^viewer: virt-viewer -c qemu:///system les-1$" /tmp/vd.d.$$ \
	&& ok "display: the VNC address on the host's loopback and the viewer's line" || bad "display: $(cat /tmp/vd.d.$$)"
[ "$("$V" display les-2 | head -1)" != "$(head -1 /tmp/vd.d.$$)" ] \
	&& ok "display: each seat has its own port" || bad "display: les-1 and les-2 share $(head -1 /tmp/vd.d.$$)"
refused "display of a guest without a screen" 1 "$V" display dsp
"$V" poweroff dsp >/dev/null; "$V" delete dsp --disks --yes >/dev/null

# each seat's last lab exec: in lab status --json and in the TUI's labs view,
# where e runs another command in every seat and c collects a file
"$V" lab status "$T"/les.ini --json > /tmp/vd.j.$$
js /tmp/vd.j.$$ "all(s['last_exec']['exit_code']==4 and s['last_exec']['first_line']=='out' and s['last_exec']['command']=='sh -c echo out; exit 4' for s in j)" \
	&& ok "lab status --json: each seat's last exec (command, exit code 4, first line)" || bad "status: $(tr -d '\n ' < /tmp/vd.j.$$)"
export XDG_CONFIG_HOME=$T/config
mkdir -p "$XDG_CONFIG_HOME"/vmdeck/labs
# the same file, so the same lab; named to sort before the shipped labs (first in the view)
ln -s "$T"/les.ini "$XDG_CONFIG_HOME"/vmdeck/labs/a-les.ini
S=vdles$$
pane() { tmux capture-pane -p -t "$S"; }
tmux new-session -d -s "$S" -x 100 -y 30 "bash --norc --noprofile"
tmux send-keys -t "$S" "export TERM=xterm-256color XDG_CONFIG_HOME=$XDG_CONFIG_HOME; $V; echo VMDECK-EXIT=\$?" Enter
wait_for 10 sh -c "tmux capture-pane -p -t $S | grep -q ' les-1 '" || bad "TUI: no list"
tmux send-keys -t "$S" L
wait_for 10 sh -c "tmux capture-pane -p -t $S | grep -qE '^  les-2 +running .* 4 +out '" \
	&& ok "labs view: each seat's last exec result (4, out)" || bad "labs view: $(pane | sed -n 4,12p | tr '\n' '|')"
pane | grep -q "last exec at [0-9:]*: sh -c echo out; exit 4" && ok "labs view: the command and its time above the seats" \
	|| bad "labs view header: $(pane | sed -n 4,8p | tr '\n' '|')"
tmux send-keys -t "$S" e; sleep 0.5
pane | tail -1 | grep -q "^:lab exec .*les.ini -- *$" && ok "e: the prompt holds lab exec FILE -- " || bad "e prompt: $(pane | tail -1)"
tmux send-keys -t "$S" -l "echo done-42"; tmux send-keys -t "$S" Enter
wait_for 30 sh -c "tmux capture-pane -p -t $S | grep -qE '^les-3 +0 +done-42'" && ok "e: the seats' lines in the output view" \
	|| bad "e output: $(pane | tr '\n' '|')"
tmux send-keys -t "$S" q
wait_for 10 sh -c "tmux capture-pane -p -t $S | grep -qE '^  les-2 +running .* 0 +done-42 '" \
	&& ok "labs view: the new result replaced the old one" || bad "after e: $(pane | sed -n 4,12p | tr '\n' '|')"
tmux send-keys -t "$S" c; sleep 0.5
tmux send-keys -t "$S" -l "/tmp/task.txt $T/coll"; tmux send-keys -t "$S" Enter
wait_for 30 sh -c "[ -s '$T/coll/les-1/task.txt' ] && [ -s '$T/coll/les-2/task.txt' ] && [ -s '$T/coll/les-3/task.txt' ]" \
	&& ok "c: the file collected from every seat into DIR/SEAT/" || bad "c: $(ls -R "$T"/coll 2>&1 | tr '\n' ' ') $(pane | tail -4 | tr '\n' '|')"
tmux send-keys -t "$S" q q q q
wait_for 5 sh -c "tmux capture-pane -p -t $S | grep -q VMDECK-EXIT=0" || bad "TUI did not quit: $(pane | tail -2 | tr '\n' '|')"
tmux kill-session -t "=$S" 2>/dev/null
unset XDG_CONFIG_HOME

expect "lab down" "$V" lab down "$T"/les.ini --yes

# [seats]: a user with a random password per seat through a cloud-init seed
# (the tiny guest reads it as NoCloud does, with vmdeck.seed on its command line)
qemu-img create -q -f qcow2 "$T"/base2.qcow2 16M
expect "create cbase (reads seeds)" "$V" create cbase --memory 128 --import "$T"/base2.qcow2 \
	--kernel "$T"/vmlinuz --initrd "$T"/initrd.gz --cmdline "console=ttyS0 quiet vmdeck.seed"
printf '[lab]\nname = crd\nbase = cbase\nseats = 2\n[seats]\nuser = student\npassword = random\n' > "$T"/crd.ini
expect "lab up crd.ini ([seats] user = student, password = random)" "$V" lab up "$T"/crd.ini
grep -q "crd-1: made (linked clone of cbase), credentials for student" /tmp/vd.out.$$ && ok "lab up gave each seat its credentials" \
	|| bad "up: $(cat /tmp/vd.out.$$ | tr '\n' '|')"
"$V" lab sheet "$T"/crd.ini --json > /tmp/vd.j.$$
js /tmp/vd.j.$$ "all(s['user']=='student' and len(s['password'])==12 for s in j) and j[0]['password']!=j[1]['password']" \
	&& ok "lab sheet: user student, a 12-character password of its own per seat" || bad "sheet: $(cat /tmp/vd.j.$$ | tr -d '\n ')"
sheetfile=$(ls "$XDG_STATE_HOME"/vmdeck/labs/*.sheet 2>/dev/null | head -1)
[ -n "$sheetfile" ] && [ "$(stat -c %a "$sheetfile")" = 600 ] && ok "the sheet (the only clear copy) is 0600 in vmdeck's state" \
	|| bad "sheet file: $(ls -l "$XDG_STATE_HOME"/vmdeck/labs/ 2>&1)"
# the guest says when it has read its seed (its serial console), then its agent answers
wait_for 90 sh -c "grep -aq 'TESTVM-SEED /dev/sr0 hostname=crd-2 ' '$T/log/qemu/crd-2-serial.log'" \
	&& ok "seat 2 found its own seed (hostname crd-2)" || bad "crd-2 seed: $(serial_log crd-2 | grep -a SEED)"
agent_ready crd-2 90 || bad "crd-2: no agent"
[ "$(agent_sh crd-2 hostname)" = crd-2 ] && ok "seat 2's hostname is crd-2" || bad "hostname: $(agent_sh crd-2 hostname)"
agent_sh crd-2 'cat /mnt/seed/user-data' > "$T"/ud2
pw2=$(python3 -c "import json; print(json.load(open('/tmp/vd.j.$$'))[1]['password'])")
python3 - "$T"/ud2 "$pw2" <<'PY' && ok "seat 2's user-data: student with the hash of its password, never the password" || bad "user-data: $(head -c 300 "$T"/ud2)"
import warnings
warnings.simplefilter("ignore")
import crypt, sys, yaml
raw = open(sys.argv[1]).read()
u = [x for x in yaml.safe_load(raw)["users"] if isinstance(x, dict) and x.get("name") == "student"][0]
sys.exit(0 if crypt.crypt(sys.argv[2], u["passwd"]) == u["passwd"] and sys.argv[2] not in raw else 1)
PY
printf '[lab]\nname = crx\nbase = cbase\nseats = 2\n[seats]\nuser = student\npassword = hunter2\n' > "$T"/crx.ini
refused "[seats] password = a password in the file" "1 2" "$V" lab up "$T"/crx.ini
grep -q "crx.ini:7: \[seats\] password" /tmp/vd.rerr.$$ && ok "... refused with its line" || bad "$(cat /tmp/vd.rerr.$$)"
expect "lab down crd" "$V" lab down "$T"/crd.ini --yes
[ -z "$(ls "$XDG_STATE_HOME"/vmdeck/labs/ 2>/dev/null)" ] && [ -z "$(virsh -q -c qemu:///system vol-list vmdeck | grep seed)" ] \
	&& ok "lab down removed the seats' seeds and the sheet" || bad "left: $(ls "$XDG_STATE_HOME"/vmdeck/labs/) $(virsh -q -c qemu:///system vol-list vmdeck)"
"$V" delete cbase --disks --yes >/dev/null
"$V" delete lbase --disks --yes >/dev/null
finish
