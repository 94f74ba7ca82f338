#!/bin/bash
# The reachability table of the four network modes, end to end, by real
# packets: an "outside" network namespace joined to the test's libvirt
# namespace by a veth pair on an uplink bridge plays the external network;
# two tiny guests (with qemu-guest-agent) per mode. `net probe` measures every
# cell; a few cells are also checked independently with busybox from the
# outside namespace. Port forwarding opens outside -> VM on NAT and deleting
# the forward closes it again. No packet leaves these namespaces.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
START=$(date +%s)
OUT=vmdeck-outside
UP=vdup0

# the outside: 172.31.200.2, on the uplink bridge where the host is 172.31.200.1;
# it has no route to the guests' private subnets, like a real upstream network
ip netns add $OUT
ip link add $UP type bridge
ip link add vdout0 type veth peer name vdout1
ip link set vdout1 netns $OUT
ip link set vdout0 master $UP
ip addr add 172.31.200.1/24 dev $UP
ip link set $UP up && ip link set vdout0 up
ip -n $OUT addr add 172.31.200.2/24 dev vdout1
ip -n $OUT link set vdout1 up && ip -n $OUT link set lo up
cleanup() { ip netns del $OUT 2>/dev/null; ip link del vdout0 2>/dev/null; ip link del $UP 2>/dev/null; }
trap cleanup EXIT

expect "net create nat1 --mode nat" "$V" net create nat1 --mode nat --subnet 192.168.150.0/24
expect "net create ho1 --mode hostonly" "$V" net create ho1 --mode hostonly
expect "net create in1 --mode internal" "$V" net create in1 --mode internal
expect "net create br1 --mode bridged --uplink $UP" "$V" net create br1 --mode bridged --uplink $UP

# guest NAME NET [static address for networks without DHCP]: started, not
# waited for (the eight boot together; their agents are awaited below)
guest() {
	local cmdline="console=ttyS0 quiet${3:+ vmdeck.ip=$3}"
	expect "create $1 on $2 --start" "$V" create "$1" --memory 128 --kernel "$T"/vmlinuz \
		--initrd "$T"/initrd.gz --cmdline "$cmdline" --network "$2" --start
}
guest n1 nat1; guest n2 nat1
guest h1 ho1; guest h2 ho1
guest i1 in1 10.77.0.11/24; guest i2 in1 10.77.0.12/24
guest b1 br1 172.31.200.11/24; guest b2 br1 172.31.200.12/24
ALL="n1 n2 h1 h2 i1 i2 b1 b2"
for vm in $ALL; do agent_ready $vm 90 || bad "$vm: no guest agent"; done
# the DHCP guests' leases (the probe reads addresses from them), and the
# address configured inside the guest (the lease exists a moment before)
for vm in n1 n2 h1 h2; do
	"$V" ip "$vm" --wait 60 >/dev/null || bad "$vm: no lease"
	wait_for 30 agent_sh "$vm" "ip -4 addr show eth0 | grep -q inet" || bad "$vm: no address inside"
done
"$V" info i1 --json >/tmp/vd.i.$$ && js /tmp/vd.i.$$ "j['nics'][0]['ipv4']==['10.77.0.11']" \
	&& ok "info shows the internal NIC's address (from the agent)" || bad "info i1: $(tr -d '\n ' </tmp/vd.i.$$)"

# port forwarding: bad input first (nothing recorded), then the forward
refused "forward to a host-only guest" "1" "$V" net forward add h1 8080 80
refused "port out of range" "2" "$V" net forward add n1 70000 80
refused "port 0" "2" "$V" net forward add n1 0 80
refused "unknown protocol" "2" "$V" net forward add n1 8080 80 --proto sctp
refused "unknown VM" "1" "$V" net forward add nosuchvm 8080 80
expect "net forward add n1 8080 80" "$V" net forward add n1 8080 80
refused "duplicate host port" "1" "$V" net forward add n2 8080 22
grep -q "n1" /tmp/vd.rerr.$$ && ok "the refusal names n1" || bad "refusal text"
expect "net forward add n2 9090 80 --proto udp" "$V" net forward add n2 9090 80 --proto udp
"$V" net forward list --json >/tmp/vd.f.$$
js /tmp/vd.f.$$ "sorted((f['vm'],f['host_port'],f['proto'],f['active']) for f in j)==[('n1',8080,'tcp',True),('n2',9090,'udp',True)]" \
	&& ok "net forward list: both active" || bad "forward list: $(tr -d '\n ' </tmp/vd.f.$$)"
