#!/bin/bash
# Step 4, install from media: a real install ISO (grub, a kernel, an installer
# that writes the system image from the ISO to the disk and powers off; made by
# scripts/guests.sh install from Debian packages). `create --iso --start` runs
# the install, then boots the installed disk with the media ejected: the
# system's marker on the serial console comes from the disk only (the
# installer's own console output is kept in NAME-install-serial.log).
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
cp "$GUESTS"/install/installer.iso "$T"/
S=$(date +%s)
expect "create inst1 --iso installer.iso --disk 64M --start (waits for the install)" \
	timeout 300 "$V" create inst1 --memory 128 --disk 64M --iso "$T"/installer.iso --start
echo "   install + first boot from disk: $(( $(date +%s) - S )) s"
grep -q "installed: inst1 started from its disk" /tmp/vd.out.$$ && ok "create says the disk was booted" || bad "output: $(tail -2 /tmp/vd.out.$$)"
ilog() { cat "$T/log/qemu/inst1-install-serial.log" 2>/dev/null; }
ilog | grep -q "INSTALLER: writing system.img to /dev/vda" && ilog | grep -q "INSTALLER: done, powering off" \
	&& ok "the installer ran to its end (its console in inst1-install-serial.log)" || bad "installer log: $(ilog | grep INSTALLER | tail -3)"
wait_for 60 sh -c "grep -q 'INSTALLED-SYSTEM-BOOTED from disk' '$T/log/qemu/inst1-serial.log'" \
	&& ok "the installed system booted from the disk (its marker on the console)" || bad "no marker from the installed system"
state_is inst1 running && ok "inst1 runs" || bad "inst1 not running"
src=$(virsh -q -c qemu:///system domblklist inst1 | awk '$1=="hdc" {print $2}')
[ "$src" = "-" ] && ok "the install media is ejected (hdc empty)" || bad "hdc holds '$src'"
virsh -c qemu:///system dumpxml inst1 --inactive | grep -q "<boot dev='cdrom'/>" && bad "definition still boots the CD" \
	|| ok "the definition boots its disk"
"$V" poweroff inst1 >/dev/null
expect "start inst1 again" "$V" start inst1
n=$(serial_log inst1 | grep -c "INSTALLED-SYSTEM-BOOTED")
wait_for 60 sh -c "[ \$(grep -c INSTALLED-SYSTEM-BOOTED '$T/log/qemu/inst1-serial.log') -gt $n ]" \
	&& ok "the next start boots the installed system again" || bad "second boot"
[ "$(ilog | grep -c 'INSTALLER: started')" = 1 ] && ! serial_log inst1 | grep -q INSTALLER \
	&& ok "the installer ran once only" || bad "installer ran again"
"$V" delete inst1 --disks --yes >/dev/null

# not started: the media stays in and boots first until it is ejected
expect "create inst2 --iso (not started)" "$V" create inst2 --memory 128 --disk 16M --iso "$T"/installer.iso
virsh -c qemu:///system dumpxml inst2 --inactive | grep -q "<boot dev='cdrom'/>" && \
	[ "$(virsh -q -c qemu:///system domblklist inst2 --inactive | awk '$1=="hdc" {print $2}')" = "$T/installer.iso" ] \
	&& ok "inst2 keeps the ISO in its drive, booted first" || bad "inst2 definition"
"$V" delete inst2 --disks --yes >/dev/null
finish
