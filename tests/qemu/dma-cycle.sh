#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One run of a DMA scenario: does a NIC still write into the crashed
# kernel's memory, or fault in an IOMMU, once the capture kernel is booting?
# (SPEC §7 scenarios 3, 4, 11, 13, 14, 16.)
#
#   tests/qemu/dma-cycle.sh [options] LINE|KVER|NAME [-- extra QEMU args]
#     -m FILE.ko   module under test (none: control run)
#     -a 'ARGS'    its arguments (run-cycle.sh -a)
#     -o DIR       output directory (default $CQ_CACHE/runs/TIME-NAME-dma-PID)
#     -i USEC      interval between frames (default 3000; with -S up 100000:
#                  nobody refills the 256-entry RX ring after the panic, so it
#                  lasts about 25 s, twice what the capture kernel takes to
#                  reach its init under TCG with two QEMUs running)
#     -T SECONDS   global timeout (default 300)
#     -v           the capture kernel lists every match (CQ-DMA-MATCH: lines)
#     -c 'WORDS'   extra words for both kernels (e.g. cq.dma.kmods=e1000e
#                  cq.dma.up=1: the capture kernel loads the NIC's driver
#                  first, see guest/hooks/dma.sh; intel_iommu=on)
#     -k 'WORDS'   extra words for the capture kernel only (cq.cappend)
#     -w SECONDS   the capture kernel waits this long before its scan, the
#                  crashed kernel's devices still running (cq.dma.wait)
#     -C a,b       more modules for the capture initramfs (run-cycle.sh -C)
#     -K a,b       the primary's NIC driver modules (default e1000e)
#     -t TOPO      run-cycle.sh's topology (default: q35; virt for an arm64
#                  LINE such as 6.12-arm64, or virt-uefi)
#     -I DEVICE    an IOMMU (run-cycle.sh -I), e.g. intel-iommu,intremap=on
#     -e EVENT     one more QEMU trace event to count (e.g. vtd_dmar_fault,
#                  smmuv3_record_event, amdvi_page_fault); repeatable
#     -S WHEN      when the frames start: capture (default: once the capture
#                  kernel is booting) or up (as soon as the primary's NIC is
#                  up, so that it is receiving when the machine panics; the
#                  frames carry another marker until the capture kernel is
#                  booting, and only the marker sent from then on is counted)
#     -P           no crash_kexec_post_notifiers and no panic-end marker
#                  (run-cycle.sh -P -n): for a kernel with the in-tree hook,
#                  which runs after the panic notifiers; the sender then
#                  starts on the capture kernel's banner alone, and the
#                  trace counts start at the panic-start marker
#
# nic1 gets a "-netdev dgram" backend whose other end is a unix socket of
# tests/qemu/frame-sender. The primary kernel brings the interface up (hook
# nic-up: RX ring armed, no address) and crashes. The sender sends broadcast
# frames carrying a random marker until the capture init has counted it.
# The capture init (hook dma) counts the marker in /proc/vmcore, then its
# own IOMMU fault lines. The marker reaches it only through QEMU's fw_cfg
# (opt/cq/marker), which the crashed kernel never read: it appears on no
# guest command line and in no guest file.
#
# DIR gets run-cycle.sh's files, sender.log, cycle.log, capture.log (the
# capture kernel's part of serial.log), primary.log and dma.env:
#   result=pass|fail reason=...   the cycle ran to the end and the count is there
#   markers=N                     marker copies found in /proc/vmcore, each physical
#                                 address once (guest/vmcore-count.c)
#   marker_aliases=N              further copies: the same memory seen twice through
#                                 the kernel image's own PT_LOAD
#   marker_where=MIB:N,...        where the copies are, by MiB of physical memory
#   frames_offered=N              frames the host tried to send with the marker
#   frames_accepted=N             of them, taken by QEMU's socket; the others found
#                                 it full: QEMU stops reading when the NIC cannot
#                                 receive (ring full, Bus Master off, reset)
#   frames_before_scan=N          offered before the capture kernel's scan began
#   rx_to_guest_after_panic=N     QEMU trace: frames the NIC wrote to guest memory
#                                 after the panic (-end marker, -P: -start), up to
#                                 the scan's end
#   rx_refused_no_master=N        QEMU trace, same window: receive refused because
#                                 Bus Master was off
#   rx_after_capture_start=N      frames written after the capture init started
#   ev_EVENT_before=N ev_EVENT_after_panic=N   each -e event, before the
#                                 panic-start marker, and after the panic path
#                                 (the -end marker, -P: -start): between the two
#                                 the devices run until the quiesce stops them
#   fault_lines=N                 the capture kernel's IOMMU fault lines (serial.log):
#                                 dma_lines drhd_lines intr_remap_lines (Intel),
#                                 amdvi_lines (AMD-Vi events), smmu_lines (SMMUv3)
#   hook_fault_lines=N            the same from the capture kernel's own dmesg
#   primary_fault_lines=N         the same patterns before the crash
#   iommu_kernels=N               kernels that brought an IOMMU up (2: both did)
#   tables=copied|not-copied|fresh  Intel: what the capture kernel did with the
#                                 crashed kernel's translation tables
#   ir_table=copied|fresh         and with its interrupt-remapping table
#   vmcore_bytes=N scan_s=S       size of /proc/vmcore, time to scan it
#   quiesced= reset= skipped= mismatched= panic_us=   from the summary line
#                                 (empty without the module)
#   send_delay_s=S                panic marker to the first marked frame
#   flow_before_scan_s=S          first marked frame to the start of the scan
# Exit status 0 when result=pass (whatever the count: the caller judges it).

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

