#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook: dry_run_now against concurrent config-space traffic (run with
# cq.mode=boot, topology pc: type-1 config access only, where a bare
# 0xCF8/0xCFC pair outside pci_config_lock would interleave with the PCI
# core's). dry_run_now must go through the PCI core's locked accessors.
#
# A background loop writes alternating values into the Interrupt Line
# register (0x3c; read/write scratch for the OS, no effect on the device) of
# the e1000e (00:03.0) and the edu (01:01.0), reads each back, and reads
# the rest of their header (bytes 0..59, compared with what it read first),
# 50 times, while the foreground writes 1 to dry_run_now over and over (at
# least cq.race.n=N times, default 300, and until the loop is done; at most
# 60 s). Both run between the trace markers c0de5a22 and c0de5a23.
# The first 64 bytes of every function's config space are dumped before and
# after; only the Interrupt Line bytes the loop wrote last may differ.
#
# Lines ("CQ-RACE: ..."):
#   CQ-RACE: dry_runs=N failed=F loop_iterations=L readbacks=R readback_mismatches=M seconds=S
#   CQ-RACE: diff=D                    bytes that differ, after allowing the loop's
#   CQ-RACE: control-diff=C            the same comparison with one byte changed on purpose
#   CQ-RACE: control-readback=B        1: the read-back check failed a wrong expectation
#   CQ-RACE: mismatch ... / differs ... (details, at most 20 lines each)
# A true racy control is not possible: the old dry_run_now, which used bare
# 0xCF8/0xCFC without the lock, is gone from the module. The controls show
# instead that the comparisons themselves can fail.

set -u
D=/sys/kernel/debug/pci_crash_quiesce
DEVS="0000:00:03.0 0000:01:01.0"
# A byte no loop writes, on a function the dry run reads: the edu's Cache
# Line Size (0x0c), read/write in QEMU and without effect on it.
CTL_DEV=0000:01:01.0 CTL_OFF=12
say() { echo "CQ-RACE: $*" >/dev/console; }
die() {
	say "FAIL $*"
	exit 1
}

# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh

cfg() { echo "/sys/bus/pci/devices/$1/config"; }
rd8() { dd if="$(cfg "$1")" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1 | tr -d ' \n'; }
# wr8 BDF OFFSET VALUE: one config byte write
wr8() {
	# shellcheck disable=SC2059 # the escape is the format
	printf "\\$(printf '%03o' "$3")" | dd of="$(cfg "$1")" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}

# dump FILE: "BDF OFFSET BYTE" for the first 64 bytes of every function
dump() {
	for d in /sys/bus/pci/devices/*; do
		od -An -v -tx1 -N64 "$d/config" |
			awk -v b="${d##*/}" '{ for (i = 1; i <= NF; i++) printf "%s %d %s\n", b, n++, $i }'
	done >"$1"
}
# compare BEFORE AFTER ALLOWED: print the differing bytes, then their count.
# ALLOWED has "BDF OFFSET BYTE" lines: that byte may read so afterwards.
compare() {
	awk 'FILENAME == ARGV[1] { a[$1 " " $2] = $3; next }
	     FILENAME == ARGV[2] { ok[$1 " " $2] = $3; next }
	     { k = $1 " " $2; seen[k] = 1
	       if (!(k in a)) { if (n++ < 20) print "differs " k ": new"; next }
	       if (a[k] != $3 && ok[k] != $3) { if (n++ < 20) print "differs " k ": " a[k] " -> " $3 } }
	     END { for (k in a) if (!(k in seen)) { if (n++ < 20) print "differs " k ": gone" }
	           print n + 0 }' "$1" "$3" "$2"
}

[ -w "$D/dry_run_now" ] || die "no $D/dry_run_now"
n="$(cmdline_arg cq.race.n 300)"
for dev in $DEVS; do
	[ -e "$(cfg "$dev")" ] || die "no $dev"
done

