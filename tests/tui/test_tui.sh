#!/bin/bash
# The TUI driven in tmux (80x24) against the private libvirtd with real tiny
# guests; asserts on the screen and on libvirt's real state.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
S=vdtui$$
# a refresh period far beyond the test's waits: only libvirt's events can
# update the screen in time
export XDG_CONFIG_HOME=$T/config
mkdir -p "$XDG_CONFIG_HOME"/vmdeck
printf '[ui]\nrefresh_ms = 60000\n' > "$XDG_CONFIG_HOME"/vmdeck/vmdeck.ini

screen() { tmux capture-pane -p -t "$S"; }
screen_has() { screen | grep -q -- "$1"; }
# wait_screen SECONDS PATTERN
wait_screen() { local i; for ((i = 0; i < $1 * 10; i++)); do screen_has "$2" && return 0; sleep 0.1; done; return 1; }
row_of() { screen | grep -E "^[ *] $1 "; }
keys() { tmux send-keys -t "$S" "$@"; sleep 0.3; }
N=0
open_tui() {
	# the new session before the old one goes: the server never runs empty,
	# so it never starts exiting under the next new-session
	local old=$S
	N=$((N + 1)); S=vdtui$$-$N
	tmux new-session -d -s "$S" -x 80 -y 24 "bash --norc --noprofile"
	tmux kill-session -t "=$old" 2>/dev/null   # = : exactly this name, not a prefix
	rm -f "$T"/tui.pid
	# the shell's PID becomes vmdeck's by exec: the PID to signal, recorded
	tmux send-keys -t "$S" "ulimit -c 0; export TERM=${TUI_TERM:-xterm-256color} XDG_CONFIG_HOME=$XDG_CONFIG_HOME; sh -c 'echo \$\$ > $T/tui.pid; exec \"\$0\" \"\$@\"' $V $*; echo VMDECK-EXIT=\$?" Enter
	wait_screen 10 "guests" || bad "TUI did not open: $(screen | head -3)"
}

expect "create alpha (running)" "$V" create alpha --memory 128 "${TINY[@]}" --start
expect "create beta (stopped)" "$V" create beta --memory 128 "${TINY[@]}"

open_tui
wait_screen 5 "alpha" && ok "list shows alpha" || bad "no alpha on screen"
row_of beta | grep -q shutoff && ok "beta shown shut off" || bad "beta row: $(row_of beta)"

# start by key: select beta with the filter, press s; the row changes by itself
keys / C-u b e t a Enter
keys s
wait_screen 2 "beta .*running" && ok "s: beta running on screen within 2 s" || bad "beta row after s: $(row_of beta)"
state_is beta running && ok "libvirt: beta really running" || bad "libvirt: beta not running"
# a change made outside the TUI shows up without a key (lifecycle events)
keys / C-u Enter
"$V" poweroff alpha >/dev/null
wait_screen 2 "alpha .*shutoff" && ok "external poweroff of alpha shown within 2 s, no key pressed" \
	|| bad "alpha row after external poweroff: $(row_of alpha)"
# shutdown by key (ACPI in the guest), then the row goes shut off by itself
keys / C-u b e t a Enter
# acpid runs in the guest once it printed its boot marker
wait_for 30 sh -c "grep -q TESTVM-BOOTED '$T/log/qemu/beta-serial.log'" || bad "beta did not boot"
keys d
wait_screen 15 "beta .*shutoff" && ok "d: beta shut off on screen without a key" || bad "beta row after d: $(row_of beta)"
state_is beta shutoff && ok "libvirt: beta really shut off" || bad "libvirt: beta not shut off"
keys / C-u Enter

# the prompt: completion, a command, an unknown command
keys : "info al" Tab
screen | tail -1 | grep -q ":info alpha" && ok "Tab completes a VM name (info alpha)" || bad "completion: $(screen | tail -1)"
keys C-u "create x --network de" Tab
screen | tail -1 | grep -q ":create x --network default" && ok "Tab completes a network name" || bad "network completion: $(screen | tail -1)"
keys C-u "he" Tab
screen | tail -1 | grep -q ":help" && ok "Tab completes a command name" || bad "command completion: $(screen | tail -1)"
keys C-u "set alpha --cpus 2 --config" Enter
wait_screen 5 "vCPUs 2" && ok "prompt: set alpha --cpus 2 --config answered" || bad "prompt set: $(screen | tail -1)"
"$V" info alpha --json >/tmp/vd.i.$$ && js /tmp/vd.i.$$ "j['cpus']['config']==2" && ok "libvirt: alpha has 2 vCPUs configured" || bad "alpha cpus not set"
keys : "frobnicate" Enter
wait_screen 3 "unknown command" && ok "unknown command: error line" || bad "unknown command: $(screen | tail -1)"
screen_has "vmdeck | " && ok "TUI still up after the error" || bad "TUI gone"