module='' modargs='' out='' interval='' timeout=300 words='cq.hook=nic-up cq.chook=dma'
cwords='' wait=0 nopost=() cmods='' topo=() pmods=e1000e iommu=() events=() when=capture
while getopts 'm:a:o:i:T:vc:k:w:C:K:t:I:e:S:Ph' opt; do
	case "$opt" in
	m) module="$(readlink -f "$OPTARG")" ;;
	a) modargs="$OPTARG" ;;
	o) out="$OPTARG" ;;
	i) interval="$OPTARG" ;;
	T) timeout="$OPTARG" ;;
	v) words+=' cq.dmaverbose=1' ;;
	c) words+=" $OPTARG" ;;
	k) cwords+=" $OPTARG" ;;
	w) wait="$OPTARG" ;;
	C) cmods="$OPTARG" ;;
	K) pmods="$OPTARG" ;;
	t) topo=(-t "$OPTARG") ;;
	I) iommu=(-I "$OPTARG") ;;
	e) events+=("$OPTARG") ;;
	S) when="$OPTARG" ;;
	P) nopost=(-P -n) ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -ge 1 ]] || cq_die "usage: $0 [options] LINE|KVER|NAME [-- qemu args] (-h: the options)"
kernel="$1" # the caller's name: two kernels may share a release (the debug one)
shift
[[ "${1:-}" != -- ]] || shift
case "$when" in capture | up) ;; *) cq_die "-S: capture or up, not $when" ;; esac
[[ "$cwords" != *';'* ]] || cq_die "-k: ';' is not allowed"
[[ -n "$interval" ]] || interval="$([[ $when == up ]] && echo 100000 || echo 3000)"
cq_kernel_env "$kernel"

sender="$("$CQ_QEMU_DIR/build-tool.sh" "$CQ_QEMU_DIR/frame-sender.c")"
# the guest's counter, cross-built static for an arm64 guest
cross=()
[[ "$CQ_ARCH" == x86_64 ]] || cross=(-x "$CQ_CROSS_COMPILE")
counter="$("$CQ_QEMU_DIR/build-tool.sh" "${cross[@]}" "$CQ_QEMU_DIR/guest/vmcore-count.c")"

out="$(cq_fresh_dir "$out" dma)"
sockdir="$(cq_sock_dir "$out" dma)"
qsock="$sockdir/qemu.sock" hsock="$sockdir/host.sock"

# 24 random hex digits: in no guest file, on no guest command line.
marker="$(cq_new_marker cq-dma-)"
pre=()
[[ $when != up ]] || pre=(-p "$(cq_new_marker cq-pre-)")

