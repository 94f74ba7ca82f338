#!/bin/bash
# migrate: a second private libvirtd (its own namespaces, its own host UUID)
# plays the destination host. A running tiny guest moves live through libvirt's
# tunnel and keeps its memory (a file in its tmpfs is still there), then comes
# back stopped (offline migration of its definition). Bad input changes nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
T2=$T/dest
mkdir -p "$T2"/etc
cp -a /etc/libvirt/. "$T2"/etc/
sed -i '/^cgroup_controllers/d' "$T2"/etc/qemu.conf        # testenv adds it again
echo 'host_uuid = "5e1ec7ed-0000-4000-8000-00000000d057"' >> "$T2"/etc/libvirtd.conf
scripts/testenv.sh start "$T2" >/dev/null || { bad "second libvirtd did not start"; finish; exit 1; }
trap 'scripts/testenv.sh stop "$T2"' EXIT
HERE="qemu+unix:///system?socket=$T/run/libvirt/libvirt-sock"
DEST="qemu+unix:///system?socket=$T2/run/libvirt/libvirt-sock"
V2() { "$V" -c "$DEST" "$@"; }
agent2() { virsh -q -c "$DEST" qemu-agent-command m1 "$1"; }

expect "create m1 --start --wait-ip (no disk: the kernel files are shared)" "$V" create m1 --memory 128 \
	"${TINY[@]}" --start --wait-ip
agent_ready m1 60 || bad "m1: no agent"
agent_sh m1 "echo still-here > /tmp/mark" && ok "m1 has a file in its RAM (tmpfs)" || bad "agent write"

before=$("$V" list --all --json | tr -d ' \n')
refused "migrate to a non-URI" "1 2" "$V" migrate m1 'not a uri'
refused "migrate to the same connection" "1 2" "$V" migrate m1 qemu:///system
refused "migrate an unknown VM" "1" "$V" migrate nosuch "$DEST"
refused "migrate to a host that does not answer" "1" "$V" migrate m1 "qemu+unix:///system?socket=$T/nosuch-sock"
refused "--readonly migrate" "1" "$V" --readonly migrate m1 "$DEST"
[ "$("$V" list --all --json | tr -d ' \n')" = "$before" ] && state_is m1 running && ok "bad input: m1 still here and running" \
	|| bad "bad input changed something"

S=$(date +%s.%N)
expect "migrate m1 DEST --live --tunnelled" "$V" migrate m1 "$DEST" --live --tunnelled
echo "   live migration took $(echo "$(date +%s.%N) - $S" | bc | cut -c1-5) s"
"$V" list --all --json | grep -q '"m1"' && bad "m1 still defined here" || ok "m1 is no longer defined here"
V2 list --all --json >/tmp/vd.d.$$ && js /tmp/vd.d.$$ "[d['state'] for d in j if d['name']=='m1']==['running'] and [d['persistent'] for d in j if d['name']=='m1']==[True]" \
	&& ok "m1 runs on the destination, defined there" || bad "destination: $(tr -d '\n ' </tmp/vd.d.$$)"
out=$(agent2 '{"execute":"guest-exec","arguments":{"path":"cat","arg":["/tmp/mark"],"capture-output":true}}')
pid=$(echo "$out" | python3 -c "import json,sys; print(json.load(sys.stdin)['return']['pid'])" 2>/dev/null)
sleep 0.5
st=$(agent2 "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":${pid:-0}}}" 2>/dev/null)
echo "$st" | python3 -c "import base64,json,sys; r=json.load(sys.stdin)['return']; sys.exit(0 if base64.b64decode(r.get('out-data','')).decode().strip()=='still-here' else 1)" \
	&& ok "its RAM came along: /tmp/mark is still there" || bad "memory not kept: $st"

# back, stopped: the definition moves (offline migration)
expect "poweroff m1 on the destination" V2 poweroff m1
refused "--live of a stopped guest" "1 2" V2 migrate m1 "$HERE" --live
expect "migrate m1 back (stopped: its definition)" V2 migrate m1 "$HERE"
V2 list --all --json | grep -q '"m1"' && bad "m1 still on the destination" || ok "m1 left the destination"
state_is m1 shutoff && ok "m1 is defined here again, shut off" || bad "m1 not back"
expect "start m1 here again" "$V" start m1
"$V" poweroff m1 >/dev/null 2>&1
finish
