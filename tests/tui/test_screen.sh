#!/bin/bash
# v: the guest's screen drawn in the terminal (tmux 80x24) from libvirt's
# screenshot stream. The tiny guest's VGA text console gets a known pattern
# from inside (its agent writes to /dev/tty0); the picture must be
# non-uniform, change when the guest's screen changes, match the size virsh
# reports, and not be fetched once the view is closed (counted in the trace).
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
export XDG_CONFIG_HOME=$T/config
mkdir -p "$XDG_CONFIG_HOME"/vmdeck
printf '[ui]\nrefresh_ms = 60000\n' > "$XDG_CONFIG_HOME"/vmdeck/vmdeck.ini
TRACE=$T/screen.trace
N=0
S=none

screen() { tmux capture-pane -p -t "$S"; }
screen_has() { screen | grep -q -- "$1"; }
wait_screen() { local i; for ((i = 0; i < $1 * 10; i++)); do screen_has "$2" && return 0; sleep 0.1; done; return 1; }
keys() { tmux send-keys -t "$S" "$@"; sleep 0.3; }
# the picture rows (between the title and the status line), with colours
picture() { tmux capture-pane -p -e -t "$S" -S 1 -E 21; }
shots() { local n; n=$(grep -c '^screenshot ' "$TRACE" 2>/dev/null); echo "${n:-0}"; }
open_tui() {
	local old=$S
	N=$((N + 1)); S=vdscr$$-$N
	tmux new-session -d -s "$S" -x 80 -y 24 "bash --norc --noprofile"
	tmux kill-session -t "=$old" 2>/dev/null
	tmux send-keys -t "$S" "export TERM=$1 XDG_CONFIG_HOME=$XDG_CONFIG_HOME VMDECK_TRACE=$TRACE; $V; echo VMDECK-EXIT=\$?" Enter
	wait_screen 10 "guests" || bad "TUI did not open (TERM=$1)"
	# the list is read after the first frame: v needs a row to act on
	wait_screen 10 " pic " || bad "no pic row (TERM=$1)"
}
# the guest writes TEXT over its whole VGA console (25 lines)
paint() {
	agent_sh pic "printf '\\033[2J\\033[H' > /dev/tty0; for i in \$(seq 24); do echo '$1'; done > /dev/tty0"
}

expect "create pic (VNC by default) and start it" "$V" create pic --memory 128 "${TINY[@]}" --start
expect "create dark --graphics none" "$V" create dark --memory 128 "${TINY[@]}" --graphics none --start
virsh -q -c qemu:///system dumpxml pic | grep -q "<graphics type='vnc'.*listen='127.0.0.1'" \
	&& ok "pic has VNC on the loopback" || bad "pic XML: $(virsh -q -c qemu:///system dumpxml pic | grep -A1 graphics)"
virsh -q -c qemu:///system dumpxml dark | grep -q "<graphics" && bad "dark has graphics" || ok "--graphics none: no graphics element"
wait_for 60 agent_sh pic true || bad "pic's agent did not answer"
paint '#### vmdeck #### vmdeck #### vmdeck #### vmdeck #### vmdeck #### vmdeck ####' \
	&& ok "the guest painted its console" || bad "paint failed"

open_tui xterm-256color
keys / C-u p i c Enter
keys v
wait_screen 10 "screen of pic ([0-9]*x[0-9]*" && ok "v: the title names the guest and its screen size" \
	|| bad "v: $(screen | head -2 | tr '\n' '|')"
virsh -q -c qemu:///system screenshot pic "$T"/pic.img >/dev/null 2>&1
dims=$(python3 -c "
import struct, sys
b = open(sys.argv[1], 'rb').read(64)
if b[:8] == b'\\x89PNG\\r\\n\\x1a\\n':
    print('%dx%d' % struct.unpack('>II', b[16:24]))
else:
    print(b'x'.join(b.split()[1:3]).decode())" "$T"/pic.img)
screen | head -1 | grep -q "screen of pic ($dims," && ok "size matches virsh screenshot ($dims)" \
	|| bad "virsh says $dims; title: $(screen | head -1)"
colours=$(picture | grep -o $'\e\\[[0-9;]*m' | sort -u | wc -l)
[ "$colours" -ge 3 ] && ok "256 colours: the picture is not uniform ($colours distinct colour codes)" \
	|| bad "picture has $colours colour codes"
picture | grep -q $'\u2580' && ok "drawn with upper-half blocks" || bad "no half blocks: $(picture | head -2)"
before=$(picture | md5sum)
paint '                                                                              '
changed=0
for ((i = 0; i < 50; i++)); do
	[ "$(picture | md5sum)" != "$before" ] && { changed=1; break; }
	sleep 0.1
done
[ "$changed" = 1 ] && ok "the picture changed when the guest's screen did (within $((i / 10)).$((i % 10)) s)" \
	|| bad "the picture did not change in 5 s"
n1=$(shots)
wait_for 5 sh -c "[ \$(grep -c '^screenshot pic' '$TRACE') -ge $((n1 + 2)) ]" \
	&& ok "refreshed about once a second while shown" || bad "shots: $n1 then $(shots) after 5 s"
keys v
wait_screen 3 "^  NAME" && ok "v again returns to the list" || bad "v: $(screen | head -2 | tr '\n' '|')"
n2=$(shots)
sleep 3
n3=$(shots)
[ "$n3" -le $((n2 + 1)) ] && ok "no screenshots while the view is closed ($n2 -> $n3 in 3 s)" \
	|| bad "still fetching: $n2 -> $n3"

# a guest without a screen: one clear line, no picture
keys / C-u d a r k Enter
keys v
wait_screen 5 "screenshot of dark" && ok "dark: the error is shown" || bad "dark: $(screen | sed -n 3p)"
keys q
keys q
wait_screen 5 "VMDECK-EXIT=0" || bad "the TUI did not quit"

# no colours (vt100): a greyscale ramp of characters, still not uniform
paint '#### vmdeck #### vmdeck #### vmdeck #### vmdeck #### vmdeck #### vmdeck ####'
open_tui vt100
keys / C-u p i c Enter
keys v
wait_screen 10 "screen of pic (" || bad "vt100: v: $(screen | head -1)"
sleep 1.5
glyphs=$(picture | sed 1d | grep -o . | sort -u | wc -l)
[ "$glyphs" -ge 2 ] && ok "vt100: greyscale characters, $glyphs distinct" || bad "vt100 picture: $(picture | sed -n 5p)"
keys q
keys q
tmux kill-session -t "=$S" 2>/dev/null
"$V" delete pic --disks --yes >/dev/null 2>&1
"$V" delete dark --disks --yes >/dev/null 2>&1
finish
