#!/bin/bash
# export VM FILE.ova (issue 18): an OVF 1.0 package with the fields VirtualBox
# reads, stream-optimised VMDKs after the descriptor in the tar, read back by
# create --import into the same vCPUs, memory and disk contents (qemu-img
# compare); refusals change nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
VS="virsh -q -c qemu:///system"
expect "create ex (2 vCPUs, 192 MiB, debian12)" "$V" create ex --cpus 2 --memory 192 --disk 64M --os debian12 "${TINY[@]}"
src=$($VS domblklist ex | awk '$1=="vda" {print $2}')
qemu-io -f qcow2 -c "write -P 0x33 1M 4M" -c "write -P 0x44 40M 1M" "$src" >/dev/null
"$V" export ex "$T"/ex.ova --json > /tmp/vd.x.$$ && js /tmp/vd.x.$$ "j['result']=='exported' and j['cpus']==2 and j['memory_mib']==192 and j['disks']==1" \
	&& ok "export ex ex.ova: 2 vCPUs, 192 MiB, one disk" || bad "export: $(tr -d '\n' < /tmp/vd.x.$$)"
[ "$(stat -c %a "$T"/ex.ova)" = 600 ] && ok "the archive is 0600" || bad "mode $(stat -c %a "$T"/ex.ova)"
[ "$(tar tf "$T"/ex.ova | tr '\n' ' ')" = "ex.ovf ex-disk1.vmdk " ] && ok "tar: the descriptor first, then the VMDK" \
	|| bad "tar: $(tar tf "$T"/ex.ova | tr '\n' ' ')"
mkdir -p "$T"/unpacked && tar xf "$T"/ex.ova -C "$T"/unpacked
xmllint --noout "$T"/unpacked/ex.ovf && ok "the OVF is well-formed XML" || bad "xmllint"
python3 - "$T"/unpacked <<'PY' && ok "OVF: what VirtualBox reads (envelope version, OS type, CPUs, memory, SATA, disk capacity and file, NIC)" || bad "OVF fields: $(head -c 600 "$T"/unpacked/ex.ovf)"
import os, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
O = "{http://schemas.dmtf.org/ovf/envelope/1}"
R = "{http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData}"
e = ET.parse(d + "/ex.ovf").getroot()
assert e.tag == O + "Envelope" and e.get(O + "version") == "1.0"
f = e.find(O + "References/" + O + "File")
assert int(f.get(O + "size")) == os.path.getsize(d + "/" + f.get(O + "href"))
disk = e.find(O + "DiskSection/" + O + "Disk")
assert disk.get(O + "fileRef") == f.get(O + "id") and int(disk.get(O + "capacity")) == 64 << 20
assert disk.get(O + "format").endswith("#streamOptimized")
vs = e.find(O + "VirtualSystem")
assert vs.find(O + "OperatingSystemSection").get(O + "id") == "96"
items = {}
for it in vs.find(O + "VirtualHardwareSection").findall(O + "Item"):
    items.setdefault(it.find(R + "ResourceType").text, []).append(it)
assert items["3"][0].find(R + "VirtualQuantity").text == "2"
assert items["4"][0].find(R + "VirtualQuantity").text == "192" and items["4"][0].find(R + "AllocationUnits").text == "MegaBytes"
sata = items["20"][0].find(R + "InstanceID").text
hd = items["17"][0]
assert hd.find(R + "Parent").text == sata and hd.find(R + "HostResource").text == "ovf:/disk/" + disk.get(O + "diskId")
assert len(items["10"]) == 1
PY
head -c 4 "$T"/unpacked/ex-disk1.vmdk | grep -q KDM && qemu-img info "$T"/unpacked/ex-disk1.vmdk | grep -q "create type: streamOptimized" \
	&& ok "the disk is a stream-optimised VMDK" || bad "vmdk: $(qemu-img info "$T"/unpacked/ex-disk1.vmdk | head -5)"
expect "create ex2 --import ex.ova" "$V" create ex2 --import "$T"/ex.ova
"$V" info ex2 --json > /tmp/vd.i.$$
js /tmp/vd.i.$$ "j['cpus']['config']==2 and j['memory_mib']['config']==192" && ok "ex2: 2 vCPUs, 192 MiB again" || bad "ex2: $(tr -d '\n ' < /tmp/vd.i.$$ | head -c 300)"
qemu-img compare "$src" "$($VS domblklist ex2 | awk '$1=="vda" {print $2}')" >/dev/null && ok "qemu-img compare: the imported disk equals the original" \
	|| bad "disks differ"
refused "export over an existing file" "1 2" "$V" export ex "$T"/ex.ova
refused "export to a name without .ova" "1 2" "$V" export ex "$T"/ex.tar
expect "start ex" "$V" start ex
refused "export of a running guest" 1 "$V" export ex "$T"/run.ova
[ ! -e "$T"/run.ova ] && [ -z "$(ls "$T" | grep partial)" ] && ok "nothing written by the refusals" || bad "left: $(ls "$T")"
"$V" poweroff ex >/dev/null
"$V" delete ex --disks --yes >/dev/null
"$V" delete ex2 --disks --yes >/dev/null
finish