expect "net forward delete n2 9090" "$V" net forward delete n2 9090

# the whole table
S=$(date +%s)
expect "net probe (8 guests, --outside-ns)" "$V" --json net probe $ALL --outside-ns $OUT
cp /tmp/vd.out.$$ /tmp/vd.p.$$
echo "   net probe of 8 guests took $(( $(date +%s) - S )) s"
"$V" net probe n1 h1 --outside-ns $OUT | sed 's/^/   | /'
cell() {   # cell VM KEY yes|no: measured value of VM's cell
	local want=$([ "$3" = yes ] && echo True || echo False)
	js /tmp/vd.p.$$ "[r['cells']['$2']['measured'] for r in j if r['vm']=='$1']==[$want]" \
		&& ok "$1 $2 = $3 (measured)" \
		|| bad "$1 $2 should be $3: $(python3 -c "import json;print([r['cells']['$2'] for r in json.load(open('/tmp/vd.p.$$')) if r['vm']=='$1'])")"
}
#            VM->host      VM<->VM      VM->outside      outside->VM
for vm in n1 n2; do cell $vm vm_to_host yes; cell $vm vm_to_vm yes; cell $vm vm_to_outside yes; done
cell n1 outside_to_vm yes     # through the forward
cell n2 outside_to_vm no      # no forward
for vm in b1 b2; do cell $vm vm_to_host yes; cell $vm vm_to_vm yes; cell $vm vm_to_outside yes; cell $vm outside_to_vm yes; done
for vm in h1 h2; do cell $vm vm_to_host yes; cell $vm vm_to_vm yes; cell $vm vm_to_outside no; cell $vm outside_to_vm no; done
for vm in i1 i2; do cell $vm vm_to_host no; cell $vm vm_to_vm yes; cell $vm vm_to_outside no; cell $vm outside_to_vm no; done
js /tmp/vd.p.$$ "all(c['measured']==c['expected'] for r in j for c in r['cells'].values())" \
	&& ok "every measured cell equals what the mode promises" || bad "some cell differs from the mode's promise"

# independent of vmdeck: packets from the outside namespace with busybox
ox() { ip netns exec $OUT "$@"; }
expect "outside pings bridged b1 directly" ox busybox ping -c 1 -W 3 172.31.200.11
H1=$("$V" ip h1 | head -1)
ox busybox ping -c 1 -W 2 "$H1" >/dev/null 2>&1 && bad "outside reaches host-only h1" || ok "outside cannot reach host-only h1 ($H1)"
guest_listen n1 80 via-forward || bad "n1: its listener did not start"
[ "$(ox timeout 5 busybox nc 172.31.200.1 8080 </dev/null 2>/dev/null)" = via-forward ] \
	&& ok "outside -> 172.31.200.1:8080 reaches n1's port 80" || bad "forward does not reach n1"

