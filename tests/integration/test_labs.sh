#!/bin/bash
# Classroom labs from one INI file: lab up makes seats (linked clones of a
# base) on the lab's NAT network with forwards and a clean snapshot, and runs
# them; a forward reaches its seat; lab reset takes one seat back (what was
# written to its disk is gone, the others keep theirs); up again changes
# nothing; per-seat networks and an existing network; lab down leaves only the
# base, which starts again. Broken lab files cite file:line and make nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
qemu-img create -q -f qcow2 "$T"/base.qcow2 16M
expect "create labbase --import base.qcow2 (16 MiB disk)" "$V" create labbase --memory 128 --import "$T"/base.qcow2 "${TINY[@]}"
basedisk=$("$V" info labbase --json | python3 -c "import json,sys; print(json.load(sys.stdin)['disks'][0]['source'])")
# the base's disk starts with 64 bytes of 'A' (what a reset must bring back)
qemu-io -f qcow2 -c "write -P 0x41 0 64" "$basedisk" >/dev/null
cat > "$T"/class.ini <<'INI'
[lab]
name = cls
base = labbase
seats = 3

[network]
layout = shared
mode = nat

[forward]
web = 8100:80

[snapshot]
clean = clean
INI
seat_js() { "$V" lab status "$T"/class.ini --json > /tmp/vd.lab.$$ && js /tmp/vd.lab.$$ "$1"; }

S=$(date +%s.%N)
expect "lab up class.ini (3 seats)" "$V" lab up "$T"/class.ini
echo "   lab up, 3 seats made and started: $(echo "$(date +%s.%N) - $S" | bc | cut -c1-4) s"
grep -q "cls-2: made (linked clone of labbase), NIC on cls-net, forward 8102->80/tcp, snapshot clean, started" /tmp/vd.out.$$ \
	&& ok "lab up says what it did per seat" || bad "lab up said: $(cat /tmp/vd.out.$$ | tr '\n' '|')"
seat_js "len(j)==3 and all(s['exists'] and s['state']=='running' and s['network']=='cls-net' and s['clean_snapshot'] for s in j)" \
	&& ok "3 seats running on cls-net, each with its clean snapshot" || bad "status: $(tr -d '\n ' </tmp/vd.lab.$$ | cut -c1-400)"
"$V" net list --json | python3 -c "import json,sys; sys.exit(0 if any(n['name']=='cls-net' and n['mode']=='nat' and n['active'] for n in json.load(sys.stdin)) else 1)" \
	&& ok "the lab's NAT network cls-net is active" || bad "no cls-net"
for s in 1 2 3; do
	"$V" info cls-$s --json > /tmp/vd.i.$$
	js /tmp/vd.i.$$ "[n['network'] for n in j['nics']]==['cls-net'] and j['disks'][0]['backing'] is not None" || bad "cls-$s: $(tr -d '\n ' </tmp/vd.i.$$ | cut -c1-300)"
done && ok "each seat: one NIC on cls-net, an overlay disk on the base"
refused "the base is a template while seats exist" 1 "$V" start labbase
for s in 1 2 3; do wait_for 90 sh -c "grep -aq TESTVM-DHCP-OK '$T/log/qemu/cls-$s-serial.log'" || bad "cls-$s: no DHCP"; done
"$V" lab status "$T"/class.ini > /tmp/vd.st.$$
grep -qE "^cls-2 +running +192\.168\.[0-9.]+ +cls-net +yes +8102->80/tcp$" /tmp/vd.st.$$ \
	&& ok "lab status: cls-2 running, its address, clean yes, 8102->80 active" || bad "status: $(cat /tmp/vd.st.$$ | tr '\n' '|')"
