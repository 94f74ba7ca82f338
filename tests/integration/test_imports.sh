#!/bin/bash
# Imports: VirtualBox .vdi, VMware .vmdk, Hyper-V .vhdx and .vhd made here with
# qemu-img from one disk are converted to qcow2 and attached to a booting guest
# that reads the original bytes back; a bootable disk converted from vmdk and
# vdi boots (BIOS, and UEFI); an .ova (OVF written here + the vmdk)
# gives a guest the OVF's vCPUs and memory. Bad archives create nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
MARK=VMDECK-IMPORT-MARK-0123456789
truncate -s 64M "$T"/src.raw
printf '%s' "$MARK" | dd of="$T"/src.raw conv=notrunc status=none
for f in vmdk vdi vhdx vpc; do qemu-img convert -f raw -O $f "$T"/src.raw "$T"/src.$f; done
mv "$T"/src.vpc "$T"/src.vhd
vols() { virsh -q -c qemu:///system vol-list vmdeck 2>/dev/null | sort; }

# each format becomes a qcow2 in the pool holding exactly the original bytes
# (qemu-img compare); one of them also boots attached to a guest that reads
# the marker back (the others would only repeat that boot)
for f in vmdk vdi vhdx vhd; do
	S=$(date +%s.%N)
	expect "create i$f --import src.$f" "$V" create "i$f" --memory 128 --import "$T"/src.$f "${TINY[@]}"
	"$V" info "i$f" --json >/tmp/vd.i.$$
	disk=$(python3 -c "import json; d=json.load(open('/tmp/vd.i.$$'))['disks'][0]; print(d['source'] if d['format']=='qcow2' else '')")
	[[ "$disk" == *"/i$f-disk0.qcow2" ]] && ok "i$f: converted to a qcow2 volume in the pool ($(echo "$(date +%s.%N) - $S" | bc | cut -c1-4) s)" \
		|| bad "i$f disk: $(python3 -c "import json; print(json.load(open('/tmp/vd.i.$$'))['disks'])")"
	[ -n "$disk" ] && qemu-img compare -q -f raw -F qcow2 "$T"/src.raw "$disk" && ok "i$f: same content as the original disk" \
		|| bad "i$f: content differs"
done
expect "start ivdi" "$V" start ivdi
agent_ready ivdi 60 || bad "ivdi: no agent"
[ "$(agent_sh ivdi "head -c ${#MARK} /dev/vda")" = "$MARK" ] && ok "ivdi boots and reads the original bytes from its disk" \
	|| bad "ivdi: disk content differs in the guest"
for f in vmdk vdi vhdx vhd; do "$V" delete "i$f" --disks --yes >/dev/null; done

# a bootable disk (the test installer's system: grub for BIOS and UEFI, its
# marker on the serial console) exported as VMware and VirtualBox disks: the
# converted vmdk boots with BIOS, the converted vdi with UEFI (OVMF)
qemu-img convert -O vmdk "$GUESTS"/install/system.img "$T"/sys.vmdk
qemu-img convert -O vdi "$GUESTS"/install/system.img "$T"/sys.vdi
boots() { wait_for 90 sh -c "grep -aq 'INSTALLED-SYSTEM-BOOTED from disk' '$T/log/qemu/$1-serial.log'"; }
S=$(date +%s)
expect "create bootvmdk --import sys.vmdk --start (BIOS)" "$V" create bootvmdk --memory 128 --import "$T"/sys.vmdk --start
expect "create bootvdi --import sys.vdi --firmware uefi --start" \
	"$V" create bootvdi --memory 384 --import "$T"/sys.vdi --firmware uefi --start
boots bootvmdk && ok "the converted vmdk boots its system (BIOS, $(( $(date +%s) - S )) s)" || bad "bootvmdk did not boot"
boots bootvdi && ok "the converted vdi boots its system with UEFI ($(( $(date +%s) - S )) s)" || bad "bootvdi did not boot"
virsh -c qemu:///system dumpxml bootvdi | grep -q "<loader .*OVMF" && ok "bootvdi runs OVMF" || bad "bootvdi firmware"
"$V" info bootvdi --json | python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)['firmware']=='uefi' else 1)" \
	&& ok "info says firmware uefi" || bad "info firmware: $("$V" info bootvdi | grep firmware)"
virsh -c qemu:///system dumpxml bootvmdk | grep -q "OVMF" && bad "bootvmdk has OVMF" || ok "bootvmdk boots with BIOS"
"$V" delete bootvdi --disks --yes >/dev/null
[ -z "$(ls "$T"/lib/qemu/nvram/ 2>/dev/null)" ] && ok "delete removed bootvdi's UEFI variables" || bad "nvram left: $(ls "$T"/lib/qemu/nvram/)"
"$V" delete bootvmdk --disks --yes >/dev/null
refused "--firmware efi (not a choice)" 2 "$V" create badfw --firmware efi --memory 64

# an OVA: the OVF says 2 vCPUs and 192 MiB, the disk is the vmdk
cat > "$T"/box.ovf <<'OVF'
<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References><File ovf:id="file1" ovf:href="box-disk1.vmdk"/></References>
  <DiskSection><Info>disks</Info><Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="67108864"/></DiskSection>
  <VirtualSystem ovf:id="testbox">
    <Name>testbox</Name>
    <VirtualHardwareSection>
      <Item><rasd:ElementName>2 virtual CPUs</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>192 MB</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>192</rasd:VirtualQuantity></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
OVF
cp "$T"/src.vmdk "$T"/box-disk1.vmdk
tar -cf "$T"/box.ova -C "$T" box.ovf box-disk1.vmdk
expect "create ova1 --import box.ova --start" "$V" create ova1 --import "$T"/box.ova "${TINY[@]}" --start
grep -q "OVF 'testbox': 2 vCPUs, 192 MiB" /tmp/vd.out.$$ && ok "create names the OVF's system" || bad "output: $(head -2 /tmp/vd.out.$$)"
"$V" info ova1 --json >/tmp/vd.i.$$
js /tmp/vd.i.$$ "j['cpus']['config']==2 and j['memory_mib']['config']==192 and j['disks'][0]['format']=='qcow2'" \
	&& ok "ova1 has the OVF's 2 vCPUs and 192 MiB, a qcow2 disk" || bad "ova1: $(tr -d '\n ' </tmp/vd.i.$$ | cut -c1-300)"
agent_ready ova1 60 && [ "$(agent_sh ova1 "head -c ${#MARK} /dev/vda")" = "$MARK" ] \
	&& ok "ova1 reads the original bytes" || bad "ova1 disk content"
expect "create ova2 --import box.ova --memory 160 (an option wins)" "$V" create ova2 --import "$T"/box.ova --memory 160 "${TINY[@]}"
"$V" info ova2 --json | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if j['memory_mib']['config']==160 and j['cpus']['config']==2 else 1)" \
	&& ok "ova2: --memory 160 over the OVF's 192, its 2 vCPUs kept" || bad "ova2 resources"
ls /var/tmp/vmdeck-ova.* >/dev/null 2>&1 && bad "unpacked OVA left in /var/tmp" || ok "nothing left unpacked in /var/tmp"

# bad input: nothing created
names() { "$V" list --all --json | python3 -c "import json,sys; print(sorted(d['name'] for d in json.load(sys.stdin)))"; }
before=$(vols); before_vms=$(names)
refused "--in-place with a .vdi" "1 2" "$V" create bad1 --import "$T"/src.vdi --in-place "${TINY[@]}"
tar -cf "$T"/noovf.ova -C "$T" box-disk1.vmdk
refused "an OVA without a descriptor" "1 2" "$V" create bad2 --import "$T"/noovf.ova "${TINY[@]}"
python3 - "$T" <<'PY'
import io, sys, tarfile
t = tarfile.open(sys.argv[1] + "/evil.ova", "w")
data = b"x"
info = tarfile.TarInfo("../escaped.ovf"); info.size = len(data)
t.addfile(info, io.BytesIO(data)); t.close()
PY
refused "an OVA entry outside its directory" "1 2" "$V" create bad3 --import "$T"/evil.ova "${TINY[@]}"
[ ! -e "$T"/escaped.ovf ] && [ ! -e /var/tmp/escaped.ovf ] && ok "the ../ entry was not written" || bad "path traversal"
[ "$(vols)" = "$before" ] && [ "$(names)" = "$before_vms" ] \
	&& ok "bad imports created no VM and no volume" || bad "something was created: $(names) $(vols | tr '\n' ' ')"
for vm in ova1 ova2; do "$V" delete $vm --disks --yes >/dev/null 2>&1; done
finish
