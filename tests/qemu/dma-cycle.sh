#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One run of the DMA scenario (SPEC §7.3): does the NIC still write into the
# crashed kernel's memory once the capture kernel is booting?
#
#   tests/qemu/dma-cycle.sh [options] LINE|KVER
#     -m FILE.ko   module under test (none: control run)
#     -a 'ARGS'    its arguments (run-cycle.sh -a)
#     -o DIR       output directory (default $CQ_CACHE/runs/TIME-KVER-dma-PID)
#     -i USEC      interval between frames (default 3000)
#     -T SECONDS   global timeout (default 300)
#     -v           the capture kernel lists every match (CQ-DMA-MATCH: lines)
#     -c 'WORDS'   extra words for both kernels (e.g. cq.dma.kmods=e1000e
#                  cq.dma.up=1 cq.dma.wait=2: the capture kernel loads the
#                  NIC's driver first, see guest/hooks/dma.sh)
#     -C a,b       more modules for the capture initramfs (run-cycle.sh -C)
#     -K a,b       the primary's NIC driver modules (default e1000e)
#     -t TOPO      run-cycle.sh's topology (default: q35; virt for an arm64
#                  LINE such as 6.12-arm64, or virt-uefi): nic1 is behind
#                  root port 00:01.0 in all of them
#     -P           no crash_kexec_post_notifiers and no panic-end marker
#                  (run-cycle.sh -P -n): for a kernel with the in-tree hook,
#                  which runs after the panic notifiers; the sender then
#                  starts on the capture kernel's banner alone, and the
#                  trace counts start at the panic-start marker
#
# The e1000e nic1 (q35: behind root port 00:01.0) gets a "-netdev dgram"
# backend whose other end is a unix socket of tests/qemu/frame-sender. The
# primary kernel brings the interface up (hook nic-up: RX ring armed, no
# address) and crashes. Only when the capture kernel is booting (the
# panic-end trace marker is in trace.log and the capture kernel's banner
# follows "CQ-MARK: crashing" in serial.log) does the sender start sending
# broadcast frames carrying a random marker, until the capture init has
# counted. The capture init (hook dma) counts the marker in /proc/vmcore. The
# marker reaches it only through QEMU's fw_cfg (opt/cq/marker), which the
# crashed kernel never read: it appears on no guest command line and in no
# guest file.
#
# DIR gets run-cycle.sh's files, sender.log, cycle.log and dma.env:
#   result=pass|fail reason=...   the cycle ran to the end and the count is there
#   markers=N                     marker copies found in /proc/vmcore, each physical
#                                 address once (guest/vmcore-count.c)
#   marker_aliases=N              further copies: the same memory seen twice through
#                                 the kernel image's own PT_LOAD
#   marker_where=MIB:N,...        where the copies are, by MiB of physical memory
#   frames_offered=N              frames the host tried to send, all after the
#                                 capture kernel started booting
#   frames_accepted=N             of them, taken by QEMU's socket; the others found
#                                 it full: QEMU stops reading when the NIC cannot
#                                 receive (ring full, Bus Master off, reset)
#   frames_before_scan=N          offered before the capture kernel's scan began
#   rx_to_guest_after_panic=N     QEMU trace: frames the NIC wrote to guest memory
#                                 after the panic-end marker, up to the scan's end
#   rx_refused_no_master=N        QEMU trace, same window: receive refused because
#                                 Bus Master was off
#   vmcore_bytes=N scan_s=S       size of /proc/vmcore, time to scan it
#   quiesced= reset= skipped= mismatched= panic_us=   from the summary line
#                                 (empty without the module)
#   send_delay_s=S                panic-end marker to the first frame
#   flow_before_scan_s=S          first frame to the start of the scan
# Exit status 0 when result=pass (whatever the count: the caller judges it).

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

module='' modargs='' out='' interval=3000 timeout=300 words='cq.hook=nic-up cq.chook=dma'
nopost=() cmods='' topo=() pmods=e1000e
while getopts 'm:a:o:i:T:vc:C:K:t:Ph' opt; do
	case "$opt" in
	m) module="$(readlink -f "$OPTARG")" ;;
	a) modargs="$OPTARG" ;;
	o) out="$OPTARG" ;;
	i) interval="$OPTARG" ;;
	T) timeout="$OPTARG" ;;
	v) words+=' cq.dmaverbose=1' ;;
	c) words+=" $OPTARG" ;;
	C) cmods="$OPTARG" ;;
	K) pmods="$OPTARG" ;;
	t) topo=(-t "$OPTARG") ;;
	P) nopost=(-P -n) ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 ]] || cq_die "usage: $0 [-m FILE.ko] [-a ARGS] [-o DIR] [-i USEC] [-T SECONDS] [-v] [-c WORDS] [-C KMODS] [-K KMODS] [-t TOPO] [-P] LINE|KVER"
