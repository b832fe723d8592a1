#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One run of the IOMMU scenario (SPEC §7.4): q35 with an emulated Intel
# IOMMU, the IOMMU on in both kernels, a NIC DMAing when the machine panics;
# does the IOMMU report DMA faults after the panic?
#
#   tests/qemu/iommu-cycle.sh [options] LINE|KVER
#     -m FILE.ko   module under test (none: control run)
#     -a 'ARGS'    its arguments (run-cycle.sh -a)
#     -I DEVICE    the IOMMU (default intel-iommu,intremap=on,caching-mode=on)
#     -c 'WORDS'   extra words for both kernels (default intel_iommu=on)
#     -k 'WORDS'   extra words for the capture kernel only (cq.cappend)
#     -i USEC      interval between frames (default 100000: nobody refills the
#                  256-entry RX ring after the panic, so it lasts about 25 s,
#                  twice what the capture kernel takes to reach its init
#                  under TCG with two QEMUs running)
#     -w SECONDS   the capture init waits this long before powering off,
#                  while the NIC may still DMA (default 3)
#     -o DIR       output directory (default $CQ_CACHE/runs/TIME-KVER-iommu-PID)
#     -T SECONDS   global timeout (default 300)
#
# The e1000e nic1 (behind root port 00:01.0) gets a "-netdev dgram" backend
# fed by tests/qemu/frame-sender from the moment the primary has brought the
# interface up (hook nic-up) until the capture init is done, so the NIC is
# receiving, i.e. writing into its RX ring, when the machine panics and keeps
# doing so after it unless something stops it. QEMU traces vtd_dmar_fault
# (one event per faulting 4-byte access) and the NIC's RX writes into the
# same trace.log as the config writes, so an event's position relative to
# the panic-start marker (0xc0de5a11) tells whether it came after the panic.
# The capture init runs hook iommu (cq.chook=iommu, cq.iommu.wait=SECONDS).
#
# DIR gets run-cycle.sh's files, sender.log, cycle.log and iommu.env:
#   result=pass|fail reason=...  the cycle ran to the end (whatever the counts)
#   fault_lines=N                capture kernel log (serial.log, from its banner
#                                on): lines with "DMAR: [DMA Read", "DMAR: [DMA
#                                Write", "DMAR: DRHD: handling fault" or
#                                "INTR-REMAP"; split into dma_lines, drhd_lines,
#                                intr_remap_lines
#   hook_fault_lines=N           the same count from the capture kernel's own
#                                dmesg (hook iommu), a cross-check
#   primary_fault_lines=N        the same patterns before the crash
#   vtd_faults_after_panic=N     vtd_dmar_fault trace events after panic-start
#   vtd_faults_before_panic=N    and before it
#   rx_after_panic=N             e1000e_rx_written_to_guest events after panic-start
#   rx_after_capture_start=N     of them, after the capture init started (after
#                                the capture kernel's IOMMU init)
#   rx_refused_no_master=N       e1000x_rx_can_recv_disabled with pci_master 0
#                                after panic-start
#   iommu_kernels=N              kernels that brought the IOMMU up ("DMAR:
#                                Intel(R) Virtualization Technology for Directed
#                                I/O"): 2 when both did
#   tables=copied|not-copied|fresh  what the capture kernel did with the crashed
#                                kernel's translation tables
#   ir_table=copied|fresh        and with its interrupt-remapping table
#   frames_offered=N frames_accepted=N   from the sender
#   quiesced= reset= skipped= mismatched= panic_us=   the module's summary line
# Exit status 0 when result=pass.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

module='' modargs='' iommu=intel-iommu,intremap=on,caching-mode=on words=intel_iommu=on
cwords='' interval=100000 wait=3 out='' timeout=300
while getopts 'm:a:I:c:k:i:w:o:T:h' opt; do
	case "$opt" in
	m) module="$(readlink -f "$OPTARG")" ;;
	a) modargs="$OPTARG" ;;
	I) iommu="$OPTARG" ;;
	c) words="$OPTARG" ;;
	k) cwords="$OPTARG" ;;
	i) interval="$OPTARG" ;;
	w) wait="$OPTARG" ;;
	o) out="$OPTARG" ;;
	T) timeout="$OPTARG" ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 ]] || cq_die "usage: $0 [-m KO] [-a ARGS] [-I DEV] [-c WORDS] [-k WORDS] [-i USEC] [-w S] [-o DIR] [-T S] LINE|KVER"
