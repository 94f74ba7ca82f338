#!/bin/bash
# Builds the Debian package from the tracked files, in a directory of its own
# (dpkg-buildpackage writes the .deb beside the source tree, never into it).
#   scripts/package.sh OUTDIR     -> OUTDIR/vmdeck_VERSION_ARCH.deb, lintian's verdict
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:?usage: scripts/package.sh OUTDIR}")
VER=$(sed -n '1s/^vmdeck (\([^)]*\)).*/\1/p' debian/changelog)
mkdir -p "$OUT"
SRC="$OUT/vmdeck-$VER"
rm -rf "$SRC"
mkdir -p "$SRC"
# what git tracks (and new files it does not ignore), as in the working tree;
# outside a git checkout, the tree without build directories and caches
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$SRC"
else
	tar -cf - --exclude='./build*' --exclude='./.cache' --exclude='./obj-*' . | tar -xf - -C "$SRC"
fi
(cd "$SRC" && dpkg-buildpackage -us -uc -b >"$OUT"/build.log 2>&1) || { tail -30 "$OUT"/build.log; exit 1; }
rm -rf "$SRC"
ls "$OUT"/vmdeck_"$VER"_*.deb
