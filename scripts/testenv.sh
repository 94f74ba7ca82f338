#!/bin/bash
# A private libvirtd (+virtlogd) in new mount+network namespaces, so tests use
# real guests and real networks without touching the host's interfaces,
# firewall or /etc/libvirt. Recipe verified in shared/TESTENV.md.
#
#   scripts/testenv.sh run CMD [ARGS...]   start, run CMD inside the namespaces, tear down
#   scripts/testenv.sh start DIR           start; prints the PID to nsenter into
#   scripts/testenv.sh stop DIR            tear down what start made
#
# Inside: qemu:///system answers, the default NAT network is started,
# $VMDECK_TESTENV is the state dir (libvirt's logs under $VMDECK_TESTENV/log),
# $XDG_STATE_HOME is under it (vmdeck's journals).
# Teardown kills only processes in the recorded network namespace, by PID.
#
# TESTENV_LISTEN=ADDR (a host of several, tests/integration/fleet.sh): start
# waits (bounded) until ADDR is on an interface of the new namespace, which the
# caller adds from outside once $DIR/nsinit holds the namespace's PID, and
# libvirtd listens on ADDR by TCP without authentication (listen_addr and
# auth_tcp in $DIR/etc/libvirtd.conf, set by the caller): private addresses
# only, inside namespaces.
set -euo pipefail

start() {
	local T
	T=$(realpath -m "$1")
	mkdir -p "$T"/{run,lib,cache,log,etc}
	chmod 755 "$T"                                  # qemu (libvirt-qemu) must traverse
	[ -e "$T"/etc/qemu.conf ] || cp -a /etc/libvirt/. "$T"/etc/
	# no cgroup writes on the host; serial logs through virtlogd
	printf 'cgroup_controllers = [ ]\n' >> "$T"/etc/qemu.conf
	unshare -m -n --fork bash -s "$T" <<'NS'
set -euo pipefail
T=$1
mount --make-rprivate /
mount -t sysfs sysfs /sys                      # this netns's /sys/class/net
mount --bind "$T"/run   /run
mount --bind "$T"/lib   /var/lib/libvirt
mount --bind "$T"/cache /var/cache/libvirt
mount --bind "$T"/log   /var/log/libvirt
mount --bind "$T"/etc   /etc/libvirt
mkdir -p /run/lock /var/lib/libvirt/{qemu,images,dnsmasq,network} \
	/var/log/libvirt/qemu /var/cache/libvirt/qemu
ip link set lo up
virtlogd -d
if [ -n "${TESTENV_LISTEN:-}" ]; then
	echo $$ > "$T"/nsinit
	for i in $(seq 1 200); do ip -o addr show | grep -qF " $TESTENV_LISTEN/" && break; sleep 0.05; done
	libvirtd -d --listen
else
	libvirtd -d
fi
for i in $(seq 1 100); do [ -S /run/libvirt/libvirt-sock ] && break; sleep 0.1; done
echo "$(cat /run/libvirtd.pid)" > "$T"/nspid
printf '%s\n%s\n' "$(cat /run/virtlogd.pid)" "$(cat /run/libvirtd.pid)" > "$T"/pids
NS
	test -s "$T"/nspid
	readlink /proc/"$(cat "$T"/nspid)"/ns/net > "$T"/netns
	nsenter -t "$(cat "$T"/nspid)" -m -n virsh -q -c qemu:///system net-start default >/dev/null
	cat "$T"/nspid
}

stop() {
	local T NS P left i
	T=$(realpath -m "$1")
	[ -f "$T"/netns ] || { rm -rf "$T"; return 0; }
	NS=$(cat "$T"/netns)
	P=$(cat "$T"/nspid)
	ns_pids() {
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p"/ns/net 2>/dev/null)" = "$NS" ] && echo "${p#/proc/}"
		done
		return 0
	}
	if [ "$(readlink /proc/"$P"/ns/net 2>/dev/null)" = "$NS" ]; then
		local V="nsenter -t $P -m -n virsh -q -c qemu:///system"
		for d in $($V list --name 2>/dev/null); do $V destroy "$d" >/dev/null 2>&1 || true; done
		for n in $($V net-list --name 2>/dev/null); do $V net-destroy "$n" >/dev/null 2>&1 || true; done
	fi
	left=$(ns_pids)
	[ -n "$left" ] && kill -TERM $left 2>/dev/null || true
	for i in $(seq 1 50); do
		left=$(ns_pids)
		[ -z "$left" ] && break
		[ "$i" = 30 ] && { kill -KILL $left 2>/dev/null || true; }
		sleep 0.1
	done
	[ -n "$left" ] && { echo "testenv: still running in $NS: $left" >&2; return 1; }
	rm -rf "$T"
}

case ${1:-} in
start) start "${2:?usage: testenv.sh start DIR}" ;;
stop) stop "${2:?usage: testenv.sh stop DIR}" ;;
run)
	shift
	[ $# -gt 0 ] || { echo "usage: testenv.sh run CMD [ARGS...]" >&2; exit 2; }
	T=$(mktemp -d /tmp/vd.XXXXXX)
	trap 'stop "$T"' EXIT
	trap 'exit 130' INT TERM
	P=$(start "$T")
	set +e
	# vmdeck's private state (clone journals) stays with the test
	nsenter -t "$P" -m -n --wdns="$PWD" env VMDECK_TESTENV="$T" XDG_STATE_HOME="$T"/state "$@"
	rc=$?
	exit $rc
	;;
*) echo "usage: testenv.sh run CMD... | start DIR | stop DIR" >&2; exit 2 ;;
esac
