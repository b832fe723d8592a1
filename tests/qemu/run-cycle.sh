#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one kernel in QEMU (TCG) and run one harness cycle: by default a kdump
# cycle (load, kexec -p, sysrq-c, capture kernel, vmcore checks, power off).
#
#   tests/qemu/run-cycle.sh [options] LINE|KVER [-- extra QEMU args]
#     -m FILE.ko   module under test (none: control run)
#     -a 'ARGS'    its arguments, space-separated (passed as cq.modargs)
#     -c 'WORDS'   extra kernel command line words (the capture kernel gets them
#                  too); repeatable
#     -x MODE      cq.mode: kdump (default) or boot (load, dump state, power off)
#     -t TOPO      q35 (default), pc, q35-bare or q35-sriov, see cq_topology in
#                  lib.sh; for an arm64 kernel (LINE 6.12-arm64) virt (default:
#                  device tree) or virt-uefi (UEFI firmware, ACPI and MCFG)
#     -o DIR       output directory (default $CQ_CACHE/runs/TIME-KVER-PID)
#     -T SECONDS   global timeout, QEMU is killed after it (default 300)
#     -K a,b       kernel modules to bundle (mkinitramfs -K, default e1000e)
#     -C a,b       kernel modules for the capture initramfs (mkinitramfs -C)
#     -f SRC:DEST  extra file for the initramfs (mkinitramfs -f)
#     -e EVENT     extra QEMU trace event (pattern), into the same trace file
#     -n           no cq_marker.ko: no panic-end trace marker
#     -P           no crash_kexec_post_notifiers on the command line (the
#                  in-tree hook runs from __crash_kexec() without it)
#     -N SPEC      backend of nic1's netdev n1 (default user,restrict=on), e.g.
#                  dgram,local.type=unix,local.path=A,remote.type=unix,remote.path=B
#     -s CPUS      number of CPUs (default 2)
#     -I DEVICE    an IOMMU, placed right after -M and before every other -device
#                  (where QEMU wants it: before the devices it translates), e.g.
#                  intel-iommu,intremap=on,caching-mode=on
#
# QEMU is lib.sh's cq_qemu_env: Debian's bookworm-backports QEMU 10
# (scripts/fetch-qemu.sh, unpacked in the cache), or with CQ_QEMU=system the
# machine's own (7.2).
# An arm64 kernel boots in qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on
# (pointer authentication with QEMU's own cheap cipher: the architected one
# costs TCG about twice the time) with console=ttyAMA0; the module and
# cq_marker.ko must be cross-built for it (build-marker.sh does the marker).
#
# DIR gets: serial.log (both kernels' console), trace.log (pci_cfg_write and -e
# events, with -msg timestamp=on), segments.txt (trace-segments.sh), qemu.log
# (QEMU's own messages), qemu.cmd, qmp.path (where the QMP socket is while
# QEMU runs: DIR/qmp.sock, or a short directory when DIR's path is too long
# for a socket), and result.env.
# Exit status 0 when the cycle reached its last marker without a CQ-FAIL line.
# A run that failed before the crash with nothing of ours involved (see
# infra_failure) is run once more; result.env's infra_retry says why, and the
# first try's logs are kept as try1-*.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

module='' modargs='' words='' mode=kdump topo='' out='' timeout=300 kmods=e1000e ckmods=''
nomarker=0 extras=() events=() netdev=user,restrict=on iommu='' post=crash_kexec_post_notifiers
cpus=2
while getopts 'm:a:c:x:t:o:T:K:C:f:e:nPN:I:s:h' opt; do
	case "$opt" in
	m) module="$(readlink -f "$OPTARG")" ;;
	a) modargs="$OPTARG" ;;
	c) words+="${words:+ }$OPTARG" ;;
	x) mode="$OPTARG" ;;
	t) topo="$OPTARG" ;;
	o) out="$OPTARG" ;;
	T) timeout="$OPTARG" ;;
	K) kmods="$OPTARG" ;;
	C) ckmods="$OPTARG" ;;
	f) extras+=(-f "$OPTARG") ;;
	e) events+=("$OPTARG") ;;
	n) nomarker=1 ;;
	P) post='' ;;
	N) netdev="$OPTARG" ;;
	I) iommu="$OPTARG" ;;
	s) cpus="$OPTARG" ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -ge 1 ]] || cq_die "usage: $0 [options] LINE|KVER [-- qemu args]"
