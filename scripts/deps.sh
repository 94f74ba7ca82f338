#!/bin/sh
# Install the Debian packages vmdeck needs, by purpose:
#   scripts/deps.sh run      building and running vmdeck (what scripts/run.sh needs)
#   scripts/deps.sh demo     + the tiny demo guest run.sh offers (busybox, a kernel)
#   scripts/deps.sh test     + everything the tests use (what scripts/test.sh and CI need)
#   scripts/deps.sh --check [GROUP]   only report what is missing
# Safe to run again: apt-get skips what is installed; nothing beyond Debian's mirrors.
set -eu

PKGS_BUILD="build-essential cmake pkg-config libvirt-dev libxml2-dev libjson-c-dev
 libncurses-dev libiniparser-dev libcmocka-dev libosinfo-1.0-dev libnftables-dev libarchive-dev
 libisofs-dev libcrypt-dev libpng-dev libssl-dev"
PKGS_RUN="libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu qemu-system-x86
 qemu-utils dnsmasq-base iptables nftables ovmf"
PKGS_DEMO="busybox-static cpio gzip linux-image-amd64"
PKGS_TEST="clang libclang-rt-14-dev tmux python3 debootstrap virtinst iproute2 procps util-linux qemu-guest-agent xorriso
 grub-common grub-pc-bin grub-efi-amd64-bin mtools python3-yaml debhelper lintian man-db groff-base"

check=false
[ "${1:-}" = "--check" ] && { check=true; shift; }
case ${1:-test} in
run) want="$PKGS_BUILD $PKGS_RUN" ;;
demo) want="$PKGS_BUILD $PKGS_RUN $PKGS_DEMO" ;;
test) want="$PKGS_BUILD $PKGS_RUN $PKGS_DEMO $PKGS_TEST" ;;
*) echo "usage: scripts/deps.sh [--check] [run|demo|test]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
if $check; then
	echo "deps: missing:$missing"
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing; run as root: sudo $0 ${1:-test}" >&2
	exit 1
fi
echo "deps: installing:$missing"
apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