said=0
# readback BDF OFFSET WANT rd8|hdr: does the register (rd8, decimal) or the
# header (hdr, OFFSET unused) read WANT?
readback() {
	# shellcheck disable=SC3043 # busybox ash has local
	local r
	r="$("$4" "$1" "$2")"
	[ "$r" = "$3" ] && return 0
	said=$((said + 1))
	[ $said -gt 20 ] || say "mismatch $1 @$2 read $r, not $3"
	return 1
}

# hdr BDF: config bytes 0..59 (all of the header before Interrupt Line), as
# one hex string; a 60-byte read is 15 dword reads in the kernel
hdr() { od -An -v -tx1 -N60 "$(cfg "$1")" | tr -d ' \n'; }

# loop: the config traffic; results into /tmp/race.loop and /tmp/race.allowed
loop() {
	i=0 reads=0 bad=0
	hdrs=''
	for dev in $DEVS; do
		hdrs="$hdrs $(hdr "$dev")"
	done
	while [ ! -e /tmp/race.stop ] && [ $i -lt 50 ]; do
		# 1..255 and never the same twice in a row
		v=$((i % 2 ? 0x5a + i % 64 : 0xa5 - i % 64))
		# shellcheck disable=SC2086 # one header per word
		set -- $hdrs
		for dev in $DEVS; do
			wr8 "$dev" 60 "$v"
			reads=$((reads + 2))
			readback "$dev" 60 "$v" rd8 || bad=$((bad + 1))
			readback "$dev" 0 "$1" hdr || bad=$((bad + 1))
			shift
		done
		i=$((i + 1))
	done
	for dev in $DEVS; do
		printf '%s 60 %02x\n' "$dev" "$v"
	done >/tmp/race.allowed
	echo "$i $reads $bad" >/tmp/race.loop
}

rm -f /tmp/race.stop /tmp/race.loop
dump /tmp/race.before
t0="$(date +%s)"
marker c0de5a22
loop &
pid=$!
runs=0 failed=0
while [ $runs -lt "$n" ] || [ ! -e /tmp/race.loop ]; do
	echo 1 >"$D/dry_run_now" || failed=$((failed + 1))
	runs=$((runs + 1))
	[ $((runs % 50)) -ne 0 ] || [ $(($(date +%s) - t0)) -lt 60 ] || break
done
touch /tmp/race.stop
wait "$pid"
marker c0de5a23
t1="$(date +%s)"
dump /tmp/race.after
read -r iters reads bad </tmp/race.loop || die "the loop left no result"
say "dry_runs=$runs failed=$failed loop_iterations=$iters readbacks=$reads readback_mismatches=$bad seconds=$((t1 - t0))"
sed 's/^/CQ-RACE-LASTRUN: /' "$D/last_run" >/dev/console
compare /tmp/race.before /tmp/race.after /tmp/race.allowed >/tmp/race.cmp
sed '$d; s/^/CQ-RACE: /' /tmp/race.cmp >/dev/console
say "diff=$(tail -n 1 /tmp/race.cmp)"

# Controls: the same comparison must see one deliberately changed byte, and
# the read-back check must see a wrong expectation.
old="$(rd8 "$CTL_DEV" "$CTL_OFF")"
wr8 "$CTL_DEV" "$CTL_OFF" $((old == 0x42 ? 0x24 : 0x42))
dump /tmp/race.ctl
wr8 "$CTL_DEV" "$CTL_OFF" "$old"
compare /tmp/race.before /tmp/race.ctl /tmp/race.allowed >/tmp/race.cmp
sed '$d; s/^/CQ-RACE: control /' /tmp/race.cmp >/dev/console
say "control-diff=$(tail -n 1 /tmp/race.cmp)"
dev="${DEVS%% *}"
c=0
readback "$dev" 60 $(($(rd8 "$dev" 60) ^ 1)) rd8 || c=1
say "control-readback=$c"
exit 0
