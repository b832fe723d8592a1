# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared scenario helpers of the scripts in tests/e2e/ and of
# tests/debug-kernel/run.sh. Sourced, not run, after the caller set ROOT (the
# repository) and, if it wants another than out/e2e, CQ_E2E_OUT (where run
# directories go). Brings tests/lib/tap.sh, and Q (tests/qemu).

# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"
Q="$ROOT/tests/qemu"
OUT="${CQ_E2E_OUT:-$ROOT/out/e2e}"

# cycle NAME KVER TOPO [run-cycle options...] [-- QEMU args...]: one kdump
# cycle into $OUT/NAME
cycle() {
	local name="$1" kver="$2" topo="$3" opts=()
	shift 3
	while [[ $# -gt 0 && "$1" != -- ]]; do
		opts+=("$1")
		shift
	done
	"$Q/run-cycle.sh" -t "$topo" -o "$OUT/$name" "${opts[@]}" "$kver" "$@" >"$OUT/$name.log" 2>&1 || true
}

serial_has() { grep -qF -- "$2" "$OUT/$1/serial.log"; }
no_summary() { ! grep -qE "$summary_re" "$OUT/$1/serial.log"; }
all_conf1() {
	grep -q 'CQ-DEBUGFS: devices: .* access=conf1 ' "$OUT/$1/serial.log" &&
		! grep -q 'CQ-DEBUGFS: devices: .* access=ecam ' "$OUT/$1/serial.log"
}
# writes_between RUN A B: config writes in the trace between magic markers A and B
writes_between() {
	awk -v a="$2" -v b="$3" '
		/pci_cfg_write/ && / 00:00.0 @0x0 <- / { if ($NF == a) on = 1; else if ($NF == b) on = 0; next }
		on && /pci_cfg_write/ { n++ }
		END { print n + 0 }' "$OUT/$1/trace.log"
}
no_dry_run_now_writes() {
	local n
	n="$(writes_between "$1" 0xc0de5a20 0xc0de5a21)"
	[[ "$n" == 0 ]] || { echo "$n config writes during dry_run_now"; return 1; }
}
# check_life NAME: the in-guest life-cycle checks (guest/hooks/lifecycle.sh)
check_life() {
	local name="$1" line
	while IFS= read -r line; do
		case "$line" in
		*"CQ-LIFE: PASS "*) tap_ok "$name: ${line#*CQ-LIFE: PASS }" ;;
		*"CQ-LIFE: FAIL "*) tap_not_ok "$name: ${line#*CQ-LIFE: FAIL }" ;;
		esac
	done < <(tr -d '\r' <"$OUT/$name/serial.log")
	tap_check "$name: life-cycle hook ran to the end" serial_has "$name" "CQ-MARK: hook-done lifecycle"
	tap_check "$name: dry_run_now wrote no config space (trace)" no_dry_run_now_writes "$name"
}
real_run_writes() {
	! grep -qF "(dry run)" "$OUT/$1/serial.log" && grep -q '^panic ' "$OUT/$1/segments.txt"
}
writes_fail() { ! "$Q/check-writes.sh" "$OUT/$1" >/dev/null; }
no_panic_writes() {
	local n
	n="$(grep -c '^panic ' "$OUT/$1/segments.txt")"
	[[ "$n" == 0 ]] || { echo "$n config writes after the panic"; return 1; }
}

# the module's summary line at panic, and as the initramfs harness prints it
summary_line_re='pci_crash_quiesce: quiesced [0-9]+ functions, reset [0-9]+ bridges, skipped [0-9]+ \(mismatched [0-9]+\) in [0-9]+ us, reset [0-9]+ functions, [0-9]+ without reset'
summary_re="CQ-DMESG: .*$summary_line_re"

# check_kdump NAME: scenario 1 checks on a run with the module
check_kdump() {
	local name="$1"
	tap_check "$name: capture kernel up" serial_has "$name" "CQ-MARK: capture-up"
	tap_check "$name: /proc/vmcore readable" serial_has "$name" "CQ-MARK: vmcore-ok"
	tap_check "$name: summary line in the crashed kernel's log (makedumpfile --dump-dmesg)" \
		grep -qE "$summary_re" "$OUT/$name/serial.log"
}

# check_writes NAME [PREFIX]: scenario 2, one TAP line per check-writes.sh
# line (PREFIX: which devices dump is the plan, default CQ-DEBUGFS)
check_writes() {
	local name="$1" line
	while IFS= read -r line; do
		case "$line" in
		PASS\ *) tap_ok "$name: ${line#PASS }" ;;
		FAIL\ *) tap_not_ok "$name: ${line#FAIL }" ;;
		esac
	done < <("$Q/check-writes.sh" "$OUT/$name" "${2:-CQ-DEBUGFS}")
}

# hotplug_cycle NAME KVER [run-cycle options...]: a kdump cycle in which the
# host hot-adds an e1000e behind the empty root port and hot-removes the edu
# through QMP while the guest's hotplug hook waits, before the crash.
hotplug_cycle() {
	local name="$1" kver="$2" pid
	shift 2
	rm -rf "${OUT:?}/$name"
	cycle "$name" "$kver" q35 "$@" -c cq.hook=hotplug &
	pid=$!
	qmp_when_ready "$name" "$pid" "CQ-HOTPLUG: ready" \
		'{"execute":"device_add","arguments":{"driver":"e1000e","id":"hp1","bus":"rp3","romfile":""}}' \
		'{"execute":"device_del","arguments":{"id":"edu1"}}'
	wait "$pid"
}

