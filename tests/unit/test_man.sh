#!/bin/bash
# The three man pages: groff finds nothing to warn about (-ww), their headers
# agree (section names, the same "vmdeck VERSION" source), and vmdeck(1) is
# what 'vmdeck help --man' prints (test_cmd checks that against the table).
# Usage: test_man.sh SRCDIR VERSION
set -u
cd "$1" || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
for m in man/vmdeck.1 man/vmdeck-profile.5 man/vmdeck-lab.5; do
	w=$(groff -ww -z -man "$m" 2>&1)
	[ -z "$w" ] && ok "$m: groff -ww is silent" || bad "$m: $w"
	src=$(sed -n 's/^\.TH [^ ]* [0-9] "[^"]*" "\([^"]*\)" "\([^"]*\)"$/\1|\2/p' "$m")
	case $m in *.1) want="vmdeck $2|User Commands" ;; *) want="vmdeck $2|File Formats" ;; esac
	[ "$src" = "$want" ] && ok "$m: header says $want" || bad "$m: header: $(grep '^\.TH' "$m")"
	grep -q '^\.SH SEE ALSO' "$m" && ok "$m: SEE ALSO" || bad "$m: no SEE ALSO"
done
for s in KEYS ENVIRONMENT FILES "EXIT STATUS"; do
	grep -q "^\.SH $s" man/vmdeck.1 && ok "vmdeck.1: $s" || bad "vmdeck.1: no $s section"
done
for v in VMDECK_URI LIBVIRT_DEFAULT_URI XDG_CONFIG_HOME XDG_STATE_HOME NO_COLOR; do
	grep -q "^\.B $v" man/vmdeck.1 && ok "vmdeck.1 ENVIRONMENT: $v" || bad "vmdeck.1: $v not described"
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
