#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's own checks, on synthetic inputs (no QEMU): every check that
# the QEMU scenarios rely on must fail on the run it exists to catch.
# - tests/qemu/check-writes.sh on a good panic segment (every line PASS),
#   and on one violation each: a bridge Command write before an endpoint's,
#   an assert after a release, a Status (RW1C) write, a planned bridge that
#   got no write (nothing to order), no panic write at all, a bridge that
#   had to keep Bus Master (above a skipped function) and lost it, a bus
#   reset never released;
# - tests/qemu/qmp.sh refuses a socket path too long for a unix socket and
#   a run directory without a QMP socket, loudly.
# One TAP line per case.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"
Q="$ROOT/tests/qemu"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run DIR: a serial.log with the plan of a small q35 and a segments.txt
# from stdin (SEGMENT TIME DEV BDF OFFSET VALUE)
plan() {
	local dir="$1" kept="${2:-}"
	mkdir -p "$dir"
	{
		echo "CQ-DEBUGFS: devices: 0000:00:00.0 8086:29c0 class=060000 type=host-bridge parent=- access=ecam action=skip:host-bridge reset=none:skipped"
		echo "CQ-DEBUGFS: devices: 0000:00:01.0 1b36:000c class=060400 type=root-port parent=- access=ecam action=quiesce+reset reset=none:bridge"
		echo "CQ-DEBUGFS: devices: 0000:00:02.0 1b36:000c class=060400 type=root-port parent=- access=ecam action=quiesce reset=none:bridge$kept"
		echo "CQ-DEBUGFS: devices: 0000:01:00.0 8086:10d3 class=020000 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=bus:0000:00:01.0"
		echo "CQ-DEBUGFS: devices: 0000:02:00.0 1234:11e8 class=00ff00 type=endpoint parent=0000:00:02.0 access=ecam action=skip:user reset=none:skipped"
	} >"$dir/serial.log"
	cat >"$dir/segments.txt"
}
# the primary's Command values: Bus Master on everywhere
primary() {
	printf 'primary 1.0 x %s 0x4 0x107\n' 00:01.0 00:02.0
	printf 'primary 1.0 x %s 0x4 0x507\n' 01:00.0 02:00.0
}
good() {
	primary
	echo "panic 2.0 e1000e 01:00.0 0x4 0x503"
	echo "panic 2.1 pcie-root-port 00:01.0 0x4 0x503"
	echo "panic 2.2 pcie-root-port 00:02.0 0x4 0x503"
	echo "panic 2.3 pcie-root-port 00:01.0 0x3e 0x42"
	echo "panic 2.4 pcie-root-port 00:01.0 0x3e 0x2"
}
verdict() { "$Q/check-writes.sh" "$1" 2>&1; }
# fails_with DIR NAME: check-writes fails DIR, and its FAIL line names NAME
fails_with() {
	local out
	if out="$(verdict "$1")"; then
		echo "check-writes passed: $out"
		return 1
	fi
	grep -q "^FAIL $2" <<<"$out" || { echo "no 'FAIL $2' in: $out"; return 1; }
}

good | plan "$work/good"
tap_check "check-writes: a good panic segment passes every check" \
	eval "verdict $work/good >/dev/null && ! verdict $work/good | grep -q '^FAIL'"
tap_check "check-writes: the good segment does run the ordering checks" \
	eval "verdict $work/good | grep -q '^PASS endpoints before bridges' &&
		verdict $work/good | grep -q '^PASS all resets asserted before any release' &&
		verdict $work/good | grep -q '^PASS no RW1C status writes'"

{ primary; good | grep '^panic' | awk 'NR == 1 { a = $0; next } NR == 2 { print; print a; next } 1'; } |
	plan "$work/order"
tap_check "check-writes: a bridge Command write before an endpoint's fails 'endpoints before bridges'" \
	fails_with "$work/order" "endpoints before bridges"

{
	good | grep -v '0x3e'
	echo "panic 2.3 pcie-root-port 00:01.0 0x3e 0x42"
	echo "panic 2.4 pcie-root-port 00:01.0 0x3e 0x2"
	echo "panic 2.5 pcie-root-port 00:01.0 0x3e 0x42"
	echo "panic 2.6 pcie-root-port 00:01.0 0x3e 0x2"
} | plan "$work/assert"
tap_check "check-writes: an assert after a release fails 'all resets asserted before any release'" \
	fails_with "$work/assert" "all resets asserted before any release"

{ good; echo "panic 2.5 e1000e 01:00.0 0x6 0x10"; } | plan "$work/rw1c"
tap_check "check-writes: a Status write fails 'no RW1C status writes'" \
	fails_with "$work/rw1c" "no RW1C status writes"

good | grep -v 'pcie-root-port 00:0[12].0 0x4 ' | plan "$work/nobridge"
tap_check "check-writes: no bridge Command write fails 'endpoints before bridges' (nothing to order)" \
	fails_with "$work/nobridge" "endpoints before bridges: nothing to order"

good | grep -v '0x3e 0x2$' | plan "$work/unreleased"
tap_check "check-writes: a bus reset never released fails" \
	fails_with "$work/unreleased" "secondary bus reset on 00:01.0"
tap_check "check-writes: ... and 'asserts before releases' has nothing to order" \
	fails_with "$work/unreleased" "all resets asserted before any release: nothing to order"

primary | plan "$work/none"
tap_check "check-writes: no panic write at all fails 'no RW1C status writes'" \
	fails_with "$work/none" "no RW1C status writes: no panic write to judge"

good | plan "$work/kept" " bus-master=kept"
tap_check "check-writes: a bridge that must keep Bus Master and lost it fails" \
	fails_with "$work/kept" "bus master kept on 00:02.0"
good | sed 's/^\(panic .* 00:02.0 0x4\) 0x503$/\1 0x507/' | plan "$work/kept-ok" " bus-master=kept"
tap_check "check-writes: the same bridge keeping Bus Master passes (control)" \
	eval "verdict $work/kept-ok | grep -q '^PASS bus master kept on 00:02.0'"

long="$work/$(printf 'd%.0s' {1..120})"
mkdir -p "$long"
tap_check "qmp.sh: a socket path too long for a unix socket is refused, loudly" \
	eval "! $Q/qmp.sh $long/qmp.sock '{}' 2>$work/qmp.err && grep -q 'longer than a unix socket allows' $work/qmp.err"
tap_check "qmp.sh: a run directory without qmp.path is refused, loudly" \
	eval "! $Q/qmp.sh $work/good '{}' 2>$work/qmp.err && grep -q 'no qmp.path' $work/qmp.err"
tap_done
