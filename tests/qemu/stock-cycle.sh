#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One run of scenario 17 (SPEC §7.17, the stock distribution path): boot the
# Debian guest image of scripts/build-guest-image.sh (systemd, kdump-tools,
# the module installed by DKMS and loaded by systemd-modules-load) under
# QEMU, crash it with sysrq-c once kdump-tools has loaded the capture kernel
# and systemd-networkd has brought the NIC up, and while the capture kernel
# boots have the host's frame sender (the DMA source of dma-cycle.sh) send
# marked frames to the NIC. The capture kernel, kdump-tools' own initramfs
# and its kdump-tools-dump.service, saves the dump to /var/crash/STAMP/ and
# reboots (QEMU exits: -no-reboot). The host then reads the /var/crash disk
# (e2fsck, then debugfs: no mount), and counts the marker in the dump and
# the module's summary line in kdump-tools' dmesg file.
#
#   tests/qemu/stock-cycle.sh [options] LINE|IMAGE.env [-- extra QEMU args]
#     -c 'WORDS'   extra kernel command line words (kdump-tools passes them
#                  on to the capture kernel), e.g. the control's
#                  modprobe.blacklist=pci_crash_quiesce
#     -o DIR       output directory (default $CQ_CACHE/runs/TIME-stock-PID)
#     -i USEC      interval between frames (default 3000)
#     -T SECONDS   global timeout (default 900)
#     -k           keep the /var/crash disk (crash.img) and the dump
#     -e EVENT     one more QEMU trace event (pattern) into trace.log
#
# LINE (6.12) builds the image if needed (scripts/build-guest-image.sh).
# QEMU: lib.sh's cq_qemu_env (QEMU 10), topology q35 (e1000e nic1 behind
# root port 00:01.0, edu behind 00:02.0, an empty root port 00:03.0) with
# the TCO watchdog's no-reboot strap (see below), -m 1024, two virtio-blk disks on the root bus: 00:05.0 the image (vda, the
# root filesystem, snapshot=on: the image is never written) and 00:06.0 an
# empty ext4 disk labelled cq-crash (vdb, the guest's /var/crash). The
# kernel command line is the image's (CQ_IMG_CMDLINE) with panic=-1 (a
# capture kernel that panics reboots: QEMU exits instead of hanging),
# cq.stock=crash (starts the image's test units) and WORDS.
#
# DIR gets serial.log (both kernels' consoles), trace.log (QEMU's
# e1000e_rx_written_to_guest events), qemu.cmd, sender.log, fsck.log,
# crash/STAMP/dmesg.STAMP (the dump itself only with -k) and stock.env:
#   result=pass|fail reason=...   the run got as far as a saved dump and
#                                 its dmesg file, and a marker count
#   markers=N                     marker copies in the saved dump
#   dump_file= dump_bytes=        /var/crash/STAMP/dump.STAMP, its size
#   dump_format=flattened|other   makedumpfile's flattened format (-F)
#   dmesg_file=                   /var/crash/STAMP/dmesg.STAMP
#   summary=LINE                  the module's line at panic, in dmesg.STAMP
#   panic_line=0|1                dmesg.STAMP has the crash ("sysrq triggered crash")
#   boot_line=LINE                the module's load-time line, in dmesg.STAMP
#   module_loaded=0|1 module_file=PATH   /sys/module/pci_crash_quiesce before the crash
#   dkms=LINE                     dkms status in the image (its build records it)
#   post_notifiers=Y|N
#   nic=LINE                      the NIC with carrier (empty: never up)
#   kdump_pre=STATE kdump_show=STATE   kdump-config show's "current state",
#                                 before kdump-tools.service and before the crash
#   kexec_crash_loaded=N
#   frames_offered= frames_accepted=   marked frames the host sent (all after
#                                 the capture kernel's banner), QEMU took
#   rx_to_guest=N                 QEMU trace: frames the NIC wrote to guest memory
#                                 from the first marked frame on
#   t_crash_s t_capture_s t_save_s wall_s   seconds from QEMU's start to
#                                 "crashing", the capture kernel's banner,
#                                 kdump-tools' makedumpfile, QEMU's exit
#   fsck_rc=N                     e2fsck -fy's status on the /var/crash disk
# Exit status 0 when result=pass (whatever the count: the caller judges it).

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

