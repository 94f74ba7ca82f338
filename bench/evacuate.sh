#!/bin/bash
# bench/evacuate.sh [GUESTS] - `vmdeck host evacuate a` (to b) against the
# peer, a loop of `virsh migrate --live` one guest after the other (b back
# to a), in the same run, on two private libvirtds (tests/integration/fleet.sh)
# with GUESTS (8) running tiny guests. Each direction is checked: every guest
# runs on the other host afterwards and none is lost. Goal: >= 1.5x faster.
#   scripts/testenv.sh run bench/evacuate.sh 8
cd "$(dirname "$0")/.." || exit 1
N=${1:-8}
. tests/integration/lib.sh
. tests/integration/fleet.sh
trap fleet_stop EXIT
stage_tiny
fleet_start a b >/dev/null || { echo "bench: hosts did not start"; exit 1; }
names=()
for i in $(seq 1 "$N"); do names+=("e$i"); done
for g in "${names[@]}"; do
	"$V" --accel tcg create "a:$g" --memory 96 "${TINY[@]}" --start >/dev/null || { echo "bench: create $g failed"; exit 1; }
done
# booted (their agent answers) before anything moves: a guest still booting
# moves more dirty memory
for g in "${names[@]}"; do AGENT_URI=$(fleet_uri a) agent_ready "$g" 180 || { echo "bench: $g did not boot"; exit 1; }; done
running_on() { [ "$(fleet_virsh "$1" list --name | grep -c '^e[0-9]')" = "$N" ]; }
now() { date +%s.%N; }

S=$(now)
"$V" host evacuate a >/tmp/vd.ev.$$ 2>&1 || { echo "bench: evacuate failed: $(tail -3 /tmp/vd.ev.$$)"; exit 1; }
T_VMDECK=$(echo "$(now) - $S" | bc)
running_on b && [ -z "$(fleet_virsh a list --all --name | grep .)" ] || { echo "bench: after evacuate: a=$(fleet_virsh a list --all --name | tr '\n' ' ')"; exit 1; }

S=$(now)
for g in "${names[@]}"; do
	fleet_virsh b migrate --live --persistent --undefinesource "$g" "$(fleet_uri a)" >/dev/null || { echo "bench: virsh migrate $g failed"; exit 1; }
done
T_VIRSH=$(echo "$(now) - $S" | bc)
running_on a || { echo "bench: after the virsh loop: a=$(fleet_virsh a list --name | tr '\n' ' ')"; exit 1; }

printf 'evacuate %d running guests: vmdeck host evacuate %.2f s, virsh migrate --live loop %.2f s: %.2fx (goal >= 1.5x)\n' \
	"$N" "$T_VMDECK" "$T_VIRSH" "$(echo "$T_VIRSH / $T_VMDECK" | bc -l)"
for h in a b; do for g in $(fleet_virsh "$h" list --name); do fleet_virsh "$h" destroy "$g" >/dev/null 2>&1; done; done
