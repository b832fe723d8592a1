#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug-kernel tier (SPEC §8): our code applied as the in-tree series to
# the newest Debian linux-source (7.3 today), built in, with lockdep,
# atomic-sleep checks, kmemleak, KUnit and CMA (scripts/build-debug-kernel.sh,
# cached). Checks:
# - the KUnit suite ran at boot and passed (KTAP in the serial log);
# - the in-tree hook: every cycle boots WITHOUT crash_kexec_post_notifiers
#   (and without the trace marker module, whose panic notifier would run
#   before __crash_kexec(); the panic segment of the trace ends at the
#   first gap instead), and the quiesce still runs: summary line, config
#   writes, and no marker frame of the DMA scenario in the dump; a control
#   kernel built without the crash_quiesce() call in __crash_kexec() shows
#   none of that and lets the frames in;
# - the kdump cycle, the hotplug cycle and the life-cycle checks pass, and
#   neither kernel's log has a lockdep report, a sleeping-in-atomic BUG, a
#   WARNING or a kmemleak report of ours;
# - fault injection: the capture kernel comes up, with every planned write
#   made, after a panic while another CPU holds pci_lock or pci_config_lock,
#   from NMI, with a nested panic in the handler; a corrupted snapshot and
#   a too small budget are refused and recorded; a function reading all-ones
#   is skipped and counted;
# - on trees with the crashkernel CMA wait (6.17 on), booted with
#   crashkernel=...,cma: the series says "DMA stopped" when its walk reset
#   every bus master, and then __crash_kexec() does not wait; the panic to
#   capture-kernel times with the wait as it is (the same quiesce, then the
#   wait; and no quiesce at all) are measured, never asserted, and written
#   to out/debug/cma.env.
# One TAP line per check; run directories under out/debug/.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CQ_E2E_OUT="$ROOT/out/debug"
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
mkdir -p "$OUT"

start=$SECONDS
if env_file="$("$ROOT/scripts/build-debug-kernel.sh")"; then
	tap_ok "debug kernel built ($((SECONDS - start)) s, cached by source, fragment and series)"
else
	tap_not_ok "debug kernel built"
	tap_done
	exit 1
fi
# shellcheck source=/dev/null
. "$env_file"
k="$CQ_DEBUG_NAME" # this build's own directory under the kernel cache

# The lookup of a local build by its one name, as on a machine whose cache
# holds nothing else: a new cache with only this build in it. The initramfs
# and the trace marker must be made for it from that name alone (no apt, no
# other entry); its release alone names no kernel there (control).
fresh="$(mktemp -d)"
mkdir -p "$fresh/kernels"
cp -a "$(dirname "$env_file")" "$fresh/kernels/"
# and the build root its gcc-14 builds in: a tool, not a kernel
ln -s "${CQ_CACHE:-$HOME/.cache/crash-quiesce}/build-root" "$fresh/build-root"
lookup() { CQ_CACHE="$fresh" "$Q/$1" "$2" >"$OUT/lookup-$1.log" 2>&1; }
tap_check "a new cache holding only $k: its initramfs is built by its name" \
	lookup mkinitramfs.sh "$k"
tap_check "a new cache holding only $k: its trace marker is built by its name" \
	lookup build-marker.sh "$k"
tap_check "a new cache holding only $k: its release $CQ_KVER names no kernel (control)" \
	eval "! lookup mkinitramfs.sh $CQ_KVER"
rm -rf "$fresh"

# Signatures of the reports that fail the tier, in either kernel's log.
splat_re='WARNING: |BUG: |possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|scheduling while atomic|suspected memory leak|INFO: task .* blocked'
no_splat_file() {
	local hits
	hits="$(grep -E "$splat_re" "$1" | head -5)" || return 0
	echo "$hits"
	return 1
}
no_splat() { no_splat_file "$OUT/$1/serial.log"; }
splat_seen() { ! no_splat_file "$1" >/dev/null; }

