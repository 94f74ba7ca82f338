#!/bin/bash
# The CLI as an admin scripts it (issue 16): --help/--version, COMMAND --help,
# --json on every kind of command, sorted one-token tables, --names, a typo
# in vmdeck.ini is a warning (help/version/completion never read it), config
# shows where each setting came from, a [keys] binding to nothing is refused.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
export XDG_CONFIG_HOME=$T/config
mkdir -p "$XDG_CONFIG_HOME"/vmdeck
INI=$XDG_CONFIG_HOME/vmdeck/vmdeck.ini
ver=$(sed -n 's/^project(vmdeck VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)

# ---- help and version
for h in --help -h; do
	"$V" $h >/tmp/vd.h.$$ 2>&1; rc=$?
	[ $rc = 0 ] && head -1 /tmp/vd.h.$$ | grep -q "^usage: vmdeck" && grep -q "^Commands:" /tmp/vd.h.$$ \
		&& ok "vmdeck $h prints the overview" || bad "vmdeck $h: rc=$rc $(head -2 /tmp/vd.h.$$ | tr '\n' '|')"
done
[ "$(awk 'length > 80' /tmp/vd.h.$$ | wc -l)" = 0 ] && ok "the overview fits 80 columns" \
	|| bad "lines over 80: $(awk 'length > 80' /tmp/vd.h.$$ | head -2)"
for v in --version -V; do
	[ "$("$V" $v)" = "vmdeck $ver" ] && ok "vmdeck $v: vmdeck $ver" || bad "vmdeck $v: $("$V" $v 2>&1)"
done
"$V" list --help >/tmp/vd.h.$$ 2>&1 && grep -q -- "--all" /tmp/vd.h.$$ && grep -q -- "--names" /tmp/vd.h.$$ \
	&& ok "list --help lists its options" || bad "list --help: $(cat /tmp/vd.h.$$ | tr '\n' '|')"
"$V" net create --help | head -1 | grep -q "^vmdeck net create NET --mode nat|bridged|hostonly|internal \[--subnet" \
	&& ok "net create --help: the required --mode without brackets" || bad "net create --help: $("$V" net create --help | head -1)"
refused "net create without --mode" 2 "$V" net create n9
grep -q "usage: vmdeck net create NET --mode" /tmp/vd.rerr.$$ && ok "... the usage names the required option" || bad "$(cat /tmp/vd.rerr.$$)"
[ "$("$V" help create | awk 'length > 80' | wc -l)" = 0 ] && ok "help create fits 80 columns" || bad "help create is wider"

# ---- --json everywhere: listings, changes, checks, failures
expect "create bravo" "$V" create bravo --memory 128 "${TINY[@]}"
expect "create alpha" "$V" create alpha --memory 192 "${TINY[@]}"
"$V" --json start alpha > /tmp/vd.j.$$
js /tmp/vd.j.$$ "j['name']=='alpha' and j['result']=='ok' and j['exit_code']==0 and any('started' in m for m in j['messages'])" \
	&& ok "start --json: a result object" || bad "start --json: $(cat /tmp/vd.j.$$)"
"$V" --json start nosuchvm > /tmp/vd.j.$$ 2>/tmp/vd.e.$$; rc=$?
[ $rc = 1 ] && js /tmp/vd.j.$$ "j['result']=='error' and 'nosuchvm' in j['error']" && grep -q "^vmdeck: error:" /tmp/vd.e.$$ \
	&& ok "a failed start --json: exit 1, an error object, the error line on stderr" || bad "failed start: rc=$rc $(cat /tmp/vd.j.$$)"
"$V" net create jnet --mode internal --json > /tmp/vd.j.$$ && js /tmp/vd.j.$$ "j['name']=='jnet' and j['result']=='ok'" \
	&& ok "net create --json" || bad "net create --json: $(cat /tmp/vd.j.$$)"
"$V" net info jnet --json > /tmp/vd.j.$$ && js /tmp/vd.j.$$ "isinstance(j['guest_names'], list) and j['reachability']['vm_to_vm']=='yes'" \
	&& ok "net info --json: guest_names an array, the mode's reachability" || bad "net info --json: $(cat /tmp/vd.j.$$)"
"$V" profile check profiles/tiny-linux.ini --json > /tmp/vd.j.$$ && js /tmp/vd.j.$$ "j['result']=='ok'" \
	&& ok "profile check --json" || bad "profile check --json: $(cat /tmp/vd.j.$$)"
"$V" version --json > /tmp/vd.j.$$ && js /tmp/vd.j.$$ "j['version']=='$ver'" && ok "version --json" || bad "version --json"
"$V" net delete jnet --json >/dev/null

# ---- stable text: sorted, one token per column, --names
"$V" list --all > /tmp/vd.l.$$
[ "$(sed -n '2p;3p' /tmp/vd.l.$$ | awk '{print $1}' | tr '\n' ' ')" = "alpha bravo " ] && ok "list is sorted by name" \
	|| bad "list order: $(cat /tmp/vd.l.$$ | tr '\n' '|')"
awk 'NR>1 {print $4}' /tmp/vd.l.$$ | tr '\n' ' ' | grep -qx "192M 128M " && ok "memory is one token (192M)" \
	|| bad "memory column: $(cat /tmp/vd.l.$$ | tr '\n' '|')"
[ "$("$V" list --all --names | tr '\n' ' ')" = "alpha bravo " ] && ok "list --names: one name per line" || bad "--names: $("$V" list --all --names)"
expect "start bravo" "$V" start bravo
for i in 1 2 3; do
	"$V" stats --count 1 --interval 0.2 > /tmp/vd.s.$$
	[ "$(awk '$1=="alpha"||$1=="bravo" {print $1}' /tmp/vd.s.$$ | tr '\n' ' ')" = "alpha bravo " ] || { bad "stats order: $(cat /tmp/vd.s.$$ | tr '\n' '|')"; break; }
	[ $i = 3 ] && ok "stats rows sorted by name, three runs"
done
grep -q "^~" /tmp/vd.s.$$ && bad "the ~ footnote is printed into a pipe" || ok "no ~ footnote when stdout is not a terminal"

# ---- vmdeck.ini: a typo warns with its line, a bad value fails with its line
printf '[connection]\nuri = qemu:///system\n[ui]\nrefesh_ms = 500\n' > "$INI"
"$V" list --names >/tmp/vd.o.$$ 2>/tmp/vd.e.$$; rc=$?
[ $rc = 0 ] && grep -q "^vmdeck: warning: $INI:4: unknown key 'refesh_ms' in \[ui\] (ignored)" /tmp/vd.e.$$ && grep -qx alpha /tmp/vd.o.$$ \
	&& ok "an unknown key: a warning with file:line, the command goes on" || bad "typo: rc=$rc $(cat /tmp/vd.e.$$)"
printf '[ui]\nrefresh_ms = fast\n' > "$INI"
refused "a bad value of a known key" 1 "$V" list
grep -q "$INI:2: \[ui\] refresh_ms 'fast'" /tmp/vd.rerr.$$ && ok "... names file:line" || bad "$(cat /tmp/vd.rerr.$$)"
for c in "help" "version" "completion bash" "--help" "--version"; do
	# shellcheck disable=SC2086
	"$V" $c >/dev/null 2>/tmp/vd.e.$$ && [ ! -s /tmp/vd.e.$$ ] && ok "'vmdeck $c' does not read the broken config" \
		|| bad "'vmdeck $c' with a broken config: $(cat /tmp/vd.e.$$)"
done
printf '[ui]\nrefresh_ms = 700\n[keys]\nb = snapshot take %%v\n' > "$INI"
"$V" config > /tmp/vd.c.$$
grep -qE "^ui.refresh_ms +700 +# $INI:2$" /tmp/vd.c.$$ && grep -qE "^keys.b +snapshot take %v +# $INI:4$" /tmp/vd.c.$$ \
	&& grep -qE "^connection.uri .*# (default|environment)" /tmp/vd.c.$$ && ok "config: each setting with where it came from" \
	|| bad "config: $(cat /tmp/vd.c.$$ | tr '\n' '|')"
"$V" config --json > /tmp/vd.j.$$ && js /tmp/vd.j.$$ "any(s['key']=='ui.refresh_ms' and s['value']=='700' and s['source'].endswith(':2') for s in j['settings'])" \
	&& ok "config --json" || bad "config --json: $(cat /tmp/vd.j.$$)"
"$V" config --sample > "$INI"
"$V" config >/dev/null 2>/tmp/vd.e.$$ && [ ! -s /tmp/vd.e.$$ ] && ok "config --sample is a vmdeck.ini vmdeck reads without a warning" \
	|| bad "the sample: $(cat /tmp/vd.e.$$)"
# a [keys] binding to a command that does not exist: refused at load, with its line
printf '[ui]\nrefresh_ms = 700\n[keys]\nx = frobnicate %%v\n' > "$INI"
script -qec "$V" /dev/null </dev/null >/tmp/vd.t.$$ 2>&1; rc=$?
[ $rc = 1 ] && grep -q "$INI:4: \[keys\] x = frobnicate %v: no such command or action" /tmp/vd.t.$$ \
	&& ok "the TUI refuses a binding to no command, naming file:line" || bad "binding: rc=$rc $(tr -d '\r' </tmp/vd.t.$$ | head -3)"
rm -f "$INI"

"$V" poweroff alpha >/dev/null; "$V" poweroff bravo >/dev/null
for vm in alpha bravo; do "$V" delete $vm --yes >/dev/null; done
finish