[[ "$cwords" != *';'* ]] || cq_die "-k: ';' is not allowed"
kernel="$1" # the caller's name: two kernels may share a release (the debug one)
cq_kernel_env "$kernel"

sender="$("$CQ_QEMU_DIR/build-tool.sh" "$CQ_QEMU_DIR/frame-sender.c")"

out="$(cq_fresh_dir "$out" iommu)"
sockdir="$(cq_sock_dir "$out" iommu)"
qsock="$sockdir/qemu.sock" hsock="$sockdir/host.sock"

all="$words cq.hook=nic-up cq.chook=iommu cq.iommu.wait=$wait"
[[ -z "$cwords" ]] || all+=" cq.cappend=${cwords// /;}"

cycle_pid='' sender_pid=''
trap 'cq_bg_cleanup "$sockdir" "$out"' EXIT

"$CQ_QEMU_DIR/run-cycle.sh" -o "$out" -T "$timeout" ${module:+-m "$module"} \
	${modargs:+-a "$modargs"} -I "$iommu" -c "$all" \
	-N "dgram,local.type=unix,local.path=$qsock,remote.type=unix,remote.path=$hsock" \
	-e vtd_dmar_fault -e e1000e_rx_written_to_guest -e e1000x_rx_can_recv_disabled \
	"$kernel" >"$out/cycle.log" 2>&1 &
cycle_pid=$!

serial="$out/serial.log" trace="$out/trace.log"
alive() { kill -0 "$cycle_pid" 2>/dev/null; }
# wait_for CMD...: poll CMD every 20 ms while the cycle runs
wait_for() {
	while alive; do
		"$@" && return 0
		sleep 0.02
	done
	"$@"
}

reason=''
if wait_for grep -qs 'CQ-NIC: .* carrier=1' "$serial"; then
	"$sender" -i "$interval" -t "$timeout" -b "$hsock" "cq-iommu-$$" "$qsock" >"$out/sender.log" 2>&1 &
	sender_pid=$!
	wait_for grep -qs 'CQ-MARK: capture-done' "$serial" || true
	kill -TERM "$sender_pid" 2>/dev/null || true
	wait "$sender_pid" || true
	sender_pid=''
else
	reason="the primary's NIC never came up"
fi
rc=0
wait "$cycle_pid" || rc=$?
cycle_pid=''
if [[ -z "$reason" && $rc -ne 0 ]]; then
	reason="cycle failed: $(sed -n 's/^reason=//p' "$out/result.env" 2>/dev/null)"
fi
[[ -f "$serial" ]] || : >"$serial"
[[ -f "$trace" ]] || : >"$trace"

# The capture kernel's log: from the first kernel banner after "CQ-MARK: crashing".
# (No early exit in awk: tr would die of SIGPIPE, and pipefail stop the script.)
tr -d '\r' <"$serial" | awk '/CQ-MARK: crashing/ { c = 1 } c && /Linux version / { k = 1 } k' >"$out/capture.log"
tr -d '\r' <"$serial" | awk '/CQ-MARK: crashing/ { s = 1 } !s' >"$out/primary.log"
fault_re='DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|INTR-REMAP'
# lines RE FILE: lines of FILE matching the extended RE
lines() { grep -acE -- "$1" "$2" || true; }

# Trace events relative to the markers: after panic-start (and after capture-start)
# events EVENT [PATTERN]: "BEFORE AFTER_PANIC AFTER_CAPTURE_START" counts of EVENT lines
events() {
	awk -v ev="$1" -v pat="${2:-}" -v ps="$CQ_MAGIC_PANIC_START" -v cs="$CQ_MAGIC_CAPTURE_USER" '
		/pci_cfg_write/ && / 00:00.0 @0x0 <- / { if ($NF == ps) p = 1; if ($NF == cs) c = 1; next }
		index($0, ":" ev " ") && index($0, pat) { if (c) n2++; if (p) n1++; else n0++ }
		END { print n0 + 0, n1 + 0, n2 + 0 }' "$trace"
}
read -r vtd_before vtd_after _ <<<"$(events vtd_dmar_fault)"
read -r _ rx_after rx_after_cap <<<"$(events e1000e_rx_written_to_guest)"
read -r _ refused _ <<<"$(events e1000x_rx_can_recv_disabled 'pci_master 0')"

