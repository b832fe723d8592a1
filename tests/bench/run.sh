#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench (SPEC §9): the panic path's cost against the floor and the
# sequential way, the snapshot's cost, and panic to capture-kernel time,
# on q35 topologies of growing size under QEMU (TCG). Measures and reports;
# asserts no time. Not part of make check.
#
#   tests/bench/run.sh [-k LINE|KVER] [-s 'SIZES'] [-o DIR]
#     -k   kernel (default 6.12)
#     -s   topology sizes in PCI functions (default '8 32 128 256')
#     -o   output directory (default out/bench)
#
# 1. Build the module and the bench module (tests/bench/module/: bench.c
#    linked with the driver's own objects, pci_crash_quiesce_bench.ko) from
#    copies of the tracked sources in DIR/src and DIR/src-bench, W=1 and
#    sparse (C=1); any warning stops the bench.
# 2. Per size (tests/bench/topology.sh), three kdump cycles
#    (tests/qemu/run-cycle.sh -t q35-bare) into DIR/runs/SIZE-KIND/:
#      bench    the module with budget_ms=10000 (so that the walk runs to
#               its end under emulation); hook bench (guest-bench.sh, after
#               kexec -p): dry_run_now, then the bench module's
#               measurement, which quiesces and resets for real; then the
#               crash
#      module   the module with its default parameters, a plain crash: the
#               real run's summary line and panic to capture time
#      control  no module: panic to capture time without it
# 3. tests/bench/parse.sh per run into DIR/SIZE.env, tests/bench/report.sh:
#    the tables (also in DIR/bench.txt), DIR/bench.csv, DIR/bench.svg.
# Exit status 1 if a build or a run failed (the report covers the rest).

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
B="$ROOT/tests/bench"
Q="$ROOT/tests/qemu"

line=6.12 sizes='8 32 128 256' out="$ROOT/out/bench"
while getopts 'k:s:o:h' opt; do
	case "$opt" in
	k) line="$OPTARG" ;;
	s) sizes="$OPTARG" ;;
	o) out="$OPTARG" ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 0 ]] || { echo "usage: $0 [-k LINE] [-s 'SIZES'] [-o DIR]" >&2; exit 2; }

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
start=$SECONDS

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: scripts/install-deps.sh"
kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")" || die "cannot resolve kernel $line"
kdir="/lib/modules/$kver/build"
[[ -d "$kdir" ]] || die "no $kdir: run scripts/install-deps.sh"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# 1. the module and the bench module, each from its own copy of the sources
# (never the tree's objects); the bench's Kbuild replaces the root one in its
# copy, so that bench.c links the driver's real objects
build() { # build DIR KBUILD: a copy of the tracked sources, built W=1 C=1
	local dir="$1"
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$ROOT" && git ls-files -z | xargs -0 cp --parents -t "$dir")
	[[ -z "$2" ]] || cp "$2" "$dir/Kbuild"
	if ! "$ROOT/scripts/kmake.sh" "$kdir" M="$dir" W=1 C=1 modules >"$dir.log" 2>&1; then
		tail -20 "$dir.log" >&2
		die "build failed, see $dir.log"
	fi
	if grep -E 'warning|error' "$dir.log" >&2; then
		die "the build has warnings, see $dir.log"
	fi
}
log "building the module and the bench module for $kver (W=1 C=1)"
build "$out/src" ''
build "$out/src-bench" "$ROOT/tests/bench/module/Kbuild"
ko="$out/pci_crash_quiesce.ko"
bench_ko="$out/pci_crash_quiesce_bench.ko"
cp "$out/src/pci_crash_quiesce.ko" "$ko"
cp "$out/src-bench/pci_crash_quiesce_bench.ko" "$bench_ko"

# 2. three cycles per size
hook=(-f "$B/guest-bench.sh:/cq/hooks/bench.sh" -f "$bench_ko:/cq/pci_crash_quiesce_bench.ko")
rm -f "$out/retries.txt" "$out"/runs/*.try*-serial.log
failed=0 envs=()
for n in $sizes; do
	summary="$("$B/topology.sh" -s "$n")" || die "no topology of $n functions"
	mapfile -t topo < <("$B/topology.sh" "$n")
	for kind in bench module control; do
		case "$kind" in
		bench) args=(-m "$ko" -a budget_ms=10000 -c cq.xhook=bench) ;;
		module) args=(-m "$ko") ;;
		control) args=() ;;
		esac
		dir="$out/runs/$n-$kind"
		mkdir -p "$dir"
		log "$n functions: $kind run -> $dir"
		# one retry: TCG now and then breaks a boot (e.g. an int3 Oops while
		# the kernel patches code), with or without the module
		for try in 1 2; do
			if "$Q/run-cycle.sh" -t q35-bare -o "$dir" "${hook[@]}" "${args[@]}" "$kver" \
				-- "${topo[@]}" >"$dir.log" 2>&1; then
				break
			fi
			log "$n functions: $kind run failed (try $try): $(tail -n 1 "$dir.log")"
			cp "$dir/serial.log" "$dir.try$try-serial.log" 2>/dev/null || true
			if [[ $try -eq 2 ]]; then
				failed=1
			else
				echo "$n-$kind: try 1 failed, $(grep -m1 -oE 'Oops: .*|Kernel panic - not syncing: .*|CQ-FAIL: .*' \
					"$dir.try1-serial.log" 2>/dev/null || echo 'see its log')" >>"$out/retries.txt"
			fi
		done
	done
	if ! grep -q 'CQ-BENCH: bench valid=1' "$out/runs/$n-bench/serial.log" 2>/dev/null; then
		log "$n functions: no measurement from the bench hook"
		failed=1
	fi
	{
		tr ' ' '\n' <<<"$summary" | sed 's/^/topo_/'
		"$B/parse.sh" "$out/runs/$n-bench" | sed 's/^/b_/'
		"$B/parse.sh" "$out/runs/$n-module" | sed 's/^/m_/'
		"$B/parse.sh" "$out/runs/$n-control" | sed 's/^/c_/'
	} >"$out/$n.env"
	envs+=("$out/$n.env")
done

# 3. report
{
	echo "make bench: kernel $kver, QEMU $(qemu-system-x86_64 --version | head -n 1 | cut -d' ' -f4), TCG, $(date -u +%Y-%m-%dT%H:%MZ)"
	"$B/report.sh" "$out" "${envs[@]}"
	if [[ -s "$out/retries.txt" ]]; then
		echo "Runs retried once:"
		sed 's/^/  /' "$out/retries.txt"
	fi
	echo "wall time: $((SECONDS - start)) s"
} | tee "$out/bench.txt"
exit "$failed"
