#!/bin/bash
# cdrom: install media in and out, live and in the configuration, checked in
# libvirt's definitions and in QEMU's own block table; bad input changes nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
mkdir -p "$T"/isod && echo media > "$T"/isod/MARK.TXT
xorriso -as mkisofs -quiet -V VMDECKTEST -o "$T"/media.iso "$T"/isod 2>/dev/null
blk() { virsh -q -c qemu:///system domblklist "$@" | awk '$1=="hdc" {print $2}'; }
qblock() { virsh -c qemu:///system qemu-monitor-command cd1 --hmp 'info block'; }

expect "create cd1 (no CD-ROM drive)" "$V" create cd1 --memory 128 "${TINY[@]}"
refused "eject without a drive" "1" "$V" cdrom cd1 --eject
expect "cdrom cd1 ISO (stopped: a drive is added)" "$V" cdrom cd1 "$T"/media.iso
[ "$(blk cd1 --inactive)" = "$T/media.iso" ] && ok "the definition has hdc with the ISO" || bad "hdc: $(blk cd1 --inactive)"
expect "start cd1" "$V" start cd1
qblock | grep -q "media.iso" && ok "QEMU has the ISO in its drive" || bad "QEMU: $(qblock | tr '\n' '|')"
# the eject once the guest is up: SeaBIOS probes the CD-ROM at boot and closes
# an open tray (with the VGA BIOS that guests now run, under TCG, that probe
# falls where an eject right after start lands)
wait_for 60 sh -c "grep -q TESTVM-BOOTED '$T/log/qemu/cd1-serial.log'" || bad "cd1 did not boot"
expect "cdrom cd1 --eject (running)" "$V" cdrom cd1 --eject
qblock | grep -q "not inserted" && ok "QEMU's drive is empty" || bad "QEMU after eject: $(qblock | tr '\n' '|')"
[ -z "$(blk cd1 --inactive | tr -d -)" ] && [ -z "$(blk cd1 | tr -d -)" ] && ok "ejected live and in the configuration" || bad "after eject: live '$(blk cd1)' config '$(blk cd1 --inactive)'"
expect "cdrom cd1 ISO (running: media change)" "$V" cdrom cd1 "$T"/media.iso
qblock | grep -q "media.iso" && ok "QEMU has the ISO again" || bad "QEMU: $(qblock | tr '\n' '|')"

before=$(virsh -c qemu:///system dumpxml cd1 --inactive | md5sum)
refused "missing ISO" "1 2" "$V" cdrom cd1 "$T"/nosuch.iso
refused "a directory as ISO" "1 2" "$V" cdrom cd1 "$T"
refused "ISO and --eject together" "2" "$V" cdrom cd1 "$T"/media.iso --eject
refused "neither ISO nor --eject" "2" "$V" cdrom cd1
refused "unknown VM" "1" "$V" cdrom nosuchvm --eject
refused "--readonly" "1" "$V" --readonly cdrom cd1 --eject
[ "$(virsh -c qemu:///system dumpxml cd1 --inactive | md5sum)" = "$before" ] && ok "bad input changed nothing" || bad "definition changed"
expect "create cd2 --start (no drive)" "$V" create cd2 --memory 128 "${TINY[@]}" --start
refused "a drive cannot be added to a running guest" "1" "$V" cdrom cd2 "$T"/media.iso
grep -q "stop it" /tmp/vd.rerr.$$ && ok "the refusal says how" || bad "refusal text"
for vm in cd1 cd2; do "$V" delete $vm --yes >/dev/null 2>&1; done
finish
