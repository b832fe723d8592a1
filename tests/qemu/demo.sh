#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: show, in about a minute, what pci_crash_quiesce is for.
#
#   tests/qemu/demo.sh [LINE]      (default: 6.12)
#
# Installs what is missing (scripts/install-deps.sh), builds the module if it
# is missing or older than its sources (tests/build-matrix.sh LINE), then runs
# the DMA scenario (tests/qemu/dma-cycle.sh) twice on a QEMU guest with an
# e1000e NIC: once without the module, once with it (default arguments), and
# prints a side-by-side table and a verdict. Runs are kept in out/demo/.
# Exit status 0 when the verdict is "DMA stopped". It runs the machine's own
# QEMU (Debian 12: 7.2, CQ_QEMU=system), so that a first look downloads
# nothing more; the test suite runs QEMU 10.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
Q="$ROOT/tests/qemu"
OUT="$ROOT/out/demo"
line="${1:-6.12}"
start=$SECONDS

bold='' plain=''
if [[ -t 1 ]]; then
	bold=$'\033[1m' plain=$'\033[0m'
fi
say() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
note() { printf '    %s\n' "$@"; }
die() { printf '\ndemo: %s\n' "$*" >&2; exit 1; }

cat <<'EOF'
pci_crash_quiesce demo
======================
When Linux crashes, kdump boots a second "capture" kernel that saves the
crashed kernel's memory (the dump). But PCI devices do not stop with the
crash: a network card keeps writing the packets it receives (DMA) into
buffers of the dead kernel, while the capture kernel boots and reads them.
pci_crash_quiesce stops the devices in the panic path, before the jump.

This demo boots a QEMU guest with an Intel e1000e network card and crashes
it twice, without and with the module. Only once the capture kernel is
booting, the host sends Ethernet frames with a random marker to the card.
The capture kernel then counts that marker in the crashed kernel's memory.
EOF

say "Checking the tools (scripts/install-deps.sh; installs only what is missing)"
"$ROOT/scripts/install-deps.sh" 2>&1 | sed 's/^/    /' ||
	die "installing dependencies failed (it needs root when something is missing)"

say "Resolving the current Debian $line kernel"
kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")" || die "cannot resolve kernel line $line"
"$ROOT/scripts/fetch-kernels.sh" "$kver" >/dev/null || die "cannot fetch $kver"
note "$kver (Debian's own image, unpacked in ${CQ_CACHE:-$HOME/.cache/crash-quiesce}/kernels/)"

ko="$ROOT/out/modules/$kver/pci_crash_quiesce.ko"
stale=''
if [[ -f "$ko" ]] && git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	while IFS= read -r f; do
		[[ ! "$ROOT/$f" -nt "$ko" ]] || { stale="$f"; break; }
	done < <(git -C "$ROOT" ls-files Kbuild drivers include compat)
fi
if [[ ! -f "$ko" || -n "$stale" ]]; then
	say "Building pci_crash_quiesce.ko for $kver${stale:+ ($stale changed)}"
	mkdir -p "$OUT"
	"$ROOT/tests/build-matrix.sh" "$line" >"$OUT/build.log" 2>&1 ||
		die "build failed, see $OUT/build.log"
	[[ -f "$ko" ]] || die "no $ko after the build, see $OUT/build.log"
fi
note "module: ${ko#"$ROOT"/}"
# The module's arguments in the run with it: none, so that it runs as
# deployed with no options. What is printed is what is passed, and the
# defaults it then uses are the module's own (modinfo's "(default: ...)").
modargs=''
defaults="$(modinfo -F parm "$ko" | sed -n 's/^\([a-z_]*\):.*(default: \([^)]*\))$/\1=\2/p' |
	sed 's/=empty$/=""/' | tr '\n' ' ' | sed 's/ $//')"
[[ -n "$defaults" ]] || die "no parameter defaults in modinfo of $ko"
if [[ -n "$modargs" ]]; then
	args_said="arguments: $modargs"
else
	args_said="no arguments: the module's defaults, $defaults"
