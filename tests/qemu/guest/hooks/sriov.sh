#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook for the SR-IOV scenario (SPEC §7.9), topology q35-sriov (nvme PF
# at 01:00.0, bundled driver nvme): with VF driver autoprobe off, enable the
# PF's 2 VFs, set Bus Master Enable on each by a 16-bit read-modify-write of
# its Command register through sysfs config (only bit 2 is added), wait until
# the module's snapshot lists both VFs (bus notifier rebuild), dump devices
# and plan again ("CQ-DEBUGFS-SRIOV: devices: ...") and run dry_run_now
# between the trace markers c0de5a24 and c0de5a25 ("CQ-LASTRUN-SRIOV: ...").
# Without the module (control run) it stops after the Bus Master step.
#
#   cq.sriov.vfe=off   then clear the PF's VF Enable behind the kernel's back
#                      (SR-IOV Control, found by walking the extended
#                      capability list) and run dry_run_now again
#                      ("CQ-LASTRUN-VFEOFF: ..."): QEMU removes the VFs, so
#                      their identity can no longer be verified
#
# Other lines: "CQ-SRIOV: ...", e.g.
#   CQ-SRIOV: bme 0000:01:00.1 cmd=0x0000 wrote=0x0004 readback=0x0004

set -u
D=/sys/kernel/debug/pci_crash_quiesce
PF=0000:01:00.0
P=/sys/bus/pci/devices/$PF
say() { echo "CQ-SRIOV: $*" >/dev/console; }
die() {
	say "FAIL $*"
	exit 1
}

# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh


# sriov_cap FILE: offset of the SR-IOV extended capability (ID 0x0010)
sriov_cap() {
	# shellcheck disable=SC3043 # busybox ash has local
	local off=256 n=0 h
	while [ "$off" -ge 256 ] && [ $n -lt 64 ]; do
		h="$(rd32 "$1" "$off")"
		case "$h" in '' | 0 | 4294967295) return 1 ;; esac
		if [ $((h & 0xffff)) -eq 16 ]; then
			echo "$off"
			return 0
		fi
		off=$(((h >> 20) & 0xffc))
		n=$((n + 1))
	done
	return 1
}

vfe="$(cmdline_arg cq.sriov.vfe on)"

# The PF's driver must be bound: sriov_numvfs goes through it.
i=0
while [ "$(basename "$(readlink "$P/driver" 2>/dev/null)")" != nvme ]; do
	[ $i -lt 300 ] || die "no nvme driver on $PF after 30 s"
	usleep 100000
	i=$((i + 1))
done
say "pf $PF driver=nvme totalvfs=$(cat "$P/sriov_totalvfs")"
echo 0 >"$P/sriov_drivers_autoprobe" || die "sriov_drivers_autoprobe"
echo 2 >"$P/sriov_numvfs" || die "echo 2 > sriov_numvfs"
vfs=''
for l in "$P"/virtfn*; do
	vfs="$vfs $(basename "$(readlink "$l")")"
done
say "vfs$vfs"
[ "$(echo "$vfs" | wc -w)" -eq 2 ] || die "expected 2 VFs, got:$vfs"

for vf in $vfs; do
	cfg="/sys/bus/pci/devices/$vf/config"
	c="$(rd16 "$cfg" 4)"
	wr16 "$cfg" 4 $((c | 4))
	say "bme $vf cmd=$(hex4 "$c") wrote=$(hex4 $((c | 4))) readback=$(hex4 "$(rd16 "$cfg" 4)") id=$(printf '0x%08x' "$(rd32 "$cfg" 0)") classrev=$(printf '0x%08x' "$(rd32 "$cfg" 8)")"
done

if [ ! -d "$D" ]; then
	say "no module: done"
	exit 0
fi

i=0
while [ "$(grep -c " pf=$PF\$" "$D/devices")" -lt 2 ]; do
	[ $i -lt 300 ] || die "the snapshot does not list both VFs after 30 s"
	usleep 100000
	i=$((i + 1))
done
say "snapshot-updated after $((i / 10)).$((i % 10)) s"
for f in devices plan; do
	sed "s|^|CQ-DEBUGFS-SRIOV: $f: |" "$D/$f" >/dev/console
done
marker c0de5a24
echo 1 >"$D/dry_run_now" || die "dry_run_now"
marker c0de5a25
sed 's/^/CQ-LASTRUN-SRIOV: /' "$D/last_run" >/dev/console

[ "$vfe" = off ] || exit 0
off="$(sriov_cap "$P/config")" || die "no SR-IOV capability in $PF's config space"
ctl="$(rd16 "$P/config" $((off + 8)))"
wr16 "$P/config" $((off + 8)) $((ctl & ~1))
say "vfe-off $PF sriov-cap=$(printf '0x%03x' "$off") ctrl=$(hex4 "$ctl") wrote=$(hex4 $((ctl & ~1))) readback=$(hex4 "$(rd16 "$P/config" $((off + 8)))")"
for vf in $vfs; do
	say "after vfe-off $vf classrev=$(printf '0x%08x' "$(rd32 "/sys/bus/pci/devices/$vf/config" 8)")"
done
echo 1 >"$D/dry_run_now" || die "dry_run_now"
sed 's/^/CQ-LASTRUN-VFEOFF: /' "$D/last_run" >/dev/console
exit 0
