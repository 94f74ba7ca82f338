#!/bin/bash
# Benchmark: the TUI with 1,000 guests on libvirt's test driver (a custom
# test:///path/node.xml). Measures, from the TUI's own trace (VMDECK_TRACE):
#   first frame, first frame with the guest list, and redraw after a key (p50/p99)
# and, in the same run, `virsh list --all` on the same node as the peer.
# Goals (issue 4): first frame < 100 ms, redraw p99 < 16 ms.
# HOSTS=3: that many test-driver nodes of N guests each as [hosts] a, b, c...
# (one list grouped by host; the peer runs virsh on each node in turn).
# Goals (issue 17, 3 x 1,000): first frame with all lists < 200 ms, redraw p99 < 16 ms.
# Run: [HOSTS=3] bench/tui_1000.sh [N_GUESTS] [N_KEYS]      (needs tmux; no daemon)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
K=${2:-200}
HOSTS=${HOSTS:-1}
V=${VMDECK:-$(pwd)/build/vmdeck}
D=$(mktemp -d /tmp/vdbench.XXXXXX)
S=vdbench$$
trap 'tmux kill-session -t $S 2>/dev/null; rm -rf "$D"' EXIT

node() {
python3 - "$N" <<'PY'
import sys
n = int(sys.argv[1])
print("<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>")
print("<cpu><nodes>1</nodes><sockets>1</sockets><cores>16</cores><threads>1</threads>"
      "<active>16</active><mhz>2000</mhz><model>x86_64</model></cpu><memory>67108864</memory>")
for i in range(n):
    state = "" if i % 3 else "<test:runstate>5</test:runstate>"   # every third shut off
    print(f"<domain type='test'><name>vm{i:04d}</name><memory>262144</memory><vcpu>1</vcpu>"
          f"<os><type>hvm</type></os>{state}</domain>")
print("</node>")
PY
}
mkdir -p "$D/vmdeck"
if [ "$HOSTS" -gt 1 ]; then
	echo "[hosts]" > "$D/vmdeck/vmdeck.ini"
	for h in $(seq 1 "$HOSTS"); do
		node > "$D/node$h.xml"
		echo "$(printf "\\$(printf %o $((96 + h)))") = test://$D/node$h.xml" >> "$D/vmdeck/vmdeck.ini"
	done
	ARGS=""
else
	node > "$D/node1.xml"
	ARGS="-c 'test://$D/node1.xml'"
fi

# peer: virsh list --all on the same node(s), one after the other
t0=$(date +%s%N)
for h in $(seq 1 "$HOSTS"); do virsh -q -c "test://$D/node$h.xml" list --all >/dev/null; done
peer_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

tmux new-session -d -s "$S" -x 80 -y 24 "VMDECK_TRACE=$D/trace XDG_CONFIG_HOME=$D $V $ARGS"
for _ in $(seq 1 100); do grep -q first_data "$D/trace" 2>/dev/null && break; sleep 0.05; done
for _ in $(seq 1 "$K"); do tmux send-keys -t "$S" j; sleep 0.02; done
sleep 0.3
tmux send-keys -t "$S" q
sleep 0.3
python3 - "$D/trace" "$peer_ms" "$N" "$HOSTS" <<'PY'
import sys
lines = [l.split() for l in open(sys.argv[1])]
first = next(float(l[1]) for l in lines if l[0] == "first_frame_ms")
data = next(float(l[1]) for l in lines if l[0] == "first_data_ms")
keys = sorted(float(l[1]) for l in lines if l[0] == "key_redraw_ms")
pct = lambda p: keys[min(len(keys) - 1, int(round(p / 100 * (len(keys) - 1))))]
peer = float(sys.argv[2])
print(f"TUI with {sys.argv[4]} x {sys.argv[3]} guests (test driver), 80x24:")
print(f"  first frame           : {first:.1f} ms (goal < 100)")
print(f"  first frame with list : {data:.1f} ms; peer `virsh list --all` (each host in turn): {peer:.0f} ms; ratio {data / peer:.2f}")
print(f"  redraw after a key    : p50 {pct(50):.2f} ms, p99 {pct(99):.2f} ms over {len(keys)} redraws (goal p99 < 16)")
PY
