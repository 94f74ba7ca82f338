#!/bin/sh
# Install every Debian package vmdeck needs to build, run and test.
# Usage: scripts/deps.sh [--check]   (--check: only report what is missing)
# Safe to run again: apt-get skips what is installed; no download beyond Debian's mirrors.
set -eu

PKGS_BUILD="build-essential cmake pkg-config libvirt-dev libxml2-dev libjson-c-dev
 libncurses-dev libiniparser-dev libcmocka-dev libosinfo-1.0-dev libnftables-dev libarchive-dev
 libisofs-dev libcrypt-dev"
PKGS_RUN="libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu qemu-system-x86
 qemu-utils dnsmasq-base iptables nftables ovmf"
PKGS_TEST="busybox-static cpio gzip linux-image-amd64 tmux python3 debootstrap
 virtinst iproute2 procps util-linux qemu-guest-agent xorriso
 grub-common grub-pc-bin grub-efi-amd64-bin mtools python3-yaml"

missing=""
for p in $PKGS_BUILD $PKGS_RUN $PKGS_TEST; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "deps: missing:$missing"
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing; run as root: sudo $0" >&2
	exit 1
fi
echo "deps: installing:$missing"
apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