sbr_balanced_text() { # the same check on given segment lines
	local d="$OUT/sbr-control"
	mkdir -p "$d"
	printf '%s\n' "$@" >"$d/segments.txt"
	sbr_balanced sbr-control
}
# sbr_balanced NAME: every Secondary Bus Reset asserted after the panic was
# released again
sbr_balanced() {
	awk '$1 == "panic" && $5 == "0x3e" {
		v = $6; sub(/^0x/, "", v); b = index("0123456789abcdef", substr(v, length(v) - 1, 1)) - 1
		if (length(v) < 2) b = 0
		if (int(b / 4) % 2) on[$4] = 1; else on[$4] = 0
	}
	END { for (d in on) if (on[d]) { print d " left in reset"; bad = 1 } exit bad }' "$OUT/$1/segments.txt"
}

# kunit NAME: the pci_crash_quiesce KTAP suite of the first boot
kunit_lines() {
	sed 's/^\[ *[0-9.]*\] //' "$OUT/$1/serial.log" | tr -d '\r' |
		awk '/# Subtest: pci_crash_quiesce/ { on = 1; next }
			on && /^ +(not )?ok [0-9]+ / { print; next }
			on && /^(not )?ok [0-9]+ pci_crash_quiesce/ { print "suite " $0; exit }'
}
# kunit_case LINE: a KTAP result line's case, without its indentation and
# number (a parameterized case is its parameter's description)
kunit_case() { sed -E 's/^ *(not )?ok [0-9]+ //' <<<"$1"; }
check_kunit() {
	local name="$1" line n=0
	while IFS= read -r line; do
		case "$line" in
		suite\ ok*) tap_ok "$name: KUnit suite pci_crash_quiesce passed" ;;
		suite*) tap_not_ok "$name: KUnit suite pci_crash_quiesce passed" "$line" ;;
		*not\ ok*) n=$((n + 1)); tap_not_ok "$name: KUnit $(kunit_case "$line")" ;;
		*ok*) n=$((n + 1)); tap_ok "$name: KUnit $(kunit_case "$line")" ;;
		esac
	done < <(kunit_lines "$name")
	[[ $n -gt 0 ]] || tap_not_ok "$name: KUnit suite pci_crash_quiesce ran at boot"
}

fault_cycle() { # fault_cycle NAME FAULT [run-cycle options...]
	local name="$1" fault="$2"
	shift 2
	cycle "$name" "$k" q35 -K '' -P -n -c "cq.xhook=fault cq.fault=$fault" "$@"
}

nmi_cycle() {
	local name="$1" pid
	rm -rf "${OUT:?}/$name"
	fault_cycle "$name" nmi &
	pid=$!
	qmp_when_ready "$name" "$pid" "CQ-FAULT: ready for nmi" '{"execute":"inject-nmi"}' || true
	wait "$pid"
}

# Each run starts when a slot is free (tests/e2e/lib.sh: two at a time).
# dbg-kdump also boots with a budget too small for the hold: built in, the
# driver falls back to the defaults rather than leave the machine unguarded
slot
cycle dbg-kdump "$k" q35 -K '' -P -n -c "pci_crash_quiesce.budget_ms=3 pci_crash_quiesce.reset_hold_ms=2" &
slot
cycle dbg-life "$k" q35 -K '' -P -n -x boot -c cq.hook=lifecycle &
slot
cycle dbg-nohook "$CQ_DEBUG_CONTROL" q35 -K '' -P -n &
slot
"$Q/dma-cycle.sh" -P -o "$OUT/dbg-dma" "$k" >"$OUT/dbg-dma.log" 2>&1 &
slot
"$Q/dma-cycle.sh" -P -o "$OUT/dbg-dma-nohook" "$CQ_DEBUG_CONTROL" >"$OUT/dbg-dma-nohook.log" 2>&1 &
slot
hotplug_cycle dbg-hotplug "$k" -K '' -P -n &
slot
fault_cycle dbg-pci-lock hold-pci-lock &
slot
fault_cycle dbg-pci-config-lock hold-pci-config-lock &
slot
fault_cycle dbg-nested nested-panic &
slot
fault_cycle dbg-corrupt corrupt-snapshot &
slot
fault_cycle dbg-all-ones "all-ones;01:00.0" &
# the smallest budget a 1 ms hold takes, and the first function of the
# quiesce order (01:00.0) answering 30 ms late: its phase is cut, the bus
# resets keep their share
slot
fault_cycle dbg-budget "slow;01:00.0" -c "pci_crash_quiesce.budget_ms=4 pci_crash_quiesce.reset_hold_ms=1" &
slot
nmi_cycle dbg-nmi &

