#!/bin/bash
# Networks in their modes with real guests: a host-only guest gets a lease in
# its subnet and answers the host; an internal network has no host address and
# no DHCP; NICs attach and detach live; deleting a network in use is refused;
# bad input creates nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
nets() { "$V" net list --json; }

expect "net create ho --mode hostonly (subnet picked)" "$V" net create ho --mode hostonly
expect "net create inn --mode internal" "$V" net create inn --mode internal
expect "net create nat2 --mode nat --subnet 192.168.60.0/24" "$V" net create nat2 --mode nat --subnet 192.168.60.0/24
nets >/tmp/vd.n.$$
js /tmp/vd.n.$$ "{n['name']:(n['mode'],n['active']) for n in j}=={'default':('nat',True),'ho':('hostonly',True),'inn':('internal',True),'nat2':('nat',True)}" \
	&& ok "net list --json: modes and state" || bad "net list: $(tr -d ' \n' </tmp/vd.n.$$)"
HOSUB=$(python3 -c "import json; print([n['subnet'] for n in json.load(open('/tmp/vd.n.$$')) if n['name']=='ho'][0])")
js /tmp/vd.n.$$ "[n['subnet'] for n in j if n['name']=='inn']==[None] and [n['subnet'] for n in j if n['name']=='nat2']==['192.168.60.0/24']" \
	&& ok "internal has no subnet; nat2 has the one asked for; ho got $HOSUB" || bad "subnets"
[ "$HOSUB" != "192.168.122.0/24" ] && [ "$HOSUB" != "192.168.60.0/24" ] && ok "picked subnet clashes with no other" || bad "clash: $HOSUB"

expect "create hv on the host-only network --wait-ip" "$V" create hv --memory 128 "${TINY[@]}" --network ho --start --wait-ip
IP=$(tail -1 /tmp/vd.out.$$)
python3 -c "import ipaddress,sys; sys.exit(0 if ipaddress.ip_address('$IP') in ipaddress.ip_network('$HOSUB') else 1)" \
	&& ok "hv's lease $IP is in $HOSUB" || bad "hv IP $IP not in $HOSUB"
expect "the host reaches hv on the host-only network" busybox ping -c 2 -W 3 "$IP"
expect "net attach hv inn (live)" "$V" net attach hv inn
"$V" info hv --json >/tmp/vd.i.$$ && js /tmp/vd.i.$$ "sorted(n['network'] for n in j['nics'])==['ho','inn']" \
	&& ok "hv has NICs on ho and inn" || bad "hv nics"
refused "net delete ho while hv runs on it" "1" "$V" net delete ho
grep -q "hv" /tmp/vd.rerr.$$ && ok "the refusal names hv" || bad "refusal text"
expect "net detach hv inn" "$V" net detach hv inn
"$V" info hv --json >/tmp/vd.i.$$ && js /tmp/vd.i.$$ "[n['network'] for n in j['nics']]==['ho']" \
	&& ok "hv back to one NIC" || bad "hv nics after detach"
"$V" net info inn | grep -q "VM -> host .*no" && ok "net info shows the expected reachability" || bad "net info"

# bad input: clear error, nothing created
before=$(nets | tr -d ' \n')
refused "unknown mode" "1 2" "$V" net create x1 --mode wormhole
refused "bad CIDR" "1 2" "$V" net create x2 --mode nat --subnet 10.0.0.0/33
refused "overlapping subnet" "1 2" "$V" net create x3 --mode hostonly --subnet 192.168.60.0/25
refused "missing uplink bridge" "1 2" "$V" net create x4 --mode bridged --uplink nosuchbr0
refused "bridged without --uplink" "1 2" "$V" net create x5 --mode bridged
refused "macvtap on a missing interface" "1 2" "$V" net create x7 --mode bridged --uplink nosuchif0 --macvtap
refused "macvtap outside bridged mode" "1 2" "$V" net create x8 --mode nat --macvtap
refused "duplicate network name" "1" "$V" net create ho --mode internal
refused "invalid network name" "1 2" "$V" net create 'a;b' --mode internal
refused "--readonly net create" "1" "$V" --readonly net create x6 --mode internal
[ "$(nets | tr -d ' \n')" = "$before" ] && ok "no network created by bad input" || bad "networks changed"

# bridged through macvtap on an interface (one end of a veth pair here): no host bridge involved
ip link add vdmac0 type veth peer name vdmac1 && ip link set vdmac0 up && ip link set vdmac1 up
expect "net create mt --mode bridged --uplink vdmac0 --macvtap" "$V" net create mt --mode bridged --uplink vdmac0 --macvtap
"$V" net info mt --json >/tmp/vd.m.$$ && js /tmp/vd.m.$$ "j['mode']=='bridged' and j['active']" \
	&& ok "mt is bridged and active" || bad "mt: $(tr -d '\n ' </tmp/vd.m.$$)"
expect "net attach hv mt (a macvtap NIC)" "$V" net attach hv mt
ip -o link show type macvtap | grep -q "@vdmac0" && ok "a macvtap device on vdmac0 exists" || bad "no macvtap on vdmac0: $(ip -o link | cut -c1-80 | tr '\n' '|')"
expect "net detach hv mt" "$V" net detach hv mt
expect "net delete mt" "$V" net delete mt
ip link del vdmac0

expect "poweroff hv" "$V" poweroff hv
expect "net delete ho (now unused)" "$V" net delete ho
expect "net stop nat2" "$V" net stop nat2
expect "net start nat2" "$V" net start nat2
nets | grep -q '"ho"' && bad "ho still listed" || ok "ho gone"
finish
