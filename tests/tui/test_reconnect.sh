#!/bin/bash
# The TUI outlives its daemon: the private libvirtd killed (SIGKILL) under a
# running TUI and started again, then stopped (SIGSTOP) and continued. The
# header says what happened, keys keep working, changing ones are refused
# with the reason, and the list comes back correct with events flowing.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
S=vdrc$$
export XDG_CONFIG_HOME=$T/config
mkdir -p "$XDG_CONFIG_HOME"/vmdeck
# only events (and the reconnect) can update the screen within the waits
printf '[ui]\nrefresh_ms = 60000\n' > "$XDG_CONFIG_HOME"/vmdeck/vmdeck.ini
screen() { tmux capture-pane -p -t "$S"; }
screen_has() { screen | grep -q -- "$1"; }
wait_screen() { local i; for ((i = 0; i < $1 * 10; i++)); do screen_has "$2" && return 0; sleep 0.1; done; return 1; }
keys() { tmux send-keys -t "$S" "$@"; sleep 0.3; }
now() { date +%s.%N; }
secs() { python3 -c "print('%.1f' % ($2 - $1))"; }

# the daemon of this test's namespace, by the PID it recorded; started again
# the way testenv.sh starts it (the teardown finds the namespace by nspid)
daemon_pid() { cat /run/libvirtd.pid; }
daemon_start() {
	local i
	libvirtd -d || return 1
	for ((i = 0; i < 100; i++)); do
		virsh -q -c qemu:///system version >/dev/null 2>&1 && { daemon_pid > "$VMDECK_TESTENV"/nspid; return 0; }
		sleep 0.1
	done
	return 1
}

expect "create r1 (running)" "$V" create r1 --memory 96 "${TINY[@]}" --start
expect "create r2 (stopped)" "$V" create r2 --memory 96 "${TINY[@]}"
tmux new-session -d -s "$S" -x 100 -y 24 "bash --norc --noprofile"
tmux send-keys -t "$S" "export TERM=xterm-256color XDG_CONFIG_HOME=$XDG_CONFIG_HOME; $V; echo VMDECK-EXIT=\$?" Enter
wait_screen 10 " r2 .*shutoff" || bad "TUI did not open: $(screen | head -3 | tr '\n' '|')"

# a CLI job in flight: shutdown --timeout of a guest that ignores it (its
# acpid and then its agent gone) is waiting when the daemon dies
agent_ready r1 90 || bad "r1: no agent"
agent_sh r1 'kill $(pidof acpid); (sleep 1; kill $(pidof qemu-ga)) >/dev/null 2>&1 &' >/dev/null
wait_for 15 sh -c "virsh -q -c qemu:///system dumpxml r1 | grep -q \"name='org.qemu.guest_agent.0' state='disconnected'\"" \
	|| bad "r1's agent still connected"
"$V" shutdown r1 --timeout 120 >"$T"/sd.out 2>"$T"/sd.err &
sd=$!
sleep 1   # (inside its wait by then; if not, the shutdown call itself fails: also exit 1, one line)

# SIGKILL: the header says so within 2 s
pid=$(daemon_pid)
t0=$(now)
kill -KILL "$pid"
wait_screen 2 "CONNECTION LOST, reconnecting" && ok "libvirtd killed: 'connection lost, reconnecting' in $(secs "$t0" "$(now)") s" \
	|| bad "no lost header: $(screen | head -1)"
wait_for 5 sh -c "! kill -0 $sd 2>/dev/null"
wait $sd
rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$T"/sd.err)" = 1 ] && grep -qi "r1.*\(was lost while waiting\|connection\|end of file\)" "$T"/sd.err \
	&& ok "the CLI's shutdown --timeout ended at once: exit 1, one line ($(cat "$T"/sd.err))" || bad "CLI job: rc $rc: $(cat "$T"/sd.err)"
# keys keep working: help opens and closes; a changing key is refused with the reason
keys "?"
wait_screen 2 "| help$" && ok "? works while the daemon is gone" || bad "? while lost: $(screen | head -1)"
keys q / C-u r 2 Enter s
wait_screen 2 "connection to .* is lost (reconnecting): cannot start r2" && ok "s refused naming the lost connection" \
	|| bad "s while lost: $(screen | tail -1)"
keys / C-u Enter
# meanwhile r1's QEMU ends (its PID as libvirt recorded it): after the return
# the list must show it shut off
qpid=$(cat /run/libvirt/qemu/r1.pid 2>/dev/null)
[ -n "$qpid" ] && kill -TERM "$qpid"
wait_for 10 sh -c "! kill -0 $qpid 2>/dev/null" || bad "r1's qemu did not end"
daemon_start || bad "libvirtd did not start again"
t1=$(now)
wait_screen 5 " r1 .*shutoff" && ! screen_has "CONNECTION LOST" && ok "back $(secs "$t1" "$(now)") s after the daemon's return: r1 shown shut off" \
	|| bad "after the return: $(screen | head -4 | tr '\n' '|')"
# events flow again: a start from outside shows without a key
"$V" start r2 >/dev/null
wait_screen 3 " r2 .*running" && ok "events after the reconnect: r2 running on screen" || bad "no event: $(screen | grep ' r2 ')"
state_is r2 running || bad "libvirt: r2 not running"

# SIGSTOP: the screen keeps answering and says the daemon does not
pid=$(daemon_pid)
kill -STOP "$pid"
keys r   # a refresh that cannot end while the daemon is stopped
wait_screen 6 "NOT ANSWERING" && ok "libvirtd stopped: 'not answering' in the header" || bad "no hang header: $(screen | head -1)"
keys "?"
wait_screen 2 "| help$" && ok "? works while the daemon hangs" || bad "? while hung: $(screen | head -1)"
keys q
kill -CONT "$pid"
wait_screen 10 " r2 .*running" && ! screen_has "NOT ANSWERING" && ok "continued: the header is back" || bad "after CONT: $(screen | head -1)"
"$V" poweroff r2 >/dev/null
wait_screen 3 " r2 .*shutoff" && ok "events still flow after the hang" || bad "after the hang: $(screen | grep ' r2 ')"
keys q
wait_screen 5 "VMDECK-EXIT=0" && ok "q quits with status 0" || bad "exit: $(screen | tail -2 | tr '\n' '|')"
tmux kill-session -t "$S" 2>/dev/null
finish