# The faults the panic path must outlive without blocking kdump. An NVMe on
# the root bus (00:05.0: an FLR, no bus reset reaches it) and one behind a
# root port of its own (00:04.0 -> 04:00.0: a bus reset).
# nvme_root RUN / nvme_port RUN: the QEMU arguments of one of these, with
# a disk image of the run's own (two QEMUs cannot share one)
nvme_root() {
	truncate -s 16M "$OUT/$1-nvme.img"
	nvme=(-drive "file=$OUT/$1-nvme.img,if=none,id=nva,format=raw"
		-device "nvme,drive=nva,serial=cqroot,bus=pcie.0,addr=0x5")
}
nvme_port() {
	truncate -s 16M "$OUT/$1-nvme.img"
	nvme=(-device "pcie-root-port,id=rp4,chassis=4,slot=4,bus=pcie.0,addr=0x4"
		-drive "file=$OUT/$1-nvme.img,if=none,id=nvb,format=raw"
		-device "nvme,drive=nvb,serial=cqport,bus=rp4")
}
# a stopped clock (clocksource=hpet: machine_crash_shutdown() disables the
# HPET) and a Transactions Pending that never clears; its control, the clock
# running
nvme_root dbg-frozen
slot
fault_cycle dbg-frozen "tp-stuck;00:05.0" -c clocksource=hpet -- "${nvme[@]}" &
nvme_root dbg-tp-stuck
slot
fault_cycle dbg-tp-stuck "tp-stuck;00:05.0" -- "${nvme[@]}" &
nvme_port dbg-hold-nested
slot
fault_cycle dbg-hold-nested nested-panic-in-hold -c cq.chook=panicinfo -- "${nvme[@]}" &
slot
fault_cycle dbg-stuck-cpu stuck-cpu &
nvme_port dbg-oops-in-hold
slot
fault_cycle dbg-oops-in-hold oops-in-hold -c cq.chook=panicinfo -- "${nvme[@]}" &
slot
cycle dbg-cpu3 "$k" q35 -K '' -P -n -s 4 -c "cq.xhook=crashcpu cq.crashcpu=3 cq.chook=panicinfo" &
hp_crash_cycle() {
	local pid
	rm -rf "${OUT:?}/dbg-hotplug-crash"
	cycle dbg-hotplug-crash "$k" q35 -K '' -P -n -c cq.xhook=hotplugcrash &
	pid=$!
	qmp_when_ready dbg-hotplug-crash "$pid" "CQ-HOTPLUG: ready" \
		'{"execute":"device_add","arguments":{"driver":"e1000e","id":"hp1","bus":"rp3","romfile":""}}' || true
	wait "$pid"
}
slot
hp_crash_cycle &

