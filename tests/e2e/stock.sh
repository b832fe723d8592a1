#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario 17 of SPEC §7, the stock distribution path: a Debian 12 guest
# image made with debootstrap (scripts/build-guest-image.sh, cached), with
# systemd, kdump-tools and the module installed by DKMS inside it as README
# "Deploying on a real machine" says; systemd-modules-load loads it,
# kdump-tools loads the capture kernel, systemd-networkd brings the e1000e
# up, and the guest crashes with sysrq-c while the host's frame sender (the
# DMA source of dma.sh) sends marked frames to the NIC from the capture
# kernel's banner on. kdump-tools' own capture initramfs and service save
# the dump to /var/crash/STAMP/; the host reads that disk and checks
# (tests/qemu/stock-cycle.sh does one run):
# two runs per kernel, one QEMU at a time:
#   control  modprobe.blacklist=pci_crash_quiesce on the kernel command line
#            (kdump-tools passes it on to the capture kernel too): the
#            module is installed but not loaded; the marker must be in the
#            dump, else the check is broken and fails
#   module   the image as it is: no marker in the dump, the module's
#            summary line in kdump-tools' dmesg.STAMP
# Every check has its control: "ready to kdump" before the crash against
# "Not ready" before kdump-tools.service ran; the module's load-time and
# summary lines against the control run's log without them; no marker with
# the module against the control's markers.
#
#   tests/e2e/stock.sh [LINE...]      (default: 6.12; bookworm kernels only)
#
# Run directories: out/e2e/stock-LINE-{control,module}/ (stock.env has the
# numbers), their logs beside them; out/e2e/stock-LINE.txt the figures:
# image build time, markers with and without the module, the dump files and
# their sizes, each run's time.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

