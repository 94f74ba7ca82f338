# lib.sh - helpers for integration tests: run inside scripts/testenv.sh, drive
# the real vmdeck binary against the private libvirtd, count passes/failures.
PASS=0
FAIL=0
V=${VMDECK:-$(pwd)/build/vmdeck}
T=${VMDECK_TESTENV:?run me through scripts/testenv.sh run}
GUESTS=${VMDECK_CACHE:-$(pwd)/.cache/guests}
# each test script gets a tmux server of its own: a server that exits after
# one script killed its last session must not take the next one's
# new-session with it (seen in CI as "no server running" right after start)
export TMUX_TMPDIR=$T/tmux.$$
mkdir -p "$TMUX_TMPDIR"
unset TMUX

ok()   { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
# expect DESC CMD...: the command succeeds
expect() { local d=$1; shift; if "$@" >/tmp/vd.out.$$ 2>&1; then ok "$d"; else bad "$d (rc=$?: $(tail -3 /tmp/vd.out.$$ | tr '\n' ' '))"; fi; }
# jq-like checks with python: js FILE 'python expression on j'
js() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }
# refused DESC RC_SET CMD...: exits with a code in RC_SET ("1" or "1 2"),
# prints exactly one line on stderr starting with "vmdeck: error:"
refused() {
	local d=$1 codes=$2 rc; shift 2
	"$@" >/tmp/vd.rout.$$ 2>/tmp/vd.rerr.$$; rc=$?
	if [[ " $codes " == *" $rc "* ]] && [ "$(wc -l </tmp/vd.rerr.$$)" -eq 1 ] &&
	   grep -q '^vmdeck: error: ' /tmp/vd.rerr.$$; then
		ok "$d -> $(cat /tmp/vd.rerr.$$)"
	else
		bad "$d (rc=$rc, stderr: $(head -3 /tmp/vd.rerr.$$ | tr '\n' '|'))"
	fi
}
# wait_for SECONDS CMD...: poll until CMD succeeds (bounded)
wait_for() { local s=$1 i; shift; for ((i = 0; i < s * 5; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
state_is() { "$V" list --all --json >/tmp/vd.st.$$ && js /tmp/vd.st.$$ "any(d['name']=='$1' and d['state']=='$2' for d in j)"; }
# the guest files, copied per run: libvirt chowns what a guest uses
# after stage_tiny, "${TINY[@]}" are the create options that boot the tiny guest
stage_tiny() {
	cp "$GUESTS"/tiny/vmlinuz "$GUESTS"/tiny/initrd.gz "$T"/
	TINY=(--kernel "$T"/vmlinuz --initrd "$T"/initrd.gz --cmdline "console=ttyS0 quiet")
}
serial_log() { cat "$T/log/qemu/$1-serial.log" 2>/dev/null; }
# agent_sh VM 'shell command': runs it in the guest through qemu-guest-agent
# (guest-exec), prints its stdout, returns its exit code (bounded: 30 s)
agent_sh() {
	python3 - "$1" "$2" <<'PY'
import base64, json, os, subprocess, sys, time
vm, cmd = sys.argv[1], sys.argv[2]
def agent(obj):
    r = subprocess.run(["virsh", "-q", "-c", os.environ.get("AGENT_URI", "qemu:///system"), "qemu-agent-command", vm, json.dumps(obj)],
                       capture_output=True, text=True, timeout=20)
    if r.returncode != 0:
        raise SystemExit(125)
    return json.loads(r.stdout)["return"]
pid = agent({"execute": "guest-exec", "arguments": {"path": "/bin/sh", "arg": ["-c", cmd], "capture-output": True}})["pid"]
for _ in range(300):
    st = agent({"execute": "guest-exec-status", "arguments": {"pid": pid}})
    if st.get("exited"):
        sys.stdout.write(base64.b64decode(st.get("out-data", "")).decode(errors="replace"))
        sys.exit(st.get("exitcode", 1))
    time.sleep(0.1)
sys.exit(124)
PY
}
# stage_debian: DEB=(create options) for the Debian guest (systemd + agent)
stage_debian() {
	cp "$GUESTS"/debian/vmlinuz "$GUESTS"/debian/initrd.img "$T"/
	DEB=(--kernel "$T"/vmlinuz --initrd "$T"/initrd.img --cmdline "root=/dev/vda rw console=ttyS0")
}
agent_ready() { wait_for "${2:-120}" agent_sh "$1" true; }
# guest_listen VM PORT REPLY: a one-shot TCP listener in the guest answering
# REPLY, and returns once the guest's own netstat shows it listening (bounded:
# 10 s); a connection made before that finds nobody (the fresh-clone flake)
guest_listen() {
	agent_sh "$1" "setsid timeout 20 nc -l -p $2 -e echo $3 </dev/null >/dev/null 2>&1 &" >/dev/null
	wait_for 10 agent_sh "$1" "netstat -ltn | grep -q ':$2 '"
}
finish() {
	rm -f /tmp/vd.*.$$
	tmux kill-server 2>/dev/null
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
