# fleet.sh - several hosts for one vmdeck (sourced after lib.sh): private
# libvirtds, each in mount+network namespaces of its own, joined by veths to
# a bridge in the test's own namespace (fleetbr, 10.77.0.1), each listening by
# TCP without authentication on its private address only (10.77.0.2, .3, ...).
# vmdeck reaches them as qemu+tcp://ADDR/system from [hosts]. No traffic
# leaves these namespaces.
#
#   fleet_start a b c     start the hosts, write vmdeck.ini, export XDG_CONFIG_HOME
#   fleet_addr b          its address;  fleet_uri b: its URI
#   fleet_pid b           its libvirtd's PID (to kill/stop/continue it)
#   fleet_virsh b ...     virsh on that host (cross-checks)
#   fleet_stop            tear them down (by their recorded PIDs)
FLEET_HOSTS=()
FLEET_CFG=$T/fleet-config

fleet_addr() { local i; for i in "${!FLEET_HOSTS[@]}"; do [ "${FLEET_HOSTS[$i]}" = "$1" ] && echo "10.77.0.$((i + 2))"; done; }
fleet_uri() { echo "qemu+tcp://$(fleet_addr "$1")/system"; }
fleet_pid() { cat "$T/host-$1/nspid"; }
fleet_virsh() { local h=$1; shift; virsh -q -c "$(fleet_uri "$h")" "$@"; }

# one host: the namespace first, then its veth and address from here, then
# its libvirtd (testenv.sh waits for the address before starting it)
fleet_host() {
	local n=$1 addr=$2 D=$T/host-$1 pid i
	mkdir -p "$D"/etc
	cp -a /etc/libvirt/. "$D"/etc/
	sed -i '/^cgroup_controllers/d' "$D"/etc/qemu.conf
	printf 'listen_tls = 0\nlisten_tcp = 1\nlisten_addr = "%s"\nauth_tcp = "none"\nhost_uuid = "%s"\n' \
		"$addr" "$(cat /proc/sys/kernel/random/uuid)" >> "$D"/etc/libvirtd.conf
	# QEMU's migration stream goes to this address (not the machine's hostname)
	printf 'migration_host = "%s"\n' "$addr" >> "$D"/etc/qemu.conf
	TESTENV_LISTEN=$addr scripts/testenv.sh start "$D" > "$D.start" 2>&1 &
	pid=$!
	for ((i = 0; i < 100; i++)); do [ -s "$D"/nsinit ] && break; sleep 0.1; done
	[ -s "$D"/nsinit ] || { echo "fleet: host $n: no namespace" >&2; return 1; }
	ip link add "fv-$n" type veth peer name "fp-$n"
	ip link set "fp-$n" netns "$(cat "$D"/nsinit)"
	ip link set "fv-$n" master fleetbr up
	nsenter -t "$(cat "$D"/nsinit)" -n sh -c "ip addr add $addr/24 dev fp-$n && ip link set fp-$n up"
	wait "$pid" || { echo "fleet: host $n: $(tail -2 "$D.start")" >&2; return 1; }
	# the listener answers (bounded)
	for ((i = 0; i < 50; i++)); do virsh -q -c "qemu+tcp://$addr/system" version >/dev/null 2>&1 && return 0; sleep 0.2; done
	echo "fleet: host $n: libvirtd does not answer on $addr" >&2
	return 1
}

fleet_start() {
	local n
	ip link add fleetbr type bridge && ip addr add 10.77.0.1/24 dev fleetbr && ip link set fleetbr up || return 1
	FLEET_HOSTS=("$@")
	mkdir -p "$FLEET_CFG"/vmdeck
	echo "[hosts]" > "$FLEET_CFG"/vmdeck/vmdeck.ini
	local pids=() rc=0 p
	for n in "$@"; do   # all at once: each start is mostly waiting
		fleet_host "$n" "$(fleet_addr "$n")" &
		pids+=($!)
		echo "$n = $(fleet_uri "$n")" >> "$FLEET_CFG"/vmdeck/vmdeck.ini
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	[ "$rc" = 0 ] || return 1
	export XDG_CONFIG_HOME=$FLEET_CFG
}

fleet_stop() {
	local n
	for n in "${FLEET_HOSTS[@]}"; do
		kill -CONT "$(fleet_pid "$n" 2>/dev/null)" 2>/dev/null
		scripts/testenv.sh stop "$T/host-$n" >/dev/null 2>&1
		ip link del "fv-$n" 2>/dev/null
	done
	ip link del fleetbr 2>/dev/null
	return 0
}

# kill -9 a host's libvirtd, and start it again in its namespaces (its
# virtlogd still holds them); the new PID replaces the old in nspid
fleet_kill() { kill -KILL "$(fleet_pid "$1")"; }
fleet_restart() {
	local D=$T/host-$1 vl i
	vl=$(head -1 "$D"/pids)
	nsenter -t "$vl" -m -n libvirtd -d --listen || return 1
	for ((i = 0; i < 50; i++)); do
		nsenter -t "$vl" -m -n sh -c 'test -s /run/libvirtd.pid && cat /run/libvirtd.pid' > "$D"/nspid.new 2>/dev/null &&
			virsh -q -c "$(fleet_uri "$1")" version >/dev/null 2>&1 && { mv "$D"/nspid.new "$D"/nspid; return 0; }
		sleep 0.2
	done
	return 1
}
