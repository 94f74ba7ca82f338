#!/bin/bash
# The labs view (L) in tmux: the user's lab file and the shipped example are
# listed, the selected lab's seats shown as lab status has them; u brings it
# up, r resets the seats typed (after y), D takes it down (after y); libvirt
# is checked after each key.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
S=vdlab$$
export XDG_CONFIG_HOME=$T/config
mkdir -p "$XDG_CONFIG_HOME"/vmdeck/labs
screen() { tmux capture-pane -p -t "$S"; }
screen_has() { screen | grep -q -- "$1"; }
wait_screen() { local i; for ((i = 0; i < $1 * 10; i++)); do screen_has "$2" && return 0; sleep 0.1; done; return 1; }
keys() { tmux send-keys -t "$S" "$@"; sleep 0.3; }
qemu-img create -q -f qcow2 "$T"/base.qcow2 16M
expect "create roombase" "$V" create roombase --memory 128 --import "$T"/base.qcow2 "${TINY[@]}"
printf '[lab]\nname = room\nbase = roombase\nseats = 2\nstart = no\n[network]\nmode = hostonly\n' \
	> "$XDG_CONFIG_HOME"/vmdeck/labs/aroom.ini
tmux kill-session -t "$S" 2>/dev/null
tmux new-session -d -s "$S" -x 80 -y 24 "bash --norc --noprofile"
tmux send-keys -t "$S" "export TERM=xterm-256color XDG_CONFIG_HOME=$XDG_CONFIG_HOME; $V; echo VMDECK-EXIT=\$?" Enter
wait_screen 10 "guests" || bad "TUI did not open"
keys L
wait_screen 5 "aroom .*yours" && screen_has "classroom .*shipped" && ok "L lists the user's lab and the shipped example" \
	|| bad "labs view: $(screen | head -6 | tr '\n' '|')"
wait_screen 5 "room-2 .*missing" && screen_has "^  network room-net" && ok "the selected lab's seats: missing" || bad "seats: $(screen | sed -n 5,10p | tr '\n' '|')"
keys u
wait_screen 20 "room-2: made (linked clone of roombase)" && ok "u: lab up's report on screen" || bad "up: $(screen | tail -6 | tr '\n' '|')"
state_is room-1 shutoff && state_is room-2 shutoff && ok "libvirt: room-1 and room-2 exist, shut off (start = no)" || bad "seats not made"
keys q
wait_screen 10 "room-2 .*shutoff .*yes" && ok "back in the view: seats shut off with their clean snapshot" \
	|| bad "after up: $(screen | sed -n 5,10p | tr '\n' '|')"
"$V" snapshot take room-2 mine >/dev/null
keys r
keys -l 2
keys Enter
wait_screen 3 "reset 2 of lab aroom to the clean snapshot? y/n" || bad "no question: $(screen | tail -2 | tr '\n' '|')"
keys y
wait_for 20 sh -c "'$V' snapshot list room-2 --json | python3 -c \"import json,sys; sys.exit(0 if any(s['name']=='clean' and s['current'] for s in json.load(sys.stdin)) else 1)\"" \
	&& ok "r 2 y: room-2 is back at its clean snapshot" || bad "reset: $("$V" snapshot list room-2)"
keys D
wait_screen 3 "take lab aroom down" || bad "no down question"
keys y
wait_for 30 sh -c "! '$V' list --all | grep -q room-" && ok "D y: the seats are gone" || bad "down: $("$V" list --all)"
# (the network goes after the seats, in the same job)
wait_for 15 sh -c "! '$V' net list | grep -q room-net" && ok "the lab's network is gone" || bad "room-net left"
keys q q q
wait_screen 5 "VMDECK-EXIT=0" && ok "q quits with status 0" || bad "exit: $(screen | tail -3 | tr '\n' '|')"
tmux kill-session -t "$S" 2>/dev/null
"$V" delete roombase --disks --yes >/dev/null
finish
