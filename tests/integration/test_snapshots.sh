#!/bin/bash
# needs: debian
# Snapshots on the Debian guest, with a file inside the guest as the proof:
# running (with memory) and stopped (disk-only) revert, a three-level tree with
# a branch, deleting a middle snapshot keeps its children's data; TUI reverts
# by R + y and by T + Enter + y.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_debian
export XDG_STATE_HOME=$T/state XDG_CONFIG_HOME=$T/config

expect "create deb (qcow2 copy of the image) --start --wait-ip" \
	"$V" create deb --memory 512 --import "$GUESTS"/debian/disk.qcow2 "${DEB[@]}" --start --wait-ip
agent_ready deb && ok "guest agent answers" || bad "no guest agent"
gen() { agent_sh deb "cat /root/gen 2>/dev/null; true"; }
setgen() { agent_sh deb "echo $1 > /root/gen && sync"; }

# running: snapshot with memory, delete the file, revert, the file is back
setgen a
expect "snapshot take deb a (running)" "$V" snapshot take deb a --description "first"
agent_sh deb "rm -f /root/gen && sync"
[ -z "$(gen)" ] && ok "file deleted in the guest" || bad "file still there"
expect "snapshot revert deb a" "$V" snapshot revert deb a
state_is deb running && ok "reverted guest is running (memory snapshot)" || bad "not running after revert"
agent_ready deb 60
[ "$(gen)" = a ] && ok "after revert the file is back (gen=a)" || bad "after revert gen='$(gen)'"

# a tree: a -> b -> c, and a branch a -> d
setgen b; expect "snapshot take deb b" "$V" snapshot take deb b
setgen c; expect "snapshot take deb c" "$V" snapshot take deb c
expect "revert to a" "$V" snapshot revert deb a
agent_ready deb 60
setgen d; expect "snapshot take deb d (branch)" "$V" snapshot take deb d
"$V" snapshot list deb --json >/tmp/vd.s.$$
js /tmp/vd.s.$$ "{s['name']:s['parent'] for s in j}=={'a':None,'b':'a','c':'b','d':'a'}" \
	&& ok "tree: b and d under a, c under b" || bad "tree: $(cat /tmp/vd.s.$$ | tr -d ' \n')"
js /tmp/vd.s.$$ "[s['name'] for s in j if s['current']]==['d'] and all(s['state']=='running' for s in j)" \
	&& ok "current is d, all taken running" || bad "current/state wrong"
"$V" snapshot list deb --tree | grep -q '`- c' && ok "--tree draws c as a child" || bad "--tree output: $("$V" snapshot list deb --tree)"
expect "delete the middle snapshot b" "$V" snapshot delete deb b
"$V" snapshot list deb --json >/tmp/vd.s.$$
js /tmp/vd.s.$$ "{s['name']:s['parent'] for s in j}=={'a':None,'c':'a','d':'a'}" \
	&& ok "c re-parented to a" || bad "after delete: $(tr -d ' \n' </tmp/vd.s.$$)"
expect "revert to c (its parent was deleted)" "$V" snapshot revert deb c
agent_ready deb 60
[ "$(gen)" = c ] && ok "c keeps its data (gen=c)" || bad "c: gen='$(gen)'"
expect "revert to d" "$V" snapshot revert deb d
agent_ready deb 60
[ "$(gen)" = d ] && ok "d keeps its data (gen=d)" || bad "d: gen='$(gen)'"
refused "revert to an unknown snapshot" "1" "$V" snapshot revert deb nosuch
refused "snapshot name 'a;b' refused" "1 2" "$V" snapshot take deb 'a;b'
refused "duplicate snapshot name" "1" "$V" snapshot take deb a

