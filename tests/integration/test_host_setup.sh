#!/bin/bash
# Step 1, the hypervisor is ready: `host` says whether vmdeck's pool, the
# default NAT network and UEFI firmware are there; `host --setup` makes what is
# missing. A disk larger than the pool's free space is refused unless --force.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
"$V" net stop default >/dev/null && "$V" net delete default >/dev/null
"$V" host --json > /tmp/vd.h.$$
js /tmp/vd.h.$$ "j['pool'] is None and j['default_network']=='missing' and j['uefi'] is True" \
	&& ok "host --json: no pool, no default network, UEFI available" || bad "host: $(tr -d '\n' </tmp/vd.h.$$)"
"$V" host | grep -q "^network .*missing ('vmdeck host --setup' creates" && ok "host tells how to make the network" \
	|| bad "host text: $("$V" host | grep network)"
expect "host --setup" "$V" host --setup
grep -q "created storage pool vmdeck at /var/lib/libvirt/images/vmdeck; created NAT network default" /tmp/vd.out.$$ \
	&& ok "--setup says what it made" || bad "setup said: $(head -1 /tmp/vd.out.$$)"
"$V" host --json > /tmp/vd.h.$$
js /tmp/vd.h.$$ "j['pool']['active'] and j['pool']['available_bytes']>0 and j['default_network']=='active'" \
	&& ok "the pool is active with free space, default is active" || bad "after setup: $(tr -d '\n' </tmp/vd.h.$$)"
"$V" net list --json | python3 -c "import json,sys; sys.exit(0 if any(n['name']=='default' and n['mode']=='nat' and n['active'] for n in json.load(sys.stdin)) else 1)" \
	&& ok "default is a NAT network" || bad "net list"
expect "host --setup again" "$V" host --setup
grep -q "nothing to set up" /tmp/vd.out.$$ && ok "a second --setup changes nothing" || bad "second setup: $(head -1 /tmp/vd.out.$$)"
"$V" net stop default >/dev/null
"$V" host --setup | grep -q "started network default" && ok "--setup starts a stopped default network" || bad "restart"

# disks beyond the pool's free space
avail=$(python3 -c "import json; print(json.load(open('/tmp/vd.h.$$'))['pool']['available_bytes'])")
big=$(( avail / 1073741824 + 50 ))
refused "a ${big} GiB disk beyond the pool's free space" 1 "$V" create huge --memory 64 --disk "$big"
grep -q "more than pool vmdeck has free" /tmp/vd.rerr.$$ && grep -q -- "--force" /tmp/vd.rerr.$$ \
	&& ok "the refusal names the pool's free space and --force" || bad "message: $(cat /tmp/vd.rerr.$$)"
"$V" list --all --json | grep -q '"huge"' && bad "huge was created" || ok "nothing created"
expect "create huge --disk ${big} --force (sparse)" "$V" create huge --memory 64 --disk "$big" --force
alloc=$(stat -c %b "$T"/lib/images/vmdeck/huge.qcow2 2>/dev/null || echo 999999999)
[ "$alloc" -lt 20480 ] && ok "the forced disk is sparse (${alloc} blocks allocated)" || bad "allocated: $alloc blocks"
"$V" delete huge --disks --yes >/dev/null
finish
