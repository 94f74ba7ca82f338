#!/bin/bash
# needs: debian
# Monitoring with real guests: a CPU burner shows above 50 % and falls when it
# stops, ping traffic shows in the network rates, dd in the Debian guest shows
# in the disk write rate, the balloon reports used memory; the TUI monitor
# view lists every running guest with a sparkline and the host line.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
stage_debian
BURN_S=25
# max FIELD over the JSON lines of FILE
jmax() { python3 -c "import json,sys; print(max([json.loads(l)['$2'] for l in open('$1') if l.strip()] or [0]))"; }
gt() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)" "$1" "$2"; }

expect "create burn (burns one vCPU for $BURN_S s after boot)" \
	"$V" create burn --memory 128 --kernel "$T"/vmlinuz --initrd "$T"/initrd.gz \
	--cmdline "console=ttyS0 quiet vmdeck.burn=$BURN_S" --start
expect "create quiet --wait-ip" "$V" create quiet --memory 128 "${TINY[@]}" --start --wait-ip
QIP=$(tail -1 /tmp/vd.out.$$)
wait_for 30 sh -c "grep -q TESTVM-BOOTED '$T/log/qemu/burn-serial.log'"
BOOTED=$(date +%s)

"$V" stats burn --json --interval 1 --count 4 >/tmp/vd.s1.$$
[ "$(wc -l </tmp/vd.s1.$$)" -eq 4 ] && ok "stats --count 4: four JSON lines" || bad "lines: $(wc -l </tmp/vd.s1.$$)"
m=$(jmax /tmp/vd.s1.$$ cpu_pct)
gt "$m" 50 && ok "burner: CPU $m % > 50 % of its vCPU" || bad "burner CPU only $m %"

# net: ping the quiet guest while sampling it, once it has configured the
# address its lease names (--wait-ip returns on the lease, which comes first)
wait_for 30 sh -c "grep -q TESTVM-DHCP-OK '$T/log/qemu/quiet-serial.log'" || bad "quiet: no address inside"
busybox ping -q -c 25 -i 0.2 -s 1200 "$QIP" >/dev/null 2>&1 &
PPID_=$!
"$V" stats quiet --json --interval 1 --count 3 >/tmp/vd.s2.$$
wait $PPID_
rx=$(jmax /tmp/vd.s2.$$ net_rx_bps); tx=$(jmax /tmp/vd.s2.$$ net_tx_bps)
gt "$rx" 2000 && gt "$tx" 2000 && ok "ping traffic: net rx $rx B/s, tx $tx B/s" || bad "net rx=$rx tx=$tx"

# after the burner stops, the CPU falls
left=$(( BOOTED + BURN_S + 3 - $(date +%s) ))
[ $left -gt 0 ] && sleep $left
"$V" stats burn --json --interval 1 --count 3 >/tmp/vd.s3.$$
m=$(jmax /tmp/vd.s3.$$ cpu_pct)
gt 25 "$m" && ok "burner stopped: CPU fell to $m %" || bad "CPU still $m % after the burner"
"$V" stats --csv --interval 0.5 --count 1 >/tmp/vd.csv.$$
head -1 /tmp/vd.csv.$$ | grep -q '^time,name,cpu_pct,mem_used_mib,mem_total_mib,disk_rd_bps,disk_wr_bps,disk_rd_iops,disk_wr_iops,net_rx_bps,net_tx_bps$' \
	&& [ "$(wc -l </tmp/vd.csv.$$)" -eq 3 ] && ok "--csv: header and one row per running guest" || bad "csv: $(cat /tmp/vd.csv.$$)"
refused "stats of an unknown VM" "1" "$V" stats nosuch --count 1

# disk: dd inside the Debian guest
expect "create deb --start --wait-ip" "$V" create deb --memory 384 --import "$GUESTS"/debian/disk.qcow2 "${DEB[@]}" --start --wait-ip
agent_ready deb || bad "deb: no agent"
# writes for 10 s (bounded), whatever the emulated disk's speed
agent_sh deb 'end=$(($(date +%s) + 10)); while [ $(date +%s) -lt $end ]; do dd if=/dev/zero of=/root/big bs=1M count=64 oflag=direct 2>/dev/null; done; rm -f /root/big' >/dev/null &
APID=$!
sleep 2
"$V" stats deb --json --interval 1 --count 4 >/tmp/vd.s4.$$
wait $APID
wr=$(jmax /tmp/vd.s4.$$ disk_wr_bps)
gt "$wr" 1048576 && ok "dd in the guest: disk write $wr B/s > 1 MiB/s" || bad "disk write only $wr B/s"
# the balloon reports used memory (stats period set at create, 5 s)
sleep 6
"$V" stats deb --json --interval 1 --count 2 >/tmp/vd.s5.$$
python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1])][-1]; sys.exit(0 if not r['mem_estimated'] and 0 < r['mem_used_mib'] < r['mem_total_mib'] else 1)" /tmp/vd.s5.$$ \
	&& ok "balloon: used < total, reported by the guest ($(tail -1 /tmp/vd.s5.$$ | grep -o '"mem_used_mib":[0-9.]*'))" \
	|| bad "memory: $(tail -1 /tmp/vd.s5.$$)"

# the TUI monitor view
S=vdmon$$
tmux new-session -d -s "$S" -x 100 -y 30 "$V; sleep 30"
wait_for 10 sh -c "tmux capture-pane -p -t $S | grep -q ' quiet '"
tmux send-keys -t "$S" m
sleep 4
scr=$(tmux capture-pane -p -t "$S")
echo "$scr" | grep -q "^host: CPU" && ok "monitor: host line" || bad "monitor: no host line"
for vm in burn quiet deb; do
	echo "$scr" | grep -E "^$vm " | grep -q "[▁▂▃▄▅▆▇█]" && ok "monitor: $vm with a sparkline" || bad "monitor: $vm row: $(echo "$scr" | grep "^$vm ")"
done
tmux kill-session -t "$S"
finish