# c opens the create wizard (tests/tui/test_wizard.sh walks it); Esc closes it
keys c
wait_screen 3 "Step 1/5: the hypervisor is ready" && ok "c: the create wizard opens on step 1" || bad "c: $(screen | head -4 | tr '\n' '|')"
keys Escape
wait_screen 3 "alpha" && screen_has "vmdeck | " && ok "Esc closes the wizard back to the list" || bad "after Esc: $(screen | head -3 | tr '\n' '|')"
# n: the networks view with the default NAT network and its expected reachability
keys n
wait_screen 3 "default .*nat .*active" && ok "n: networks view lists default (nat, active)" || bad "n: $(screen | head -4 | tr '\n' '|')"
screen_has "outside -> VM  *port forwarding only" && ok "n: the selected mode's reachability shown" || bad "n: no reachability"
screen_has "port forwards on default: none" && ok "n: the network's port forwards line" || bad "n: no forwards line"
# c: create an internal network by keyboard; its reachability is on screen at the y/n
keys c; keys -l tuinet; keys Enter; keys -l internal; keys Enter
wait_screen 3 "create internal network tuinet?" && screen_has "VM -> host  *no" \
	&& ok "n c: internal's reachability shown before the y/n" || bad "n c: $(screen | tail -8 | tr '\n' '|')"
keys y
wait_screen 10 "network tuinet created" && keys q
wait_screen 10 "tuinet .*internal .*active" && ok "n c y: tuinet created and listed" || bad "n c y: $(screen | head -5 | tr '\n' '|')"
"$V" net list --json | grep -q '"tuinet"' && ok "libvirt has tuinet" || bad "tuinet not in libvirt"
keys j; keys x
wait_screen 3 "delete network tuinet?" && keys y
wait_screen 10 "network tuinet deleted" || sleep 1    # one line: the status line
"$V" net list --json | grep -q '"tuinet"' && bad "tuinet still there after x y" || ok "n x y: tuinet deleted"
keys q

# details view: N adds a NIC, U removes one (asks)
nics() { "$V" info alpha --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['nics']))"; }
keys / C-u a l p h a Enter
keys Enter
wait_screen 3 "details of alpha" || bad "no details view"
keys N; keys -l default; keys Enter
wait_for 10 sh -c "[ \"\$('$V' info alpha --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"nics\"]))')\" = 2 ]" \
	&& ok "details N: alpha has a second NIC" || bad "details N: alpha has $(nics) NIC(s)"
keys U; keys -l default; keys Enter
wait_screen 3 "remove alpha's NIC on default?" && keys y
wait_for 10 sh -c "[ \"\$('$V' info alpha --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"nics\"]))')\" = 1 ]" \
	&& ok "details U y: back to one NIC" || bad "details U: alpha has $(nics) NIC(s)"
# details X: a command in the guest through its agent; its output on screen
state_is alpha running || "$V" start alpha >/dev/null
agent_ready alpha 90 || bad "alpha: no agent"
keys X; keys -l "echo tui-exec \$HOME"; keys Enter
wait_screen 15 'tui-exec \$HOME' && ok "details X: the guest's output on screen, the words as typed (no shell)" \
	|| bad "details X: $(screen | tail -2 | tr '\n' '|')"
"$V" poweroff alpha >/dev/null
keys q; keys / C-u Enter