cycle_pid='' sender_pid=''
trap 'cq_bg_cleanup "$sockdir" "$out"' EXIT

# the NIC's driver, and qemu_fw_cfg for the capture kernel, unless built in
fwcfg=(-K "$(cq_modules_of "$pmods")")
c="$(cq_modules_of "qemu_fw_cfg${cmods:+,$cmods}")"
[[ -z "$c" ]] || fwcfg+=(-C "$c")
all="$words cq.dma.wait=$wait"
[[ -z "$cwords" ]] || all+=" cq.cappend=$(tr ' ' ';' <<<"${cwords# }")"
trace_events=(-e e1000e_rx_written_to_guest -e e1000x_rx_can_recv_disabled)
for e in "${events[@]}"; do
	trace_events+=(-e "$e")
done
"$CQ_QEMU_DIR/run-cycle.sh" -o "$out" -T "$timeout" "${topo[@]}" "${nopost[@]}" "${iommu[@]}" \
	${module:+-m "$module"} ${modargs:+-a "$modargs"} "${fwcfg[@]}" \
	-f "$counter:/cq/bin/vmcore-count" -c "$all" \
	-N "dgram,local.type=unix,local.path=$qsock,remote.type=unix,remote.path=$hsock" \
	"${trace_events[@]}" "$kernel" -- -fw_cfg "name=opt/cq/marker,string=$marker" "$@" \
	>"$out/cycle.log" 2>&1 &
cycle_pid=$!

serial="$out/serial.log" trace="$out/trace.log"
# the panic-end marker too, unless there is none (-P)
ptrace="$trace"
[[ ${#nopost[@]} -eq 0 ]] || ptrace=''
capture_booting() { cq_capture_booting "$serial" "$ptrace"; }
# in the background, a subshell that becomes the sender: $! is its PID
send() { exec "$sender" -i "$interval" -t "$timeout" -b "$hsock" "${pre[@]}" "$marker" "$qsock"; }

reason=''
if [[ $when == up ]]; then
	if cq_wait_while "$cycle_pid" grep -qs 'CQ-NIC: .* carrier=1' "$serial"; then
		send >"$out/sender.log" 2>&1 &
		sender_pid=$!
		# the marker from the quiesce on: what the NIC writes before it, the
		# crashed kernel may still have asked for
		if cq_wait_while "$cycle_pid" capture_booting; then
			kill -USR2 "$sender_pid" 2>/dev/null || true
		fi
	else
		reason="the primary's NIC never came up"
	fi
elif cq_wait_while "$cycle_pid" capture_booting; then
	send >"$out/sender.log" 2>&1 &
	sender_pid=$!
else
	reason="the capture kernel never booted"
fi
if [[ -n "$sender_pid" ]]; then
	if cq_wait_while "$cycle_pid" grep -qs 'CQ-DMA: scan-start' "$serial"; then
		kill -USR1 "$sender_pid" 2>/dev/null || true
	fi
	cq_wait_while "$cycle_pid" grep -qs 'CQ-DMA: markers=' "$serial" || true
	kill -TERM "$sender_pid" 2>/dev/null || true
	wait "$sender_pid" || true
	sender_pid=''
fi
rc=0
wait "$cycle_pid" || rc=$?
cycle_pid=''
if [[ ! -f "$serial" ]]; then
	# QEMU never ran: say what run-cycle.sh said, and parse an empty log
	reason+=" (run-cycle.sh exit $rc before QEMU started: $(tail -n 1 "$out/cycle.log"))"
	: >"$serial"
fi
[[ -f "$trace" ]] || : >"$trace"

dma="$(grep -ao 'CQ-DMA: markers=.*' "$serial" | tr -d '\r' | tail -n1 || true)"
markers="$(sed -n 's/.*markers=\([0-9]*\).*/\1/p' <<<"$dma")"
if [[ -z "$reason" && $rc -ne 0 ]]; then
	reason="cycle failed: $(sed -n 's/^reason=//p' "$out/result.env" 2>/dev/null)"
fi
[[ -n "$reason" || -n "$markers" ]] || reason="no CQ-DMA count in serial.log"
# The guest must never have shown the marker (it only ever held it in frames
# and in the capture kernel's own memory).
[[ -n "$reason" ]] || ! grep -aqF -- "$marker" "$serial" || reason="the marker leaked into the guest's output"

# The capture kernel's log: from the first kernel banner after "CQ-MARK: crashing".
# (No early exit in awk: tr would die of SIGPIPE, and pipefail stop the script.)
tr -d '\r' <"$serial" | awk '/CQ-MARK: crashing/ { c = 1 } c && /Linux version / { k = 1 } k' >"$out/capture.log"
tr -d '\r' <"$serial" | awk '/CQ-MARK: crashing/ { s = 1 } !s' >"$out/primary.log"
# lines RE FILE: lines of FILE matching the extended RE
lines() { grep -acE -- "$1" "$2" || true; }

# the sender's marked frames: all of them, or those from the switch on
accepted="$(cq_sender_count "$out/sender.log" "done" sent)"
offered=$((accepted + $(cq_sender_count "$out/sender.log" "done" blocked)))
before=$(($(cq_sender_count "$out/sender.log" progress sent) + $(cq_sender_count "$out/sender.log" progress blocked)))
t_send="$(cq_sender_value "$out/sender.log" start at)"
if [[ $when == up ]]; then
	pre_frames=$(($(cq_sender_count "$out/sender.log" switch sent) + $(cq_sender_count "$out/sender.log" switch blocked)))
	offered=$((offered - pre_frames)) before=$((before - pre_frames))
	accepted=$((accepted - $(cq_sender_count "$out/sender.log" switch sent)))
	t_send="$(cq_sender_value "$out/sender.log" switch at)"
fi

# QEMU's trace events: the NIC's writes from the panic (its end marker, or
# with -P its start) to the end of the capture kernel's scan (hook dma writes
# $CQ_MAGIC_SCAN_END then): what it did while the crashed kernel's memory
# could still be changed under the dump.
t_panic_end="$(cq_trace_mark_time "$trace" "$CQ_MAGIC_PANIC_END")"
[[ ${#nopost[@]} -eq 0 ]] || t_panic_end="$(cq_trace_mark_time "$trace" "$CQ_MAGIC_PANIC_START")"
t_panic_start="$(cq_trace_mark_time "$trace" "$CQ_MAGIC_PANIC_START")"
t_capture="$(cq_trace_mark_time "$trace" "$CQ_MAGIC_CAPTURE_USER")"
t_scan_end="$(cq_trace_mark_time "$trace" "$CQ_MAGIC_SCAN_END")"

# The capture kernel's IOMMU fault lines: Intel DMAR faults and interrupt
# remapping faults, AMD-Vi event log entries, SMMUv3 events.
re_dma='DMAR: \[DMA (Read|Write)' re_drhd='DMAR: DRHD: handling fault' re_ir='INTR-REMAP'
re_amd='AMD-Vi: Event logged' re_smmu='arm-smmu-v3 .*: event 0x'
fault_re="$re_dma|$re_drhd|$re_ir|$re_amd|$re_smmu"
# a kernel whose IOMMU driver took the PCI devices (any IOMMU: Intel, AMD, SMMU)
iommu_up_re=': Adding to iommu group [0-9]'
hook="$(grep -ao 'CQ-IOMMU: .*' "$serial" | tr -d '\r' | tail -n1 || true)"
hook_lines=''
[[ -z "$hook" ]] || hook_lines="$(cq_kv faults <<<"$hook")"
tables=fresh
grep -q 'Copied translation tables from previous kernel' "$out/capture.log" && tables=copied
grep -q 'Failed to copy translation tables' "$out/capture.log" && tables=not-copied
ir_table=fresh
grep -q 'Copied IR table' "$out/capture.log" && ir_table=copied

nums="$(sed -n 's/.*CQ-DMESG: .*pci_crash_quiesce: quiesced \([0-9]*\) functions, reset \([0-9]*\) bridges, skipped \([0-9]*\) (mismatched \([0-9]*\)) in \([0-9]*\) us.*/\1 \2 \3 \4 \5/p' \
	"$serial" | tail -n1)"
read -r quiesced bridges skipped mismatched panic_us <<<"$nums" || true

{
	printf 'kernel=%q\nmodule=%q\nmodargs=%q\nwhen=%q\niommu=%q\nwords=%q\ncapture_words=%q\n' \
		"$CQ_KNAME" "$module" "$modargs" "$when" "${iommu[1]:-}" "$words" "$cwords"
	printf 'result=%s\nreason=%q\n' "$([[ -z "$reason" ]] && echo pass || echo fail)" "$reason"
	printf 'markers=%s\nframes_offered=%s\nframes_accepted=%s\nframes_before_scan=%s\n' \
		"${markers:-}" "$offered" "${accepted:-0}" "$before"
	printf 'rx_to_guest_after_panic=%s\nrx_refused_no_master=%s\nrx_after_capture_start=%s\n' \
		"$(cq_trace_count "$trace" e1000e_rx_written_to_guest "${t_panic_end:-9e99}" "$t_scan_end")" \
		"$(cq_trace_count "$trace" e1000x_rx_can_recv_disabled "${t_panic_end:-9e99}" "$t_scan_end" 'pci_master 0')" \
		"$(cq_trace_count "$trace" e1000e_rx_written_to_guest "${t_capture:-9e99}" "$t_scan_end")"
	for e in "${events[@]}"; do
		printf 'ev_%s_before=%s\nev_%s_after_panic=%s\n' \
			"$e" "$(cq_trace_count "$trace" "$e" 0 "$t_panic_start")" \
			"$e" "$(cq_trace_count "$trace" "$e" "${t_panic_end:-9e99}" "")"
	done
	printf 'fault_lines=%s\ndma_lines=%s\ndrhd_lines=%s\nintr_remap_lines=%s\namdvi_lines=%s\nsmmu_lines=%s\n' \
		"$(lines "$fault_re" "$out/capture.log")" "$(lines "$re_dma" "$out/capture.log")" \
		"$(lines "$re_drhd" "$out/capture.log")" "$(lines "$re_ir" "$out/capture.log")" \
		"$(lines "$re_amd" "$out/capture.log")" "$(lines "$re_smmu" "$out/capture.log")"
	printf 'hook_fault_lines=%s\nprimary_fault_lines=%s\niommu_kernels=%s\ntables=%s\nir_table=%s\n' \
		"$hook_lines" "$(lines "$fault_re" "$out/primary.log")" \
		"$(( ($(lines "$iommu_up_re" "$out/primary.log") > 0) + ($(lines "$iommu_up_re" "$out/capture.log") > 0) ))" \
		"$tables" "$ir_table"
	printf 'vmcore_bytes=%s\nscan_s=%s\n' "$(cq_kv bytes <<<"$dma")" "$(cq_kv seconds <<<"$dma")"
	printf 'marker_aliases=%s\nmarker_where=%s\n' "$(cq_kv aliases <<<"$dma")" "$(cq_kv where <<<"$dma")"
	printf 'quiesced=%s\nreset=%s\nskipped=%s\nmismatched=%s\npanic_us=%s\n' \
		"${quiesced:-}" "${bridges:-}" "${skipped:-}" "${mismatched:-}" "${panic_us:-}"
	printf 'send_delay_s=%s\nflow_before_scan_s=%s\n' "$(cq_secs "$t_panic_end" "$t_send")" \
		"$(cq_secs "$t_send" "$(cq_trace_mark_time "$trace" "$CQ_MAGIC_SCAN_START")")"
} >"$out/dma.env"

what="${module:+module ${modargs:-(default arguments)}}"
if [[ -z "$reason" ]]; then
	cq_log "$CQ_KNAME ${what:-control}: markers=$markers frames_offered=$offered fault_lines=$(lines "$fault_re" "$out/capture.log") ($out)"
else
	cq_log "FAIL: $CQ_KNAME: $reason ($out)"
	exit 1
fi
