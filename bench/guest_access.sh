#!/bin/bash
# Benchmark (issue 19), peers in the same run:
#   lab exec: `hostname` in every seat of an N-seat lab (default 30) against
#     a shell loop of virsh qemu-agent-command guest-exec + guest-exec-status
#     polling per seat, one seat after the other
#   cp: a 64 MiB file into a guest against a loop of virsh qemu-agent-command
#     guest-file-write with base64 chunks (the same 32 KiB chunks vmdeck uses
#     under qemu-ga 7.2); sha256 checked in the guest for both
#   the screen view (v) at about 1 Hz: vmdeck's CPU per refresh and the bytes
#     fetched, against the same TUI on the list for the same time
# Prints the times, the ratios and the MB/s.
# Run: scripts/testenv.sh run bench/guest_access.sh [N]
cd "$(dirname "$0")/.." || exit 1
. tests/integration/lib.sh
N=${1:-30}
stage_tiny
VS="virsh -q -c qemu:///system"
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

qemu-img create -q -f qcow2 "$T"/base.qcow2 16M
"$V" create gbase --memory 96 --import "$T"/base.qcow2 "${TINY[@]}" >/dev/null || exit 1
printf '[lab]\nname = ga\nbase = gbase\nseats = %s\nstart = no\n[network]\nmode = internal\n' "$N" > "$T"/ga.ini
"$V" lab up "$T"/ga.ini >/dev/null || { echo "lab up failed"; exit 1; }
# 30 TCG guests booting at once on 2 cores take longer than any agent wait:
# started 5 at a time, each group answering before the next starts
for ((i = 1; i <= N; i += 5)); do
	for ((k = i; k < i + 5 && k <= N; k++)); do "$V" start "ga-$k" >/dev/null || exit 1; done
	for ((k = i; k < i + 5 && k <= N; k++)); do agent_ready "ga-$k" 300 || { echo "ga-$k: no agent"; exit 1; }; done
done

# ---- lab exec vs the per-seat virsh loop ----
t=$(now); "$V" lab exec "$T"/ga.ini -- hostname > "$T"/le.out || { echo "lab exec failed"; cat "$T"/le.out; exit 1; }
vm_exec=$(since "$t")
[ "$(grep -c ' 0 ' "$T"/le.out)" = "$N" ] || { echo "lab exec: not every seat answered"; exit 1; }
t=$(now)
for i in $(seq 1 "$N"); do
	pid=$($VS qemu-agent-command "ga-$i" '{"execute":"guest-exec","arguments":{"path":"hostname","capture-output":true}}' \
		| python3 -c 'import json,sys; print(json.load(sys.stdin)["return"]["pid"])')
	for ((k = 0; k < 200; k++)); do
		$VS qemu-agent-command "ga-$i" "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}" \
			| grep -q '"exited":true' && break
		sleep 0.05
	done
done
sh_exec=$(since "$t")

# ---- cp 64 MiB in vs guest-file-write with base64 chunks ----
# (a guest of its own: the tiny guest's /tmp is in its RAM)
"$V" lab down "$T"/ga.ini --yes >/dev/null
"$V" create scr --memory 320 "${TINY[@]}" --start >/dev/null || exit 1
agent_ready scr 120 || { echo "scr: no agent"; exit 1; }
head -c $((64 << 20)) /dev/urandom > "$T"/big
want=$(sha256sum < "$T"/big | cut -c1-64)
t=$(now); "$V" cp "$T"/big scr:/tmp/big.vm || { echo "cp failed"; exit 1; }; vm_cp=$(since "$t")
[ "$(agent_sh scr 'sha256sum /tmp/big.vm' | cut -c1-64)" = "$want" ] || { echo "cp: checksum differs"; exit 1; }
agent_sh scr 'rm -f /tmp/big.vm' >/dev/null
t=$(now)
h=$($VS qemu-agent-command scr '{"execute":"guest-file-open","arguments":{"path":"/tmp/big.sh","mode":"w"}}' \
	| python3 -c 'import json,sys; print(json.load(sys.stdin)["return"])')