# The crashkernel CMA wait (trees that have it): crashkernel=...,cma, the
# series (no wait once the walk stopped every DMA), the same walk followed
# by the wait, no walk at all (the wait as upstream has it), and the series
# with reset=none (parked, not reset: the wait stays).
cma=(-c "crashkernel=96M,cma")
# q35's own SATA controller (ICH9 AHCI, 00:1f.2), left mastering by the
# firmware, has no reset of any kind: the verdict cannot hold with it, as on
# a real machine whose chipset SATA is in use; these runs go without it
nosata=(-- -machine sata=off)
if [[ -n "${CQ_DEBUG_CMA_WAIT:-}" ]]; then
	slot
	cycle dbg-cma "$k" q35 -K '' -P -n "${cma[@]}" "${nosata[@]}" &
	slot
	cycle dbg-cma-wait "$CQ_DEBUG_CMA_WAIT" q35 -K '' -P -n "${cma[@]}" "${nosata[@]}" &
	slot
	cycle dbg-cma-nohook "$CQ_DEBUG_CONTROL" q35 -K '' -P -n "${cma[@]}" "${nosata[@]}" &
	slot
	cycle dbg-cma-parked "$k" q35 -K '' -P -n "${cma[@]}" -c pci_crash_quiesce.reset=none \
		"${nosata[@]}" &
	# the SATA controller there: parked, not reset, the verdict does not hold
	slot
	cycle dbg-cma-sata "$k" q35 -K '' -P -n "${cma[@]}" &
fi
wait

check_kunit dbg-kdump

for run in dbg-kdump dbg-life dbg-nohook dbg-dma dbg-dma-nohook dbg-hotplug dbg-pci-lock \
	dbg-pci-config-lock dbg-nested dbg-corrupt dbg-all-ones dbg-budget dbg-nmi dbg-frozen \
	dbg-tp-stuck dbg-hold-nested dbg-cpu3 dbg-hotplug-crash; do
	tap_check "$run: no lockdep, atomic-sleep, WARNING or leak report in either kernel" no_splat "$run"
done
printf '[ 1.0] WARNING: possible circular locking dependency detected\n' >"$OUT/splat-control.log"
tap_check "the report scan finds a lockdep report (control)" splat_seen "$OUT/splat-control.log"

check_kdump dbg-kdump
check_writes dbg-kdump
post_off() { serial_has "$1" "post_notifiers=N"; }
tap_check "dbg-kdump: booted without crash_kexec_post_notifiers" post_off dbg-kdump
tap_check "dbg-nohook: booted without crash_kexec_post_notifiers" post_off dbg-nohook
tap_check "dbg-nohook (no crash_quiesce() call): capture kernel up" serial_has dbg-nohook "CQ-MARK: capture-up"
tap_check "dbg-nohook: no summary line without the hook (control)" no_summary dbg-nohook
tap_check "dbg-nohook: no config write after the panic (control)" no_panic_writes dbg-nohook
dma_markers() { env_get "$OUT/$1/dma.env" markers; }
tap_check "dbg-dma: the in-tree hook stops the NIC: 0 marker frames in the dump" \
	test "$(dma_markers dbg-dma)" = 0
tap_check "dbg-dma-nohook: without the hook the frames reach the dump (control, $(dma_markers dbg-dma-nohook) markers)" \
	test "$(dma_markers dbg-dma-nohook)" -gt 0 2>/dev/null
check_life dbg-life
tap_check "dbg-hotplug: QMP sent once the guest was ready" qmp_sent dbg-hotplug
tap_check "dbg-hotplug: snapshot updated after device_add/device_del" serial_has dbg-hotplug "CQ-HOTPLUG: snapshot-updated"
tap_check "dbg-hotplug: capture kernel up" serial_has dbg-hotplug "CQ-MARK: capture-up"
tap_check "dbg-hotplug: the hot-added function's Command was written after the panic" panic_cmd_write dbg-hotplug 03:00.0

# Faults that must not change what gets written.
for run in dbg-pci-lock dbg-pci-config-lock dbg-nested dbg-nmi; do
	tap_check "$run: capture kernel up" serial_has "$run" "CQ-MARK: capture-up"
	check_writes "$run"
