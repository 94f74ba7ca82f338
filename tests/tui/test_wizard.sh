#!/bin/bash
# The create wizard in tmux (80x24), by keyboard only: step 1 makes the
# missing pool, step 2 starts from a profile, picks an OS from libosinfo and an
# ISO by path completion (a directory with a space), step 3 refuses what the
# host cannot give, step 4 runs the real install ISO with its console on
# screen, step 5 shows the installed system booted and the agent's state.
# A second run boots the tiny guest, whose agent answers.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
S=vdwiz$$
export XDG_CONFIG_HOME=$T/config
mkdir -p "$XDG_CONFIG_HOME"/vmdeck "$T/my isos"
cp "$GUESTS"/install/installer.iso "$T/my isos/"
screen() { tmux capture-pane -p -t "$S"; }
screen_has() { screen | grep -q -- "$1"; }
wait_screen() { local i; for ((i = 0; i < $1 * 10; i++)); do screen_has "$2" && return 0; sleep 0.1; done; return 1; }
keys() { tmux send-keys -t "$S" "$@"; sleep 0.3; }
type_text() { tmux send-keys -t "$S" -l "$1"; sleep 0.3; }
field_is() { screen | grep -qE "^  $1 *: $2"; }
tmux kill-session -t "$S" 2>/dev/null
tmux new-session -d -s "$S" -x 80 -y 24 "bash --norc --noprofile"
tmux send-keys -t "$S" "export TERM=xterm-256color XDG_CONFIG_HOME=$XDG_CONFIG_HOME; $V; echo VMDECK-EXIT=\$?" Enter
wait_screen 10 "guests" || bad "TUI did not open"

# step 1: no pool yet; s makes it (host --setup)
virsh -c qemu:///system pool-info vmdeck >/dev/null 2>&1 && bad "a pool exists before the test"
keys c
wait_screen 30 "storage .*pool vmdeck is missing: s makes it" && ok "step 1 says the pool is missing" || bad "step 1: $(screen | sed -n 4,12p | tr '\n' '|')"
screen_has "network .*ok: default (NAT) is active" && screen_has "tcg" && ok "step 1: default network and TCG shown" || bad "step 1 network/accel"
keys s
wait_screen 10 "storage .*ok: pool vmdeck at /var/lib/libvirt/images/vmdeck" && ok "s: the pool is made, step 1 says ok" || bad "after s: $(screen | grep storage)"
virsh -c qemu:///system pool-info vmdeck | grep -q "State: *running" && ok "libvirt: pool vmdeck runs" || bad "no pool in libvirt"

# step 2: checks, a profile, an OS, the ISO by completion
keys Enter
wait_screen 3 "Step 2/5" || bad "no step 2"
keys Enter
wait_screen 2 "name: give the new VM a name" && ok "an empty name is refused" || bad "empty name: $(screen | tail -5 | tr '\n' '|')"
type_text "wiz1"
keys Down Enter
wait_screen 3 "start from profile: type to filter" || bad "no profile list"
type_text "tiny"
keys Enter
wait_screen 2 "profile tiny-linux: small Linux guest" && field_is OS linux2022 && ok "profile tiny-linux fills the answers (OS linux2022)" || bad "profile: $(screen | sed -n 4,16p | tr '\n' '|')"
keys Down Enter
type_text "debian11"
wait_screen 10 "debian11 *Debian 11" || bad "OS list: $(screen | sed -n 4,8p | tr '\n' '|')"
keys Enter
wait_screen 2 "Debian 11 recommends memory 1G" && field_is OS debian11 && ok "OS debian11 chosen; its recommended 1G memory filled in" || bad "OS: $(screen | tail -5 | tr '\n' '|')"
keys Down                      # install from: iso (the default)
keys Down
type_text "$T/my is"
keys Tab
type_text "inst"
keys Tab
field_is "ISO file" "$T/my isos/installer.iso" && ok "Tab completes the ISO path (a directory with a space)" || bad "ISO field: $(screen | grep 'ISO file')"
keys Enter
wait_screen 3 "Step 3/5" && ok "step 2 accepted" || bad "step 2 refused: $(screen | tail -5 | tr '\n' '|')"

# step 3: prefilled from debian11; memory beyond the host is refused
field_is memory 1G && ok "step 3: memory 1G from libosinfo" || bad "memory: $(screen | grep memory)"
keys Down C-u
type_text "999G"
keys Enter
wait_screen 2 "999G of memory exceeds the host's" && screen_has "Step 3/5" && ok "999G refused with the host's memory; still on step 3" || bad "999G: $(screen | tail -5 | tr '\n' '|')"
keys C-u
type_text "128M"
keys Down C-u
type_text "64M"
screen_has "default (nat): private subnet" && screen_has "out->VM port forwarding only" && ok "the chosen network's mode and reachability are shown" || bad "no reachability: $(screen | sed -n 10,18p | tr '\n' '|')"
keys Enter
wait_screen 3 "Step 4/5" && ok "step 3 accepted" || bad "step 3 refused: $(screen | tail -5 | tr '\n' '|')"
screen | sed -n 5,9p | sed 's/^  //' | tr '\n' ' ' | grep -qF "create wiz1 --os debian11 --cpus 1 --memory 128M --iso '$T/my isos/installer.iso' --disk 64M --network default --start" \
	&& ok "step 4 shows the create command it will run (the path quoted)" || bad "command: $(screen | sed -n 4,9p | tr '\n' '|')"