# libvirt re-inserts its rules at the head of LIBVIRT_FWI when a network
# starts: do the same with its rules for nat1 and see the next vmdeck run put
# the forward's accept first again
mapfile -t LV < <(iptables -S LIBVIRT_FWI | grep -- '-A ' | grep -v vmdeck-fwd)
for ((k = ${#LV[@]} - 1; k >= 0; k--)); do
	eval "iptables -D ${LV[k]#-A }" && eval "iptables -I ${LV[k]#-A }"
done
iptables -S LIBVIRT_FWI | sed -n 2p | grep -q vmdeck-fwd && bad "simulation: our accept still first" \
	|| ok "simulated libvirt's rules ahead of the forward's accept"
"$V" net forward list >/dev/null
iptables -S LIBVIRT_FWI | sed -n 2p | grep -q vmdeck-fwd && ok "the forward's accept is first in LIBVIRT_FWI again" \
	|| bad "accept not re-ordered: $(iptables -S LIBVIRT_FWI | tr '\n' '|')"
[ "$(iptables -S LIBVIRT_FWI | grep -c vmdeck-fwd)" = 1 ] && ok "exactly one accept for the forward" || bad "accepts duplicated"

# deleting the forward closes outside -> VM again
expect "net forward delete n1 8080" "$V" net forward delete n1 8080
guest_listen n1 80 via-forward || bad "n1: its listener did not start"
[ -z "$(ox timeout 5 busybox nc 172.31.200.1 8080 </dev/null 2>/dev/null)" ] \
	&& ok "after delete, outside -> :8080 no longer reaches n1" || bad "forward still open"
"$V" --json net probe n1 --outside-ns $OUT >/tmp/vd.p.$$ && cell n1 outside_to_vm no
nft list table ip vmdeck >/dev/null 2>&1 && bad "vmdeck's nft table left behind" || ok "no forwards: vmdeck's nft table is gone"
iptables -S LIBVIRT_FWI | grep -q vmdeck-fwd && bad "accept left in LIBVIRT_FWI" || ok "no accept left in LIBVIRT_FWI"

# a forward to a stopped guest is kept and shown stale
expect "net forward add n2 8081 80" "$V" net forward add n2 8081 80
expect "poweroff n2" "$V" poweroff n2
"$V" net forward list --json >/tmp/vd.f.$$
js /tmp/vd.f.$$ "[(f['vm'],f['active'],'not running' in (f['stale'] or '')) for f in j]==[('n2',False,True)]" \
	&& ok "n2's forward is listed stale (not running)" || bad "stale: $(tr -d '\n ' </tmp/vd.f.$$)"
refused "net probe of a stopped guest" "1" "$V" net probe n2

# two vmdecks at once: 25 forward adds each, at the same time, on the same
# two guests' metadata (a read-modify-write of their XML each): none is lost
expect "net forward delete n2 8081" "$V" net forward delete n2 8081
add_many() {
	local i
	for ((i = 0; i < 25; i++)); do
		"$V" net forward add "n$((i % 2 + 1))" $(($1 + i)) 80 >/dev/null 2>>"$T"/fwd.err || echo $(($1 + i)) >>"$T"/fwd.failed
	done
}
add_many 21000 & p1=$!
add_many 22000 & p2=$!
wait $p1 $p2
"$V" net forward list --json >/tmp/vd.f.$$
[ ! -s "$T"/fwd.failed ] && js /tmp/vd.f.$$ "sorted(f['host_port'] for f in j)==sorted(list(range(21000,21025))+list(range(22000,22025)))" \
	&& ok "50 forward adds from two processes at once: all 50 recorded" \
	|| bad "concurrent adds: failed $(tr '\n' ' ' <"$T"/fwd.failed 2>/dev/null) ($(head -2 "$T"/fwd.err 2>/dev/null)); listed $(python3 -c "import json; print(len(json.load(open('/tmp/vd.f.$$'))))")"
nft list table ip vmdeck 2>/dev/null | python3 -c "
import re, sys
got = set(int(p) for p in re.findall(r'dport (\\d+)', sys.stdin.read()))
want = set(b + i for b in (21000, 22000) for i in range(0, 25, 2))   # n1's (the running one)
sys.exit(0 if want <= got and not any(b + i in got for b in (21000, 22000) for i in range(1, 25, 2)) else 1)" \
	&& ok "the firewall has the 26 forwards of the running guest n1, none of the stopped n2" \
	|| bad "nft: $(nft list table ip vmdeck 2>/dev/null | grep -c dport) dport rules"
# the same host port from both at once: exactly one takes it
("$V" net forward add n1 23000 80 >/dev/null 2>&1; echo $? >"$T"/w1) &
("$V" net forward add n2 23000 80 >/dev/null 2>&1; echo $? >"$T"/w2) &
wait
[ "$(cat "$T"/w1 "$T"/w2 | sort | tr '\n' ' ')" = "0 1 " ] && ok "one host port from two processes at once: one wins, one is refused" \
	|| bad "port race: rc $(cat "$T"/w1 "$T"/w2 | tr '\n' ' ')"

for vm in $ALL; do "$V" poweroff $vm >/dev/null 2>&1; done
echo "   reachability test: $(( $(date +%s) - START )) s"
finish