# help lists every key of the key table: what the binary's own ? screen
# shows, page by page, against the KEYS section the same binary generates
tmux resize-window -t "$S" -x 120 -y 40; sleep 0.3
keys "?"
help_text=""
for ((p = 0; p < 12; p++)); do help_text+=$(screen)$'\n'; keys PageDown; done
"$V" help --man | sed -n '/^\.SH KEYS/,/^\.SH /p' > "$T"/keys.man
missing="" n_labels=0
# each ".TP/.B KEY/LABEL (\fICOMMAND\fR)" of the man page is a line "  KEY  LABEL" on the screen
while IFS=$'\t' read -r key label; do
	n_labels=$((n_labels + 1))
	printf -v want "  %-9s %.44s" "$key" "$label"
	grep -qF -- "$want" <<<"$help_text" || missing="$missing [$key $label]"
done < <(grep -A1 '^\.B ' "$T"/keys.man | grep -v '^--' | sed 's/\\-/-/g; s/\\e/\\/g' |
	paste - - | sed 's/^\.B //; s/ (\\fI.*//')
n_views=$(grep -c '^\.SS ' "$T"/keys.man)
[ -z "$missing" ] && [ "$n_labels" -gt 60 ] && ok "? shows all $n_labels keys of the man page's KEYS ($n_views views)" || bad "help misses:$missing"
for h in "The guest list (list):" "Details of a guest (details):" "The snapshot tree of a guest (snapshots):" "Networks (networks):" "Classroom labs (labs):" "The create wizard (wizard):" "Every view (any):"; do
	grep -qF "$h" <<<"$help_text" || missing="$missing [$h]"
done
[ -z "$missing" ] && ok "? has a heading per view" || bad "help headings:$missing"
keys q
tmux resize-window -t "$S" -x 80 -y 24; sleep 0.3

# the footer at 80 columns: each view's main keys, q and ? always
footer() { screen | tail -2 | head -1; }
[[ "$(footer)" == "s start  d stop  Enter info  c new  x del  t snap  : cmd  q quit  ? help" ]] \
	&& ok "80x24 list footer: $(footer)" || bad "list footer: '$(footer)'"
