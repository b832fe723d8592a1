#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn one run-cycle.sh output directory of make bench into key=value lines.
#
#   tests/bench/parse.sh DIR
#
# From DIR/serial.log:
#   dry_KEY=V       last_run after dry_run_now      (CQ-BENCH: dry KEY=V)
#   bench_KEY=V     the bench file's measurement    (CQ-BENCH: bench KEY=V)
#   panic_functions, panic_bridges, panic_skipped, panic_mismatched, panic_us,
#   panic_state     from the crashed kernel's summary line, which the capture
#                   kernel prints as CQ-DMESG: (state: done, dry-run or
#                   aborted-<reason>); absent without the module
# From DIR/trace.log (QEMU -msg timestamp=on, host seconds):
#   panic_to_capture_s  panic-start marker (right before sysrq-c) to
#                       capture-start marker (capture init, after the capture
#                       kernel's PCI enumeration)
#   panic_segment_s     panic-start to panic-end (last panic notifier)
# From DIR/result.env: result (pass|fail), wall_s.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

[[ $# -eq 1 && -d "$1" ]] || { echo "usage: $0 RUN-DIR" >&2; exit 2; }
dir="$1"

if [[ -f "$dir/serial.log" ]]; then
	tr -d '\r' <"$dir/serial.log" | awk '
		match($0, /CQ-BENCH: (hook|dry|bench) [a-z_0-9]+=/) {
			split(substr($0, RSTART + 10), w, " ")
			print w[1] "_" w[2]
		}
		match($0, /pci_crash_quiesce: quiesced [0-9]+ functions, reset [0-9]+ bridges, skipped [0-9]+ \(mismatched [0-9]+\) in [0-9]+ us.*/) && /CQ-DMESG: / {
			s = substr($0, RSTART, RLENGTH)
			split(s, w, /[ ()]+/)
			print "panic_functions=" w[3]
			print "panic_bridges=" w[6]
			print "panic_skipped=" w[9]
			print "panic_mismatched=" w[11]
			print "panic_us=" w[13]
			state = "done"
			if (s ~ /\(dry run\)/)
				state = "dry-run"
			else if (match(s, /aborted: [a-z-]+/))
				state = "aborted-" substr(s, RSTART + 9, RLENGTH - 9)
			print "panic_state=" state
		}'
fi

if [[ -s "$dir/trace.log" ]]; then
	"$ROOT/tests/qemu/trace-segments.sh" "$dir/trace.log" | awk '
		$1 == "#" && $2 == "marker" { t[$3] = $4 }
		END {
			if (("panic-start" in t) && ("capture-start" in t))
				printf "panic_to_capture_s=%.3f\n", t["capture-start"] - t["panic-start"]
			if (("panic-start" in t) && ("panic-end" in t))
				printf "panic_segment_s=%.6f\n", t["panic-end"] - t["panic-start"]
		}'
fi

if [[ -f "$dir/result.env" ]]; then
	sed -n 's/^\(result\|wall_s\)=\(.*\)$/\1=\2/p' "$dir/result.env"
fi