done
tap_check "dbg-pci-lock: pci_lock was held by another CPU at the panic" serial_has dbg-pci-lock "holds pci_lock with interrupts off"
tap_check "dbg-pci-config-lock: pci_config_lock was held by another CPU at the panic" serial_has dbg-pci-config-lock "holds pci_config_lock with interrupts off"
tap_check "dbg-nested: the nested panic happened" serial_has dbg-nested "injected nested panic inside the handler"
# The panic messages of an NMI panic may never reach the console before the
# kexec jump; the dump has them. The init never got to its own sysrq-c.
nmi_panicked() {
	serial_has dbg-nmi "panic-line=yes" && ! serial_has dbg-nmi "CQ-MARK: crashing"
}
tap_check "dbg-nmi: the NMI was injected once the guest was ready" qmp_sent dbg-nmi
tap_check "dbg-nmi: the panic came from the NMI, not from sysrq-c" nmi_panicked
tap_check "dbg-nmi: summary line in the dump" grep -qE "$summary_re" "$OUT/dbg-nmi/serial.log"

# Faults the walk must refuse or record.
tap_check "dbg-corrupt: capture kernel up" serial_has dbg-corrupt "CQ-MARK: capture-up"
tap_check "dbg-corrupt: the walk refused the snapshot" grep -qE "$summary_re \(aborted: corrupt-snapshot\)" "$OUT/dbg-corrupt/serial.log"
tap_check "dbg-corrupt: no config write after the panic" no_panic_writes dbg-corrupt
tap_check "dbg-all-ones: capture kernel up" serial_has dbg-all-ones "CQ-MARK: capture-up"
tap_check "dbg-all-ones: the function was skipped and counted" grep -qE 'CQ-DMESG: .*skipped [0-9]+ \(mismatched 1\)' "$OUT/dbg-all-ones/serial.log"
tap_check "dbg-all-ones: 01:00.0 got no write" eval "! grep -q '^panic .* 01:00.0 ' '$OUT/dbg-all-ones/segments.txt'"
tap_check "dbg-budget: capture kernel up" serial_has dbg-budget "CQ-MARK: capture-up"
tap_check "dbg-budget: recorded as aborted: budget" grep -qE "$summary_re(, .*)? \(aborted: budget\)" "$OUT/dbg-budget/serial.log"
tap_check "dbg-budget: no Secondary Bus Reset left asserted" sbr_balanced dbg-budget
tap_check "dbg-budget: 01:00.0 answered slowly" serial_has dbg-budget "answers config reads 30 ms late"
tap_check "dbg-budget: the bus resets kept their share of the 4 ms: a root port reset all the same" \
	grep -qE 'CQ-DMESG: .*reset [12] bridges, .*\(aborted: budget\)' "$OUT/dbg-budget/serial.log"
tap_check "dbg-budget: the functions after the slow one, never reached, are counted" \
	grep -qE 'CQ-DMESG: .*, [1-9][0-9]* not reached.*\(aborted: budget\)' "$OUT/dbg-budget/serial.log"
tap_check "dbg-kdump: the bad budget from the command line fell back to the defaults" \
	serial_has dbg-kdump "using reset_hold_ms=2 budget_ms=100 instead"
tap_check "dbg-kdump: ... and the handler ran with them: summary in the dump" \
	grep -qE "$summary_re" "$OUT/dbg-kdump/serial.log"

# summary RUN: the crashed kernel's summary line
summary() { grep -aoE 'CQ-DMESG: .*pci_crash_quiesce: quiesced .*' "$OUT/$1/serial.log" | tail -n1; }
summary_has() { summary "$1" | grep -qF -- "$2"; }

# A stopped clock and a Transactions Pending that never clears: the wait
# ends by its count, the FLR is made, kdump goes on.
tap_check "dbg-frozen: capture kernel up (the wait ended with the clock stopped)" \
	serial_has dbg-frozen "CQ-MARK: capture-up"
tap_check "dbg-frozen: the walk saw the clock stand still" summary_has dbg-frozen ", clock stopped"
tap_check "dbg-frozen: the FLR of 00:05.0 made after the wait" summary_has dbg-frozen "reset 1 functions"
tap_check "dbg-frozen: both root ports still reset" summary_has dbg-frozen "reset 2 bridges"
tap_check "dbg-frozen: no Secondary Bus Reset left asserted" sbr_balanced dbg-frozen
tap_check "dbg-tp-stuck (clock running): capture kernel up, FLR made" \
	summary_has dbg-tp-stuck "reset 1 functions"