# stopped: a disk-only snapshot; revert leaves the guest stopped, file back
expect "shutdown deb" "$V" shutdown deb --timeout 90
expect "snapshot take deb off (stopped)" "$V" snapshot take deb off
"$V" snapshot list deb --json >/tmp/vd.s.$$
js /tmp/vd.s.$$ "[s['state'] for s in j if s['name']=='off']==['shutoff']" && ok "off taken shut off (disk only)" || bad "off state"
expect "start deb" "$V" start deb
agent_ready deb && setgen gone
expect "poweroff deb" "$V" poweroff deb
expect "snapshot revert deb off" "$V" snapshot revert deb off
state_is deb shutoff && ok "revert to a stopped snapshot leaves it stopped" || bad "state after revert to off"
expect "start deb" "$V" start deb
agent_ready deb
[ "$(gen)" = d ] && ok "disk-only revert brought back the file (gen=d)" || bad "disk-only: gen='$(gen)'"

# default names are readable and unique
expect "snapshot take deb (default name)" "$V" snapshot take deb
expect "snapshot take deb (default name again)" "$V" snapshot take deb
"$V" snapshot list deb --json >/tmp/vd.s.$$
js /tmp/vd.s.$$ "len([s for s in j if s['name'].startswith('snap-20')])==2" && ok "two distinct snap-DATE names" || bad "default names"

# the TUI: R + y reverts to the current snapshot
setgen tui1
expect "snapshot take deb t1" "$V" snapshot take deb t1
agent_sh deb "rm -f /root/gen && sync"
S=vdsnap$$
tmux new-session -d -s "$S" -x 100 -y 30 "$V; sleep 30"
wait_for 10 sh -c "tmux capture-pane -p -t $S | grep -q ' deb '"
tmux send-keys -t "$S" R
# (the question waits for the refresh thread to read the current snapshot)
wait_for 10 sh -c "tmux capture-pane -p -t $S | tail -1 | grep -q 'revert deb to snapshot t1?'" && ok "R asks, naming the snapshot" \
	|| bad "R question: $(tmux capture-pane -p -t $S | tail -1)"
tmux send-keys -t "$S" y
wait_for 30 sh -c "tmux capture-pane -p -t $S | tail -1 | grep -q 'reverted to snapshot t1'" \
	&& ok "TUI: R + y reverted" || bad "TUI R: $(tmux capture-pane -p -t $S | tail -1)"
agent_ready deb 60
[ "$(gen)" = tui1 ] && ok "TUI R: the file is back" || bad "TUI R: gen='$(gen)'"
# T + Enter + y: revert to snapshot a from the tree
tmux send-keys -t "$S" T; sleep 1
tmux capture-pane -p -t "$S" | grep -q "snapshots of deb" && ok "T opens the snapshot tree" || bad "T: $(tmux capture-pane -p -t $S | head -3)"
tmux send-keys -t "$S" g; sleep 0.3   # first row: a
tmux send-keys -t "$S" Enter; sleep 0.3
tmux capture-pane -p -t "$S" | tail -1 | grep -q "revert deb to snapshot a?" && ok "T + Enter asks for a" || bad "T Enter: $(tmux capture-pane -p -t $S | tail -1)"
tmux send-keys -t "$S" y
wait_for 30 sh -c "tmux capture-pane -p -t $S | tail -1 | grep -q 'reverted to snapshot a'" \
	&& ok "TUI: T + Enter + y reverted to a" || bad "TUI T: $(tmux capture-pane -p -t $S | tail -1)"
agent_ready deb 60
[ "$(gen)" = a ] && ok "TUI T: gen=a again" || bad "TUI T: gen='$(gen)'"
tmux send-keys -t "$S" q q
tmux kill-session -t "$S" 2>/dev/null

# deleting the guest removes its snapshot metadata
expect "delete deb --disks --yes" "$V" delete deb --disks --yes
[ -z "$(ls "$T"/lib/qemu/snapshot/deb 2>/dev/null)" ] && ok "no snapshot metadata left" || bad "metadata left: $(ls "$T"/lib/qemu/snapshot/deb)"
finish