tables=fresh
grep -q 'Copied translation tables from previous kernel' "$out/capture.log" && tables=copied
grep -q 'Failed to copy translation tables' "$out/capture.log" && tables=not-copied
ir_table=fresh
grep -q 'Copied IR table' "$out/capture.log" && ir_table=copied

# kv KEY: the last value of a KEY=VALUE word on stdin
kv() { grep -o "\\b$1=[^ ]*" | tail -n1 | cut -d= -f2 || true; }
hook="$(grep -ao 'CQ-IOMMU: dma-lines=.*' "$serial" | tr -d '\r' | tail -n1 || true)"
hook_lines=''
if [[ -n "$hook" ]]; then
	h1="$(kv dma-lines <<<"$hook")" h2="$(kv drhd-lines <<<"$hook")" h3="$(kv intr-remap-lines <<<"$hook")"
	hook_lines=$((${h1:-0} + ${h2:-0} + ${h3:-0}))
fi
# sender KIND KEY: KEY of the sender's last KIND line
sender() { { grep "^$1 " "$out/sender.log" 2>/dev/null || true; } | kv "$2"; }
accepted="$(sender "done" sent)"
blocked="$(sender "done" blocked)"

nums="$(sed -n 's/.*CQ-DMESG: .*pci_crash_quiesce: quiesced \([0-9]*\) functions, reset \([0-9]*\) bridges, skipped \([0-9]*\) (mismatched \([0-9]*\)) in \([0-9]*\) us.*/\1 \2 \3 \4 \5/p' \
	"$serial" | tail -n1)"
read -r quiesced bridges skipped mismatched panic_us <<<"$nums" || true

[[ -n "$reason" || -n "$hook" ]] || reason="no CQ-IOMMU line from the capture kernel"
{
	printf 'kernel=%q\nmodule=%q\nmodargs=%q\niommu=%q\nwords=%q\ncapture_words=%q\n' \
		"$CQ_KVER" "$module" "$modargs" "$iommu" "$words" "$cwords"
	printf 'result=%s\nreason=%q\n' "$([[ -z "$reason" ]] && echo pass || echo fail)" "$reason"
	printf 'fault_lines=%s\ndma_lines=%s\ndrhd_lines=%s\nintr_remap_lines=%s\n' \
		"$(lines "$fault_re" "$out/capture.log")" "$(lines 'DMAR: \[DMA (Read|Write)' "$out/capture.log")" \
		"$(lines 'DMAR: DRHD: handling fault' "$out/capture.log")" "$(lines 'INTR-REMAP' "$out/capture.log")"
	printf 'hook_fault_lines=%s\nprimary_fault_lines=%s\n' "$hook_lines" \
		"$(lines "$fault_re" "$out/primary.log")"
	printf 'vtd_faults_after_panic=%s\nvtd_faults_before_panic=%s\n' "$vtd_after" "$vtd_before"
	printf 'rx_after_panic=%s\nrx_after_capture_start=%s\nrx_refused_no_master=%s\n' \
		"$rx_after" "$rx_after_cap" "$refused"
	printf 'iommu_kernels=%s\ntables=%s\nir_table=%s\n' \
		"$(lines 'DMAR: Intel\(R\) Virtualization Technology for Directed I/O' "$serial")" "$tables" "$ir_table"
	printf 'frames_offered=%s\nframes_accepted=%s\n' "$((${accepted:-0} + ${blocked:-0}))" "${accepted:-0}"
	printf 'quiesced=%s\nreset=%s\nskipped=%s\nmismatched=%s\npanic_us=%s\n' \
		"${quiesced:-}" "${bridges:-}" "${skipped:-}" "${mismatched:-}" "${panic_us:-}"
} >"$out/iommu.env"

what="${module:+module ${modargs:-(default arguments)}}"
if [[ -z "$reason" ]]; then
	cq_log "$CQ_KVER ${what:-control}: tables=$tables fault_lines=$(sed -n 's/^fault_lines=//p' "$out/iommu.env") vtd_faults_after_panic=$vtd_after rx_after_panic=$rx_after ($out)"
else
	cq_log "FAIL: $CQ_KVER: $reason ($out)"
	exit 1
fi