words='' out='' interval=3000 timeout=900 keep=0 events=()
while getopts 'c:o:i:T:ke:h' opt; do
	case "$opt" in
	c) words+=" $OPTARG" ;;
	o) out="$OPTARG" ;;
	i) interval="$OPTARG" ;;
	T) timeout="$OPTARG" ;;
	k) keep=1 ;;
	e) events+=(-trace "enable=$OPTARG,file=@TRACE@") ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -ge 1 ]] || cq_die "usage: $0 [options] LINE|IMAGE.env [-- qemu args] (-h: the options)"
env="$1"
shift
[[ "${1:-}" != -- ]] || shift
[[ "$env" == */image.env ]] || env="$("$CQ_ROOT/scripts/build-guest-image.sh" "$env")" ||
	cq_die "cannot build the guest image for $1"
# shellcheck source=/dev/null
. "$env"
for t in debugfs e2fsck mkfs.ext4; do
	command -v "$t" >/dev/null || cq_die "$t missing (e2fsprogs)"
done
cq_qemu_env
sender="$("$CQ_QEMU_DIR/build-tool.sh" "$CQ_QEMU_DIR/frame-sender.c")"

CQ_KNAME="stock-$CQ_IMG_KVER"
out="$(cq_fresh_dir "$out" stock)"
sockdir="$(cq_sock_dir "$out" stock)"
qsock="$sockdir/qemu.sock" hsock="$sockdir/host.sock"
marker="$(cq_new_marker cq-dma-)"
serial="$out/serial.log" trace="$out/trace.log"

# /var/crash: an empty ext4 disk of its own (the image's fstab mounts
# LABEL=cq-crash there), sparse
crash="$out/crash.img"
truncate -s 2G "$crash"
mkfs.ext4 -q -F -L cq-crash "$crash"

mapfile -t topo < <(cq_topology q35)
# ICH9-LPC.noreboot=on: the board's strap that keeps the ICH9 TCO watchdog
# from resetting the machine. QEMU 10 leaves it off and the timer's halt bit
# clear, so the primary's iTCO_wdt (udev loads it) takes the watchdog for
# running and pings it; nothing pings it from the crash until the capture
# kernel's own iTCO_wdt, and its second timeout, 60 s after the last ping,
# reset the machine in the middle of the capture kernel's boot (TCG,
# nr_cpus=1) in two of three runs. With the strap on, QEMU takes no action
# on the second timeout (hw/acpi/ich9_tco.c checks it); iTCO_wdt still binds.
cmd=("$CQ_QEMU_X86" "${CQ_QEMU_ARGS[@]}" "${topo[@]}" -global ICH9-LPC.noreboot=on
	-accel tcg -cpu max -m 1024 -smp 2
	-nodefaults -nographic -no-reboot -msg timestamp=on -serial "file:$serial"
	-trace "enable=e1000e_rx_written_to_guest,file=$trace" "${events[@]//@TRACE@/$trace}"
	-netdev "dgram,local.type=unix,local.path=$qsock,remote.type=unix,remote.path=$hsock,id=n1"
	-drive "file=$CQ_IMG_ROOT,format=raw,if=none,id=root,snapshot=on"
	-device "virtio-blk-pci,drive=root,bus=pcie.0,addr=0x5"
	-drive "file=$crash,format=raw,if=none,id=crash"
	-device "virtio-blk-pci,drive=crash,bus=pcie.0,addr=0x6"
	-kernel "$CQ_IMG_KERNEL" -initrd "$CQ_IMG_INITRD"
	-append "$CQ_IMG_CMDLINE panic=-1 cq.stock=crash${words}" "$@")
printf '%q ' "${cmd[@]}" >"$out/qemu.cmd"
echo >>"$out/qemu.cmd"

