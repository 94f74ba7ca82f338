#!/bin/bash
# Profiles: shipped presets, create --profile with options overriding it, a
# user's profile with relative paths, and broken profiles that create nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
export XDG_CONFIG_HOME=$T/config

"$V" profile list --json >/tmp/vd.pl.$$
js /tmp/vd.pl.$$ "{'tiny-linux','debian-server','desktop','classroom-node'} <= {p['name'] for p in j if p['shipped'] and not p['error']}" \
	&& ok "profile list: the four shipped profiles, all valid" || bad "profile list: $(tr -d '\n ' </tmp/vd.pl.$$ | cut -c1-300)"
for p in profiles/*.ini; do expect "profile check $p" "$V" profile check "$p"; done

# shipped profile + options: the command line wins, the profile fills the rest
expect "create p1 --profile tiny-linux (kernel and memory from options)" "$V" create p1 --profile tiny-linux \
	--memory 128 "${TINY[@]}" --start --wait-ip
"$V" info p1 --json >/tmp/vd.i.$$
js /tmp/vd.i.$$ "j['memory_mib']['config']==128 and j['cpus']['config']==1 and [n['network'] for n in j['nics']]==['default'] and any(d['capacity_bytes']==2*1024**3 for d in j['disks'])" \
	&& ok "p1: 128 MiB (option), 1 vCPU, a 2 GiB disk, NIC on default (profile)" || bad "p1: $(tr -d '\n ' </tmp/vd.i.$$ | cut -c1-400)"

# a user's profile, found by name, with paths relative to itself
mkdir -p "$XDG_CONFIG_HOME"/vmdeck/profiles
cp "$T"/vmlinuz "$T"/initrd.gz "$XDG_CONFIG_HOME"/vmdeck/profiles/
cat > "$XDG_CONFIG_HOME"/vmdeck/profiles/mine.ini <<'INI'
[vm]
description = my tiny seat
cpus = 2
memory = 160M
[install]
kernel = vmlinuz
initrd = initrd.gz
cmdline = console=ttyS0 quiet
[network]
nic0 = default
[tools]
agent = yes
INI
expect "profile show mine" "$V" profile show mine
grep -q "my tiny seat" /tmp/vd.out.$$ && ok "show: the user's profile" || bad "show: $(cat /tmp/vd.out.$$)"
expect "create p2 --profile mine --start --wait-ip" "$V" create p2 --profile mine --start --wait-ip
"$V" info p2 --json >/tmp/vd.i.$$
js /tmp/vd.i.$$ "j['memory_mib']['config']==160 and j['cpus']['config']==2 and j['state']=='running' and j['nics'][0]['ipv4']" \
	&& ok "p2 runs with 2 vCPUs, 160 MiB and an address" || bad "p2: $(tr -d '\n ' </tmp/vd.i.$$ | cut -c1-300)"

# broken profiles: file:line in the error, nothing created
vols() { virsh -q -c qemu:///system vol-list vmdeck 2>/dev/null | sort; }
before_vols=$(vols); before_vms=$("$V" list --all --json | tr -d ' \n')
printf '[vm]\ncpus = 1\nmemory = 128\n[disk]\nsize = lots\n' > "$T"/badsize.ini
printf '[vm]\ncpus = 1\nmemroy = 128\n' > "$T"/badkey.ini
printf '[disk]\nsize = 1G\n' > "$T"/nosection.ini
printf '[vm]\ncpus = 1\n[install]\niso = %s/missing.iso\n' "$T" > "$T"/noiso.ini
printf '[vm]\n\x01\x02\xfe garbage\n' > "$T"/junk.ini
for b in badsize:5 badkey:3 nosection:1 noiso:4 junk:2; do
	refused "create with broken profile ${b%%:*}" "1 2" "$V" create p3 --profile "$T/${b%%:*}.ini"
	grep -q "${b%%:*}.ini:${b##*:}:" /tmp/vd.rerr.$$ && ok "${b%%:*}: error at line ${b##*:}" || bad "${b%%:*}: $(cat /tmp/vd.rerr.$$)"
done
refused "unknown profile name" "1" "$V" create p3 --profile nosuchprofile
[ "$(vols)" = "$before_vols" ] && [ "$("$V" list --all --json | tr -d ' \n')" = "$before_vms" ] \
	&& ok "broken profiles created no VM and no volume" || bad "something was created"

# libosinfo: a known OS gives its recommended memory; more memory than is free warns
expect "create o1 --os debian11 (no --memory)" "$V" create o1 --os debian11 "${TINY[@]}"
"$V" info o1 --json >/tmp/vd.i.$$ && js /tmp/vd.i.$$ "j['memory_mib']['config']==1024" \
	&& ok "o1 got Debian 11's recommended 1024 MiB" || bad "o1: $(tr -d '\n ' </tmp/vd.i.$$ | cut -c1-200)"
virsh -q -c qemu:///system dumpxml o1 | grep -q 'libosinfo:os id="http://debian.org/debian/11"' \
	&& ok "o1's metadata records the OS as virt-install does" || bad "no libosinfo metadata"
refused "an unknown OS id" "1 2" "$V" create o2 --os nosuchos11 "${TINY[@]}"
# the machine's figures, as the kernel gives them (vmdeck takes them from
# libvirt's memory statistics: total, and free + buffers + cache)
TOTAL=$(awk '/^MemTotal:/ {print int($2/1024)}' /proc/meminfo)
FREE=$(awk '/^(MemFree|Buffers|Cached):/ {s += $2} END {print int(s/1024)}' /proc/meminfo)
if [ $((TOTAL - FREE)) -gt 256 ]; then
	BIG=$(( (FREE + TOTAL) / 2 ))
	"$V" create o3 --memory "$BIG" "${TINY[@]}" >/dev/null 2>/tmp/vd.w.$$ && ok "create o3 with $BIG MiB (more than free, less than the host has)" || bad "o3 refused: $(cat /tmp/vd.w.$$)"
	grep -q "^vmdeck: warning: .*free memory ([0-9]* MiB free of $TOTAL MiB)" /tmp/vd.w.$$ \
		&& ok "the warning names the host's free memory: $(cut -c1-140 /tmp/vd.w.$$)" || bad "no free-memory warning: $(cat /tmp/vd.w.$$)"
fi

for vm in p1 p2 o1 o3; do "$V" delete $vm --disks --yes >/dev/null 2>&1; done
finish
