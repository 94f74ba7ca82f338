#!/bin/bash
# Cloud images: `create --cloud-*` builds a cloud-init NoCloud seed (an ISO
# labelled cidata with user-data and meta-data) and attaches it as a CD-ROM.
# The tiny guest reads it as cloud-init's NoCloud datasource does (vmdeck.seed:
# finds the cidata CD, takes its hostname); user-data is parsed here with
# PyYAML's safe_load, as cloud-init parses it. Hostile input changes nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
stage_tiny
SEEDBOOT=(--kernel "$T"/vmlinuz --initrd "$T"/initrd.gz --cmdline "console=ttyS0 quiet vmdeck.seed")
printf 'Correct horse: battery "staple"\n' > "$T"/pw
# a key comment YAML would take apart unquoted
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9vdGVzdGtleWZvcnZtZGVja3Rlc3RzMTIzNDU2 alice: #test [x]\n' > "$T"/key.pub

expect "create c1 --cloud-user alice --cloud-password-file --cloud-ssh-key --cloud-hostname web-1 --start" \
	"$V" create c1 --memory 128 "${SEEDBOOT[@]}" --cloud-user alice --cloud-password-file "$T"/pw \
	--cloud-ssh-key "$T"/key.pub --cloud-hostname web-1 --start
seed=$(virsh -q -c qemu:///system domblklist c1 | awk '$1=="hdc" {print $2}')
[[ "$seed" == */vmdeck/c1-seed.iso ]] && ok "the seed is a volume of the pool on hdc ($seed)" || bad "hdc: '$seed'"
wait_for 60 sh -c "grep -aq 'TESTVM-SEED /dev/sr0 hostname=web-1 files=meta-data,user-data,' '$T/log/qemu/c1-serial.log'" \
	&& ok "the guest found the cidata CD and took its hostname web-1" || bad "guest: $(serial_log c1 | grep -a SEED)"
agent_ready c1 60 || bad "c1: no agent"
[ "$(agent_sh c1 hostname)" = web-1 ] && ok "the guest's hostname is web-1" || bad "hostname: $(agent_sh c1 hostname)"
agent_sh c1 'cat /mnt/seed/user-data' > "$T"/user-data
agent_sh c1 'cat /mnt/seed/meta-data' > "$T"/meta-data
python3 - "$T" <<'PY' && ok "user-data parses as cloud-config (safe_load): user, hashed password, key, agent" || bad "user-data: $(head -c 400 "$T"/user-data)"
import warnings
warnings.simplefilter("ignore")
import crypt, sys, yaml
t = sys.argv[1]
raw = open(t + "/user-data").read()
assert raw.startswith("#cloud-config\n"), raw[:30]
u = yaml.safe_load(raw)
user = u["users"][0]
pw = open(t + "/pw").read().splitlines()[0]
assert user["name"] == "alice" and user["lock_passwd"] is False
assert user["passwd"].startswith("$6$") and crypt.crypt(pw, user["passwd"]) == user["passwd"]
assert pw not in raw                      # only the hash travels
assert user["ssh_authorized_keys"] == [open(t + "/key.pub").read().strip()]
assert u["hostname"] == "web-1" and u["ssh_pwauth"] is True
assert "qemu-guest-agent" in u["packages"]
assert ["systemctl", "enable", "--now", "qemu-guest-agent"] in u["runcmd"]
m = yaml.safe_load(open(t + "/meta-data"))
assert m["local-hostname"] == "web-1" and m["instance-id"].startswith("vmdeck-c1-")
PY

# a plain --cloud-init seed: the VM's name as hostname, no user
expect "create c2 --cloud-init --start" "$V" create c2 --memory 128 "${SEEDBOOT[@]}" --cloud-init --start
wait_for 60 sh -c "grep -aq 'TESTVM-SEED /dev/sr0 hostname=c2 ' '$T/log/qemu/c2-serial.log'" \
	&& ok "c2's seed names it c2" || bad "c2: $(serial_log c2 | grep -a SEED)"

# refusals: one line, nothing created
vols() { virsh -q -c qemu:///system vol-list vmdeck 2>/dev/null | sort; }
names() { "$V" list --all --json | python3 -c "import json,sys; print(sorted(d['name'] for d in json.load(sys.stdin)))"; }
before=$(vols); before_vms=$(names)
refused "a hostname with ';'" "1 2" "$V" create bad1 --memory 64 --cloud-hostname 'web;reboot'
refused "a hostname with a newline" "1 2" "$V" create bad2 --memory 64 --cloud-hostname $'web\nruncmd: [x]'
refused "an upper-case user" "1 2" "$V" create bad3 --memory 64 --cloud-user Root
refused "a key without a user" "1 2" "$V" create bad4 --memory 64 --cloud-ssh-key "$T"/key.pub
printf 'not a key\n' > "$T"/junk.pub
refused "a file that is not a public key" "1 2" "$V" create bad5 --memory 64 --cloud-user bob --cloud-ssh-key "$T"/junk.pub
refused "a missing password file" "1 2" "$V" create bad6 --memory 64 --cloud-user bob --cloud-password-file "$T"/nope
refused "a seed on a linked clone" 2 "$V" create bad7 --linked-to c1 --cloud-init
[ "$(vols)" = "$before" ] && [ "$(names)" = "$before_vms" ] && ok "the refusals created no VM and no seed" \
	|| bad "created: $(names) $(vols | tr '\n' ' ')"

"$V" delete c1 --disks --yes > /tmp/vd.del.$$
grep -q "removed disk .*c1-seed.iso" /tmp/vd.del.$$ && ! vols | grep -q c1-seed \
	&& ok "delete --disks removes the seed vmdeck made" || bad "delete: $(cat /tmp/vd.del.$$)"
"$V" delete c2 --yes >/dev/null
vols | grep -q c2-seed && ok "delete without --disks keeps the seed" || bad "c2's seed went without --disks"
finish
