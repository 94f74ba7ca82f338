#!/bin/bash
# Challenge "create, start, stop, modify by CLI" and "create a VM and find its
# IP" on the tiny busybox guest; console; delete keeps or removes disks.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
POOL=/var/lib/libvirt/images/vmdeck

expect "create --start --wait-ip prints an address" \
	"$V" create t1 --memory 256 --disk 1 "${TINY[@]}" --start --wait-ip
IP=$(grep -Eo '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' /tmp/vd.out.$$ | head -1)
[ -n "$IP" ] && ok "create printed IPv4 $IP" || bad "create printed no IPv4: $(cat /tmp/vd.out.$$)"
"$V" list --json >/tmp/vd.l.$$ && js /tmp/vd.l.$$ "any(d['name']=='t1' and d['state']=='running' and '$IP' in d['ipv4'] for d in j)" \
	&& ok "list --json: t1 running with $IP" || bad "list --json: t1 not running with $IP"
[ -n "$IP" ] && [ "$("$V" ip t1)" = "$IP" ] && ok "ip t1 prints $IP" || bad "ip t1 differs from $IP"
expect "ip t1 answers ping" busybox ping -c 2 -W 3 "$IP"
"$V" ip t1 --json --source lease >/tmp/vd.ip.$$ && js /tmp/vd.ip.$$ "j['source']=='lease' and j['ipv4']==['$IP']" \
	&& ok "ip --json says the lease answered" || bad "ip --json source"
serial_log t1 | grep -q TESTVM-BOOTED && ok "serial console logged the boot marker" || bad "no boot marker in serial log"
[ -f $POOL/t1.qcow2 ] && ok "disk t1.qcow2 in the vmdeck pool" || bad "no $POOL/t1.qcow2"

# the serial console inside a terminal: type a command, read its output, Ctrl-] leaves
if command -v tmux >/dev/null; then
	S=vdcon$$
	tmux new-session -d -s "$S" -x 100 -y 30 "$V console t1; echo CONSOLE-LEFT; sleep 30"
	sleep 2
	tmux send-keys -t "$S" Enter
	sleep 1
	tmux send-keys -t "$S" 'echo hello-$((6*7))' Enter
	wait_for 10 sh -c "tmux capture-pane -p -t $S | grep -q hello-42" \
		&& ok "console: guest shell answered (hello-42)" || bad "console: no answer: $(tmux capture-pane -p -t $S | grep -v '^$' | tail -6 | tr '\n' '|')"
	tmux send-keys -t "$S" C-]
	wait_for 5 sh -c "tmux capture-pane -p -t $S | grep -q CONSOLE-LEFT" \
		&& ok "console: Ctrl-] leaves" || bad "console: Ctrl-] did not leave"
	tmux kill-session -t "$S" 2>/dev/null
fi

# configuration change for the next boot, then a restart applies it
expect "set --memory 320 --cpus 2 --config" "$V" set t1 --memory 320 --cpus 2 --config
grep -q "on next boot" /tmp/vd.out.$$ && ok "set says: on next boot" || bad "set output: $(cat /tmp/vd.out.$$)"
"$V" info t1 --json >/tmp/vd.i.$$ && js /tmp/vd.i.$$ "j['cpus']['live']==1 and j['cpus']['config']==2 and j['memory_mib']['config']==320 and j['memory_mib']['live']==256" \
	&& ok "info: live 1 vCPU/256 MiB, config 2/320" || bad "info after set --config: $(tr -d '\n ' </tmp/vd.i.$$ | cut -c1-300)"
# live balloon down works now
expect "set --memory 200 --live" "$V" set t1 --memory 200 --live
expect "poweroff t1 (busybox guest)" "$V" poweroff t1
state_is t1 shutoff && ok "t1 shutoff after poweroff" || bad "t1 not shutoff"
expect "start t1" "$V" start t1
"$V" info t1 --json >/tmp/vd.i.$$ && js /tmp/vd.i.$$ "j['state']=='running' and j['cpus']['live']==2 and j['memory_mib']['live']==320 and j['memory_mib']['max']>=320" \
	&& ok "after restart: 2 vCPUs, 320 MiB live" || bad "after restart: $(tr -d '\n ' </tmp/vd.i.$$ | cut -c1-300)"

# graceful shutdown of the busybox guest goes through ACPI (acpid in the guest)
wait_for 30 sh -c "grep -c TESTVM-BOOTED '$T/log/qemu/t1-serial.log' | grep -q 1"
expect "shutdown t1 --timeout 40 (ACPI)" "$V" shutdown t1 --timeout 40
state_is t1 shutoff && ok "t1 shutoff after shutdown" || bad "t1 still up after shutdown"

# pause / resume / save / start-restores
expect "start t1 again" "$V" start t1
expect "pause t1" "$V" pause t1
state_is t1 paused && ok "t1 paused" || bad "t1 not paused"
expect "resume t1" "$V" resume t1
expect "save t1 (managed save)" "$V" save t1
"$V" info t1 --json >/tmp/vd.i.$$ && js /tmp/vd.i.$$ "j['state']=='shutoff' and j['managed_save']" \
	&& ok "saved: shutoff with a managed save image" || bad "managed save not shown"
expect "start restores the saved state" "$V" start t1
state_is t1 running && ok "t1 running after restore" || bad "t1 not running after restore"

# delete keeps disks unless asked; with --disks removes only the pool volume
expect "delete t1 --yes (keeps disk)" "$V" delete t1 --yes
"$V" list --all --json >/tmp/vd.l.$$ && js /tmp/vd.l.$$ "not any(d['name']=='t1' for d in j)" \
	&& ok "t1 gone from list" || bad "t1 still listed"
[ -f $POOL/t1.qcow2 ] && ok "t1.qcow2 kept without --disks" || bad "t1.qcow2 removed without --disks"
# a new guest reusing the disk in place, then delete --disks
expect "create t2 --import t1.qcow2 --in-place" "$V" create t2 --memory 128 --import $POOL/t1.qcow2 --in-place "${TINY[@]}"
expect "delete t2 --disks --yes" "$V" delete t2 --disks --yes
[ ! -f $POOL/t1.qcow2 ] && ok "delete --disks removed the volume" || bad "volume still there"
finish
