#!/bin/bash
# Build vmdeck's test guests from Debian packages (never downloads of images),
# cached so a second run takes seconds.
#   scripts/guests.sh tiny   [CACHE]  -> CACHE/tiny/{vmlinuz,initrd.gz}         (~0.5 s)
#                                        busybox, DHCP or vmdeck.ip=, qemu-guest-agent
#   scripts/guests.sh install [CACHE] -> CACHE/install/installer.iso (an installer, ~10 s)
#                                        and system.img, the disk it installs (BIOS and UEFI)
#   scripts/guests.sh debian [CACHE]  -> CACHE/debian/{vmlinuz,initrd.img,disk.qcow2}
#                                        Debian 12 with systemd, DHCP and qemu-guest-agent
#   scripts/guests.sh all    [CACHE]
# CACHE defaults to $VMDECK_CACHE or .cache/guests in the source tree.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WHAT=${1:?usage: guests.sh tiny|install|debian|all [CACHE]}
CACHE=$(realpath -m "${2:-${VMDECK_CACHE:-$HERE/../.cache/guests}}")
KVER=$(ls /boot/vmlinuz-* | sort -V | tail -1 | sed 's|.*/vmlinuz-||')
MIRROR=$(awk '/^URIs:/ {print $2; exit} /^deb / {print $2; exit}' \
	/etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null | head -1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

build_tiny() {
	local out=$CACHE/tiny stamp f extra
	stamp="$KVER $(sha1sum "$HERE"/guest/tiny-init "$HERE"/guest/udhcpc.script "$HERE"/guest/shutdown "$HERE"/guests.sh /usr/sbin/qemu-ga | sha1sum | cut -c1-12)"
	if [ -s "$out/initrd.gz" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	extra=("$HERE/guest/udhcpc.script:/etc/udhcpc.script" "$HERE/guest/shutdown:/sbin/shutdown"
	       "/usr/sbin/qemu-ga:/bin/qemu-ga")
	# qemu-guest-agent from the host's Debian package, with the libraries it links
	for f in $(ldd /usr/sbin/qemu-ga | grep -o '/[^ ]*'); do extra+=("$f:$f"); done
	mkdir -p "$out"
	# virtio NIC, balloon, block, agent channel, ACPI button, virtiofs and 9p
	# (shared folders); the CD-ROM for reading a cloud-init seed (vmdeck.seed)
	# loaded only then
	make_initramfs "$out"/initrd.gz.tmp "$HERE"/guest/tiny-init \
		"virtio_pci virtio_net virtio_balloon virtio_blk virtio_console button evdev virtiofs 9pnet_virtio 9p | ata_piix sr_mod isofs" \
		"${extra[@]}"
	mv "$out"/initrd.gz.tmp "$out"/initrd.gz
	cp /boot/vmlinuz-"$KVER" "$out"/vmlinuz
	chmod 644 "$out"/initrd.gz "$out"/vmlinuz
	echo "$stamp" > "$out"/stamp
	echo "guests: tiny guest in $out"
}

# make_initramfs OUT INIT "MODULES [| LATER]" [SRC:DEST...]: busybox, the
# modules named with what they depend on (in load order, listed in
# /etc/modules; those after '|' in /etc/modules.later, for INIT to load when
# it needs them), INIT as /init, the ACPI power-button handler and the extra
# files; gzipped to OUT
make_initramfs() {
	local out=$1 init=$2 mods=$3 root m f pair list=modules
	shift 3
	root=$(mktemp -d)
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,var/log,var/run,etc/acpi/PWRF,lib/modules}
	cp /bin/busybox "$root"/bin/busybox
	: > "$root"/etc/modules
	: > "$root"/etc/modules.later
	for m in $mods; do
		[ "$m" = "|" ] && { list=modules.later; continue; }
		for f in $(modprobe -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" {print $2}'); do
			m=$(basename "$f" .ko)
			grep -qx "$m" "$root"/etc/modules "$root"/etc/modules.later && continue
			cp "$f" "$root"/lib/modules/
			echo "$m" >> "$root"/etc/$list
		done
	done
	for pair in "$@"; do install -D -m 755 "${pair%%:*}" "$root${pair#*:}"; done
	install -m 755 "$init" "$root"/init
	install -m 755 "$HERE"/guest/acpi-poweroff "$root"/etc/acpi/PWRF/00000080
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
	rm -rf "$root"
}

# grub.cfg on the serial console booting kernel + initrd at once
grub_cfg() {
	printf 'serial --unit=0 --speed=115200\nterminal_input serial console\nterminal_output serial console\n'
	printf 'set timeout=0\nmenuentry "%s" {\n  linux /vmlinuz console=ttyS0 quiet\n  initrd /%s\n}\n' "$1" "$2"
}

# A real install ISO (BIOS and UEFI, grub-mkrescue): its installer writes system.img
# from the ISO to the guest's disk and powers off; system.img is itself a
# bootable disk image (grub-mkrescue's hybrid MBR boots from a hard disk too)
# whose system prints INSTALLED-SYSTEM-BOOTED on the serial console.
build_install() {
	local out=$CACHE/install stamp work
	stamp="$KVER $(sha1sum "$HERE"/guest/installer-init "$HERE"/guest/system-init "$HERE"/guests.sh | sha1sum | cut -c1-12)"
	if [ -s "$out/installer.iso" ] && [ -s "$out/system.img" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	work=$(mktemp -d)
	trap 'rm -rf "$work"' RETURN
	mkdir -p "$work"/sys/boot/grub "$work"/cd/boot/grub "$out"
	cp /boot/vmlinuz-"$KVER" "$work"/sys/vmlinuz
	make_initramfs "$work"/sys/system.gz "$HERE"/guest/system-init "button evdev"
	grub_cfg "installed system" system.gz > "$work"/sys/boot/grub/grub.cfg
	grub-mkrescue -o "$work"/cd/system.img "$work"/sys >"$work"/log 2>&1 || { cat "$work"/log; exit 1; }
	# the installed system's disk image on its own: imports convert it and boot it
	cp "$work"/cd/system.img "$out"/system.img
	cp /boot/vmlinuz-"$KVER" "$work"/cd/vmlinuz
	make_initramfs "$work"/cd/installer.gz "$HERE"/guest/installer-init \
		"virtio_pci virtio_blk ata_piix sr_mod isofs button"
	grub_cfg "install vmdeck test system" installer.gz > "$work"/cd/boot/grub/grub.cfg
	grub-mkrescue -o "$out"/installer.iso.tmp "$work"/cd >"$work"/log 2>&1 || { cat "$work"/log; exit 1; }
	mv "$out"/installer.iso.tmp "$out"/installer.iso
	chmod 644 "$out"/installer.iso
	echo "$stamp" > "$out"/stamp
	echo "guests: install ISO in $out ($(du -h "$out"/installer.iso | cut -f1))"
}

build_debian() {
	local out=$CACHE/debian stamp="$KVER bookworm v3"
	if [ -s "$out/disk.qcow2" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	local root d
	root=$(mktemp -d /var/tmp/vmdeck-debian.XXXXXX)
	trap 'rm -rf "$root"' RETURN
	echo "guests: debootstrap bookworm from $MIRROR (a few minutes, once)"
	debootstrap --variant=minbase \
		--include=systemd-sysv,udev,dbus,qemu-guest-agent,iproute2,kmod,procps \
		bookworm "$root" "$MIRROR" > "$root.log" 2>&1 || { tail -20 "$root.log"; exit 1; }
	rm -f "$root.log"
	# modules the rootfs needs after the initramfs: NIC, agent channel, balloon, rng
	d=$root/lib/modules/$KVER
	mkdir -p "$d"/kernel/drivers/net "$d"/kernel/net/core
	cp -a /lib/modules/"$KVER"/kernel/drivers/{virtio,char,block} "$d"/kernel/drivers/
	cp -a /lib/modules/"$KVER"/kernel/drivers/net/{virtio_net.ko,net_failover.ko} "$d"/kernel/drivers/net/
	cp -a /lib/modules/"$KVER"/kernel/net/core/failover.ko "$d"/kernel/net/core/
	cp -a /lib/modules/"$KVER"/modules.builtin* /lib/modules/"$KVER"/modules.order "$d"/
	depmod -b "$root" "$KVER"
	echo vmdeck-debian > "$root"/etc/hostname
	printf '/dev/vda / ext4 rw,relatime 0 1\n' > "$root"/etc/fstab
	sed -i 's/^root:[^:]*:/root::/' "$root"/etc/shadow      # console login without a password
	mkdir -p "$root"/etc/systemd/network
	# the MAC as DHCP client id: clones (same machine-id) still get their own address
	printf '[Match]\nName=en* eth*\n[Network]\nDHCP=ipv4\n[DHCPv4]\nClientIdentifier=mac\n' \
		> "$root"/etc/systemd/network/50-dhcp.network
	: > "$root"/etc/machine-id   # generated at first boot, as cloud images do
	ln -sf /lib/systemd/system/systemd-networkd.service \
		"$root"/etc/systemd/system/multi-user.target.wants/systemd-networkd.service
	# a boot marker on the serial console, as the tiny guest prints
	cat > "$root"/etc/systemd/system/vmdeck-marker.service <<'UNIT'
[Unit]
Description=vmdeck test marker
After=network-online.target qemu-guest-agent.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo "DEBVM-BOOTED $(uname -r)" > /dev/ttyS0'
[Install]
WantedBy=multi-user.target
UNIT
	ln -sf /etc/systemd/system/vmdeck-marker.service \
		"$root"/etc/systemd/system/multi-user.target.wants/vmdeck-marker.service
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
	mkdir -p "$out"
	rm -f "$out"/disk.raw
	truncate -s 1G "$out"/disk.raw
	mkfs.ext4 -q -F -L vmdeck-root -d "$root" "$out"/disk.raw
	qemu-img convert -c -f raw -O qcow2 "$out"/disk.raw "$out"/disk.qcow2.tmp
	rm -f "$out"/disk.raw
	mv "$out"/disk.qcow2.tmp "$out"/disk.qcow2
	cp /boot/vmlinuz-"$KVER" "$out"/vmlinuz
	cp /boot/initrd.img-"$KVER" "$out"/initrd.img
	chmod 644 "$out"/*
	echo "$stamp" > "$out"/stamp
	echo "guests: Debian guest in $out ($(du -h "$out"/disk.qcow2 | cut -f1))"
}

case $WHAT in
tiny) build_tiny ;;
install) build_install ;;
debian) build_debian ;;
all) build_tiny; build_install; build_debian ;;
*) echo "usage: guests.sh tiny|install|debian|all [CACHE]" >&2; exit 2 ;;
esac
