#!/bin/bash
# Bad input: each is refused with one line naming the problem, non-zero exit,
# and nothing is created or changed (guests, volumes, configuration).
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
POOL=/var/lib/libvirt/images/vmdeck
expect "create keep1 (a guest that must stay untouched)" "$V" create keep1 --memory 128 --disk 1 "${TINY[@]}"
snapshot_state() {
	"$V" list --all --json | python3 -c 'import json,sys; print(sorted((d["name"],d["state"],d["cpus"],d["memory_mib"]) for d in json.load(sys.stdin)))'
	ls "$POOL" 2>/dev/null
	virsh -q -c qemu:///system dumpxml --inactive keep1 | grep -v '<uuid>' | md5sum
}
BEFORE=$(snapshot_state)

refused "unknown VM (start)" "1" "$V" start nosuchvm
grep -q nosuchvm /tmp/vd.rerr.$$ && ok "message names nosuchvm" || bad "message does not name nosuchvm"
refused "unknown VM (info)" "1" "$V" info nosuchvm
refused "duplicate name" "1" "$V" create keep1 --memory 128 "${TINY[@]}"
grep -q "already exists" /tmp/vd.rerr.$$ && ok "duplicate: says it already exists" || bad "duplicate message"
for n in 'a;b' '../x' 'has space' "$(printf 'x%.0s' $(seq 70))"; do
	refused "invalid name '${n:0:12}'" "1 2" "$V" create "$n" --memory 128 --disk 1 "${TINY[@]}"
done
refused "memory abc" "1 2" "$V" create m1 --memory abc "${TINY[@]}"
grep -q "abc" /tmp/vd.rerr.$$ && ok "memory message names 'abc'" || bad "memory message"
refused "disk 0" "1 2" "$V" create m2 --disk 0 "${TINY[@]}"
refused "cpus beyond the host" "1" "$V" create m3 --cpus 4096 "${TINY[@]}"
grep -q "logical CPUs" /tmp/vd.rerr.$$ && ok "cpus message gives the host's CPUs" || bad "cpus message"
refused "memory beyond the host" "1" "$V" create m4 --memory 64T "${TINY[@]}"
refused "missing kernel file" "1 2" "$V" create m5 --kernel /nonexistent/vmlinuz
refused "unknown network" "1" "$V" create m6 --network nosuchnet "${TINY[@]}"
refused "unknown option" "2" "$V" create m7 --frobnicate "${TINY[@]}"
refused "unknown command" "2" "$V" frobnicate
refused "set without changes" "1 2" "$V" set keep1
refused "set --memory abc" "2" "$V" set keep1 --memory abc
refused "--readonly create" "1" "$V" --readonly create ro1 --memory 128 "${TINY[@]}"
refused "--readonly start" "1" "$V" --readonly start keep1
grep -q "read-only connection: cannot start keep1" /tmp/vd.rerr.$$ && ok "readonly message names the action" || bad "readonly message"
refused "--readonly set" "1" "$V" set keep1 --cpus 2 --readonly
refused "--readonly delete" "1" "$V" delete keep1 --yes --readonly
refused "delete without --yes off a terminal" "1" "$V" delete keep1 </dev/null
refused "--embedded with a command" "2" "$V" --embedded list
# a create whose start fails removes its disk and definition again
printf 'not a kernel\n' > "$T"/notakernel
refused "create with an unbootable kernel --start" "1" "$V" create broken1 --memory 128 --disk 1 --kernel "$T"/notakernel --start
AFTER=$(snapshot_state)
[ "$BEFORE" = "$AFTER" ] && ok "nothing created or changed by any refusal" || bad "state changed: before=[$BEFORE] after=[$AFTER]"
[ ! -e "$POOL"/broken1.qcow2 ] && ok "failed create left no disk" || bad "broken1.qcow2 left behind"
expect "delete keep1 --disks --yes" "$V" delete keep1 --disks --yes
finish
