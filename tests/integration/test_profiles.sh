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

for vm in p1 p2; do "$V" delete $vm --disks --yes >/dev/null 2>&1; done
finish