gw=$(virsh -c qemu:///system net-dumpxml cls-net | grep -o "ip address='[0-9.]*'" | cut -d"'" -f2)
agent_ready cls-2 60 || bad "cls-2: no agent"
guest_listen cls-2 80 seat-two || bad "cls-2: its listener did not start"
[ "$(timeout 5 busybox nc "$gw" 8102 </dev/null 2>/dev/null)" = seat-two ] && ok "host port 8102 reaches seat 2's port 80" \
	|| bad "forward 8102 did not reach cls-2"

# students write to their disks; reset of seat 2 only
for s in 2 3; do agent_ready cls-$s 60; agent_sh cls-$s "printf STUDENT-WAS-HERE | dd of=/dev/vda conv=notrunc 2>/dev/null; sync"; done
[ "$(agent_sh cls-2 'head -c 16 /dev/vda')" = STUDENT-WAS-HERE ] || bad "cls-2: the write did not land"
S=$(date +%s.%N)
expect "lab reset class.ini 2" "$V" lab reset "$T"/class.ini 2 --yes
echo "   reset of one seat: $(echo "$(date +%s.%N) - $S" | bc | cut -c1-4) s"
grep -q "cls-2: back to clean, started" /tmp/vd.out.$$ && ! grep -q "cls-[13]" /tmp/vd.out.$$ \
	&& ok "only cls-2 was reset" || bad "reset said: $(cat /tmp/vd.out.$$ | tr '\n' '|')"
agent_ready cls-2 60
[ "$(agent_sh cls-2 'head -c 4 /dev/vda')" = AAAA ] && ok "cls-2's disk is the base's again (the student's write is gone)" \
	|| bad "cls-2 disk: $(agent_sh cls-2 'head -c 16 /dev/vda' | od -c | head -1)"
[ "$(agent_sh cls-3 'head -c 16 /dev/vda')" = STUDENT-WAS-HERE ] && ok "cls-3 kept its student's write" || bad "cls-3 lost its write"
refused "reset of a seat the lab does not have" 1 "$V" lab reset "$T"/class.ini 9 --yes
expect "lab up again" "$V" lab up "$T"/class.ini
[ "$(grep -c ': kept$' /tmp/vd.out.$$)" = 3 ] && ok "up again keeps all 3 seats and does nothing else" || bad "up again: $(cat /tmp/vd.out.$$ | tr '\n' '|')"

# per-seat host-only networks (not started), and an existing network
cat > "$T"/iso.ini <<'INI'
[lab]
name = iso
base = labbase
seats = 2
start = no
[network]
layout = per-seat
mode = hostonly
INI
printf '[lab]\nname = usr\nbase = labbase\nseats = 1\nstart = no\n[network]\nuse = default\n' > "$T"/use.ini
expect "lab up iso.ini (per-seat host-only, not started)" "$V" lab up "$T"/iso.ini
expect "lab up use.ini (the default network)" "$V" lab up "$T"/use.ini
"$V" net list --json | python3 -c "
import json,sys; n={x['name']: x for x in json.load(sys.stdin)}
sys.exit(0 if n['iso-net-1']['mode']=='hostonly' and n['iso-net-2']['mode']=='hostonly' and n['iso-net-1']['subnet']!=n['iso-net-2']['subnet'] else 1)" \
	&& ok "a host-only network per seat, each its own subnet" || bad "per-seat networks: $("$V" net list)"
"$V" lab status "$T"/iso.ini --json > /tmp/vd.lab.$$
js /tmp/vd.lab.$$ "[s['network'] for s in j]==['iso-net-1','iso-net-2'] and all(s['state']=='shutoff' and s['clean_snapshot'] for s in j)" \
	&& ok "iso seats shut off (start = no), each on its own network, clean snapshot taken" || bad "iso: $(tr -d '\n ' </tmp/vd.lab.$$ | cut -c1-300)"

# bad input changes nothing
vms() { "$V" list --all --json | python3 -c "import json,sys; print(sorted(d['name'] for d in json.load(sys.stdin)))"; }
nets() { "$V" net list --json | python3 -c "import json,sys; print(sorted(d['name'] for d in json.load(sys.stdin)))"; }
before="$(vms) $(nets)"
printf '[lab]\nname = bad\nbase = labbase\nseats = 100\n' > "$T"/bad1.ini
refused "seats = 100" "1 2" "$V" lab up "$T"/bad1.ini
grep -q "bad1.ini:4: \[lab\] seats" /tmp/vd.rerr.$$ && ok "the error cites bad1.ini:4" || bad "error: $(cat /tmp/vd.rerr.$$)"
printf '[lab]\nname = bad\nbase = nosuchbase\nseats = 2\n' > "$T"/bad2.ini
refused "a base that does not exist" 1 "$V" lab up "$T"/bad2.ini
refused "--readonly lab up" 1 "$V" --readonly lab up "$T"/class.ini
[ "$(vms) $(nets)" = "$before" ] && ok "bad lab files made no VM and no network" || bad "changed: $(vms) $(nets)"

# down: only the base is left, and it is no template any more
S=$(date +%s.%N)
expect "lab down class.ini" "$V" lab down "$T"/class.ini --yes
echo "   lab down of 3 running seats: $(echo "$(date +%s.%N) - $S" | bc | cut -c1-4) s"
expect "lab down iso.ini" "$V" lab down "$T"/iso.ini --yes
expect "lab down use.ini" "$V" lab down "$T"/use.ini --yes
[ "$(vms)" = "['labbase']" ] && ok "only the base is left" || bad "VMs: $(vms)"
[ "$(nets)" = "['default']" ] && ok "the lab's networks are gone, default (used, not made) stays" || bad "networks: $(nets)"
[ -z "$(virsh -q -c qemu:///system vol-list vmdeck | grep -E 'cls-|iso-|usr-')" ] && ok "the seats' overlays are gone" || bad "volumes: $(virsh -q -c qemu:///system vol-list vmdeck)"
[ -f "$basedisk" ] && ok "the base's disk stays" || bad "base disk gone"
nft list table ip vmdeck 2>/dev/null | grep -q "cls-" && bad "forward rules left" || ok "no forward rules left"
expect "the base starts again" "$V" start labbase
"$V" poweroff labbase >/dev/null
"$V" delete labbase --disks --yes >/dev/null
finish
