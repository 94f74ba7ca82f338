#!/bin/bash
# Set up everything and open vmdeck on a working engine:
#   installs missing packages, builds, starts virtlogd + libvirtd when no
#   daemon answers (systemctl where systemd runs, directly where it does not),
#   makes sure the default NAT network is active and vmdeck's storage pool
#   exists, offers a tiny ready-made guest, then opens vmdeck.
# Usage: scripts/run.sh [vmdeck options/command]   (as root, or a libvirt group member)
set -euo pipefail
cd "$(dirname "$0")/.."

# what building and running need, nothing of the tests
if [ "$(id -u)" -eq 0 ]; then scripts/deps.sh run; else scripts/deps.sh --check run || exit 1; fi
scripts/build.sh build >/dev/null
V=$(pwd)/build/vmdeck

system_answers() { virsh -q -c qemu:///system uri >/dev/null 2>&1; }
if [ "$(id -u)" -eq 0 ] && ! system_answers; then
	if [ -d /run/systemd/system ]; then
		echo "run: starting libvirtd with systemctl"
		systemctl start virtlogd libvirtd
	else
		echo "run: no systemd here: starting virtlogd and libvirtd directly"
		[ -S /run/libvirt/virtlogd-sock ] || virtlogd -d
		libvirtd -d
	fi
	for _ in $(seq 1 100); do system_answers && break; sleep 0.1; done
fi

if [ "$(id -u)" -eq 0 ]; then
	URI=qemu:///system
	# vmdeck's pool and the default NAT network (step 1 of the create wizard)
	"$V" -c $URI host --setup | sed -n '1s/^/run: /p'
	virsh -q -c $URI net-autostart default >/dev/null 2>&1 || true
	POOLDIR=$(virsh -q -c $URI pool-dumpxml vmdeck | sed -n 's:.*<path>\(.*\)</path>.*:\1:p' | head -1)
	# a tiny ready-made guest, so a newcomer sees a real VM at once
	if [ -t 0 ] && [ -z "$("$V" -c $URI list --all --names)" ]; then
		read -r -p "No guests yet. Create a tiny demo guest 'demo' (busybox, 128 MiB, boots in seconds)? [Y/n] " a
		if [ "${a:-y}" != n ] && [ "${a:-y}" != N ]; then
			scripts/deps.sh demo   # busybox and a kernel for it, only now
			scripts/guests.sh tiny
			mkdir -p "$POOLDIR"
			cp .cache/guests/tiny/vmlinuz "$POOLDIR"/demo-vmlinuz
			cp .cache/guests/tiny/initrd.gz "$POOLDIR"/demo-initrd.gz
			"$V" -c $URI create demo --memory 128 --disk 1 --kernel "$POOLDIR"/demo-vmlinuz \
				--initrd "$POOLDIR"/demo-initrd.gz --cmdline "console=ttyS0 quiet" --start
		fi
	fi
fi
exec "$V" "$@"
