#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scenario 10 of SPEC §7, "the dump is saved": after the quiesce reset them,
# the capture kernel brings back the disks and the NIC and writes the dump
# through them. q35 with an NVMe behind root port 00:01.0 (a bus reset), an
# NVMe on the root bus (its own FLR: QEMU's nvme advertises FLR), and the
# e1000e behind root port 00:02.0 (a bus reset), all three driven by the
# crashed kernel. The capture kernel (hook save) loads nvme and e1000e,
# writes the first 8 MiB of /proc/vmcore to both disks and reads them back,
# and sends them to the host through QEMU's user network (guestfwd). The
# host checks the disk images and the bytes received: the ELF header and
# the SHA-256 the capture kernel printed. The trace must show the FLR and
# the bus resets after the panic. A control shows that the host checks
# notice a wrong byte.
#
#   tests/e2e/save.sh [LINE...]      (default: 6.12)

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

[[ $# -gt 0 ]] || set -- 6.12
MIB=8

# save_cycle NAME KVER [run-cycle options...]
save_cycle() {
	local name="$1" kver="$2" dir="$OUT/$1"
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	truncate -s 64M "$dir/disk-rp.img" "$dir/disk-root.img"
	"$Q/run-cycle.sh" -t q35-bare -o "$dir" -K e1000e,nvme -C e1000e,nvme \
		-N "user,restrict=on,guestfwd=tcp:10.0.2.100:4444-cmd:dd of=$dir/net.bin status=none" \
		-c "cq.chook=save cq.save.kmods=nvme,e1000e cq.save.mib=$MIB" "$@" "$kver" -- \
		-device pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x1 \
		-device pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0,addr=0x2 \
		-drive "file=$dir/disk-rp.img,if=none,id=d1,format=raw" \
		-device nvme,id=nvme1,serial=cqsave1,drive=d1,bus=rp1 \
		-drive "file=$dir/disk-root.img,if=none,id=d2,format=raw" \
		-device nvme,id=nvme2,serial=cqsave2,drive=d2,bus=pcie.0,addr=0x4 \
		-device e1000e,id=nic1,bus=rp2,netdev=n1,romfile= >"$dir.log" 2>&1 || true
}

# head_sha NAME: the SHA-256 the capture kernel printed of what it saved
head_sha() { grep -ao 'CQ-SAVE: head .*' "$OUT/$1/serial.log" | sed -n 's/.*sha256=\([0-9a-f]*\).*/\1/p'; }
# saved NAME FILE: FILE starts with the ELF header and its first MIB MiB
# are what the capture kernel saved
saved() {
	local want got
	want="$(head_sha "$1")"
	[[ -n "$want" ]] || { echo "no CQ-SAVE head line"; return 1; }
	[[ "$(head -c 4 "$2" | od -An -tx1 | tr -d ' ')" == 7f454c46 ]] ||
		{ echo "$2 does not start with an ELF header"; return 1; }
	got="$(head -c $((MIB << 20)) "$2" | sha256sum | cut -d' ' -f1)"
	[[ "$got" == "$want" ]] || { echo "$2: sha256 $got, the capture kernel saved $want"; return 1; }
}
# guest_disk NAME BDF: the capture kernel read back from the disk at BDF what it wrote
guest_disk() {
	grep -aqE "CQ-SAVE: disk nvme[0-9]+n1 0000:$2 sha256=$(head_sha "$1")" "$OUT/$1/serial.log"
}
# panic_write NAME BDF AWK-COND: a panic-segment write to BDF matching the condition
panic_write() {
	awk -v b="$2" '
		function hex(s,   i, v) {
			s = tolower(s); sub(/^0x/, "", s); v = 0
			for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		function and_(v, m) { return int(v / m) % 2 }
		$1 == "panic" && $4 == b { off = hex($5); val = hex($6); if ('"$3"') f = 1 }
		END { exit !f }' "$OUT/$1/segments.txt"
}

mkdir -p "$OUT"
for line in "$@"; do
	line_module "$line" || continue
	s="$line-save"
	save_cycle "$s" "$kver" -m "$ko"

	check_kdump "$s"
	tap_check "$s: devices: the root-bus NVMe is reset by its own FLR" \
		grep -q 'CQ-DEBUGFS: devices: 0000:00:04.0 .* reset=flr' "$OUT/$s/serial.log"
	tap_check "$s: devices: the NVMe and the NIC behind root ports by their bus resets" \
		eval "grep -q 'CQ-DEBUGFS: devices: 0000:01:00.0 .* reset=bus:0000:00:01.0' '$OUT/$s/serial.log' &&
			grep -q 'CQ-DEBUGFS: devices: 0000:02:00.0 .* reset=bus:0000:00:02.0' '$OUT/$s/serial.log'"
	tap_check "$s: trace: FLR (Device Control bit 15) of 00:04.0 after the panic" \
		panic_write "$s" 00:04.0 'off != 4 && and_(val, 32768)'
	tap_check "$s: trace: Secondary Bus Reset asserted on 00:01.0 and 00:02.0 after the panic" \
		eval "panic_write $s 00:01.0 'off == 62 && and_(val, 64)' && panic_write $s 00:02.0 'off == 62 && and_(val, 64)'"
	tap_check "$s: summary counts the function reset" \
		grep -qE "$summary_re" "$OUT/$s/serial.log"
	tap_check "$s: the capture kernel saved an ELF vmcore head" grep -aq 'CQ-SAVE: head .* elf=yes' "$OUT/$s/serial.log"
	tap_check "$s: the capture kernel read back from the FLR'd NVMe (00:04.0) what it wrote" guest_disk "$s" 00:04.0
	tap_check "$s: the capture kernel read back from the bus-reset NVMe (01:00.0) what it wrote" guest_disk "$s" 01:00.0
	tap_check "$s: host: the FLR'd NVMe's disk holds the ELF header and the bytes" saved "$s" "$OUT/$s/disk-root.img"
	tap_check "$s: host: the bus-reset NVMe's disk holds them" saved "$s" "$OUT/$s/disk-rp.img"
	tap_check "$s: the capture kernel sent them through the reset NIC (e1000e driver loaded)" \
		grep -aq 'CQ-SAVE: net .* 0000:02:00.0 sent=yes' "$OUT/$s/serial.log"
	tap_check "$s: host: $MIB MiB arrived over the network, ELF header and bytes intact" saved "$s" "$OUT/$s/net.bin"
	cp "$OUT/$s/net.bin" "$OUT/$s/net-flipped.bin" 2>/dev/null || : >"$OUT/$s/net-flipped.bin"
	printf '\x00' | dd of="$OUT/$s/net-flipped.bin" bs=1 seek=4096 conv=notrunc 2>/dev/null
	tap_check "$s: the host check notices one wrong byte (control)" \
		eval "! saved $s '$OUT/$s/net-flipped.bin' >/dev/null"
done
tap_done
