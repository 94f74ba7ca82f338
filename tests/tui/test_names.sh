#!/bin/bash
# Names libvirt allows but a command line would split (issue 13, item 2): a
# guest 'web-1 --disks' beside web-1, a snapshot 's --children' below 's', a
# network 'lab net' beside 'lab'. Deleting each from the TUI by keyboard
# deletes that one and nothing else (the TUI once pasted names into command
# lines unquoted: x y on 'web-1 --disks' deleted web-1's disk).
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
S=vdnam$$
POOL=/var/lib/libvirt/images/vmdeck
VS="virsh -q -c qemu:///system"
export XDG_CONFIG_HOME=$T/config
mkdir -p "$XDG_CONFIG_HOME"/vmdeck
screen() { tmux capture-pane -p -t "$S"; }
screen_has() { screen | grep -q -- "$1"; }
wait_screen() { local i; for ((i = 0; i < $1 * 10; i++)); do screen_has "$2" && return 0; sleep 0.1; done; return 1; }
keys() { tmux send-keys -t "$S" "$@"; sleep 0.3; }
# confirm_on KEY QUESTION: presses KEY (x, Enter...) until the question on the
# bottom line is QUESTION, moving down (j) after each other one (bounded)
confirm_on() {
	local i
	for ((i = 0; i < 8; i++)); do
		keys "$1"
		if wait_screen 2 "$2"; then keys y; return 0; fi
		keys n; keys j
	done
	return 1
}

# web-1 with a disk of its own; 'web-1 --disks' defined from its XML (no disk)
expect "create web-1 --disk 1" "$V" create web-1 --memory 64 --disk 1 "${TINY[@]}"
$VS dumpxml --inactive web-1 | python3 -c "
import sys, re
x = sys.stdin.read()
x = re.sub(r'<uuid>.*?</uuid>', '', x)
x = re.sub(r'<name>web-1</name>', '<name>web-1 --disks</name>', x)
x = re.sub(r'<disk .*?</disk>', '', x, flags=re.S)
x = re.sub(r'<mac [^>]*/>', '', x)
x = re.sub(r'<serial type=.pty.>.*?</serial>', '', x, flags=re.S)
print(x)" > "$T"/odd.xml
$VS define "$T"/odd.xml >/dev/null && ok "defined 'web-1 --disks' with virsh" || bad "cannot define 'web-1 --disks'"
# snapshots 's' and, below it, 's --children'
expect "create snapg --disk 1" "$V" create snapg --memory 64 --disk 1 "${TINY[@]}"
expect "snapshot take snapg s" "$V" snapshot take snapg s
$VS snapshot-create-as snapg "s --children" >/dev/null && ok "snapshot 's --children' (a child of s)" || bad "snapshot 's --children'"
# networks 'lab' and 'lab net'
expect "net create lab" "$V" net create lab --mode internal
sed "s|<name>lab</name>|<name>lab net</name>|; /<uuid>/d; /<bridge /d; /<mac /d" < <($VS net-dumpxml lab) > "$T"/labnet.xml
$VS net-define "$T"/labnet.xml >/dev/null && ok "defined network 'lab net'" || bad "cannot define 'lab net'"

tmux kill-session -t "$S" 2>/dev/null
tmux new-session -d -s "$S" -x 80 -y 24 "bash --norc --noprofile"
tmux send-keys -t "$S" "export TERM=xterm-256color XDG_CONFIG_HOME=$XDG_CONFIG_HOME; $V; echo VMDECK-EXIT=\$?" Enter
wait_screen 10 "guests" || bad "TUI did not open"

# x on 'web-1 --disks', disks box unticked, y
keys / C-u d i s k s Enter
wait_screen 3 "web-1 --disks" && ok "the filter shows 'web-1 --disks'" || bad "list: $(screen | sed -n 3,6p | tr '\n' '|')"
keys x
wait_screen 3 "delete web-1 --disks?" && keys y || bad "no question for 'web-1 --disks': $(screen | tail -1)"
wait_for 10 sh -c "! $VS dominfo 'web-1 --disks' >/dev/null 2>&1" && ok "x y: 'web-1 --disks' is gone" || bad "'web-1 --disks' still defined"
sleep 1
$VS dominfo web-1 >/dev/null 2>&1 && ok "web-1 is still defined" || bad "web-1 was deleted"
[ -f "$POOL"/web-1.qcow2 ] && ok "web-1's disk is still there" || bad "web-1's disk was deleted"
keys / C-u Enter

# T on snapg, x on 's --children', y
keys / C-u s n a p g Enter
keys T
wait_screen 5 "s --children" && ok "T shows both snapshots" || bad "tree: $(screen | sed -n 2,8p | tr '\n' '|')"
confirm_on x "delete snapshot s --children of snapg?" || bad "no question for 's --children': $(screen | tail -1)"
wait_for 10 sh -c "! $VS snapshot-info snapg 's --children' >/dev/null 2>&1" && ok "x y: snapshot 's --children' is gone" \
	|| bad "'s --children' still there"
sleep 1
$VS snapshot-info snapg s >/dev/null 2>&1 && ok "snapshot s is still there" || bad "snapshot s was deleted"
keys Tab; keys / C-u Enter

# n, x on 'lab net', y
keys n
wait_screen 5 "lab net" && ok "the networks view lists 'lab net'" || bad "networks: $(screen | sed -n 2,8p | tr '\n' '|')"
confirm_on x "delete network lab net?" || bad "no question for 'lab net': $(screen | tail -1)"
wait_for 10 sh -c "! $VS net-info 'lab net' >/dev/null 2>&1" && ok "x y: network 'lab net' is gone" || bad "'lab net' still there"
sleep 1
$VS net-info lab >/dev/null 2>&1 && ok "network lab is still there" || bad "network lab was deleted"
keys n; keys q
wait_screen 5 "VMDECK-EXIT=0" && ok "q quits" || bad "q: $(screen | tail -2 | tr '\n' '|')"
tmux kill-session -t "$S" 2>/dev/null
"$V" delete web-1 --disks --yes >/dev/null
"$V" delete snapg --disks --yes >/dev/null
"$V" net delete lab >/dev/null
finish