fi
export CQ_QEMU=system

# watch DIR PID: narrate a dma-cycle.sh run from its files until PID exits
watch() {
	local dir="$1" pid="$2" i=0 file pat text steps
	steps=(
		"$dir/serial.log|CQ-MARK: primary-up|guest up, e1000e driver loading"
		"$dir/serial.log|CQ-NIC: |network interface up: the card's receive ring is armed (no IP address)"
		"$dir/serial.log|CQ-MARK: crashing|crashing the guest: echo c > /proc/sysrq-trigger"
		"$dir/sender.log|start |capture kernel booting: the host starts sending marked frames, one every 3 ms"
		"$dir/serial.log|CQ-DMA: scan-start|capture kernel searches the crashed kernel's memory (/proc/vmcore) for the marker"
		"$dir/serial.log|CQ-DMA: markers=|counted; powering off")
	while [[ $i -lt ${#steps[@]} ]]; do
		IFS='|' read -r file pat text <<<"${steps[$i]}"
		if grep -aqs -- "$pat" "$file"; then
			note "$(printf '[%3ds] %s' $((SECONDS - start)) "$text")"
			i=$((i + 1))
			continue
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
}

# crash NAME TITLE [dma-cycle options]: one run into $OUT/NAME
crash() {
	local name="$1" title="$2" pid
	shift 2
	say "$title"
	rm -rf "${OUT:?}/$name"
	mkdir -p "$OUT"
	"$Q/dma-cycle.sh" -o "$OUT/$name" "$@" "$kver" >"$OUT/$name.log" 2>&1 &
	pid=$!
	watch "$OUT/$name" "$pid"
	wait "$pid" || die "the run failed: $(tail -n 3 "$OUT/$name.log")"
}

crash without "Crash 1 of 2: WITHOUT the module"
crash with "Crash 2 of 2: WITH pci_crash_quiesce loaded ($args_said)" -m "$ko" ${modargs:+-a "$modargs"}

# get NAME KEY: KEY from the run's dma.env
get() {
	# shellcheck source=/dev/null
	(. "$OUT/$1/dma.env" && printf '%s' "${!2:-}")
}
dash() { printf '%s' "${1:--}"; }
ms() {
	if [[ -z "$1" ]]; then
		printf '%s' -
	else
		awk -v u="$1" 'BEGIN { printf "%.1f ms", u / 1000 }'
	fi
}

row() { printf '  %-44s %15s %15s\n' "$1" "$2" "$3"; }
say "Result ($kver)"
echo
row "" "without module" "with module"
row "marked frames found in the dump" "$(get without markers)" "$(get with markers)"
row "frames the card wrote into the dead kernel" "$(get without rx_to_guest_after_panic)" \
	"$(get with rx_to_guest_after_panic)"
row "frames the host sent during capture boot" "$(get without frames_offered)" "$(get with frames_offered)"
row "functions quiesced at panic" "$(dash "$(get without quiesced)")" "$(dash "$(get with quiesced)")"
row "bridges reset at panic" "$(dash "$(get without reset)")" "$(dash "$(get with reset)")"
row "time in the panic path" "$(ms "$(get without panic_us)")" "$(ms "$(get with panic_us)")"
echo

n0="$(get without markers)" n1="$(get with markers)"
rc=0
if [[ "${n0:-0}" -eq 0 ]]; then
	verdict="inconclusive: even without the module no marked frame reached the dump, so this run proves nothing."
	rc=1
elif [[ "$n1" != 0 ]]; then
	verdict="FAILED: with the module $n1 marked frames still reached the dump."
	rc=1
else
	verdict="without the module the card kept writing received frames into the crashed kernel's memory while the capture kernel booted ($n0 in the dump); with pci_crash_quiesce it wrote none: DMA really stopped."
fi
printf 'Verdict: %s\n' "$verdict" | fmt -w 78
printf '\n(%d s; serial logs, QEMU traces and numbers in %s/{without,with}/)\n' \
	$((SECONDS - start)) "${OUT#"$ROOT"/}"
exit "$rc"