cycle_pid='' sender_pid=''
trap 'cq_bg_cleanup "$sockdir" "$out"' EXIT
trap 'cq_log "FAIL: line $LINENO: $BASH_COMMAND exited $?"' ERR
cq_log "$CQ_IMG_KVER image $CQ_IMG_KEY${words:+ ($words )} -> $out"
t0="$(date +%s.%N)"
timeout -k 10 "$timeout" "${cmd[@]}" </dev/null >"$out/qemu.log" 2>&1 &
cycle_pid=$!

now() { date +%s.%N; }
t_crash='' t_capture='' t_save=''
# kdump-tools' "running makedumpfile ... > /var/crash/STAMP/dump-incomplete"
saving() { grep -qs 'running makedumpfile .*dump-incomplete' "$serial"; }
capture_booting() { cq_capture_booting "$serial"; }
reason=''
if cq_wait_while "$cycle_pid" grep -qs 'CQ-MARK: crashing' "$serial"; then
	t_crash="$(now)"
	if cq_wait_while "$cycle_pid" capture_booting; then
		t_capture="$(now)"
		exec_sender() { exec "$sender" -i "$interval" -t "$timeout" -b "$hsock" "$marker" "$qsock"; }
		exec_sender >"$out/sender.log" 2>&1 &
		sender_pid=$!
		if cq_wait_while "$cycle_pid" saving; then
			t_save="$(now)"
			kill -USR1 "$sender_pid" 2>/dev/null || true
		fi
	else
		reason="the capture kernel never booted"
	fi
else
	reason="the guest never crashed (no 'CQ-MARK: crashing')"
fi
rc=0
wait "$cycle_pid" || rc=$?
cycle_pid=''
t_end="$(now)"
if [[ -n "$sender_pid" ]]; then
	kill -TERM "$sender_pid" 2>/dev/null || true
	wait "$sender_pid" || true
	sender_pid=''
fi
[[ -f "$serial" ]] || : >"$serial"
[[ -f "$trace" ]] || : >"$trace"
[[ -z "$reason" && $rc -ne 0 ]] && reason="qemu exit status $rc$([[ $rc -ne 124 ]] || echo ": timeout after ${timeout}s")"

# The /var/crash disk: the capture kernel ends with "reboot -f", which
# unmounts nothing; e2fsck replays the journal (a copy of ours, written by
# nobody else), then debugfs copies STAMP/ out.
fsck_rc=0
e2fsck -fy "$crash" >"$out/fsck.log" 2>&1 || fsck_rc=$?
stamp="$(debugfs -R 'ls -p /' "$crash" 2>/dev/null | awk -F/ '$6 ~ /^[0-9]+$/ && $3 ~ /^0?40/ { print $6 }' | tail -n1)"
dump='' dmesg_f=''
rm -rf "$out/crash"
mkdir -p "$out/crash"
if [[ -n "$stamp" ]]; then
	debugfs -R "rdump /$stamp $out/crash" "$crash" >/dev/null 2>&1 || true
	dump="$(find "$out/crash/$stamp" -maxdepth 1 -name "dump.$stamp*" -print -quit)"
	dmesg_f="$(find "$out/crash/$stamp" -maxdepth 1 -name "dmesg.$stamp" -print -quit)"
fi
[[ -n "$reason" || -n "$stamp" ]] || reason="no /var/crash/STAMP directory on the crash disk"
[[ -n "$reason" || -n "$dump" ]] ||
	reason="no dump.$stamp in /var/crash/$stamp ($(find "$out/crash/$stamp" -mindepth 1 -printf '%f ' 2>/dev/null))"
[[ -n "$reason" || -n "$dmesg_f" ]] || reason="no dmesg.$stamp in /var/crash/$stamp"

markers='' dump_bytes='' format=''
if [[ -n "$dump" ]]; then
	markers="$({ grep -aoF -- "$marker" "$dump" || true; } | wc -l)"
	dump_bytes="$(stat -c %s "$dump")"
	format=other
	[[ "$(head -c 12 "$dump")" != makedumpfile ]] || format=flattened