# s: the answers as a profile of the user's
keys s
type_text "wizprof"
keys Enter
wait_screen 3 "saved as profile wizprof" && [ -f "$XDG_CONFIG_HOME/vmdeck/profiles/wizprof.ini" ] && ok "s saves the answers as profile wizprof" || bad "profile save: $(screen | tail -4 | tr '\n' '|')"
"$V" profile check "$XDG_CONFIG_HOME/vmdeck/profiles/wizprof.ini" >/dev/null 2>&1 && ok "the saved profile passes profile check" \
	|| bad "saved profile: $("$V" profile check "$XDG_CONFIG_HOME/vmdeck/profiles/wizprof.ini" 2>&1)"
grep -q '^iso = "'"$T"'/my isos/installer.iso"' "$XDG_CONFIG_HOME/vmdeck/profiles/wizprof.ini" && grep -q '^os = "debian11"' "$XDG_CONFIG_HOME/vmdeck/profiles/wizprof.ini" \
	&& ok "it holds the OS and the ISO" || bad "profile: $(cat "$XDG_CONFIG_HOME/vmdeck/profiles/wizprof.ini")"

# step 4: the install runs with its console on screen
S0=$(date +%s)
keys Enter
wait_screen 20 "installing wiz1: waiting for the installer" && ok "Enter starts the install" || bad "install: $(screen | sed -n 4,8p | tr '\n' '|')"
wait_screen 30 "INSTALLER: writing system.img to /dev/vda" && ok "the installer's console is on screen" || bad "no installer output: $(screen | tail -8 | tr '\n' '|')"
screen_has "graphical console: vnc://127.0.0.1:59" || wait_screen 2 "INSTALLER: done" || true
wait_screen 60 "Step 5/5: guest tools" && ok "the install ended; step 5 ($(( $(date +%s) - S0 )) s)" || bad "no step 5: $(screen | tail -8 | tr '\n' '|')"
screen_has "installed: wiz1 started from its disk, the install media ejected" && ok "step 5: booted from the disk, media ejected" || bad "step 5 text: $(screen | sed -n 4,12p | tr '\n' '|')"
wait_screen 40 "INSTALLED-SYSTEM-BOOTED from disk" && ok "the installed system's marker is on the wizard's console" || bad "no marker on screen"
grep -aq "INSTALLED-SYSTEM-BOOTED from disk" "$T/log/qemu/wiz1-serial.log" && ok "and in wiz1's serial log" || bad "no marker in the log"
screen_has "qemu-guest-agent does not answer yet" && screen_has "apt-get install qemu-guest-agent" \
	&& ok "step 5: the agent does not answer; the Debian command to install it is shown" || bad "agent: $(screen | sed -n 5,10p | tr '\n' '|')"
[ "$(virsh -q -c qemu:///system domblklist wiz1 | awk '$1=="hdc" {print $2}')" = "-" ] && ok "libvirt: hdc is empty" || bad "hdc not ejected"
virsh -c qemu:///system dumpxml wiz1 | grep -q 'libosinfo:os id="http://debian.org/debian/11"\|os id=.http://debian.org/debian/11' && ok "libvirt: wiz1 records libosinfo's debian11" || bad "no OS id in the XML"
keys Enter
wait_screen 3 "NAME.*STATE" && screen | grep -q "^[ *] wiz1 " && ok "Enter closes the wizard; the list shows wiz1" || bad "after the wizard: $(screen | head -4 | tr '\n' '|')"

# a second run, starting from the saved profile: direct kernel boot of the tiny
# guest, whose qemu-guest-agent answers in step 5
keys c
wait_screen 5 "Step 1/5" || bad "wizard again"
keys Enter
type_text "wiz2"
keys Down Enter
type_text "wizprof"
keys Enter
wait_screen 2 "profile wizprof: saved from the create wizard" && ok "the wizard starts from the profile it saved" || bad "wizprof: $(screen | tail -4 | tr '\n' '|')"
keys Down Down Right Right Right     # install from: iso -> import -> linked -> kernel
field_is "install from" "< kernel >" && ok "install from: kernel" || bad "source: $(screen | grep 'install from')"
keys Down
type_text "$T/vmlinu"
keys Tab Down
type_text "$T/initrd.g"
keys Tab Down
type_text "console=ttyS0 quiet"
keys Enter
wait_screen 3 "Step 3/5" || bad "step 2 (kernel): $(screen | tail -5 | tr '\n' '|')"
keys Down Down C-u
type_text "0"
keys Enter
wait_screen 3 "Step 4/5" || bad "step 3 (no disk): $(screen | tail -5 | tr '\n' '|')"
keys Enter
wait_screen 30 "qemu-guest-agent answers, version" && ok "step 5: wiz2's agent answers (version shown)" || bad "wiz2 agent: $(screen | sed -n 4,10p | tr '\n' '|')"
"$V" info wiz2 --json >/tmp/vd.i.$$ && js /tmp/vd.i.$$ "j['memory_mib']['config']==128 and j['disks']==[] or all(d['device']!='disk' for d in j['disks'])" \
	&& ok "libvirt: wiz2 has 128 MiB from the profile and no disk" || bad "wiz2: $(tr -d '\n ' </tmp/vd.i.$$ | cut -c1-300)"
keys Enter q
wait_screen 5 "VMDECK-EXIT=0" && ok "q quits with status 0" || bad "exit: $(screen | tail -3 | tr '\n' '|')"
tmux kill-session -t "$S" 2>/dev/null
for vm in wiz1 wiz2; do "$V" delete $vm --disks --yes >/dev/null 2>&1; done
finish
