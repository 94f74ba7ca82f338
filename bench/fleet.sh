#!/bin/bash
# bench/fleet.sh [ROUNDS] - `vmdeck list --all` across three hosts against
# `virsh -c URI list --all` for each host in turn (the peer), in the same run.
# Three private libvirtds (tests/integration/fleet.sh), each behind a proxy
# that delays every chunk by 25 ms each way (50 ms more round trip; this
# kernel has no netem), 5 guests defined on each. Goal: vmdeck within 1.3x of
# the slowest single host, at least 2x faster than the sequential peer.
#   sudo scripts/testenv.sh run bench/fleet.sh 5
cd "$(dirname "$0")/.." || exit 1
ROUNDS=${1:-5}
. tests/integration/lib.sh
. tests/integration/fleet.sh
PROXY_PIDS=()
trap 'kill "${PROXY_PIDS[@]}" 2>/dev/null; fleet_stop' EXIT
stage_tiny
fleet_start a b c >/dev/null || { echo "bench: hosts did not start"; exit 1; }
for h in a b c; do
	for i in 1 2 3 4 5; do "$V" --accel tcg create "$h:g$i" --memory 64 "${TINY[@]}" >/dev/null || exit 1; done
done
# the delaying proxies: 127.0.0.1:1651N -> host N's libvirtd
cfg=$T/bench-config
mkdir -p "$cfg"/vmdeck
echo "[hosts]" > "$cfg"/vmdeck/vmdeck.ini
n=0
for h in a b c; do
	port=$((16511 + n))
	python3 - "$port" "$(fleet_addr $h)" <<'PY' &
import asyncio, sys
port, dst = int(sys.argv[1]), sys.argv[2]
async def pipe(r, w):
    try:
        while True:
            b = await r.read(65536)
            if not b:
                break
            await asyncio.sleep(0.025)
            w.write(b)
            await w.drain()
    finally:
        w.close()
async def handle(cr, cw):
    sr, sw = await asyncio.open_connection(dst, 16509)
    await asyncio.gather(pipe(cr, sw), pipe(sr, cw))
async def main():
    s = await asyncio.start_server(handle, "127.0.0.1", port)
    async with s:
        await s.serve_forever()
asyncio.run(main())
PY
	PROXY_PIDS+=($!)
	echo "$h = qemu+tcp://127.0.0.1:$port/system" >> "$cfg"/vmdeck/vmdeck.ini
	n=$((n + 1))
done
for ((i = 0; i < 50; i++)); do virsh -q -c qemu+tcp://127.0.0.1:16513/system version >/dev/null 2>&1 && break; sleep 0.1; done
t() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); }
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
export XDG_CONFIG_HOME=$cfg
rows=$("$V" list --all --names | wc -l)
echo "vmdeck lists $rows guests on 3 hosts"
vm=(); seq=(); slow=()
for ((r = 0; r < ROUNDS; r++)); do
	vm+=("$(t "$V" list --all)")
	s0=$(date +%s%N); worst=0
	for p in 16511 16512 16513; do
		x=$(t virsh -q -c "qemu+tcp://127.0.0.1:$p/system" list --all)
		[ "$x" -gt "$worst" ] && worst=$x
	done
	seq+=($(( ($(date +%s%N) - s0) / 1000000 )))
	slow+=("$worst")
done
V_MS=$(printf '%s\n' "${vm[@]}" | med); S_MS=$(printf '%s\n' "${seq[@]}" | med); W_MS=$(printf '%s\n' "${slow[@]}" | med)
echo "vmdeck list --all (3 hosts at once):      ${V_MS} ms (median of $ROUNDS)"
echo "virsh list --all, one host after another: ${S_MS} ms"
echo "the slowest single host (virsh):          ${W_MS} ms"
echo "ratio vmdeck / slowest host: $(echo "scale=2; $V_MS / $W_MS" | bc)  (goal <= 1.3)"
echo "speed-up over the sequential peer: $(echo "scale=2; $S_MS / $V_MS" | bc)x  (goal >= 2)"