# qmp_when_ready NAME PID LINE JSON...: once run NAME's serial log has LINE,
# send the QMP commands; record in $OUT/NAME.qmp.log either the replies or
# why nothing was sent ("not sent: ..."), the guest never ready (cycle PID
# over, or 120 s) or no socket. qmp_sent NAME: were they sent, and taken?
qmp_when_ready() {
	local name="$1" pid="$2" line="$3" dir="$OUT/$1" i
	shift 3
	for ((i = 0; i < 1200; i++)); do
		grep -qsF "$line" "$dir/serial.log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -qsF "$line" "$dir/serial.log"; then
		echo "not sent: the guest never said '$line'" >"$dir.qmp.log"
		return 1
	fi
	"$Q/qmp.sh" "$dir" "$@" >"$dir.qmp.log" 2>&1 ||
		{ sed -i '1s/^/not sent or refused: /' "$dir.qmp.log"; return 1; }
}
qmp_sent() { [[ -s "$OUT/$1.qmp.log" ]] && ! grep -q '^not sent' "$OUT/$1.qmp.log"; }
hp_dump_has() { grep -q "CQ-DEBUGFS-HP: devices: $2 " "$OUT/$1/serial.log"; }
first_dump_has() { grep -q "CQ-DEBUGFS: devices: $2 " "$OUT/$1/serial.log"; }
panic_cmd_write() { grep -qE "^panic .* $2 0x4 " "$OUT/$1/segments.txt"; }


# slot: wait until fewer than two background runs are under way (the
# machine has two cores; a run that ends makes room for the next)
slot() {
	while [[ $(jobs -rp | wc -l) -ge 2 ]]; do
		wait -n || true
	done
}

# run_bg SCRIPT NAME KVER [options...] [-- QEMU args...]: run SCRIPT -o
# $OUT/NAME options KVER [-- QEMU args] in the background, logging to
# $OUT/NAME.log; at most two at a time (slot)
run_bg() {
	local script="$1" name="$2" kver="$3" opts=()
	shift 3
	while [[ $# -gt 0 && "$1" != -- ]]; do
		opts+=("$1")
		shift
	done
	slot
	"$script" -o "$OUT/$name" "${opts[@]}" "$kver" "$@" >"$OUT/$name.log" 2>&1 &
}

# env_get FILE KEY: KEY from a KEY=value file (empty if the file is absent)
env_get() {
	[[ -f "$1" ]] || return 0
	# shellcheck source=/dev/null
	(. "$1" && printf '%s' "${!2:-}")
}

# line_module LINE: set kver (LINE's Debian kernel release) and ko (the module
# tests/build-matrix.sh built for it); without the module, report it as a
# failed check and return 1, so that the caller skips the line
line_module() {
	kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$1")"
	ko="$ROOT/out/modules/$kver/pci_crash_quiesce.ko"
	[[ -f "$ko" ]] && return 0
	tap_not_ok "$1: module built" "no $ko: run tests/build-matrix.sh $1"
	return 1
}

# sysfs_tree RUN DIR: the guest's /sys/bus/pci/devices as the sysfsdump hook
# printed it (config, the kernel's text attributes, a VF's physfn link),
# rebuilt in DIR for tools/pcq-plan --sysfs
sysfs_tree() {
	rm -rf "$2"
	mkdir -p "$2"
	python3 - "$OUT/$1/serial.log" "$2" <<'PY'
import os, sys
log, top = sys.argv[1], sys.argv[2]
done = False
for line in open(log, errors="replace"):
    w = line.replace("\r", "").split()
    if len(w) < 2 or w[0] != "CQ-SYSFS:":
        continue
    if w[1] == "done":
        done = True
        continue
    bdf, kind, name = w[1], w[2], w[3]
    os.makedirs(os.path.join(top, bdf), exist_ok=True)
    path = os.path.join(top, bdf, name)
    if kind == "hex":
        open(path, "wb").write(bytes.fromhex(w[4] if len(w) > 4 else ""))
    elif kind == "text":
        open(path, "w").write(" ".join(w[4:]) + "\n")
    elif kind == "link":
        os.symlink(os.path.join("..", w[4]), path)
sys.exit(0 if done else 1)
PY
}

# plan_matches RUN [PCQ-PLAN OPTION...]: tools/pcq-plan on the guest's sysfs
# lists the functions exactly as the module's debugfs did in that guest (its
# devices listing as the guest printed it with the prefix CQ_PLAN_PREFIX,
# default CQ-DEBUGFS)
plan_matches() {
	local run="$1" dir="$OUT/$1.sysfs" prefix="${CQ_PLAN_PREFIX:-CQ-DEBUGFS}"
	shift
	[[ -x "$ROOT/tools/pcq-plan/pcq-plan" ]] || make -s -C "$ROOT" pcq-plan >/dev/null
	sysfs_tree "$run" "$dir" || { echo "no complete CQ-SYSFS dump in $run"; return 1; }
	diff <(grep -a "$prefix: devices: " "$OUT/$run/serial.log" | tr -d '\r' |
		sed "s/^.*$prefix: devices: //") \
		<("$ROOT/tools/pcq-plan/pcq-plan" -q --sysfs "$dir" "$@" 2>&1)
}