[[ $# -gt 0 ]] || set -- 6.12
mkdir -p "$OUT"

# get NAME KEY: KEY from $OUT/NAME/stock.env (empty if absent)
get() { env_get "$OUT/$1/stock.env" "$2"; }
is() { [[ "$(get "$1" "$2")" == "$3" ]]; }
# why NAME: the run's failure, for a check that needs the run
why() {
	if [[ -f "$OUT/$1/stock.env" ]]; then
		echo "run failed: $(get "$1" reason) (see $OUT/$1.log)"
	else
		echo "stock-cycle.sh ended without stock.env: $(tail -n 1 "$OUT/$1.log" 2>/dev/null) (see $OUT/$1.log)"
	fi
}
# dump NAME: "dump.STAMP (N bytes)"
dump() { printf '%s (%s bytes)' "$(get "$1" dump_file)" "$(get "$1" dump_bytes)"; }
frames() {
	printf 'host sent %s frames from the capture kernel'"'"'s banner on, QEMU took %s, the NIC wrote %s' \
		"$(get "$1" frames_offered)" "$(get "$1" frames_accepted)" "$(get "$1" rx_to_guest)"
}

# check NAME LABEL CMD...: a TAP line for a check on run NAME's results;
# not ok with the run's failure when it did not get as far as the dump
check() {
	local name="$1" label="$2"
	shift 2
	if ! is "$name" result pass; then
		tap_not_ok "$label" "$(why "$name")"
	else
		tap_check "$label" "$@"
	fi
}

saved() { [[ -n "$(get "$1" dump_file)" && "$(get "$1" dump_bytes)" -gt 0 ]] && is "$1" dump_format flattened; }
ready() { is "$1" kdump_show 'ready to kdump' && is "$1" kexec_crash_loaded 1; }
not_ready() { is "$1" kdump_pre 'Not ready to kdump'; }
by_dkms() {
	[[ "$(get "$1" dkms)" == *": installed"* && "$(get "$1" module_file)" == */updates/dkms/pci_crash_quiesce.ko* ]] ||
		{ echo "dkms: '$(get "$1" dkms)', modinfo: '$(get "$1" module_file)'"; return 1; }
}
loaded() { is "$1" module_loaded 1 && [[ -n "$(get "$1" boot_line)" ]] && is "$1" post_notifiers Y; }
not_loaded() { is "$1" module_loaded 0 && [[ -z "$(get "$1" boot_line)" ]]; }
summary() { [[ "$(get "$1" summary)" =~ $summary_line_re ]]; }
no_summary() { [[ -z "$(get "$1" summary)" ]]; }

for line in "$@"; do
	ctl="stock-$line-control" mod="stock-$line-module"
	rm -rf "${OUT:?}/$ctl" "${OUT:?}/$mod" "$OUT/stock-$line.txt"
	t=$SECONDS
	if ! env="$("$ROOT/scripts/build-guest-image.sh" "$line" 2>"$OUT/stock-$line-image.log")"; then
		tap_not_ok "$line: guest image built (debootstrap, kdump-tools, DKMS)" \
			"$(tail -n 15 "$OUT/stock-$line-image.log")"
		continue
	fi
	img_s=$((SECONDS - t))
	if grep -q 'made in' "$OUT/stock-$line-image.log"; then
		built="built in $img_s s (base $(env_get "$env" CQ_IMG_BASE_S) s of it)"
	else
		built="cached (${img_s} s to check)"
	fi
	tap_ok "$line: guest image $(env_get "$env" CQ_IMG_KEY) $built"

	# the two runs at once, one QEMU per core
	t=$SECONDS
	"$ROOT/tests/qemu/stock-cycle.sh" -o "$OUT/$ctl" -c modprobe.blacklist=pci_crash_quiesce "$env" \
		>"$OUT/$ctl.log" 2>&1 &
	"$ROOT/tests/qemu/stock-cycle.sh" -o "$OUT/$mod" "$env" >"$OUT/$mod.log" 2>&1 &
	wait
	ctl_s=$((SECONDS - t)) mod_s=$ctl_s

	for r in "$ctl" "$mod"; do
		label="$line ${r##*-}"
		check "$r" "$label: kdump-tools saved the dump: $(dump "$r"), and dmesg.STAMP" saved "$r"
		check "$r" "$label: dmesg.STAMP is the crashed kernel's log (sysrq's panic line)" is "$r" panic_line 1
		check "$r" "$label: systemd-networkd brought the NIC up before the crash ($(get "$r" nic))" \
			test -n "$(get "$r" nic)"
		check "$r" "$label: kdump-config show said 'ready to kdump' before the crash" ready "$r"
		check "$r" "$label: kdump-config show said 'Not ready' before kdump-tools.service (control)" \
			not_ready "$r"
		check "$r" "$label: the module is installed by DKMS ($(get "$r" dkms); modprobe's: $(get "$r" module_file))" \
			by_dkms "$r"
	done
	check "$mod" "$line module: loaded at boot by systemd-modules-load, with crash_kexec_post_notifiers ($(get "$mod" boot_line))" \
		loaded "$mod"
	check "$ctl" "$line control: not loaded (modprobe.blacklist), no load-time line (control)" not_loaded "$ctl"
	check "$mod" "$line module: summary line in kdump-tools' dmesg.STAMP ($(get "$mod" summary))" summary "$mod"
	check "$ctl" "$line control: no summary line in dmesg.STAMP (control)" no_summary "$ctl"

	# the marker: the control must find it, the module none
	c="$(get "$ctl" markers)" m="$(get "$mod" markers)"
	if ! is "$ctl" result pass; then
		tap_not_ok "$line control: markers reached the saved dump" "$(why "$ctl")"
	elif [[ "${c:-0}" -gt 0 ]]; then
		tap_ok "$line control: markers reached the saved dump (N=$c; $(frames "$ctl"))"
	else
		tap_not_ok "$line control: markers reached the saved dump" \
			"N=0 without the module: the check is broken ($(frames "$ctl"))"
	fi
	why=''
	if ! is "$mod" result pass; then
		why="$(why "$mod")"
	elif [[ "${c:-0}" -eq 0 ]]; then
		why="the control run found no marker: a zero here proves nothing"
	elif ! summary "$mod"; then
		why="no summary line from the module in dmesg.STAMP"
	elif [[ "$(get "$mod" frames_offered)" -le 0 ]]; then
		why="the host sent no frame after the capture kernel started"
	elif [[ "$m" != 0 ]]; then
		why="N=$m markers in the dump ($(frames "$mod"))"
	fi
	if [[ -z "$why" ]]; then
		tap_ok "$line module: no marker in the saved dump (N=0; $(frames "$mod"))"
	else
		tap_not_ok "$line module: no marker in the saved dump" "$why"
	fi

	{
		echo "kernel=$(env_get "$env" CQ_IMG_KVER) image=$(env_get "$env" CQ_IMG_KEY) image_s=$img_s ($built)"
		for r in "$ctl" "$mod"; do
			printf '%s: markers=%s dump=%s dump_bytes=%s run_s=%s (crash %s s, capture banner %s s, save %s s, QEMU exit %s s) result=%s\n' \
				"${r##*-}" "$(get "$r" markers)" "$(get "$r" dump_file)" "$(get "$r" dump_bytes)" \
				"$([[ $r == "$ctl" ]] && echo "$ctl_s" || echo "$mod_s")" "$(get "$r" t_crash_s)" \
				"$(get "$r" t_capture_s)" "$(get "$r" t_save_s)" "$(get "$r" wall_s)" "$(get "$r" result)"
		done
	} >"$OUT/stock-$line.txt"
	sed 's/^/# /' "$OUT/stock-$line.txt"
done
tap_done
