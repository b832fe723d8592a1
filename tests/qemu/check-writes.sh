#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the config writes of a kdump cycle's panic segment against the plan
# the module showed in debugfs (SPEC §7 scenario 2).
#
#   tests/qemu/check-writes.sh RUN_DIR [PREFIX]
#
# PREFIX selects which devices dump is the plan (default CQ-DEBUGFS, the one
# taken right after loading; the hotplug scenario dumps CQ-DEBUGFS-HP).
#
# Reads RUN_DIR/serial.log (the CQ-DEBUGFS: devices: lines dumped before the
# crash) and RUN_DIR/segments.txt (trace-segments.sh). Prints one line per
# check, "PASS name" or "FAIL name: why", and exits 1 if any failed:
# - every planned function whose Command had Bus Master set before the panic
#   got a Command write with Bus Master clear and INTx Disable set (a VF,
#   shown with pf=, has no INTx: Bus Master clear);
# - all endpoint Command writes come before the first bridge Command write;
# - every quiesce+reset bridge got Secondary Bus Reset asserted then
#   released, all asserts before any release, and no other bridge got one;
# - skipped functions got no write at all;
# - nothing wrote a Status or Secondary Status register (RW1C).
# An ordering check needs something to order: "endpoints before bridges"
# is made when the plan has endpoints and bridges with Bus Master set, and
# fails if either kind wrote nothing; "asserts before releases" when it has
# a bus reset; the RW1C check fails when there was no panic write at all.
# A bridge above a skipped function (bus-master=kept) must keep Bus Master.

set -euo pipefail
dir="$1"
prefix="${2:-CQ-DEBUGFS}"
[[ -f "$dir/serial.log" && -f "$dir/segments.txt" ]] || { echo "FAIL inputs: no serial.log or segments.txt in $dir"; exit 1; }

{
	sed -n "s/^.*$prefix: devices: /D /p" "$dir/serial.log" | tr -d '\r'
	grep -E '^(boot|primary|panic) ' "$dir/segments.txt"
} | awk '
function hex(s,   i, c, v) {
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		if (c < 0) return -1
		v = v * 16 + c
	}
	return v
}
function bit(v, b) { return int(v / b) % 2 }
function pass(name) { print "PASS " name }
function fail(name, why) { print "FAIL " name ": " why; failed = 1 }

$1 == "D" {
	bdf = $2; sub(/^0000:/, "", bdf)
	for (i = 3; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "type") type[bdf] = kv[2]
		if (kv[1] == "action") action[bdf] = kv[2]
		if (kv[1] == "pf") vf[bdf] = 1
		if (kv[1] == "bus-master" && kv[2] == "kept") kept[bdf] = 1
	}
	devs[++ndev] = bdf
	next
}
# SEGMENT TIME DEV BDF OFFSET VALUE
$1 == "boot" || $1 == "primary" {
	if (hex($5) == 4) cmd[$4] = hex($6) % 65536
	next
}
$1 == "panic" {
	n++; bdf = $4; off = hex($5); val = hex($6)
	writes[bdf]++
	if (off == 6 || off == 30) rw1c = rw1c " " bdf "@" $5
	if (off == 4) {
		newcmd[bdf] = val % 65536
		if (type[bdf] ~ /port|bridge/) { if (!first_bridge) first_bridge = n }
		else last_endpoint = n
	}
	if (off == 62) {
		if (bit(val, 64)) { asserted[bdf] = n; last_assert = n }
		else {
			if (asserted[bdf]) released[bdf] = n
			if (!first_release) first_release = n
		}
	}
	next
}
END {
	if (!ndev) { fail("plan", "no CQ-DEBUGFS devices lines in the serial log"); exit 1 }
	if (!n) fail("panic writes", "no config write between the panic markers")
	for (i = 1; i <= ndev; i++) {
		d = devs[i]
		if (action[d] ~ /^skip/) {
			if (writes[d]) fail("untouched " d " (" action[d] ")", writes[d] " write(s)")
			else pass("untouched " d " (" action[d] ")")
			continue
		}
		if (action[d] == "quiesce+reset") {
			resets++
			if (!asserted[d] || !released[d] || released[d] < asserted[d])
				fail("secondary bus reset on " d, "no assert followed by a release")
			else pass("secondary bus reset asserted then released on " d)
		} else if (asserted[d]) fail("no reset on " d " (" action[d] ")", "Secondary Bus Reset asserted")
		if (!(d in cmd) || !bit(cmd[d], 4)) continue
		if (kept[d]) {
			if ((d in newcmd) && !bit(newcmd[d], 4))
				fail("bus master kept on " d " (a skipped function below)", sprintf("Command written 0x%x", newcmd[d]))
			else pass("bus master kept on " d " (a skipped function below)")
			continue
		}
		if (type[d] ~ /port|bridge/) bridges_bm++
		else endpoints_bm++
		if (!(d in newcmd)) fail("bus master cleared on " d, "no Command write after the panic")
		else if (vf[d]) {
			# a VF has no INTx: its INTx Disable bit is read-only zero
			if (bit(newcmd[d], 4)) fail("bus master cleared on VF " d, sprintf("Command written 0x%x", newcmd[d]))
			else pass("bus master cleared on VF " d)
		} else if (bit(newcmd[d], 4) || !bit(newcmd[d], 1024))
			fail("bus master cleared on " d, sprintf("Command written 0x%x", newcmd[d]))
		else pass("bus master cleared, INTx disabled on " d " " type[d])
	}
	if (endpoints_bm && bridges_bm) {
		if (!last_endpoint || !first_bridge)
			fail("endpoints before bridges", "nothing to order: " (last_endpoint ? "no bridge" : "no endpoint") " Command write")
		else if (last_endpoint > first_bridge)
			fail("endpoints before bridges", "a bridge Command write came before an endpoint one")
		else pass("endpoints before bridges")
	}
	if (resets) {
		if (!last_assert || !first_release)
			fail("all resets asserted before any release", "nothing to order: no " (last_assert ? "release" : "assert"))
		else if (last_assert > first_release)
			fail("all resets asserted before any release", "an assert came after a release")
		else pass("all resets asserted before any release")
	}
	if (!n) fail("no RW1C status writes", "no panic write to judge")
	else if (rw1c != "") fail("no RW1C status writes", rw1c)
	else pass("no RW1C status writes among " n " panic writes")
	exit failed
}'
