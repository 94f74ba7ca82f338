#!/bin/bash
# The Debian package: built with dpkg-buildpackage from the tracked files,
# lintian without errors, installed with apt on this (root) machine, used as
# an admin would (version, man page, completion, the test driver, the shipped
# profiles with the build tree gone), then removed again. A vmdeck package
# that was installed before is left alone (install and removal are skipped).
cd "$(dirname "$0")/../.." || exit 1
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
OUT=$(mktemp -d /tmp/vmdeck-pkg.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
S=$(date +%s)
if deb=$(scripts/package.sh "$OUT"); then ok "dpkg-buildpackage -us -uc -b: $(basename "$deb") ($(( $(date +%s) - S )) s)"
else bad "the package does not build: $deb"; echo "$PASS passed, $FAIL failed"; exit 1; fi
lintian "$OUT"/*.changes > "$OUT"/lintian.txt 2>&1
grep -v "running with root privileges" "$OUT"/lintian.txt | grep -q '^E: ' \
	&& bad "lintian: $(grep '^E: ' "$OUT"/lintian.txt | head -5 | tr '\n' '|')" \
	|| ok "lintian: no errors ($(grep -c '^W: ' "$OUT"/lintian.txt) warnings)"
dpkg -c "$deb" > "$OUT"/contents.txt
for f in ./usr/bin/vmdeck ./usr/share/man/man1/vmdeck.1.gz ./usr/share/man/man5/vmdeck-lab.5.gz \
	./usr/share/man/man5/vmdeck-profile.5.gz ./usr/share/bash-completion/completions/vmdeck \
	./usr/share/zsh/vendor-completions/_vmdeck ./usr/share/vmdeck/profiles/tiny-linux.ini \
	./usr/share/vmdeck/labs/classroom.ini; do
	grep -q " $f$" "$OUT"/contents.txt && ok "the package holds $f" || bad "no $f in the package"
done
dpkg-deb -f "$deb" Depends | grep -q libvirt-clients && dpkg-deb -f "$deb" Recommends | grep -q libvirt-daemon-system \
	&& dpkg-deb -f "$deb" Suggests | grep -q ovmf && ok "Depends libvirt-clients, Recommends the daemon, Suggests ovmf" \
	|| bad "relations: $(dpkg-deb -f "$deb" Depends Recommends Suggests | tr '\n' '|')"
if dpkg -s vmdeck >/dev/null 2>&1; then
	echo "   (a vmdeck package is installed already: not installing over it)"
else
	if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" >"$OUT"/apt.log 2>&1; then
		ok "apt-get install ./$(basename "$deb")"
		[ "$(/usr/bin/vmdeck version)" = "vmdeck $(dpkg-deb -f "$deb" Version)" ] && ok "vmdeck version" || bad "version: $(/usr/bin/vmdeck version)"
		[ "$(man -w vmdeck 2>/dev/null)" = /usr/share/man/man1/vmdeck.1.gz ] && ok "man -w vmdeck" || bad "man -w: $(man -w vmdeck 2>&1)"
		[ -s /usr/share/bash-completion/completions/vmdeck ] && ok "bash completion installed" || bad "no completion file"
		/usr/bin/vmdeck -c test:///default list --names | grep -qx test && ok "vmdeck -c test:///default list" || bad "list on the test driver"
		# the package's build tree is gone: the profiles come from /usr/share/vmdeck
		env XDG_CONFIG_HOME="$OUT"/none /usr/bin/vmdeck profile list --json > "$OUT"/p.json
		python3 -c "import json,sys; p=json.load(open(sys.argv[1])); sys.exit(0 if len(p)==4 and all(x['shipped'] and not x.get('error') for x in p) else 1)" "$OUT"/p.json \
			&& ok "profile list: the 4 installed profiles" || bad "profile list: $(cat "$OUT"/p.json | tr -d '\n ' | cut -c1-300)"
		DEBIAN_FRONTEND=noninteractive apt-get remove -y -q --purge vmdeck >"$OUT"/apt.log 2>&1 && [ ! -e /usr/bin/vmdeck ] \
			&& ok "apt-get remove --purge vmdeck" || bad "removal: $(tail -2 "$OUT"/apt.log)"
	else
		bad "apt-get install: $(tail -3 "$OUT"/apt.log | tr '\n' '|')"
	fi
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