fi
summary='' boot_line='' panic_line=0
if [[ -n "$dmesg_f" ]]; then
	summary="$(grep -aoE 'pci_crash_quiesce: quiesced .*' "$dmesg_f" | tail -n1 || true)"
	boot_line="$(grep -aoE 'pci_crash_quiesce: [0-9]+ functions: .*' "$dmesg_f" | head -n1 || true)"
	! grep -aq 'sysrq triggered crash' "$dmesg_f" || panic_line=1
fi
[[ -n "$reason" ]] || ! grep -aqF -- "$marker" "$serial" || reason="the marker leaked into the guest's output"

# sline PREFIX: the text after PREFIX on the last serial line that has it
sline() { { grep -ao -- "$1.*" "$serial" || true; } | tr -d '\r' | tail -n1 | cut -c$((${#1} + 1))-; }
# state PREFIX: kdump-config show's "current state" among PREFIX's lines
state() { sline "$1: current state:" | sed 's/^ *//'; }
t_send="$(cq_sender_value "$out/sender.log" start at)"
accepted="$(cq_sender_count "$out/sender.log" "done" sent)"
offered=$((accepted + $(cq_sender_count "$out/sender.log" "done" blocked)))
rx=0
[[ -z "$t_send" ]] || rx="$(cq_trace_count "$trace" e1000e_rx_written_to_guest "$t_send" '')"
secs() { [[ -z "$1" ]] || cq_secs "$t0" "$1"; }
{
	printf 'image=%q\nkernel=%q\nwords=%q\nmarker_prefix=cq-dma-\n' "$env" "$CQ_IMG_KVER" "${words# }"
	printf 'result=%s\nreason=%q\n' "$([[ -z "$reason" ]] && echo pass || echo fail)" "$reason"
	printf 'markers=%s\ndump_file=%q\ndump_bytes=%s\ndump_format=%s\ndmesg_file=%q\n' \
		"$markers" "${dump:+/var/crash/${dump#"$out/crash/"}}" "$dump_bytes" "$format" \
		"${dmesg_f:+/var/crash/${dmesg_f#"$out/crash/"}}"
	printf 'summary=%q\npanic_line=%s\nboot_line=%q\n' "$summary" "$panic_line" "$boot_line"
	printf 'module_loaded=%s\nmodule_file=%q\ndkms=%q\npost_notifiers=%s\nnic=%q\n' \
		"$(sline 'CQ-STOCK: module loaded=' | cut -d' ' -f1)" "$(sline 'CQ-STOCK: module loaded=' | sed -n 's/.* file=//p')" \
		"$CQ_IMG_DKMS_STATUS" "$(sline 'CQ-STOCK: post_notifiers=')" "$(sline 'CQ-NIC: ')"
	printf 'kdump_pre=%q\nkdump_show=%q\nkexec_crash_loaded=%s\n' \
		"$(state CQ-KDUMP-PRE)" "$(state CQ-KDUMP-SHOW)" "$(sline 'CQ-STOCK: kexec_crash_loaded=')"
	printf 'frames_offered=%s\nframes_accepted=%s\nrx_to_guest=%s\n' "$offered" "${accepted:-0}" \
		"$rx"
	printf 't_crash_s=%s\nt_capture_s=%s\nt_save_s=%s\nwall_s=%s\nfsck_rc=%s\n' \
		"$(secs "$t_crash")" "$(secs "$t_capture")" "$(secs "$t_save")" "$(secs "$t_end")" "$fsck_rc"
} >"$out/stock.env"

if [[ $keep -eq 0 ]]; then
	rm -f "$crash"
	[[ -z "$dump" ]] || rm -f "$dump"
fi
if [[ -z "$reason" ]]; then
	cq_log "markers=$markers dump=${dump##*/} ($dump_bytes bytes) in $(secs "$t_end") s ($out)"
else
	cq_log "FAIL: $reason ($out)"
	tail -n 20 "$serial" | sed 's/^/  | /' >&2
	exit 1
fi