for v in "Enter:details of alpha:a add disk.*q back  ? help" "T:snapshots of alpha:Enter revert  x delete  t take.*q back  ? help" \
	"n:networks:c create  x delete  s start  S stop  Enter info.*q back  ? help" "m:monitor:S sort.*q back  ? help" \
	"L:labs:u up  r reset  D down  e exec  c collect.*q back  ? help"; do
	k=${v%%:*} rest=${v#*:}; title=${rest%%:*} want=${rest#*:}
	keys / C-u a l p h a Enter; keys "$k"
	wait_screen 3 "$title" && footer | grep -q -- "$want" && screen | head -1 | grep -q "| $title\$" \
		&& ok "80x24 $title: title is its name, footer '$(footer | sed 's/  */ /g')'" || bad "$k: title '$(screen | head -1)' footer '$(footer)'"
	keys q
done
keys / C-u Enter

# resize: 100x40 and back to 80x24, the selection stays on the same guest
keys / C-u b e t a Enter / C-u Enter
sel_before=$(tmux capture-pane -p -e -t "$S" | grep -E $'\e\[(0;)?7m' | grep -o 'alpha\|beta' | head -1)
tmux resize-window -t "$S" -x 100 -y 40; sleep 0.5
screen | head -1 | grep -q "^ vmdeck | " && ok "100x40: title intact" || bad "100x40 title: $(screen | head -1)"
[ "$(screen | wc -l)" -eq 40 ] && ok "100x40: 40 lines" || bad "100x40: $(screen | wc -l) lines"
tmux resize-window -t "$S" -x 80 -y 24; sleep 0.5
sel_after=$(tmux capture-pane -p -e -t "$S" | grep -E $'\e\[(0;)?7m' | grep -o 'alpha\|beta' | head -1)
[ -n "$sel_before" ] && [ "$sel_before" = "$sel_after" ] && ok "selection kept across resizes ($sel_after)" \
	|| bad "selection before '$sel_before' after '$sel_after'"
[ "$(screen | grep -c ' vmdeck | ')" -eq 1 ] && screen | sed -n 2p | grep -q "^  NAME" && ok "80x24: one title, header in place (no garbage)" \
	|| bad "80x24 screen: $(screen | head -3 | tr '\n' '|')"

# feedback that stays true: marked guests report "2 of 2 started"; x says
# a running guest is running; o's failure is on the status line and fades
keys / C-u Enter g
keys Space Space
row_of alpha | grep -q '^\*' && row_of beta | grep -q '^\*' && ok "Space marks alpha and beta" || bad "marks: $(row_of alpha) / $(row_of beta)"
keys s
wait_screen 20 "2 of 2 started" && ok "s on two marked guests: '2 of 2 started'" || bad "marked s: $(screen | tail -1)"
state_is alpha running && state_is beta running && ok "libvirt: both running" || bad "marked s: not both running"
keys g Space Space g
keys x
wait_screen 3 "delete alpha (it is running: it is powered off first)?" && ok "x on a running guest says so in the question" || bad "x: $(screen | tail -1)"
keys n
"$V" poweroff alpha >/dev/null; "$V" poweroff beta >/dev/null
wait_screen 5 "beta .*shutoff" || bad "beta not shown shut off"
keys / C-u b e t a Enter
keys o
wait_screen 5 "console beta: the VM is .*not running" \
	&& ok "o on a shut-off guest: its failure on the status line ($(screen | tail -1 | sed 's/  *$//'))" || bad "o: $(screen | tail -1)"
said=$(screen | tail -1)
wait_for 12 sh -c "! tmux capture-pane -p -t '$S' | tail -1 | grep -qF -- '$said'" && ok "the status message fades" || bad "status stayed: $said"
keys / C-u Enter
# Tab lists the candidates when nothing more completes; / filters as you type
keys : "info " Tab
screen | tail -2 | head -1 | grep -q "alpha  beta" && ok ": info Tab lists the guests above the prompt" || bad "Tab list: $(screen | tail -2 | tr '\n' '|')"
keys Escape / b
row_of beta >/dev/null && ! row_of alpha >/dev/null && ok "/ b filters as it is typed (no Enter)" || bad "filter as typed: $(screen | sed -n 3,5p | tr '\n' '|')"
keys Escape
row_of alpha >/dev/null && ok "Esc puts the filter back" || bad "after Esc: $(screen | sed -n 3,5p | tr '\n' '|')"
keys S
screen | sed -n 2p | grep -q "STATE▼" && ok "S: the sorted column is marked (STATE▼)" || bad "sort mark: $(screen | sed -n 2p)"
keys S S S
screen | sed -n 2p | grep -q "NAME▲" && ok "back to NAME▲ after the four sorts" || bad "sort mark: $(screen | sed -n 2p)"

# R names the snapshot it reverts to, resolved when it was pressed: a t
# queued just before (still running: a running guest's memory is saved)
# makes a newer one current, and R still reverts exactly the one it named
expect "create gamma (running, a disk)" "$V" create gamma --memory 256 --disk 1 "${TINY[@]}" --start
expect "snapshot take gamma s1" "$V" snapshot take gamma s1
snaps() { "$V" snapshot list gamma --json | python3 -c "import json,sys; print(' '.join(sorted(s['name']+('*' if s['current'] else '') for s in json.load(sys.stdin))))"; }
keys / C-u g a m m a Enter
tmux send-keys -t "$S" t R
wait_screen 10 "revert gamma to snapshot [^ ]*? y/n" || bad "t R: no question: $(screen | tail -1)"
named=$(screen | tail -1 | sed -n 's/.*revert gamma to snapshot \([^ ]*\)? y\/n.*/\1/p')
[ "$named" = s1 ] && ok "t then R: the question names s1, current when R was pressed" || bad "t R question named '$named'"
keys y
wait_for 60 sh -c "[ \"\$('$V' snapshot list gamma --names | wc -l)\" = 2 ]" || bad "t made no second snapshot: $(snaps)"
wait_screen 60 "reverted to snapshot s1" && [[ " $(snaps) " == *" s1* "* ]] && ok "R reverted exactly s1 after the t made another current ($(snaps))" \
	|| bad "R after t: $(screen | tail -1) / $(snaps)"
keys / C-u Enter

# [keys]: one key rebound in every view, each doing what it was bound to
RB=$T/rebind
mkdir -p "$RB"/vmdeck
cat > "$RB"/vmdeck/vmdeck.ini <<'INI'
[ui]
refresh_ms = 60000
[keys]
z = @networks
details.z = snapshot take %v
snapshots.z = snapshot delete %v %s
monitor.z = @monitor-sort
networks.z = net info %s
labs.z = @help
hosts.z = @help
help.z = @bottom
wizard.F2 = @wizard-close
picker.F3 = @pick-close
any.F5 = @refresh
INI
XDG_CONFIG_HOME=$RB open_tui
n_snaps() { "$V" snapshot list gamma --names | wc -l; }
keys z
wait_screen 3 "| networks$" && ok "[keys] z = @networks: z opens the networks" || bad "list z: $(screen | head -1)"
keys z
wait_screen 5 "| output$" && screen_has "default" && ok "[keys] networks.z = net info %s: the selected network's info" || bad "networks z: $(screen | head -3 | tr '\n' '|')"
keys q q
keys / C-u g a m m a Enter
before=$(n_snaps)
keys Enter z
wait_for 60 sh -c "[ \"\$('$V' snapshot list gamma --names | wc -l)\" -gt $before ]" && ok "[keys] details.z = snapshot take %v: gamma has $(n_snaps) snapshots" || bad "details z: $(n_snaps)"
keys q T
wait_screen 5 "snapshots of gamma" && wait_screen 10 " s1 " || bad "T: $(screen | head -4 | tr '\n' '|')"
keys g z
wait_for 30 sh -c "[ \"\$('$V' snapshot list gamma --names | wc -l)\" -lt $((before + 1)) ]" && ok "[keys] snapshots.z = snapshot delete %v %s: the selected one is gone" || bad "snapshots z: $(n_snaps) left"
keys q m z
wait_screen 3 "monitor sorted by memory" && ok "[keys] monitor.z = @monitor-sort" || bad "monitor z: $(screen | tail -1)"
keys q L z
wait_screen 3 "| help$" && ok "[keys] labs.z = @help" || bad "labs z: $(screen | head -1)"
keys z
wait_screen 3 "version" && ok "[keys] help.z = @bottom: the last page of help" || bad "help z: $(screen | tail -4 | tr '\n' '|')"
keys q q H z
wait_screen 3 "| help$" && ok "[keys] hosts.z = @help" || bad "hosts z: $(screen | head -1)"
keys q q c
wait_screen 3 "Step 1/5" && keys Enter Down Enter
wait_screen 3 "start from profile: type to filter" && keys F3
wait_screen 3 "Step 2/5" && ! screen_has "type to filter" && ok "[keys] picker.F3 = @pick-close: the list closed, still step 2" || bad "picker F3: $(screen | sed -n 3,5p | tr '\n' '|')"
keys F2
wait_screen 3 "| guests$" && ok "[keys] wizard.F2 = @wizard-close: back to the list" || bad "wizard F2: $(screen | head -1)"
keys F5
wait_screen 3 "refreshing" && ok "[keys] any.F5 = @refresh" || bad "F5: $(screen | tail -1)"
keys F7
wait_screen 3 "key F7 does nothing in list" && ok "an unbound key is named as typed (F7)" || bad "F7: $(screen | tail -1)"
keys "?"
help_text=""
for ((p = 0; p < 12; p++)); do help_text+=$(screen)$'\n'; keys PageDown; done
grep -A30 "^Details of a guest (details):" <<<"$help_text" | grep -qF "  z         snapshot take %v" \
	&& ok "? lists the rebound details.z under its view with its command" || bad "? rebound: $(grep -c ' z  ' <<<"$help_text")"
keys q

# the monitor's sparklines at every terminal kind: Unicode where it can,
# ASCII under LANG=C and vt100, never blank; NO_COLOR has no colour
for env in "TERM=xterm-256color" "TERM=screen-256color" "TERM=vt100" "NO_COLOR=1" "LANG=C LC_ALL=C"; do
	for size in 80x24 120x40; do
		tmux kill-session -t "=$S-env" 2>/dev/null
		tmux new-session -d -s "$S-env" -x "${size%x*}" -y "${size#*x}" "env $env XDG_CONFIG_HOME=$XDG_CONFIG_HOME $V; sleep 30"
		tmux send-keys -t "$S-env" m
		got=""
		for ((i = 0; i < 50; i++)); do
			got=$(tmux capture-pane -p -t "$S-env" | grep -E '^gamma ' | head -1)
			[[ "$got" =~ gamma\ +[0-9.]+\ +[^\ ] ]] && break
			sleep 0.2
		done
		lines=$(tmux capture-pane -p -t "$S-env" | wc -l)
		[[ "$got" =~ gamma\ +[0-9.]+\ +[^\ ] ]] && [ "$lines" = "${size#*x}" ] && ok "$env $size: monitor row with its sparkline ('${got:0:40}')" \
			|| bad "$env $size: monitor row '$got' ($lines lines)"
		if [[ $env == LANG=C* ]]; then
			! tmux capture-pane -p -t "$S-env" | grep -q $'\u2581\|\u2588\|\u25b6' && ok "$env: ASCII only" || bad "$env: Unicode drawn"
		fi
	done
done
tmux kill-session -t "=$S-env" 2>/dev/null

# small terminals: below what a view needs it says so; rows never spill
tmux resize-window -t "$S" -x 34 -y 7; sleep 0.3
screen | tr -d '\n' | grep -q "too small for list" && ok "34x7: the list says the terminal is too small" || bad "34x7: $(screen | tr '\n' '|')"
tmux resize-window -t "$S" -x 44 -y 12; sleep 0.3
[ "$(screen | grep -c '^  gamma')" -le 1 ] && ! screen | grep -q '^ *[0-9]* *[0-9.]* [KMG]iB' && ok "44x12: each guest on one row" || bad "44x12: $(screen | tr '\n' '|')"
tmux resize-window -t "$S" -x 80 -y 24; sleep 0.3
"$V" poweroff gamma >/dev/null 2>&1
open_tui

# quitting with q leaves a working shell
keys q
wait_screen 5 "VMDECK-EXIT=0" && ok "q quits with status 0" || bad "q: $(screen | tail -2)"

# --readonly: s on a stopped guest is refused, the guest stays off
open_tui --readonly
keys / C-u b e t a Enter
keys s
wait_screen 3 "read-only connection: cannot start beta" && ok "--readonly: s refused with a message" || bad "readonly: $(screen | tail -1)"
sleep 1
state_is beta shutoff && ok "--readonly: beta still shut off" || bad "--readonly: beta changed"
screen_has "READ-ONLY" && ok "--readonly shown in the title" || bad "no READ-ONLY in title"

# SIGTERM leaves the terminal sane: canonical mode, echo, cursor visible; and
# vmdeck ends as a program killed by it does (128+15)
stty_sane() {
	keys "stty -a | tr ' ' '\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '; echo" Enter
	sleep 0.3
	screen | grep -q "^icanon echo"
}
for term in xterm-256color screen-256color tmux-256color vt100 linux; do
	TUI_TERM=$term open_tui
	pid=$(cat "$T"/tui.pid 2>/dev/null)
	[ -n "$pid" ] && kill -TERM "$pid"
	wait_screen 5 "VMDECK-EXIT=143" && ok "TERM=$term: SIGTERM exits cleanly (143)" || bad "TERM=$term: no clean exit: $(screen | tail -2 | tr '\n' '|')"
	stty_sane && ok "TERM=$term: stty sane (icanon echo)" || bad "TERM=$term: stty: $(screen | tail -3 | tr '\n' '|')"
	[ "$(tmux display -p -t "$S" '#{cursor_flag}')" = 1 ] && ok "TERM=$term: cursor visible" || bad "TERM=$term: cursor hidden"
done
# signals whose default is death (Ctrl-\ is SIGQUIT) restore the terminal from
# the handler itself, then die by the signal: 128+N, echo back, cursor back
for sig in HUP:129 QUIT:131 USR1:138 ALRM:142; do
	open_tui
	pid=$(cat "$T"/tui.pid 2>/dev/null)
	[ -n "$pid" ] && kill -"${sig%:*}" "$pid"
	wait_screen 5 "VMDECK-EXIT=${sig#*:}" && ok "SIG${sig%:*}: vmdeck ends with ${sig#*:}" || bad "SIG${sig%:*}: $(screen | tail -2 | tr '\n' '|')"
	stty_sane && ok "SIG${sig%:*}: stty sane (icanon echo)" || bad "SIG${sig%:*}: stty: $(screen | tail -3 | tr '\n' '|')"
	[ "$(tmux display -p -t "$S" '#{cursor_flag}')" = 1 ] && ok "SIG${sig%:*}: cursor visible" || bad "SIG${sig%:*}: cursor hidden"
done
tmux kill-session -t "$S" 2>/dev/null
"$V" poweroff beta >/dev/null 2>&1
finish