tap_check "dbg-tp-stuck: the clock ran (control of 'clock stopped')" \
	eval "! summary_has dbg-tp-stuck 'clock stopped' && summary dbg-tp-stuck | grep -q ."

# A crash inside the bus reset hold: the bridges are released before kdump.
tap_check "dbg-hold-nested: the nested panic came inside the hold" \
	serial_has dbg-hold-nested "injected nested panic inside the reset hold"
tap_check "dbg-hold-nested: capture kernel up" serial_has dbg-hold-nested "CQ-MARK: capture-up"
tap_check "dbg-hold-nested: the interrupted walk released its bus resets" \
	grep -qE 'CQ-DMESG: .*walk interrupted by a crash: released [1-9][0-9]* bus resets' \
	"$OUT/dbg-hold-nested/serial.log"
tap_check "dbg-hold-nested: no Secondary Bus Reset left asserted (trace)" sbr_balanced dbg-hold-nested
tap_check "dbg-hold-nested: the capture kernel finds the disk below the reset root port" \
	grep -q 'CQ-PANIC: disk nvme0n1 bytes=16777216' "$OUT/dbg-hold-nested/serial.log"

# An oops inside the hold, in a panic called from process context with
# panic_on_oops=0, where an oops only kills the task: made a panic by the
# die notifier, it releases the bridges and kdump goes on.
tap_check "dbg-oops-in-hold: the oops came inside the hold, with panic_on_oops=0" \
	serial_has dbg-oops-in-hold "injected oops inside the reset hold, panic_on_oops=0"
tap_check "dbg-oops-in-hold: the die notifier made it a panic" \
	serial_has dbg-oops-in-hold "Oops inside the PCI crash quiesce walk"
tap_check "dbg-oops-in-hold: capture kernel up" serial_has dbg-oops-in-hold "CQ-MARK: capture-up"
tap_check "dbg-oops-in-hold: the interrupted walk released its bus resets" \
	grep -qE 'CQ-DMESG: .*walk interrupted by a crash: released [1-9][0-9]* bus resets' \
	"$OUT/dbg-oops-in-hold/serial.log"
tap_check "dbg-oops-in-hold: no Secondary Bus Reset left asserted (trace)" sbr_balanced dbg-oops-in-hold
tap_check "dbg-oops-in-hold: the capture kernel finds the disk below the reset root port" \
	grep -q 'CQ-PANIC: disk nvme0n1 bytes=16777216' "$OUT/dbg-oops-in-hold/serial.log"

# Other CPUs: one that the crash cannot stop is counted; a panic on CPU 3.
tap_check "dbg-stuck-cpu: a CPU spun in NMI context" serial_has dbg-stuck-cpu "spins in NMI context"
tap_check "dbg-stuck-cpu: capture kernel up" serial_has dbg-stuck-cpu "CQ-MARK: capture-up"
tap_check "dbg-stuck-cpu: the summary says 1 CPU was not stopped" \
	summary_has dbg-stuck-cpu ", 1 CPUs not stopped"
tap_check "dbg-kdump: no CPU reported running (control)" \
	eval "summary dbg-kdump | grep -q . && ! summary_has dbg-kdump 'not stopped'"
tap_check "dbg-cpu3: the panic was raised on CPU 3" grep -q 'CQ-PANIC: cpu=3' "$OUT/dbg-cpu3/serial.log"
tap_check "dbg-cpu3: capture kernel up, summary in the dump" \
	eval "serial_has dbg-cpu3 'CQ-MARK: capture-up' && summary dbg-cpu3 | grep -q ."
tap_check "dbg-cpu3: every other CPU stopped" eval "! summary_has dbg-cpu3 'not stopped'"
check_writes dbg-cpu3

