#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook: the module's process-context life cycle, checked in the guest
# (SPEC §5, §11). One line per check: "CQ-LIFE: PASS name" or
# "CQ-LIFE: FAIL name: why". Run with cq.mode=boot and cq.hook=lifecycle.
#
# - devices matches sysfs: count, IDs, class, type family, parent;
# - dry_run_now records a dry run and writes no config space (the host checks
#   the trace between the markers c0de5a20 and c0de5a21 written around it);
# - every parameter refuses garbage with -EINVAL and a message, and keeps its
#   value; good values re-plan;
# - sysfs remove/rescan of a function updates the snapshot (bus notifier);
# - debugfs files are 0400/0200 and a non-root user can read or write none;
# - unload leaves no debugfs, no ECAM mapping; load/unload cycles leak no
#   mapping.

set -u
D=/sys/kernel/debug/pci_crash_quiesce
P=/sys/module/pci_crash_quiesce/parameters
MOD=/cq/pci_crash_quiesce.ko
EDU=0000:02:00.0

say() { echo "CQ-LIFE: $*" >/dev/console; }
check() {
	name="$1"
	shift
	if "$@" >/dev/null 2>&1; then say "PASS $name"; else say "FAIL $name"; fi
}
# shellcheck disable=SC2317 # called through check
not() { ! "$@"; }

# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh

key() { sed -n "s/^$1=//p" "$D/last_run"; }
ecam_maps() { grep -c '\[pci_crash_quiesce\] .* ioremap' /proc/vmallocinfo; }

# --- devices matches sysfs ---------------------------------------------------
# sysfs_type CLASS: the type family sysfs implies: host bridge, PCI bridge/port,
# or anything else
family() {
	case "$1" in
	0x0600*) echo host ;;
	0x0604* | 0x0609*) echo bridge ;;
	*) echo function ;;
	esac
}
dfamily() {
	case "$1" in
	host-bridge) echo host ;;
	root-port | downstream-port | upstream-port | pci-bridge) echo bridge ;;
	*) echo function ;;
	esac
}
nsys=0
for dev in /sys/bus/pci/devices/*; do
	bdf="${dev##*/}"
	nsys=$((nsys + 1))
	line="$(grep "^$bdf " "$D/devices")"
	ids="$(printf '%04x:%04x' "$(cat "$dev/vendor")" "$(cat "$dev/device")")"
	class="$(cat "$dev/class")"
	type="$(echo "$line" | sed -n 's/.* type=\([^ ]*\) .*/\1/p')"
	check "devices lists $bdf as $ids" test "$(echo "$line" | cut -d' ' -f2)" = "$ids"
	check "devices gives $bdf class $class" test "0x$(echo "$line" | sed -n 's/.* class=\([0-9a-f]*\) .*/\1/p')" = "$class"
	check "devices types $bdf ($type) like sysfs class $class" test "$(dfamily "$type")" = "$(family "$class")"
	parent="$(basename "$(dirname "$(readlink -f "$dev")")")"
	case "$parent" in
	pci????:??) parent=- ;;
	esac
	check "devices gives $bdf parent $parent" grep -q "^$bdf .* parent=$parent " "$D/devices"
done
check "devices has as many lines as sysfs has functions ($nsys)" test "$(wc -l <"$D/devices")" -eq "$nsys"
check "a wrong ID does not match (control)" not test "$(grep '^0000:00:00.0 ' "$D/devices" | cut -d' ' -f2)" = ffff:ffff

names() { for f in "$1"/*; do printf '%s ' "${f##*/}"; done; }
say "INFO debugfs-files: $(names "$D")"
say "INFO parameters: $(names "$P")"

# --- dry_run_now -----------------------------------------------------------
marker c0de5a20
echo 1 >"$D/dry_run_now"
marker c0de5a21
sed 's/^/CQ-LASTRUN-DRY: /' "$D/last_run" >/dev/console
check "dry_run_now records state=dry-run" test "$(key state)" = dry-run
check "dry_run_now makes no config write (config_writes=0)" test "$(key config_writes)" = 0
check "dry_run_now counts the writes a real run would make" not test "$(key planned_writes)" = 0
check "dry_run_now reads config space" not test "$(key config_reads)" = 0
check "dry_run_now rejects 2" not sh -c "echo 2 >$D/dry_run_now"
check "rescan rejects garbage" not sh -c "echo x >$D/rescan"

