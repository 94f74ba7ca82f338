#!/bin/bash
# bash completion, driven as bash drives it: COMP_WORDS/COMP_CWORD in,
# COMPREPLY out, from the script 'vmdeck completion bash' prints, against
# libvirt's test driver (VM 'test', network 'default') and the shipped
# profiles and labs. Usage: test_completion.sh PATH/TO/vmdeck
set -u
V=$(realpath "$1")
D=$(mktemp -d /tmp/vmdeck-compl.XXXXXX)
trap 'rm -rf "$D"' EXIT
ln -s "$V" "$D"/vmdeck
export PATH="$D:$PATH" VMDECK_URI=test:///default XDG_CONFIG_HOME="$D"/config
pass=0 fail=0
# shellcheck disable=SC1090
source <(vmdeck completion bash) || { echo "FAIL - the script does not load"; exit 1; }
comp() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _vmdeck; echo "${COMPREPLY[*]}"; }
# check DESC WANT WORDS...: COMPREPLY, sorted and joined, is WANT
check() {
	local d=$1 want=$2 got; shift 2
	got=$(comp "$@" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then pass=$((pass + 1)); echo "ok   - $d"
	else fail=$((fail + 1)); echo "FAIL - $d: got '$got', want '$want'"; fi
}
# has DESC WORD WORDS...: COMPREPLY contains WORD
has() {
	local d=$1 want=$2; shift 2
	if comp "$@" | tr ' ' '\n' | grep -qx -- "$want"; then pass=$((pass + 1)); echo "ok   - $d"
	else fail=$((fail + 1)); echo "FAIL - $d: no '$want' in '$(comp "$@")'"; fi
}
check "a command" "snapshot" vmdeck sn
check "a subcommand" "revert" vmdeck snapshot re
check "a family's subcommands" "add delete list" vmdeck net forward ""
check "a VM name from libvirt" "test" vmdeck start t
check "a VM after global options" "test" vmdeck --json -c test:///default info t
check "a network name" "default" vmdeck net info d
check "an option's choices" "bios uefi" vmdeck create x --firmware ""
check "a network as an option's value" "default" vmdeck create x --network d
check "--accel's values" "auto kvm tcg" vmdeck --accel ""
has "a command's options" "--names" vmdeck list --
has "... and the global ones" "--json" vmdeck list --
check "repeated VMs (stats VM...)" "test" vmdeck stats test t
check "a profile name" "tiny-linux" vmdeck profile show ti
has "a lab name" "classroom" vmdeck lab up cl
check "nothing after the last argument" "" vmdeck delete test ""
check "a command for help" "snapshot" vmdeck help sn
check "a bad shell is refused" "" vmdeck completion x
vmdeck completion fish >/dev/null 2>&1; [ $? = 2 ] && { pass=$((pass + 1)); echo "ok   - completion fish: exit 2"; } \
	|| { fail=$((fail + 1)); echo "FAIL - completion fish"; }
if command -v zsh >/dev/null; then
	vmdeck completion zsh > "$D"/_vmdeck && zsh -n "$D"/_vmdeck && { pass=$((pass + 1)); echo "ok   - the zsh script parses"; } \
		|| { fail=$((fail + 1)); echo "FAIL - zsh script"; }
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