# Hotplug just before the panic: the walk followed one snapshot, the old
# (without 03:00.0, 00:03.0 empty) or the new (03:00.0 quiesced, 00:03.0
# reset), never a mix.
hp_consistent() {
	local d="$OUT/dbg-hotplug-crash" old n new_dev new_rp
	old="$(grep -c 'CQ-DEBUGFS: plan: [0-9]* quiesce ' "$d/serial.log")"
	n="$(summary dbg-hotplug-crash | sed -n 's/.*quiesced \([0-9]*\) functions.*/\1/p')"
	new_dev=0 new_rp=0
	grep -qE '^panic .* 03:00.0 0x4 ' "$d/segments.txt" && new_dev=1
	grep -qE '^panic .* 00:03.0 0x3e ' "$d/segments.txt" && new_rp=1
	echo "plan before: $old functions; the walk quiesced ${n:-?}; 03:00.0 written: $new_dev; 00:03.0 reset: $new_rp"
	[[ -n "$n" ]] && { { [[ $new_dev == 0 && $new_rp == 0 && $n == "$old" ]]; } ||
		{ [[ $new_dev == 1 && $new_rp == 1 && $n == $((old + 1)) ]]; }; }
}
tap_check "dbg-hotplug-crash: QMP sent once the guest was ready" qmp_sent dbg-hotplug-crash
tap_check "dbg-hotplug-crash: capture kernel up" serial_has dbg-hotplug-crash "CQ-MARK: capture-up"
tap_check "dbg-hotplug-crash: the walk followed one snapshot, old or new ($(hp_consistent 2>&1 | head -n1))" \
	hp_consistent
tap_check "a reset left asserted is noticed (control)" eval "! sbr_balanced_text 'panic 0 pcie-root-port 00:01.0 0x3e 0x42'"

# shellcheck source=tests/qemu/lib.sh
. "$Q/lib.sh" # the trace markers
# panic_to_capture RUN: seconds from the sysrq-c to the capture kernel's
# init (the trace markers' host times), or empty
panic_to_capture() {
	local t0 t1
	t0="$(cq_trace_mark_time "$OUT/$1/trace.log" "$CQ_MAGIC_PANIC_START")"
	t1="$(cq_trace_mark_time "$OUT/$1/trace.log" "$CQ_MAGIC_CAPTURE_USER")"
	[[ -n "$t0" && -n "$t1" ]] && awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
}
if [[ -n "${CQ_DEBUG_CMA_WAIT:-}" ]]; then
	for run in dbg-cma dbg-cma-wait dbg-cma-nohook dbg-cma-parked dbg-cma-sata; do
		tap_check "$run: crashkernel CMA reserved" serial_has "$run" "crashkernel CMA reserved"
		tap_check "$run: capture kernel up" serial_has "$run" "CQ-MARK: capture-up"
	done
	tap_check "dbg-cma: the walk reset every bus master: DMA stopped, no CMA wait" \
		grep -qE "$summary_re.*, DMA stopped" "$OUT/dbg-cma/serial.log"
	tap_check "dbg-cma-parked: reset=none only parks them: no 'DMA stopped', the wait stays (control)" \
		eval "summary dbg-cma-parked | grep -q . && ! summary_has dbg-cma-parked 'DMA stopped'"
	tap_check "dbg-cma-sata: q35's SATA controller, mastering with no reset: no 'DMA stopped'" \
		eval "summary dbg-cma-sata | grep -q . && ! summary_has dbg-cma-sata 'DMA stopped'"
	{
		printf 'cma_series_s=%s\n' "$(panic_to_capture dbg-cma)"
		printf 'cma_quiesce_then_wait_s=%s\n' "$(panic_to_capture dbg-cma-wait)"
		printf 'cma_no_quiesce_s=%s\n' "$(panic_to_capture dbg-cma-nohook)"
		printf 'cma_parked_s=%s\n' "$(panic_to_capture dbg-cma-parked)"
		printf 'cma_sata_s=%s\n' "$(panic_to_capture dbg-cma-sata)"
	} >"$OUT/cma.env"
	# measured, not asserted: TCG's times are this machine's
	tap_ok "CMA wait, panic to capture-kernel init (s, measured): $(tr '\n' ' ' <"$OUT/cma.env")"
fi
tap_done
