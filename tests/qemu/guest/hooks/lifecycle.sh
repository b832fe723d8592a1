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
# - reset_hold_ms must stay below budget_ms; skip keeps the bridges above
#   the function working; the admin's reset_method is followed on rescan;
# - sysfs remove/rescan of a function updates the snapshot (bus notifier);
#   a root-bus function is forgotten before its removal returns;
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
# wait_gen G: wait (at most 20 s) until a snapshot newer than generation G
# is published; say how long it took
gen() { key published_generation; }
# shellcheck disable=SC2317 # called through check
wait_gen() {
	# shellcheck disable=SC3043 # busybox ash has local
	local i=0
	while [ "$(gen)" -le "$1" ] && [ "$i" -lt 200 ]; do
		usleep 100000
		i=$((i + 1))
	done
	say "INFO generation $1 -> $(gen) after $((i / 10)).$((i % 10)) s"
	[ "$(gen)" -gt "$1" ]
}
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

# a hold that cannot fit half the budget (with its 1 ms margin) is refused,
# whichever is set
dmesg -c >/dev/null
check "reset_hold_ms=50 with budget_ms=100 is refused" not sh -c "echo 50 >$P/reset_hold_ms"
check "... and reset_hold_ms stays 2" test "$(cat "$P/reset_hold_ms")" = 2
check "... with a message saying why" sh -c "dmesg | grep -q 'budget_ms (100) must be at least 102 with reset_hold_ms (50)'"
check "reset_hold_ms=49 with budget_ms=100 is taken (control)" sh -c "echo 49 >$P/reset_hold_ms"
echo 2 >"$P/reset_hold_ms"
check "budget_ms=5 with reset_hold_ms=2 is refused" not sh -c "echo 5 >$P/budget_ms"
check "... and budget_ms stays 100" test "$(cat "$P/budget_ms")" = 100
check "budget_ms=6 with reset_hold_ms=2 is taken (control)" sh -c "echo 6 >$P/budget_ms"
echo 100 >"$P/budget_ms"

# skip keeps the function working: the bridge above it keeps Bus Master
echo 01:00.0 >"$P/skip"
check "skip=01:00.0: devices shows 00:01.0 bus-master=kept" \
	grep -qE '^0000:00:01.0 .* bus-master=kept( |$)' "$D/devices"
check "skip=01:00.0: the plan has 00:01.0 keep Bus Master, for 01:00.0" \
	grep -q 'quiesce 0000:00:01.0 root-port: intx msi.*; keeps bus-master: 0000:01:00.0 below it is skipped' "$D/plan"
check "skip=01:00.0: 00:02.0 still loses Bus Master (control)" \
	grep -q 'quiesce 0000:00:02.0 root-port: bus-master ' "$D/plan"
echo '' >"$P/skip"
check "skip='': 00:01.0 loses Bus Master again" not grep -q 'bus-master=kept' "$D/devices"

# the kernel's reset methods: with its root port skipped, the NIC needs a
# function reset; the admin's reset_method decides which, on the next rescan
NIC="$(readlink -f /sys/bus/pci/devices/0000:01:00.0)"
echo auto >"$P/reset"
echo 00:01.0 >"$P/skip"
m0="$(cat "$NIC/reset_method")"
say "INFO 01:00.0 reset_method: $m0"
r0="$(sed -n 's/^0000:01:00.0 .* reset=\([^ ]*\).*/\1/p' "$D/devices")"
check "01:00.0 gets the kernel's first method ($m0 -> $r0)" \
	test "$r0" = "$(echo "$m0" | cut -d' ' -f1 | sed 's/af_flr/af-flr/')"
g="$(gen)"
echo bus >"$NIC/reset_method"
echo 1 >"$D/rescan"
check "reset_method=bus, rescan: 01:00.0 reset=none:admin" \
	grep -qE '^0000:01:00.0 .* reset=none:admin( |$)' "$D/devices"
check "... the rescan published a new snapshot" test "$(gen)" -gt "$g"
echo default >"$NIC/reset_method"
echo 1 >"$D/rescan"
check "reset_method=default, rescan: 01:00.0 back to $r0" \
	grep -qE "^0000:01:00.0 .* reset=$r0( |\$)" "$D/devices"
echo '' >"$P/skip"

# --- hotplug through the bus notifier ---------------------------------------
n0="$(wc -l <"$D/devices")"
g="$(gen)"
echo 1 >"/sys/bus/pci/devices/$EDU/remove"
check "removing $EDU publishes a new snapshot" wait_gen "$g"
check "removed $EDU leaves devices" not grep -q "^$EDU " "$D/devices"
check "devices has one line less" test "$(wc -l <"$D/devices")" -eq $((n0 - 1))
g="$(gen)"
echo 1 >/sys/bus/pci/rescan
check "rescan publishes a new snapshot" wait_gen "$g"
check "rescanned $EDU is back in devices" grep -q "^$EDU " "$D/devices"
check "devices count restored" test "$(wc -l <"$D/devices")" -eq "$n0"

# A root-bus function: forgotten before its removal returns (its host
# bridge's ECAM window may go next), then dropped by the rebuild.
RP3=0000:00:03.0
g="$(gen)"
echo 1 >"/sys/bus/pci/devices/$RP3/remove"
check "removing root-bus $RP3: a snapshot published before remove returned" test "$(gen)" -gt "$g"
check "removing root-bus $RP3: never listed with an accessor after that" \
	not grep -qE "^$RP3 .* access=(ecam|conf1) action=quiesce" "$D/devices"
g="$(gen)"
echo 1 >/sys/bus/pci/rescan
check "rescan after removing $RP3 publishes a new snapshot" wait_gen "$g"
check "$RP3 is back in devices" grep -q "^$RP3 " "$D/devices"

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
# a hold and budget that do not fit together at load: the defaults, armed
rmmod pci_crash_quiesce
dmesg -c >/dev/null
check "load with budget_ms=3 reset_hold_ms=2 succeeds" insmod "$MOD" budget_ms=3 reset_hold_ms=2
check "... says so and takes the defaults" \
	sh -c "dmesg | grep -q 'using reset_hold_ms=2 budget_ms=100 instead'"
check "... budget_ms reads 100" test "$(cat "$P/budget_ms")" = 100
check "... and the plan is there" grep -q hold "$D/plan"
rmmod pci_crash_quiesce
check "load with budget_ms=6 reset_hold_ms=2 keeps them (control)" insmod "$MOD" budget_ms=6 reset_hold_ms=2
check "... budget_ms reads 6" test "$(cat "$P/budget_ms")" = 6
exit 0