# --- parameters: garbage refused, value kept --------------------------------
for spec in "enable maybe" "dry_run 2" "msi x" "reset sometimes" "reset BUS" \
	"skip zz:00.0" "skip 01:00.0,,02:00.0" "skip 01:00.8" "skip 12345:1" \
	"reset_hold_ms 0" "reset_hold_ms abc" "reset_hold_ms 1001" "budget_ms 0" \
	"budget_ms 99999999999" "budget_ms -5"; do
	# shellcheck disable=SC2086 # split "name value"
	set -- $spec
	old="$(cat "$P/$1")"
	dmesg -c >/dev/null
	check "$1='$2' is refused" not sh -c "echo '$2' >$P/$1"
	check "$1='$2' leaves $1=$old" test "$(cat "$P/$1")" = "$old"
	check "$1='$2' logs what is accepted" sh -c "dmesg | grep -q 'pci_crash_quiesce: $1: refused .*expected'"
done

# --- good values re-plan ------------------------------------------------------
echo 01:00.0 >"$P/skip"
check "skip=01:00.0 shows skip:user" grep -qE '^0000:01:00.0 .* action=skip:user( |$)' "$D/devices"
check "skip=01:00.0 blocks the reset of 00:01.0" not grep -q 'reset-assert 0000:00:01.0' "$D/plan"
check "skip reads back canonical" test "$(cat "$P/skip")" = 0000:01:00.0
echo '' >"$P/skip"
check "skip='' clears it" grep -qE '^0000:01:00.0 .* action=quiesce( |$)' "$D/devices"
echo none >"$P/reset"
check "reset=none plans no reset" not grep -q reset-assert "$D/plan"
echo bus >"$P/reset"
check "reset=bus plans resets again" grep -q reset-assert "$D/plan"
echo 5 >"$P/reset_hold_ms"
check "reset_hold_ms=5 shows in the plan" grep -q ' hold 5 ms$' "$D/plan"
echo 2 >"$P/reset_hold_ms"

# --- hotplug through the bus notifier ---------------------------------------
n0="$(wc -l <"$D/devices")"
echo 1 >"/sys/bus/pci/devices/$EDU/remove"
sleep 1
check "removed $EDU leaves devices" not grep -q "^$EDU " "$D/devices"
check "devices has one line less" test "$(wc -l <"$D/devices")" -eq $((n0 - 1))
echo 1 >/sys/bus/pci/rescan
sleep 1
check "rescanned $EDU is back in devices" grep -q "^$EDU " "$D/devices"
check "devices count restored" test "$(wc -l <"$D/devices")" -eq "$n0"

# --- permissions --------------------------------------------------------------
for f in devices plan last_run; do
	check "$f is 0400" test "$(stat -c %a "$D/$f")" = 400
done
for f in rescan dry_run_now; do
	check "$f is 0200" test "$(stat -c %a "$D/$f")" = 200
done
# Open the mount up so that only the files' own modes protect them.
mount -o remount,mode=755 /sys/kernel/debug
chmod 755 "$D" 2>/dev/null
mkdir -p /etc
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
check "non-root can list the directory (control)" su -s /bin/sh nobody -c "ls $D"
for f in devices plan last_run; do
	check "non-root cannot read $f" not su -s /bin/sh nobody -c "cat $D/$f"
done
for f in rescan dry_run_now; do
	check "non-root cannot write $f" not su -s /bin/sh nobody -c "echo 1 >$D/$f"
done

# --- kmemleak (debug kernel) -------------------------------------------------
# Blocks younger than 5 s are never reported: let the snapshots freed above
# age first. Only leaks whose allocation trace is ours count.
if [ -w /sys/kernel/debug/kmemleak ]; then
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >/tmp/kmemleak
	say "INFO kmemleak reports $(grep -c '^unreferenced object' /tmp/kmemleak) blocks in all"
	check "kmemleak: no leak allocated by pci_crash_quiesce" \
		not grep -qE 'pcq_|crash_quiesce' /tmp/kmemleak
fi

# --- unload and load/unload cycles ------------------------------------------
if [ ! -e /sys/module/pci_crash_quiesce/initstate ]; then
	say "INFO built in: no unload checks"
	exit 0
fi
if [ "$(uname -m)" = aarch64 ]; then
	# generic ECAM host bridges: the host bridge's own mapping, nothing new
	check "nothing mapped while loaded (the host bridge's ECAM mapping is used)" \
		test "$(ecam_maps)" = 0
else
	# out of tree on x86: each bus of a kernel ECAM window mapped once
	check "ECAM pages are mapped while loaded" not test "$(ecam_maps)" = 0
fi
say "INFO ecam mappings while loaded: $(ecam_maps)"
check "rmmod while armed" rmmod pci_crash_quiesce
check "unload removes debugfs" not test -e "$D"
check "unload unmaps every ECAM page" test "$(ecam_maps)" = 0
i=0
while [ $i -lt 20 ]; do
	insmod "$MOD" || break
	rmmod pci_crash_quiesce || break
	i=$((i + 1))
done
check "20 load/unload cycles" test $i -eq 20
check "no ECAM mapping left after the cycles" test "$(ecam_maps)" = 0
check "reload after the cycles" insmod "$MOD"
check "debugfs back after reload" test -r "$D/devices"
exit 0
