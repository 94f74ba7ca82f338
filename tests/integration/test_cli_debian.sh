#!/bin/bash
# needs: debian
# The Debian 12 guest (systemd, DHCP, qemu-guest-agent): imported disk, IP by
# lease and by the guest agent, graceful shutdown, config change after restart.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
D=$GUESTS/debian
cp "$D"/vmlinuz "$D"/initrd.img "$T"/
DEB=(--kernel "$T"/vmlinuz --initrd "$T"/initrd.img --cmdline "root=/dev/vda rw console=ttyS0")

expect "create deb1 --import (copied into the pool) --start --wait-ip" \
	"$V" create deb1 --memory 512 --import "$D"/disk.qcow2 "${DEB[@]}" --start --wait-ip
IP=$(grep -Eo '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' /tmp/vd.out.$$ | head -1)
[ -n "$IP" ] && ok "deb1 has IPv4 $IP" || bad "deb1: no IPv4"
[ -f /var/lib/libvirt/images/vmdeck/deb1-disk0.qcow2 ] && ok "imported disk copied into the pool" \
	|| bad "no deb1-disk0.qcow2 in the pool"
expect "deb1 answers ping" busybox ping -c 2 -W 3 "$IP"
# the agent starts a little after DHCP: wait for it
expect "ip --source agent --wait 120" "$V" ip deb1 --source agent --wait 120
[ "$(head -1 /tmp/vd.out.$$)" = "$IP" ] && ok "agent reports the same $IP" || bad "agent says $(cat /tmp/vd.out.$$)"
expect "set --cpus 2 --memory 600 (running: live part where possible)" "$V" set deb1 --cpus 2 --memory 600
expect "shutdown deb1 (agent or ACPI) within 90 s" "$V" shutdown deb1 --timeout 90
state_is deb1 shutoff && ok "deb1 shutoff after graceful shutdown" || bad "deb1 not shutoff"
serial_log deb1 | grep -q "reboot: Power down" && ok "the guest powered itself down (graceful)" \
	|| bad "no clean power-down in the serial log"
expect "start deb1" "$V" start deb1
"$V" info deb1 --json >/tmp/vd.i.$$ && js /tmp/vd.i.$$ "j['cpus']['live']==2 and j['memory_mib']['max']>=600 and j['memory_mib']['config']==600" \
	&& ok "after restart: 2 vCPUs, 600 MiB" || bad "after restart: $(tr -d '\n ' </tmp/vd.i.$$ | cut -c1-300)"
expect "poweroff deb1" "$V" poweroff deb1
expect "delete deb1 --disks --yes" "$V" delete deb1 --disks --yes
[ ! -f /var/lib/libvirt/images/vmdeck/deb1-disk0.qcow2 ] && ok "its pool copy removed" || bad "copy left"
[ -f "$D"/disk.qcow2 ] && ok "the imported original is untouched" || bad "original import source gone"
finish