kernel="$1"
shift
[[ "${1:-}" != -- ]] || shift
[[ "$modargs" != *';'* ]] || cq_die "-a: ';' is not allowed in module arguments"
case "$mode" in kdump | boot) ;; *) cq_die "-x: unknown mode $mode" ;; esac

cq_kernel_env "$kernel"
cq_qemu_env
case "$CQ_ARCH" in
x86_64)
	qemu=("$CQ_QEMU_X86" "${CQ_QEMU_ARGS[@]}") cpu=max console=ttyS0 topo="${topo:-q35}"
	;;
arm64)
	qemu=("$CQ_QEMU_ARM" "${CQ_QEMU_ARGS[@]}") cpu=max,pauth-impdef=on console=ttyAMA0
	topo="${topo:-virt}"
	;;
*) cq_die "no QEMU for a $CQ_ARCH kernel" ;;
esac
[[ "$(cq_topology_arch "$topo")" == "$CQ_ARCH" ]] ||
	cq_die "topology $topo is not for an $CQ_ARCH kernel ($CQ_KVER)"

marker=''
[[ $nomarker -eq 1 ]] || marker="$("$CQ_QEMU_DIR/build-marker.sh" "$CQ_KNAME")"
t0="$(date +%s.%N)"
initrd="$("$CQ_QEMU_DIR/mkinitramfs.sh" ${module:+-m "$module"} ${marker:+-M "$marker"} \
	-K "$kmods" ${ckmods:+-C "$ckmods"} "${extras[@]}" "$CQ_KNAME")"
t1="$(date +%s.%N)"

if [[ -z "$out" ]]; then
	cq_prune "$CQ_CACHE/runs" '*' 50
	out="$CQ_CACHE/runs/$(date +%Y%m%d-%H%M%S)-$CQ_KNAME-$$"
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -f "$out"/{serial.log,trace.log,segments.txt,qemu.log,qemu.cmd,result.env,qmp.sock,qmp.path} "$out"/try1-*

append="console=$console crashkernel=256M panic=-1${post:+ $post} cq.mode=$mode"
[[ -z "$modargs" ]] || append+=" cq.modargs=${modargs// /;}"
[[ -z "$words" ]] || append+=" $words"

trace_args=(-trace "enable=pci_cfg_write,file=$out/trace.log")
for e in "${events[@]}"; do
	# every -trace needs file=: QEMU keeps the last one's (none: stderr)
	trace_args+=(-trace "enable=$e,file=$out/trace.log")
done
# A unix socket path must fit in 108 bytes: a long DIR gets its QMP socket
# in a short directory of its own, named in DIR/qmp.path either way.
qmp_dir="$(cq_sock_dir "$out" qmp)"
echo "$qmp_dir/qmp.sock" >"$out/qmp.path"
qmp_args=(-qmp "unix:$qmp_dir/qmp.sock,server=on,wait=off")
mapfile -t topo_args < <(cq_topology "$topo")
if [[ -n "$iommu" ]]; then
	# cq_topology starts with -M MACHINE; the IOMMU must come before the devices
	topo_args=("${topo_args[@]:0:2}" -device "$iommu" "${topo_args[@]:2}")
fi

cmd=("${qemu[@]}" "${topo_args[@]}" -accel tcg -cpu "$cpu" -m 1024 -smp "$cpus"
	-nodefaults -nographic -no-reboot -msg timestamp=on
	-serial "file:$out/serial.log" "${qmp_args[@]}" "${trace_args[@]}" -netdev "$netdev,id=n1"
	-kernel "$CQ_VMLINUZ" -initrd "$initrd" -append "$append" "$@")
printf '%q ' "${cmd[@]}" >"$out/qemu.cmd"
echo >>"$out/qemu.cmd"

