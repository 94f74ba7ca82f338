#!/bin/bash
# Into the guest through qemu-guest-agent (issue 19's first part): exec runs
# an argv (no shell unless asked), its output on the matching streams and its
# exit status as vmdeck's; --timeout kills it in the guest; --json; clear
# errors for a missing command, a stopped guest, no agent. cp copies files of
# any size both ways (checksums compared), with mode bits; -r for directories.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
expect "create ga1 --disk 1 --start" "$V" create ga1 --memory 128 --disk 1 "${TINY[@]}" --start
mkdir -p "$T"/config/vmdeck/profiles
printf '[vm]\ndescription = no agent\nos = linux2022\ncpus = 1\nmemory = 128\n[tools]\nagent = no\n' \
	> "$T"/config/vmdeck/profiles/noagent.ini
XDG_CONFIG_HOME=$T/config expect "create ga2 without an agent channel" "$V" create ga2 --profile noagent "${TINY[@]}" --start
agent_ready ga1 90 || bad "ga1: no agent"

# ---- exec
[ "$("$V" exec ga1 -- echo hello)" = hello ] && ok "exec: stdout" || bad "exec echo: $("$V" exec ga1 -- echo hello 2>&1)"
"$V" exec ga1 -- sh -c 'echo out; echo err >&2; exit 3' >/tmp/vd.o.$$ 2>/tmp/vd.e.$$; rc=$?
[ $rc = 3 ] && [ "$(cat /tmp/vd.o.$$)" = out ] && [ "$(cat /tmp/vd.e.$$)" = err ] \
	&& ok "exec: stdout and stderr on their streams, exit status 3 is vmdeck's" \
	|| bad "exec sh: rc=$rc out=$(cat /tmp/vd.o.$$) err=$(cat /tmp/vd.e.$$)"
[ "$("$V" exec ga1 -- echo '$HOME;ls' '*')" = '$HOME;ls *' ] && ok "exec: arguments reach the command as given (no shell)" \
	|| bad "exec quoting: $("$V" exec ga1 -- echo '$HOME;ls' '*')"
"$V" exec ga1 --json -- sh -c 'printf "a\nb"; echo E >&2; exit 5' > /tmp/vd.j.$$; rc=$?
[ $rc = 5 ] && js /tmp/vd.j.$$ "j['name']=='ga1' and j['exit_code']==5 and j['stdout']=='a\nb' and j['stderr']=='E\n' and j['duration_s']>=0" \
	&& ok "exec --json: {name, exit_code, stdout, stderr, duration_s}" || bad "exec --json: rc=$rc $(cat /tmp/vd.j.$$)"
refused "exec of a command the guest does not have" 1 "$V" exec ga1 -- nosuchcommand-x
grep -q "no such command in the guest" /tmp/vd.rerr.$$ && ok "... says so" || bad "$(cat /tmp/vd.rerr.$$)"
S=$(date +%s.%N)
"$V" exec ga1 --timeout 1 -- sleep 30 >/dev/null 2>/tmp/vd.e.$$; rc=$?
el=$(echo "$(date +%s.%N) - $S" | bc)
[ $rc = 124 ] && grep -q "killed in the guest" /tmp/vd.e.$$ && [ "$(echo "$el < 10" | bc)" = 1 ] \
	&& ok "exec --timeout 1 -- sleep 30: exit 124 after $(echo "$el" | cut -c1-4) s" || bad "timeout: rc=$rc $el s $(cat /tmp/vd.e.$$)"
wait_for 5 sh -c "! '$V' exec ga1 -- sh -c 'ps | grep -v grep | grep -q \"sleep 30\"'" \
	&& ok "the timed-out command is gone from the guest" || bad "sleep 30 still runs in ga1"
refused "exec in a guest without an agent" 1 "$V" exec ga2 -- true
grep -q "no guest agent answers" /tmp/vd.rerr.$$ && ok "... names the missing agent" || bad "$(cat /tmp/vd.rerr.$$)"
refused "exec without a command" 2 "$V" exec ga1
refused "exec --readonly" 1 "$V" --readonly exec ga1 -- true
"$V" poweroff ga2 >/dev/null
refused "exec in a stopped guest" 1 "$V" exec ga2 -- true

# ---- cp: a file larger than many chunks, both ways, byte for byte
head -c 3000000 /dev/urandom > "$T"/big.bin
chmod 0751 "$T"/big.bin
sum=$(sha256sum < "$T"/big.bin | cut -c1-64)
S=$(date +%s.%N)
expect "cp big.bin ga1:/tmp/big.bin (3 MB)" "$V" cp "$T"/big.bin ga1:/tmp/big.bin
echo "   into the guest: $(echo "$(date +%s.%N) - $S" | bc | cut -c1-4) s"
[ "$(agent_sh ga1 'sha256sum /tmp/big.bin' | cut -c1-64)" = "$sum" ] && ok "the guest's copy has the same sha256" \
	|| bad "checksum in the guest differs"
[ "$(agent_sh ga1 'stat -c %a /tmp/big.bin')" = 751 ] && ok "mode 0751 carried into the guest" \
	|| bad "mode in the guest: $(agent_sh ga1 'stat -c %a /tmp/big.bin')"
expect "cp ga1:/tmp/big.bin back" "$V" cp ga1:/tmp/big.bin "$T"/back.bin
[ "$(sha256sum < "$T"/back.bin | cut -c1-64)" = "$sum" ] && ok "the copy back has the same sha256" || bad "checksum back differs"
[ "$(stat -c %a "$T"/back.bin)" = 751 ] && ok "mode 0751 carried back" || bad "mode back: $(stat -c %a "$T"/back.bin)"
mkdir -p "$T"/into
expect "cp into a local directory" "$V" cp ga1:/etc/udhcpc.script "$T"/into
[ -f "$T"/into/udhcpc.script ] && ok "... lands under the source's name" || bad "into dir: $(ls "$T"/into)"
refused "cp of a missing guest file" 1 "$V" cp ga1:/nonexistent/x "$T"/x
grep -q "no such file in the guest" /tmp/vd.rerr.$$ && [ ! -e "$T"/x ] && ok "... says so and leaves no file" || bad "$(cat /tmp/vd.rerr.$$)"
refused "cp of a missing local file" 1 "$V" cp "$T"/nonexistent ga1:/tmp/x
refused "cp with no guest side" 2 "$V" cp "$T"/big.bin "$T"/other.bin
# ---- cp -r
mkdir -p "$T"/tree/sub/deeper
echo one > "$T"/tree/a.txt; echo two > "$T"/tree/sub/b.txt; echo three > "$T"/tree/sub/deeper/c.txt
refused "cp of a directory without -r" 1 "$V" cp "$T"/tree ga1:/tmp/
expect "cp -r tree ga1:/tmp/" "$V" cp -r "$T"/tree ga1:/tmp/
[ "$(agent_sh ga1 'cat /tmp/tree/a.txt /tmp/tree/sub/b.txt /tmp/tree/sub/deeper/c.txt' | tr '\n' ' ')" = "one two three " ] \
	&& ok "-r: the tree is in the guest" || bad "-r into: $(agent_sh ga1 'find /tmp/tree' | tr '\n' ' ')"
expect "cp -r ga1:/tmp/tree back" "$V" cp -r ga1:/tmp/tree "$T"/treeback
diff -r "$T"/tree "$T"/treeback >/dev/null && ok "-r: the tree back is the same" || bad "-r back: $(diff -r "$T"/tree "$T"/treeback | head -3)"

"$V" poweroff ga1 >/dev/null
for vm in ga1 ga2; do "$V" delete $vm --disks --yes >/dev/null; done
finish