kernel="$1" # the caller's name: two kernels may share a release (the debug one)
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
marker="cq-dma-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

cycle_pid='' sender_pid=''
trap 'cq_bg_cleanup "$sockdir" "$out"' EXIT

# e1000e, and qemu_fw_cfg for the capture kernel, unless built in (the
# debug kernel has both built in and no modules)
has_module() { [[ -n "$(find "$CQ_MODDIR" -name "$1.ko*" -print -quit 2>/dev/null)" ]]; }
# modules A,B: those of the list this kernel has as modules (the others
# are built in: e.g. virtio_pci in Debian's 6.12, not in its 6.1)
modules() {
	local m out=''
	for m in ${1//,/ }; do
		! has_module "$m" || out+="${out:+,}$m"
	done
	echo "$out"
}
fwcfg=(-K "$(modules "$pmods")")
c="$(modules "qemu_fw_cfg${cmods:+,$cmods}")"
[[ -z "$c" ]] || fwcfg+=(-C "$c")
"$CQ_QEMU_DIR/run-cycle.sh" -o "$out" -T "$timeout" "${topo[@]}" "${nopost[@]}" ${module:+-m "$module"} \
	${modargs:+-a "$modargs"} "${fwcfg[@]}" -f "$counter:/cq/bin/vmcore-count" \
	-c "$words" \
	-N "dgram,local.type=unix,local.path=$qsock,remote.type=unix,remote.path=$hsock" \
	-e e1000e_rx_written_to_guest -e e1000x_rx_can_recv_disabled \
	"$kernel" -- -fw_cfg "name=opt/cq/marker,string=$marker" >"$out/cycle.log" 2>&1 &
cycle_pid=$!

serial="$out/serial.log" trace="$out/trace.log"
alive() { kill -0 "$cycle_pid" 2>/dev/null; }
capture_booting() {
	{ [[ ${#nopost[@]} -gt 0 ]] || grep -qs "@0x0 <- $CQ_MAGIC_PANIC_END\$" "$trace"; } &&
		awk '/CQ-MARK: crashing/ { c = 1 } c && /Linux version / { f = 1; exit } END { exit !f }' \
			"$serial" 2>/dev/null
}
# wait_for CMD...: poll CMD every 20 ms while the cycle runs
wait_for() {
	while alive; do
		"$@" && return 0
		sleep 0.02
	done
	"$@"
}

reason=''
if wait_for capture_booting; then
	"$sender" -i "$interval" -t 120 -b "$hsock" "$marker" "$qsock" >"$out/sender.log" 2>&1 &
	sender_pid=$!
	if wait_for grep -qs 'CQ-DMA: scan-start' "$serial"; then
		kill -USR1 "$sender_pid" 2>/dev/null || true
	fi
	wait_for grep -qs 'CQ-DMA: markers=' "$serial" || true
	kill -TERM "$sender_pid" 2>/dev/null || true
	wait "$sender_pid" || true
	sender_pid=''
else
	reason="the capture kernel never booted"
fi
rc=0
wait "$cycle_pid" || rc=$?
cycle_pid=''
if [[ ! -f "$serial" ]]; then
	# QEMU never ran: say what run-cycle.sh said, and parse an empty log
	reason+=" (run-cycle.sh exit $rc before QEMU started: $(tail -n 1 "$out/cycle.log"))"
	: >"$serial"
fi

# secs T0 T1: T1 - T0 with one decimal, empty if either is
secs() { [[ -z "$1" || -z "$2" ]] || awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# kv KEY: the last value of a KEY=VALUE word on stdin
kv() { grep -o "\\b$1=[^ ]*" | tail -n1 | cut -d= -f2 || true; }

dma="$(grep -ao 'CQ-DMA: markers=.*' "$serial" | tr -d '\r' | tail -n1 || true)"
markers="$(sed -n 's/.*markers=\([0-9]*\).*/\1/p' <<<"$dma")"
if [[ -z "$reason" && $rc -ne 0 ]]; then
	reason="cycle failed: $(sed -n 's/^reason=//p' "$out/result.env" 2>/dev/null)"
fi
[[ -n "$reason" || -n "$markers" ]] || reason="no CQ-DMA count in serial.log"
# The guest must never have shown the marker (it only ever held it in frames
# and in the capture kernel's own memory).
[[ -n "$reason" ]] || ! grep -aqF -- "$marker" "$serial" || reason="the marker leaked into the guest's output"

# sender KIND KEY: KEY of the sender's last KIND line (start, progress, done)
sender() { { grep "^$1 " "$out/sender.log" 2>/dev/null || true; } | kv "$2"; }
# count KIND KEY: the same, 0 if absent
count() { local v; v="$(sender "$1" "$2")"; echo "${v:-0}"; }
accepted="$(count "done" sent)"
offered=$((accepted + $(count "done" blocked)))
before=$(($(count progress sent) + $(count progress blocked)))
t_send="$(sender start at)"

# QEMU's e1000e trace events from the panic-end marker to the end of the
# capture kernel's scan (hook dma writes $CQ_MAGIC_SCAN_END then): what the NIC
# did while the crashed kernel's memory could still be changed under the dump.
[[ -f "$trace" ]] || : >"$trace"
# mark_time MAGIC: host time of the trace marker MAGIC (empty if absent)
mark_time() { awk -v m="$1" '/ 00:00.0 @0x0 <- / && $NF == m { split($1, a, "[@:]"); print a[2]; exit }' "$trace"; }
t_panic_end="$(mark_time "$CQ_MAGIC_PANIC_END")"
[[ ${#nopost[@]} -eq 0 ]] || t_panic_end="$(mark_time "$CQ_MAGIC_PANIC_START")"
t_scan_end="$(mark_time "$CQ_MAGIC_SCAN_END")"
trace_after() {
	awk -v t0="${t_panic_end:-9e99}" -v t1="${t_scan_end:-9e99}" -v ev="$1" -v pat="${2:-}" \
		'index($0, ":" ev " ") { split($1, a, "[@:]"); if (a[2] + 0 > t0 && a[2] + 0 < t1 && index($0, pat)) n++ }
		 END { print n + 0 }' "$trace"
}

# The summary line of the crashed kernel, as the capture init printed it
nums="$(sed -n 's/.*CQ-DMESG: .*pci_crash_quiesce: quiesced \([0-9]*\) functions, reset \([0-9]*\) bridges, skipped \([0-9]*\) (mismatched \([0-9]*\)) in \([0-9]*\) us.*/\1 \2 \3 \4 \5/p' \
	"$serial" | tail -n1)"
read -r quiesced bridges skipped mismatched panic_us <<<"$nums" || true

{
	printf 'kernel=%q\nmodule=%q\nmodargs=%q\n' "$CQ_KVER" "$module" "$modargs"
	printf 'result=%s\nreason=%q\n' "$([[ -z "$reason" ]] && echo pass || echo fail)" "$reason"
	printf 'markers=%s\nframes_offered=%s\nframes_accepted=%s\nframes_before_scan=%s\n' \
		"${markers:-}" "$offered" "${accepted:-0}" "$before"
	printf 'rx_to_guest_after_panic=%s\nrx_refused_no_master=%s\n' \
		"$(trace_after e1000e_rx_written_to_guest)" \
		"$(trace_after e1000x_rx_can_recv_disabled 'pci_master 0')"
	printf 'vmcore_bytes=%s\nscan_s=%s\n' "$(kv bytes <<<"$dma")" "$(kv seconds <<<"$dma")"
	printf 'marker_aliases=%s\nmarker_where=%s\n' "$(kv aliases <<<"$dma")" "$(kv where <<<"$dma")"
	printf 'quiesced=%s\nreset=%s\nskipped=%s\nmismatched=%s\npanic_us=%s\n' \
		"${quiesced:-}" "${bridges:-}" "${skipped:-}" "${mismatched:-}" "${panic_us:-}"
	printf 'send_delay_s=%s\nflow_before_scan_s=%s\n' "$(secs "$t_panic_end" "$t_send")" \
		"$(secs "$t_send" "$(mark_time "$CQ_MAGIC_SCAN_START")")"
} >"$out/dma.env"

what="${module:+module ${modargs:-(default arguments)}}"
if [[ -z "$reason" ]]; then
	cq_log "$CQ_KVER ${what:-control}: markers=$markers frames_offered=$offered ($out)"
else
	cq_log "FAIL: $CQ_KVER: $reason ($out)"
	exit 1
fi