# infra_failure RC: print why, and succeed, when the run failed before the
# module under test could act (the crash): the guest never came up, stalled
# or died with nothing of ours in the picture (TCG now and then breaks a
# boot, e.g. an int3 Oops while the kernel patches its code, after which
# panic=-1 and -no-reboot end QEMU with status 0; or an RCU stall hangs a
# loaded machine). A failure after the crash,
# a hook's CQ-FAIL, a refused module or a trace through our code is the
# product's, and is never retried.
infra_failure() {
	local rc="$1" serial="$out/serial.log" last
	[[ -f "$serial" ]] || { echo "no serial log (qemu exit $rc)"; return 0; }
	grep -q 'CQ-MARK: crashing' "$serial" && return 1
	grep -q 'CQ-MARK: boot-done' "$serial" && return 1
	grep -qE 'CQ-FAIL:|module-load-failed' "$serial" && return 1
	grep -qE 'pcq_|pci_crash_quiesce\]|cq_marker\]' "$serial" && return 1
	last="$(grep -m1 -aoE 'Oops: .*|BUG: .*|rcu: INFO: .*|Kernel panic - not syncing: .*' "$serial")" ||
		last="$(grep -ao 'CQ-MARK: [a-z-]*' "$serial" | tail -n1)"
	echo "qemu exit $rc before the crash${last:+, last: ${last//$'\r'/}}"
}

cq_log "$CQ_KVER $mode ${module:+module=$module }-> $out"
infra=''
for try in 1 2; do
	rc=0
	timeout -k 10 "$timeout" "${cmd[@]}" </dev/null >"$out/qemu.log" 2>&1 || rc=$?
	if [[ $try -eq 2 ]] || ! why="$(infra_failure "$rc")"; then
		break
	fi
	infra="$why"
	cq_log "infrastructure retry: $why"
	for f in serial.log trace.log qemu.log; do
		[[ ! -f "$out/$f" ]] || mv "$out/$f" "$out/try1-$f"
	done
done
t2="$(date +%s.%N)"
[[ "$qmp_dir" == "$out" ]] || rm -rf "$qmp_dir"

# Verdict from the serial log: every marker of the mode, and no CQ-FAIL.
serial="$out/serial.log"
[[ -f "$serial" ]] || : >"$serial"
case "$mode" in
kdump) want=(primary-up kexec-loaded crashing capture-up vmcore-ok dmesg-ok capture-done) ;;
boot) want=(primary-up boot-done) ;;
esac
missing=''
for m in "${want[@]}"; do
	grep -q "CQ-MARK: $m" "$serial" || missing+=" $m"
done
fails="$(grep -c 'CQ-FAIL:' "$serial" || true)"
reason=''
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
	reason="timeout after ${timeout}s"
elif [[ $rc -ne 0 ]]; then
	reason="qemu exit status $rc"
elif [[ $fails -ne 0 ]]; then
	reason="$(grep -m1 -o 'CQ-FAIL:.*' "$serial")"
elif [[ -n "$missing" ]]; then
	reason="missing markers:$missing"
fi

# secs T0 T1: T1 - T0 with one decimal
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

segments=''
if [[ -s "$out/trace.log" ]]; then
	"$CQ_QEMU_DIR/trace-segments.sh" "$out/trace.log" >"$out/segments.txt"
	segments="$("$CQ_QEMU_DIR/trace-segments.sh" -c "$out/trace.log" | awk '{ printf "%s=%s ", $1, $2 }')"
fi

{
	printf 'kernel=%q\nmode=%q\ntopology=%q\nmodule=%q\nmodargs=%q\nqemu=%q\n' \
		"$CQ_KVER" "$mode" "$topo" "$module" "$modargs" "$CQ_QEMU_VERSION"
	[[ -z "$iommu" ]] || printf 'iommu=%q\n' "$iommu"
	printf 'initramfs=%q\ninitramfs_s=%s\nwall_s=%s\nqemu_rc=%s\n' \
		"$initrd" "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "$rc"
	printf 'trace_writes=%q\n' "${segments% }"
	printf 'result=%s\nreason=%q\n' "$([[ -z "$reason" ]] && echo pass || echo fail)" "$reason"
	[[ -z "$infra" ]] || printf 'infra_retry=%q\n' "$infra"
} >"$out/result.env"

if [[ -z "$reason" ]]; then
	cq_log "pass: $CQ_KVER $mode in $(secs "$t1" "$t2") s ($out)"
else
	cq_log "FAIL: $CQ_KVER $mode: $reason ($out)"
	tail -n 20 "$serial" | sed 's/^/  | /' >&2
	exit 1
fi