split -b 32768 -d -a 5 "$T"/big "$T"/chunk.
for c in "$T"/chunk.*; do
	$VS qemu-agent-command scr "{\"execute\":\"guest-file-write\",\"arguments\":{\"handle\":$h,\"buf-b64\":\"$(base64 -w0 "$c")\"}}" >/dev/null \
		|| { echo "virsh guest-file-write failed"; exit 1; }
done
$VS qemu-agent-command scr "{\"execute\":\"guest-file-close\",\"arguments\":{\"handle\":$h}}" >/dev/null
sh_cp=$(since "$t")
rm -f "$T"/chunk.*
[ "$(agent_sh scr 'sha256sum /tmp/big.sh' | cut -c1-64)" = "$want" ] || { echo "virsh loop: checksum differs"; exit 1; }
agent_sh scr 'rm -f /tmp/big.sh' >/dev/null

# ---- the screen view: CPU per refresh, bytes per refresh ----
S=vdbench$$
TR=$T/tui.trace
tmux new-session -d -s "$S" -x 80 -y 24 "bash --norc --noprofile"
tmux send-keys -t "$S" "export TERM=xterm-256color VMDECK_TRACE=$TR; sh -c 'echo \$\$ > $T/tui.pid; exec \"\$0\"' $V" Enter
wait_for 10 sh -c "tmux capture-pane -p -t $S | grep -q ' scr '" || { echo "TUI did not open"; exit 1; }
pid=$(cat "$T"/tui.pid)
cpu() { awk '{print $14 + $15}' /proc/"$pid"/stat; }   # utime + stime, clock ticks
SECS=20
# scr selected (gbase sorts first and is stopped: no screen)
tmux send-keys -t "$S" / C-u s c r Enter; sleep 0.5
c0=$(cpu); sleep $SECS; c1=$(cpu)
tmux send-keys -t "$S" v
wait_for 10 sh -c "grep -q '^screenshot scr' '$TR'" || { echo "no screenshot"; exit 1; }
s0=$(grep -c '^screenshot scr' "$TR"); c2=$(cpu); sleep $SECS; c3=$(cpu); s1=$(grep -c '^screenshot scr' "$TR")
bytes=$(grep '^screenshot scr' "$TR" | awk '{s += $4; n++} END {print int(s / n)}')
tmux send-keys -t "$S" v q
sleep 0.5
tmux kill-session -t "=$S" 2>/dev/null
tmux kill-server 2>/dev/null
"$V" delete scr --disks --yes >/dev/null
"$V" delete gbase --disks --yes >/dev/null

python3 - "$N" "$vm_exec" "$sh_exec" "$vm_cp" "$sh_cp" "$((c1 - c0))" "$((c3 - c2))" "$((s1 - s0))" "$bytes" "$SECS" \
	"$(getconf CLK_TCK)" <<'PY'
import sys
n = int(sys.argv[1])
vm_exec, sh_exec, vm_cp, sh_cp = (float(x) for x in sys.argv[2:6])
idle, shown, shots, nbytes, secs, hz = (int(x) for x in sys.argv[6:12])
print(f"lab exec hostname, {n} seats: vmdeck {vm_exec:.2f} s, virsh guest-exec + status loop {sh_exec:.2f} s; "
      f"loop/vmdeck = {sh_exec / vm_exec:.1f}x")
print(f"cp 64 MiB into a guest: vmdeck {vm_cp:.2f} s ({64 / vm_cp:.1f} MiB/s), "
      f"virsh guest-file-write base64 loop {sh_cp:.2f} s ({64 / sh_cp:.1f} MiB/s); loop/vmdeck = {sh_cp / vm_cp:.2f}x")
extra = (shown - idle) / hz
print(f"screen view, {secs} s: {shots} refreshes ({shots / secs:.2f} Hz), {nbytes} bytes each; "
      f"vmdeck CPU {shown / hz / secs * 100:.1f} % of a core shown vs {idle / hz / secs * 100:.1f} % on the list; "
      f"{extra / max(shots, 1) * 1000:.1f} ms CPU per refresh")
PY
