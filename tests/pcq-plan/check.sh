#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pcq-plan, the offline planner (tools/pcq-plan), TAP:
# - it builds (make pcq-plan, -Werror) from the driver's own files, and
#   under ASan/UBSan, which every check below runs;
# - on every machine of the corpus (corpus/*.lspci, real lspci dumps) it
#   prints exactly the hand-written corpus/*.expected devices listing;
#   its plan, JSON and summary agree with that listing;
# - a fleet summary over the corpus matches counts taken from the
#   .expected files;
# - synthetic machines (machines.sh) for what the corpus lacks: SR-IOV,
#   a UART behind a root port, CXL, functions powered down; the options;
# - bad input is refused with FILE:LINE, a reason and exit status 2 (an
#   unreadable file: 1), including the failures found in real dumps:
#   a missing hex row, lspci's stderr inside a hex row;
# - a sysfs tree (copies made from the dumps, and this machine's own)
#   gives the same listing as the dump;
# - the shared-rules proof: built from a copy of the driver's sources
#   with a planning rule of plan.c changed, pcq-plan plans the UART
#   machines differently; built from an unchanged copy, it does not.

set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CORPUS="$HERE/corpus"
DRIVER="$ROOT/drivers/pci/crash_quiesce"
TOOL="$ROOT/tools/pcq-plan"
# shellcheck source=tests/lib/tap.sh
source "$ROOT/tests/lib/tap.sh"
# shellcheck source=tests/pcq-plan/synth.sh
source "$HERE/synth.sh"
# shellcheck source=tests/pcq-plan/machines.sh
source "$HERE/machines.sh"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
machines=()
for f in "$CORPUS"/*.lspci; do
	f="${f##*/}"
	machines+=("${f%.lspci}")
done

# build DIR [CQ_SRC] [SAN]: pcq-plan into DIR, from the driver's files or a copy
build() {
	make -s -j2 -C "$TOOL" OBJDIR="$1/obj" OUT="$1/pcq-plan" CQ_SRC="${2:-$DRIVER}" SAN="${3:-}" \
		>"$1.log" 2>&1
}

# same NAME EXPECTED_FILE ACTUAL_FILE: ok if equal, else the diff
same() {
	local d
	if d="$(diff -u "$2" "$3")"; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "$d"
	fi
}

#
# Build
#
if out="$(make -s -C "$ROOT" pcq-plan 2>&1)" && [[ -x "$TOOL/pcq-plan" ]]; then
	tap_ok "make pcq-plan builds tools/pcq-plan/pcq-plan (-Wall -Wextra -Werror)"
else
	tap_not_ok "make pcq-plan builds tools/pcq-plan/pcq-plan (-Wall -Wextra -Werror)" "$out"
	tap_done
	exit 1
fi
mkdir -p "$WORK/asan"
if build "$WORK/asan" "$DRIVER" 1; then
	tap_ok "ASan/UBSan build (every check below runs it)"
	PP="$WORK/asan/pcq-plan"
else
	tap_not_ok "ASan/UBSan build" "$(tail -20 "$WORK/asan.log")"
	PP="$TOOL/pcq-plan"
fi

# The driver's files are compiled, not copied: the objects come from
# drivers/pci/crash_quiesce/*.c, and no function of theirs is defined in
# the tool's own sources.
deps="$(cat "$WORK"/asan/obj/drv_*.d 2>/dev/null)"
missing=""
for f in facts plan seal show parse cfg; do
	grep -q "$DRIVER/$f.c" <<<"$deps" || missing+=" $f.c"
done
copied="$(grep -nE '^[a-z].*\b(pcq_plan|pcq_plan_resets|pcq_fact_[a-z_]+|pcq_show_device|pcq_show_plan|pcq_parse_skip|pcq_cfg_pick|pcq_func_key|pcq_snapshot_init)\(' \
	"$TOOL"/*.c || true)"
if [[ -z "$missing" && -z "$copied" ]]; then
	tap_ok "built from the driver's own facts.c plan.c seal.c show.c parse.c cfg.c, none of their functions copied"
else
	tap_not_ok "built from the driver's own files" "not compiled from the driver:$missing; defined in the tool: $copied"
fi

#
# The corpus: each machine's listing is its .expected
#
for m in "${machines[@]}"; do
	if "$PP" "$CORPUS/$m.lspci" >"$WORK/$m.out" 2>"$WORK/$m.err"; then
		same "$m: devices listing = $m.expected" "$CORPUS/$m.expected" "$WORK/$m.out"
	else
		tap_not_ok "$m: devices listing = $m.expected" "exit $?: $(cat "$WORK/$m.err")"
	fi
	"$TOOL/pcq-plan" -q "$CORPUS/$m.lspci" >"$WORK/$m.plain" 2>&1 || true
	same "$m: the build without sanitizers prints the same" "$WORK/$m.out" "$WORK/$m.plain"
done

# Assumptions go to stderr, in the documented form, and only there.
if grep -q '^pcq-plan: .*x58-switch-vga.lspci: assume: the kernel reaches every function through ECAM' "$WORK/x58-switch-vga.err" &&
	! grep -qv '^pcq-plan: .*: assume: ' "$WORK/x58-switch-vga.err" &&
	! grep -q 'assume' "$WORK/x58-switch-vga.out"; then
	tap_ok "assumptions: 'pcq-plan: FILE: assume: ...' lines on stderr only"
else
	tap_not_ok "assumptions on stderr only" "$(cat "$WORK/x58-switch-vga.err")"
fi
# A 256-byte dump: its PCIe functions' extended capabilities are unknown.
if grep -q 'assume: PCIe functions dumped with 256 bytes (lspci -xxx): 16, 0000:00:00.0 first: their extended capabilities are unknown' \
	"$WORK/arm64-n1sdp.err" && ! grep -q '256 bytes' "$WORK/x58-switch-vga.err"; then
	tap_ok "256-byte dump: SR-IOV and CXL DVSEC said to be unknown (arm64-n1sdp), not for a -xxxx dump (x58)"
else
	tap_not_ok "256-byte dump: extended capabilities unknown" "$(cat "$WORK/arm64-n1sdp.err")"
fi

# --plan: its steps agree with the devices listing.
for m in "${machines[@]}"; do
	"$PP" -q --plan "$CORPUS/$m.lspci" >"$WORK/$m.plan"
	want="$(awk '$7 !~ /^action=skip/ { q++ } $7 == "action=quiesce+reset" { b++ }
		$8 ~ /^reset=(flr|af-flr|pm)$/ { f++ }
		END { printf "%d %d %d", q, b, f }' "$CORPUS/$m.expected")"
	got="$(awk '$2 == "quiesce" { q++ } $2 == "reset-assert" { b++ } $2 ~ /^(flr|af-flr|pm)$/ { f++ }
		END { printf "%d %d %d", q, b, f }' "$WORK/$m.plan")"
	numbered="$(awk '$1 != NR { print "step " NR " numbered " $1 }' "$WORK/$m.plan")"
	if [[ "$want" == "$got" && -z "$numbered" ]]; then
		tap_ok "$m: --plan: quiesce, bus and function reset steps ($got) agree with the listing"
	else
		tap_not_ok "$m: --plan agrees with the listing" "listing: $want, plan: $got $numbered"
	fi
done
if grep -qx '4 quiesce 0000:00:05.0 endpoint: bus-master intx; no reset path: protected' "$WORK/uart-card.plan" &&
	grep -qx '10 pm 0000:00:02.0 if bus master' "$WORK/uart-card.plan"; then
	tap_ok "uart-card: --plan shows the UART's missing reset path and the PM resets"
else
	tap_not_ok "uart-card: --plan lines" "$(cat "$WORK/uart-card.plan")"
fi

#
# JSON: it parses, and says what the listing says
#
json_lines() {
	python3 -c '
import json, sys
doc = json.load(sys.stdin)
for f in doc["functions"]:
    line = "%s %s:%s" % (f["function"], f["vendor"], f["device"])
    for k, v in f.items():
        if k in ("function", "vendor", "device", "unknown"):
            continue
        line += " %s=%s" % (k, "-" if v is None else v)
    print(line)
s = doc["summary"]
print("# summary functions=%d bus-resets=%d function-resets=%d reset-none=%d" %
      (s["functions"], s["bus_resets"], s["function_resets"], s["reset_none"]), file=sys.stderr)
'
}
for m in "${machines[@]}"; do
	if ! "$PP" -q --json "$CORPUS/$m.lspci" >"$WORK/$m.json" ||
		! python3 -m json.tool "$WORK/$m.json" >/dev/null 2>"$WORK/$m.jerr"; then
		tap_not_ok "$m: --json parses (python3 -m json.tool)" "$(cat "$WORK/$m.jerr")"
		continue
	fi
	json_lines <"$WORK/$m.json" >"$WORK/$m.jlines" 2>"$WORK/$m.jsum"
	same "$m: --json parses and its functions are the listing's lines" "$CORPUS/$m.expected" "$WORK/$m.jlines"
done
unk="$(python3 -c '
import json, sys
for name in sys.argv[1:]:
    doc = json.load(open(name))
    print(sum("extended-capabilities" in f["unknown"] for f in doc["functions"]))
' "$WORK/arm64-n1sdp.json" "$WORK/x58-switch-vga.json" | tr '\n' ' ')"
if [[ "$unk" == "16 0 " ]]; then
	tap_ok "--json: \"unknown\" names the extended capabilities of a 256-byte dump's functions (16), none of a 4096-byte one"
else
	tap_not_ok "--json \"unknown\" field" "got: $unk"
fi

#
# Fleet: a summary per machine and in total, against counts taken from
# the .expected files by awk
#
expected_counts() {
	awk -v name="$1" '
	{ n++ }
	$7 ~ /^action=quiesce/ { q++ }
	$7 ~ /^action=skip/ { s++ }
	$7 == "action=quiesce+reset" { b++ }
	$8 ~ /^reset=bus:/ { rb++ }
	$8 == "reset=flr" { fl++ } $8 == "reset=af-flr" { af++ } $8 == "reset=pm" { pm++ } $8 == "reset=pf" { pf++ }
	$8 ~ /^reset=none:/ { sub(/^reset=none:/, "", $8); why[$8]++; none++ }
	END {
		printf "%s: functions=%d quiesce=%d skipped=%d bus-resets=%d reached-by-bus=%d function-resets=%d flr=%d af-flr=%d pm=%d pf=%d reset-none=%d",
			name, n, q, s, b, rb, fl + af + pm, fl, af, pm, pf, none
		for (w in why) printf " none:%s=%d", w, why[w]
		printf "\n"
	}' "$2"
}
# the per-machine part of a summary line, reasons sorted, ext-unknown left out
normalise() {
	sed 's/ ext-unknown=[0-9]*$//' | while read -r head rest; do
		printf '%s %s\n' "$head" "$(tr ' ' '\n' <<<"$rest" | sort | tr '\n' ' ' | sed 's/ $//')"
	done
}
files=()
for m in "${machines[@]}"; do files+=("$CORPUS/$m.lspci"); done
if "$PP" -q "${files[@]}" >"$WORK/fleet.out" 2>"$WORK/fleet.err"; then
	for m in "${machines[@]}"; do
		expected_counts "$CORPUS/$m.lspci" "$CORPUS/$m.expected"
	done | normalise >"$WORK/fleet.want"
	grep -v '^total:' "$WORK/fleet.out" | normalise >"$WORK/fleet.got"
	same "fleet summary over the corpus (${#machines[@]} machines): each line matches the .expected counts" \
		"$WORK/fleet.want" "$WORK/fleet.got"
	total="$(awk '!/^total:/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); t[kv[1]] += kv[2] } }
		END { printf "total: machines=%d functions=%d bus-resets=%d function-resets=%d reset-none=%d",
			NR, t["functions"], t["bus-resets"], t["function-resets"], t["reset-none"] }' \
		<(grep -v '^total:' "$WORK/fleet.out"))"
	got="$(grep '^total:' "$WORK/fleet.out" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); t[kv[1]] = kv[2] } }
		END { printf "total: machines=%d functions=%d bus-resets=%d function-resets=%d reset-none=%d",
			t["machines"], t["functions"], t["bus-resets"], t["function-resets"], t["reset-none"] }')"
	if [[ "$total" == "$got" ]]; then
		tap_ok "fleet summary: the total line is the sum ($got)"
	else
		tap_not_ok "fleet summary total" "sum of lines: $total; total line: $got"
	fi
	printf '%s\n' "# fleet summary:" && sed 's/^/#   /' "$WORK/fleet.out"
else
	tap_not_ok "fleet summary over the corpus" "$(cat "$WORK/fleet.err")"
fi
if "$PP" -q --json "${files[@]}" >"$WORK/fleet.json" && python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
text = {}
for line in open(sys.argv[2]):
    name, rest = line.split(": ", 1)
    text[name] = dict(kv.split("=") for kv in rest.split())
assert len(doc["machines"]) == int(text["total"]["machines"]), "machines"
for m in doc["machines"] + [dict(machine="total", summary=doc["total"])]:
    t, s = text[m["machine"]], m["summary"]
    for k in ("functions", "bus_resets", "function_resets", "reset_none", "quiesce", "skipped"):
        assert s[k] == int(t[k.replace("_", "-")]), (m["machine"], k)
    for why, n in s["reset_none_by_reason"].items():
        assert n == int(t["none:" + why]), (m["machine"], why)
' "$WORK/fleet.json" "$WORK/fleet.out" 2>"$WORK/fleet.jerr"; then
	tap_ok "fleet --json parses and agrees with the text summary, per machine and in total"
else
	tap_not_ok "fleet --json" "$(cat "$WORK/fleet.jerr")"
fi
if "$PP" -q --plan "$CORPUS/uart-card.lspci" "$CORPUS/arm64-n1sdp.lspci" >"$WORK/fleet.plan" &&
	[[ "$(grep -c '^# machine ' "$WORK/fleet.plan")" == 2 ]]; then
	tap_ok "several files with --plan: each plan after '# machine FILE'"
else
	tap_not_ok "several files with --plan" "$(head -5 "$WORK/fleet.plan")"
fi

#
# Synthetic machines (machines.sh), each against a listing derived by hand
# from the driver's rules
#
# synthetic ID NAME GENERATOR [OPTION]...: the listing is stdin
synthetic() {
	local id="$1" name="$2" gen="$3"
	shift 3
	"$gen" >"$WORK/$id.lspci"
	cat >"$WORK/$id.want"
	if "$PP" -q "$@" "$WORK/$id.lspci" >"$WORK/$id.out" 2>"$WORK/$id.err"; then
		same "$name" "$WORK/$id.want" "$WORK/$id.out"
	else
		tap_not_ok "$name" "exit $?: $(cat "$WORK/$id.err")"
	fi
}

synthetic sriov "SR-IOV: VFs found through their PFs (pf=), reset by the bus reset, the PF's FLR (reset=pf), or their own FLR" machine_sriov <<'EOF'
0000:00:00.0 8086:0c00 class=060000 type=host-bridge parent=- access=ecam action=skip:host-bridge reset=none:skipped
0000:00:01.0 8086:0c01 class=060400 type=root-port parent=- access=ecam action=quiesce+reset reset=none:bridge
0000:00:03.0 8086:1521 class=020000 type=endpoint parent=- access=ecam action=quiesce reset=flr
0000:00:03.1 8086:1520 class=020000 type=endpoint parent=- access=ecam action=quiesce reset=pf pf=0000:00:03.0
0000:00:03.2 8086:1520 class=020000 type=endpoint parent=- access=ecam action=quiesce reset=pf pf=0000:00:03.0
0000:00:04.0 15b3:1017 class=020000 type=endpoint parent=- access=ecam action=quiesce reset=pm
0000:10:00.0 15b3:1018 class=020000 type=endpoint parent=- access=ecam action=quiesce reset=flr pf=0000:00:04.0
0000:01:00.0 8086:10fb class=020000 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=bus:0000:00:01.0
0000:01:10.0 8086:10ed class=020000 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=bus:0000:00:01.0 pf=0000:01:00.0
0000:01:10.2 8086:10ed class=020000 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=bus:0000:00:01.0 pf=0000:01:00.0
EOF
synthetic sriov-skip "SR-IOV with --skip of a VF: its PF keeps it (kept-vf), its sibling gets its own FLR" machine_sriov \
	--skip 0000:00:03.1 <<'EOF'
0000:00:00.0 8086:0c00 class=060000 type=host-bridge parent=- access=ecam action=skip:host-bridge reset=none:skipped
0000:00:01.0 8086:0c01 class=060400 type=root-port parent=- access=ecam action=quiesce+reset reset=none:bridge
0000:00:03.0 8086:1521 class=020000 type=endpoint parent=- access=ecam action=quiesce reset=none:kept-vf
0000:00:03.1 8086:1520 class=020000 type=endpoint parent=- access=ecam action=skip:user reset=none:skipped pf=0000:00:03.0
0000:00:03.2 8086:1520 class=020000 type=endpoint parent=- access=ecam action=quiesce reset=flr pf=0000:00:03.0
0000:00:04.0 15b3:1017 class=020000 type=endpoint parent=- access=ecam action=quiesce reset=pm
0000:10:00.0 15b3:1018 class=020000 type=endpoint parent=- access=ecam action=quiesce reset=flr pf=0000:00:04.0
0000:01:00.0 8086:10fb class=020000 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=bus:0000:00:01.0
0000:01:10.0 8086:10ed class=020000 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=bus:0000:00:01.0 pf=0000:01:00.0
0000:01:10.2 8086:10ed class=020000 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=bus:0000:00:01.0 pf=0000:01:00.0
EOF
synthetic uart-port "a PCI UART behind a root port keeps it from its bus reset" machine_uart_port <<'EOF'
0000:00:00.0 8086:0c00 class=060000 type=host-bridge parent=- access=ecam action=skip:host-bridge reset=none:skipped
0000:00:01.0 8086:0c01 class=060400 type=root-port parent=- access=ecam action=quiesce reset=none:bridge
0000:00:02.0 8086:0c05 class=060400 type=root-port parent=- access=ecam action=quiesce+reset reset=none:bridge
0000:01:00.0 1415:c158 class=070002 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=none:protected
0000:02:00.0 8086:10d3 class=020000 type=endpoint parent=0000:00:02.0 access=ecam action=quiesce reset=bus:0000:00:02.0
EOF
synthetic cxl "CXL: a masked bus reset (Unmask SBR clear), CXL memory by DVSEC and by class" machine_cxl <<'EOF'
0000:00:00.0 8086:0c00 class=060000 type=host-bridge parent=- access=ecam action=skip:host-bridge reset=none:skipped
0000:00:01.0 8086:0c01 class=060400 type=root-port parent=- access=ecam action=quiesce reset=none:bridge
0000:00:02.0 8086:0c05 class=060400 type=root-port parent=- access=ecam action=quiesce reset=none:bridge
0000:00:03.0 8086:0c09 class=060400 type=root-port parent=- access=ecam action=quiesce reset=none:bridge
0000:01:00.0 8086:10d3 class=020000 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=flr
0000:02:00.0 1e98:0d93 class=120000 type=endpoint parent=0000:00:02.0 access=ecam action=quiesce reset=none:cxl-memory
0000:03:00.0 8086:0d93 class=050210 type=endpoint parent=0000:00:03.0 access=ecam action=quiesce reset=none:cxl-memory
EOF
"$PP" -q --plan "$WORK/cxl.lspci" >"$WORK/cxl.plan"
if grep -q 'quiesce 0000:00:01.0 root-port: bus-master intx; no reset: cxl-sbr-masked$' "$WORK/cxl.plan" &&
	grep -q 'quiesce 0000:00:02.0 root-port: bus-master intx; no reset: subtree holds 0000:02:00.0$' "$WORK/cxl.plan"; then
	tap_ok "CXL: --plan says why the ports do not reset (cxl-sbr-masked, the CXL memory below)"
else
	tap_not_ok "CXL: --plan" "$(cat "$WORK/cxl.plan")"
fi
synthetic dead "powered down (all ones): listed with lspci -nn's IDs, no ECAM (skip:no-access); unknown class blocks its bus reset" \
	machine_dead <<'EOF'
0000:00:00.0 8086:0c00 class=060000 type=host-bridge parent=- access=ecam action=skip:host-bridge reset=none:skipped
0000:00:01.0 8086:0c01 class=060400 type=root-port parent=- access=ecam action=quiesce reset=none:bridge
0000:00:02.0 8086:0c05 class=060400 type=root-port parent=- access=ecam action=quiesce reset=none:bridge
0000:01:00.0 10de:1c82 class=030000 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=none:protected
0000:01:00.1 10de:0fb9 class=040300 type=other parent=0000:00:01.0 access=none action=skip:no-access reset=none:skipped
0000:02:00.0 ffff:ffff class=ffffff type=other parent=0000:00:02.0 access=none action=skip:no-access reset=none:skipped
EOF
synthetic dead-conf1 "powered down, with --conf1: type 1 reaches them (the panic walk verifies them then)" machine_dead --conf1 <<'EOF'
0000:00:00.0 8086:0c00 class=060000 type=host-bridge parent=- access=ecam action=skip:host-bridge reset=none:skipped
0000:00:01.0 8086:0c01 class=060400 type=root-port parent=- access=ecam action=quiesce reset=none:bridge
0000:00:02.0 8086:0c05 class=060400 type=root-port parent=- access=ecam action=quiesce reset=none:bridge
0000:01:00.0 10de:1c82 class=030000 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=none:protected
0000:01:00.1 10de:0fb9 class=040300 type=other parent=0000:00:01.0 access=conf1 action=quiesce reset=none:no-reset-method
0000:02:00.0 ffff:ffff class=ffffff type=other parent=0000:00:02.0 access=conf1 action=quiesce reset=none:no-reset-method
EOF
"$PP" "$WORK/dead.lspci" >/dev/null 2>"$WORK/dead.err" || true
if grep -q 'assume: 0000:01:00.1 reads all ones (powered down when dumped)' "$WORK/dead.err" &&
	grep -q 'assume: 0000:02:00.0 reads all ones .*its class unknown, it may be a display' "$WORK/dead.err"; then
	tap_ok "powered down: each such function is an assumption line"
else
	tap_not_ok "powered down: assumption lines" "$(cat "$WORK/dead.err")"
fi

synthetic pci-core "the PCI core's reading followed: port types corrected, a PM capability of version 7 and a class its header contradicts ignored" \
	machine_pci_core <<'EOF'
0000:00:00.0 8086:0c00 class=060000 type=host-bridge parent=- access=ecam action=skip:host-bridge reset=none:skipped
0000:00:01.0 8086:0c01 class=060400 type=root-port parent=- access=ecam action=quiesce+reset reset=none:bridge
0000:00:02.0 8086:10d3 class=020000 type=endpoint parent=- access=ecam action=quiesce reset=none:no-reset-method
0000:00:03.0 8086:0c09 class=000000 type=endpoint parent=- access=ecam action=quiesce reset=pm
0000:01:00.0 10b5:8747 class=060400 type=upstream-port parent=0000:00:01.0 access=ecam action=quiesce reset=bus:0000:00:01.0
0000:02:00.0 10b5:8747 class=060400 type=downstream-port parent=0000:01:00.0 access=ecam action=quiesce reset=bus:0000:00:01.0
0000:03:00.0 8086:1533 class=020000 type=endpoint parent=0000:02:00.0 access=ecam action=quiesce reset=bus:0000:00:01.0
EOF

#
# Options: each changes what the driver's rules say it changes, and is
# printed as an assumption
#
# option NAME MACHINE 'OPTIONS' 'SED_ON_EXPECTED' 'ASSUMPTION_REGEX'
option() {
	local name="$1" m="$2" expect="$4" assume="$5"
	local -a opts
	read -ra opts <<<"$3"
	sed -E "$expect" "$CORPUS/$m.expected" >"$WORK/opt.want"
	if "$PP" "${opts[@]}" "$CORPUS/$m.lspci" >"$WORK/opt.out" 2>"$WORK/opt.err" &&
		diff -u "$WORK/opt.want" "$WORK/opt.out" >"$WORK/opt.diff" &&
		{ [[ -z "$assume" ]] || grep -qE "assume: $assume" "$WORK/opt.err"; }; then
		tap_ok "$name"
	else
		tap_not_ok "$name" "$(cat "$WORK/opt.diff" "$WORK/opt.err")"
	fi
}
option "--reset bus: no function-level resets" x58-switch-vga "--reset bus" \
	's/reset=(flr|af-flr|none:no-reset-method)$/reset=none:mode/' '--reset bus: bus resets only'
option "--reset none: no resets at all" x58-switch-vga "--reset none" \
	's/reset=(flr|af-flr|none:no-reset-method)$/reset=none:mode/; s/quiesce\+reset/quiesce/; /type=(upstream-port|downstream-port|pci-bridge)/s/reset=bus:.*/reset=none:bridge/; s/reset=bus:.*/reset=none:mode/' \
	'--reset none: no reset at all'
option "--skip: a skipped HBA keeps working, its bridges keep Bus Master, nothing above resets" x58-switch-vga \
	"--skip 04:00.0" \
	's#^(0000:04:00.0 .*) action=quiesce reset=bus:0000:00:03.0#\1 action=skip:user reset=none:skipped#; s#^(0000:0(2:00|3:00)\.0 .* action=quiesce) reset=bus:0000:00:03.0$#\1 reset=none:bridge bus-master=kept#; s#^(0000:03:02\.0 .*) reset=bus:0000:00:03.0$#\1 reset=none:bridge#; s#^(0000:00:03.0 .*) action=quiesce\+reset reset=none:bridge#\1 action=quiesce reset=none:bridge bus-master=kept#' \
	'0000:04:00.0 is skipped \(--skip 04:00.0\)'
option "--skip by vendor:device" uart-card "--skip 1106:3106" \
	's#^(0000:00:0[23].0 .*) action=quiesce reset=pm#\1 action=skip:user reset=none:skipped#' \
	'0000:00:02.0 is skipped'
option "--no-bus-reset: the kernel's NO_BUS_RESET quirk keeps the RTL8168s' root ports from resetting" x58-switch-vga \
	"--no-bus-reset 10ec:8168" \
	's#^(0000:00:1c.[12] .*) action=quiesce\+reset#\1 action=quiesce#; s#^(0000:0[78]:00.0 .*) reset=bus:.*#\1 reset=none:no-reset-method#' \
	'0000:07:00.0 10ec:8168 has the NO_BUS_RESET quirk'
option "--reset-quirk: the kernel resets it its own way first (reset=none:quirk)" x58-switch-vga \
	"--reset-quirk 8086:3a3e" 's#^(0000:00:1b.0 .*) reset=flr#\1 reset=none:quirk#' \
	'0000:00:1b.0 8086:3a3e: the kernel resets it its own way first'
option "--vga: the boot display named, not of class 03 (protected)" uart-card "--vga 00:04.0" \
	's#^(0000:00:04.0 .*) reset=pm#\1 reset=none:protected#' '0000:00:04.0 is the boot display'
option "--no-ecam: type 1 on domain 0, other domains no-access" server-pcix-domains "--no-ecam" \
	's#^(0000:.*) access=ecam#\1 access=conf1#; s#^(000[1-4]:.*) access=ecam action=[^ ]* reset=.*#\1 access=none action=skip:no-access reset=none:skipped#' \
	'no ECAM \(--no-ecam\).*: 29'

#
# Bad input: FILE:LINE: reason, exit status 2; unreadable: 1
#
# refuse NAME FILE STATUS REGEX: the run fails with STATUS and stderr matches
refuse() {
	local st=0
	"$PP" -q "$2" >"$WORK/bad.out" 2>"$WORK/bad.err" || st=$?
	if [[ $st -eq $3 ]] && grep -qE -- "$4" "$WORK/bad.err" && [[ ! -s "$WORK/bad.out" ]]; then
		tap_ok "$1: exit $st, $(head -1 "$WORK/bad.err" | sed "s#$WORK/##")"
	else
		tap_not_ok "$1" "exit $st, expected $3 and /$4/; stderr: $(cat "$WORK/bad.err"); stdout: $(head -3 "$WORK/bad.out")"
	fi
}
# line_of FILE REGEX [NTH]: the line number of the NTH match
line_of() { grep -nE -- "$2" "$1" | sed -n "${3:-1}p" | cut -d: -f1; }

U="$CORPUS/uart-card.lspci"
# RockPro64's dump in the corpus notes lacks one row; here 00:02.0's row 80
awk '/^00:02.0 / { f = 1 } f && /^80: / { f = 0; next } { print }' "$U" >"$WORK/missing-row.lspci"
refuse "a missing hex row (as the RockPro64 dump)" "$WORK/missing-row.lspci" 2 \
	"^$WORK/missing-row.lspci:$(line_of "$WORK/missing-row.lspci" '^90: ' 2): truncated dump: row 90 where row 80 was due \(function at line $(line_of "$U" '^00:02.0 ')\)"
head -n "$(($(line_of "$U" '^c0: ' 8)))" "$U" >"$WORK/cut.lspci"
refuse "a dump cut short at the end of the file" "$WORK/cut.lspci" 2 \
	"^$WORK/cut.lspci:$(wc -l <"$WORK/cut.lspci"): 0000:00:0a.1 \(line $(line_of "$U" '^00:0a.1 ')\): truncated dump: 208 bytes, rows up to c0"
{ cat "$U"; echo; sed -n '/^00:02.0 /,/^$/p' "$U"; } >"$WORK/dup.lspci"
refuse "a duplicated function" "$WORK/dup.lspci" 2 \
	"^$WORK/dup.lspci:$(line_of "$WORK/dup.lspci" '^00:02.0 ' 2): duplicated function 0000:00:02.0 \(first at line $(line_of "$U" '^00:02.0 ')\)"
sed '0,/^40: 01 00 82 f6/s//40: 01 00 8z f6/' "$U" >"$WORK/garbage.lspci"
refuse "garbage hex" "$WORK/garbage.lspci" 2 \
	"^$WORK/garbage.lspci:$(line_of "$WORK/garbage.lspci" '^40: 01 00 8z'): garbage in a hex row"
# lspci's stderr inside a hex row, as in the NP350V5C dump of the corpus
# notes ("f2pcilib: sysfs_read_vpd: read failed: No such device", then "0: ...")
D="$CORPUS/laptop-dgpu.lspci"
awk '!done && /^f20: / { print "f2pcilib: sysfs_read_vpd: read failed: No such device"; sub(/^f2/, ""); done = 1 } { print }' \
	"$D" >"$WORK/stderr-np350.lspci"
refuse "lspci's stderr splitting a row (as the NP350V5C dump)" "$WORK/stderr-np350.lspci" 2 \
	"^$WORK/stderr-np350.lspci:$(line_of "$WORK/stderr-np350.lspci" '^f2pcilib'): garbage in the hex dump of 00:00.0 \(line 1\): text where row f20 was due"
# ... and inside its bytes, as in the X99-BD4 dump ("f10: 00 ... 00 pcilib: ...")
awk '!done && /^f10: / { print "f10: 00 00 00 00 00 00 00 00 00 00 00 00 pcilib: sysfs_read_vpd: read failed: No such devi"; print "ce"; print "00 00 00 00"; done = 1; next } { print }' \
	"$D" >"$WORK/stderr-bd4.lspci"
refuse "lspci's stderr inside a row's bytes (as the X99-BD4 dump)" "$WORK/stderr-bd4.lspci" 2 \
	"^$WORK/stderr-bd4.lspci:$(line_of "$WORK/stderr-bd4.lspci" '^f10: .*pcilib'): garbage in a hex row"
bad_loop >"$WORK/loop.lspci"
refuse "a bus number loop" "$WORK/loop.lspci" 2 \
	"^$WORK/loop.lspci:$(line_of "$WORK/loop.lspci" '^01:00.0 '): bus number loop: .*0000:01:00.0 \(bus 01\) -> 0000:02:00.0 \(bus 02\)"
bad_self_range >"$WORK/self.lspci"
refuse "a bridge whose bus range contains itself" "$WORK/self.lspci" 2 \
	"^$WORK/self.lspci:$(line_of "$WORK/self.lspci" '^01:00.0 '): bridge 0000:01:00.0: its bus range 01-04 contains its own bus 01"
bad_two_secondaries >"$WORK/twosec.lspci"
refuse "two bridges claiming one bus" "$WORK/twosec.lspci" 2 \
	"^$WORK/twosec.lspci:$(line_of "$WORK/twosec.lspci" '^00:02.0 '): bridge 0000:00:02.0: its secondary bus 01 is also 0000:00:01.0's"
sed -n '1,/^30: /p' "$U" >"$WORK/x64.lspci"
refuse "a 64-byte dump (lspci -x, or lspci as a user)" "$WORK/x64.lspci" 2 \
	"^$WORK/x64.lspci:[0-9]+: 0000:00:00.0 \(line 1\): only 64 bytes of config space .*run lspci -xxx as root"
printf 'lspci: Unable to load libkmod resources: error -2\n' >"$WORK/empty.lspci"
refuse "no function at all" "$WORK/empty.lspci" 2 "^$WORK/empty.lspci:1: no PCI function in it"
{ echo "00: 86 80 05 34 00 00 10 00 12 00 00 06 00 00 00 00"; cat "$U"; } >"$WORK/orphan.lspci"
refuse "a hex row before any function" "$WORK/orphan.lspci" 2 "^$WORK/orphan.lspci:1: hex row outside any function"
refuse "an unreadable file" "$WORK/no-such-file" 1 "^pcq-plan: $WORK/no-such-file: No such file or directory"
refuse "a directory given as a file" "$WORK" 1 "^pcq-plan: $WORK: Is a directory"
st=0
"$PP" -q "$U" "$WORK/dup.lspci" "$CORPUS/arm64-n1sdp.lspci" >"$WORK/mixed.out" 2>"$WORK/mixed.err" || st=$?
if [[ $st -eq 2 && "$(grep -c 'functions=' "$WORK/mixed.out")" -eq 3 ]] &&
	grep -q '^total: machines=2 ' "$WORK/mixed.out" && grep -q 'duplicated function' "$WORK/mixed.err"; then
	tap_ok "a fleet with one bad file: the others are summed up, the bad one refused, exit 2"
else
	tap_not_ok "a fleet with one bad file" "exit $st; $(cat "$WORK/mixed.out" "$WORK/mixed.err")"
fi
# bad_option NAME ARGS REGEX
bad_option() {
	local st=0
	local -a args
	read -ra args <<<"$2"
	"$PP" "${args[@]}" "$U" >/dev/null 2>"$WORK/opt.err" || st=$?
	if [[ $st -eq 2 ]] && grep -qE -- "$3" "$WORK/opt.err"; then
		tap_ok "bad option refused, exit 2: $2"
	else
		tap_not_ok "bad option: $2" "exit $st: $(cat "$WORK/opt.err")"
	fi
}
bad_option "--reset maybe" "--reset maybe" '--reset: "maybe": expected auto, bus or none'
bad_option "--skip 00:1f.9" "--skip 00:1f.9" '--skip: bad entry at "00:1f.9"'
bad_option "--vga 8086:1234" "--vga 8086:1234" '--vga: "8086:1234": expected function addresses'
bad_option "--no-bus-reset 00:01.0" "--no-bus-reset 00:01.0" '--no-bus-reset: "00:01.0": expected vendor:device IDs'

# Damaged dumps (lines dropped or cut, bytes added, digits changed, by a
# seeded awk): refused (2) or planned (0), never a crash or a sanitizer
# report.
crashes="" refused=0 planned=0
for seed in $(seq 1 60); do
	m="${machines[$((seed % ${#machines[@]}))]}"
	awk -v s="$seed" 'BEGIN { srand(s) }
	{ r = rand(); if (r < 0.003) next
	  if (r < 0.006) $0 = substr($0, 1, int(rand() * length($0)))
	  else if (r < 0.008) $0 = $0 " ff"
	  else if (r < 0.010) gsub(/0/, "f")
	  print }' "$CORPUS/$m.lspci" >"$WORK/damaged.lspci"
	st=0
	"$PP" -q "$WORK/damaged.lspci" >/dev/null 2>"$WORK/damaged.err" || st=$?
	case $st in
	0) planned=$((planned + 1)) ;;
	2) refused=$((refused + 1)) ;;
	*) crashes+=" seed $seed ($m): exit $st, $(head -3 "$WORK/damaged.err")" ;;
	esac
done
if [[ -z "$crashes" ]]; then
	tap_ok "60 damaged dumps: $refused refused, $planned planned, no crash (ASan/UBSan)"
else
	tap_not_ok "damaged dumps never crash it" "$crashes"
fi

#
# sysfs: copies of /sys/bus/pci/devices made from the dumps, and this
# machine's own
#
# to_sysfs LSPCI DIR: a sysfs-like tree of the dump's functions
to_sysfs() {
	local d
	mkdir -p "$2"
	awk -v dir="$2" '
	/^([0-9a-f]+:)?[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]\.[0-7] / {
		bdf = $1; if (bdf !~ /^[0-9a-f]+:[0-9a-f]+:/) bdf = "0000:" bdf
		out = dir "/" bdf "/config.hex"; system("mkdir -p \"" dir "/" bdf "\""); next }
	/^[0-9a-f][0-9a-f][0-9a-f]?: / && out { for (i = 2; i <= 17; i++) printf "%s", $i >out; print "" >out }
	/^$/ { if (out) close(out); out = "" }' "$1"
	for d in "$2"/*/; do
		xxd -r -p "$d/config.hex" "$d/config"
		rm "$d/config.hex"
		od -An -tx1 -v "$d/config" | tr -s ' \n' ' ' | awk -v d="$d" '{
			printf "0x%s%s\n", $2, $1 >(d "vendor"); printf "0x%s%s\n", $4, $3 >(d "device")
			printf "0x%s%s%s\n", $12, $11, $10 >(d "class"); printf "0x%s\n", $9 >(d "revision") }'
	done
}
for m in "${machines[@]}"; do
	to_sysfs "$CORPUS/$m.lspci" "$WORK/sysfs-$m"
	if "$PP" -q --sysfs "$WORK/sysfs-$m" >"$WORK/$m.sysfs" 2>"$WORK/$m.sysfs.err"; then
		same "$m: --sysfs on a copy of its tree = $m.expected" "$CORPUS/$m.expected" "$WORK/$m.sysfs"
	else
		tap_not_ok "$m: --sysfs on a copy of its tree" "$(cat "$WORK/$m.sysfs.err")"
	fi
done
machine_sriov >"$WORK/sriov.lspci"
to_sysfs "$WORK/sriov.lspci" "$WORK/sysfs-sriov"
for vf in 0000:01:10.0:0000:01:00.0:0x8086:0x10ed 0000:01:10.2:0000:01:00.0:0x8086:0x10ed \
	0000:00:03.1:0000:00:03.0:0x8086:0x1520 0000:00:03.2:0000:00:03.0:0x8086:0x1520 \
	0000:10:00.0:0000:00:04.0:0x15b3:0x1018; do
	IFS=: read -r s b d s2 b2 d2 v dev <<<"$vf"
	ln -s "../$s2:$b2:$d2" "$WORK/sysfs-sriov/$s:$b:$d/physfn"
	echo "$v" >"$WORK/sysfs-sriov/$s:$b:$d/vendor"
	echo "$dev" >"$WORK/sysfs-sriov/$s:$b:$d/device"
done
"$PP" -q "$WORK/sriov.lspci" >"$WORK/sriov.want"
if "$PP" -q --sysfs "$WORK/sysfs-sriov" >"$WORK/sriov.sysfs" 2>"$WORK/sriov.sysfs.err"; then
	same "SR-IOV from sysfs (physfn links, the kernel's VF IDs) = from the dump" "$WORK/sriov.want" "$WORK/sriov.sysfs"
else
	tap_not_ok "SR-IOV from sysfs" "$(cat "$WORK/sriov.sysfs.err")"
fi
echo "device_specific bus" >"$WORK/sysfs-sriov/0000:00:03.0/reset_method"
echo 1 >"$WORK/sysfs-sriov/0000:00:04.0/boot_vga"
if "$PP" -q --sysfs "$WORK/sysfs-sriov" >"$WORK/sriov.sysfs2" 2>&1 &&
	grep -qx '0000:00:03.0 8086:1521 .* reset=none:quirk' "$WORK/sriov.sysfs2" &&
	grep -qx '0000:00:03.1 8086:1520 .* reset=flr pf=0000:00:03.0' "$WORK/sriov.sysfs2" &&
	grep -qx '0000:00:04.0 15b3:1017 .* reset=none:protected' "$WORK/sriov.sysfs2"; then
	tap_ok "sysfs: reset_method (the kernel's own first method) and boot_vga (its boot display) decide"
else
	tap_not_ok "sysfs: reset_method and boot_vga" "$(cat "$WORK/sriov.sysfs2")"
fi
live=/sys/bus/pci/devices
if [[ $(id -u) -ne 0 ]] || ! command -v lspci >/dev/null || [[ -z "$(ls -A "$live" 2>/dev/null)" ]]; then
	tap_skip "this machine: --sysfs = its lspci -nnDxxxx" "needs root, lspci and PCI functions"
else
	lspci -nnDxxxx >"$WORK/live.lspci"
	mkdir -p "$WORK/live"
	for d in "$live"/*; do
		mkdir "$WORK/live/${d##*/}"
		for f in config vendor device class revision; do
			[[ ! -e "$d/$f" ]] || cp "$d/$f" "$WORK/live/${d##*/}/"
		done
		[[ ! -L "$d/physfn" ]] || ln -s "$(readlink "$d/physfn")" "$WORK/live/${d##*/}/physfn"
	done
	"$PP" -q "$WORK/live.lspci" >"$WORK/live.want" 2>&1 || true
	"$PP" -q --sysfs "$WORK/live" >"$WORK/live.got" 2>&1 || true
	same "this machine: --sysfs on a copy of its tree = its lspci -nnDxxxx ($(wc -l <"$WORK/live.want") functions)" \
		"$WORK/live.want" "$WORK/live.got"
	if "$PP" -q --sysfs >"$WORK/live.sysfs" 2>&1 &&
		[[ "$(wc -l <"$WORK/live.sysfs")" == "$(wc -l <"$WORK/live.want")" ]]; then
		tap_ok "this machine: --sysfs on the live tree plans every function"
	else
		tap_not_ok "this machine: --sysfs on the live tree" "$(cat "$WORK/live.sysfs")"
	fi
fi

#
# The shared-rules proof: pcq-plan is the driver's plan.c, so changing a
# rule there changes the tool
#
mkdir -p "$WORK/control" "$WORK/rule-a" "$WORK/rule-b"
cp -r "$DRIVER" "$WORK/control/src"
cp -r "$DRIVER" "$WORK/rule-a/src"
cp -r "$DRIVER" "$WORK/rule-b/src"
# a: a PCI UART no longer keeps its bridges from a bus reset
sed -i '/^#define PCQ_F_BLOCKS_RESET /{n;s/PCQ_F_SERIAL | //}' "$WORK/rule-a/src/plan.c"
# b: ... nor is it kept from any reset (both protections)
sed -i 's/PCQ_F_SERIAL | //' "$WORK/rule-b/src/plan.c"
changed_a="$(diff "$DRIVER/plan.c" "$WORK/rule-a/src/plan.c" | grep -c '^>' || true)"
changed_b="$(diff "$DRIVER/plan.c" "$WORK/rule-b/src/plan.c" | grep -c '^>' || true)"
if [[ $changed_a -eq 1 && $changed_b -eq 2 ]] && build "$WORK/control" "$WORK/control/src" &&
	build "$WORK/rule-a" "$WORK/rule-a/src" && build "$WORK/rule-b" "$WORK/rule-b/src"; then
	tap_ok "built from three copies of the driver's sources: unchanged, and plan.c's serial flag out of PCQ_F_BLOCKS_RESET (a), out of both protections (b)"
	bad=""
	for m in "${machines[@]}"; do
		"$WORK/control/pcq-plan" -q "$CORPUS/$m.lspci" | diff -q "$CORPUS/$m.expected" - >/dev/null || bad+=" $m"
	done
	if [[ -z "$bad" ]]; then
		tap_ok "control: the unchanged copy plans every corpus machine as its .expected"
	else
		tap_not_ok "control: the unchanged copy" "differs on:$bad"
	fi
	# prove NAME BINARY LSPCI WANTED_DIFF: the listing differs from the
	# original build's by exactly WANTED_DIFF (diff's > lines)
	prove() {
		local got
		got="$(diff <("$PP" -q "$3") <("$2" -q "$3") | grep '^>' || true)"
		if [[ "$got" == "$4" ]]; then
			tap_ok "$1"
			[[ -z "$got" ]] || printf '#   %s\n' "${got//$'\n'/$'\n'#   }"
		else
			tap_not_ok "$1" "$(printf 'wanted:\n%s\ngot:\n%s' "$4" "$got")"
		fi
	}
	machine_uart_port >"$WORK/uart-port.lspci"
	prove "rule a: the UART behind a root port no longer blocks it: the port resets its bus" \
		"$WORK/rule-a/pcq-plan" "$WORK/uart-port.lspci" \
		"> 0000:00:01.0 8086:0c01 class=060400 type=root-port parent=- access=ecam action=quiesce+reset reset=none:bridge
> 0000:01:00.0 1415:c158 class=070002 type=endpoint parent=0000:00:01.0 access=ecam action=quiesce reset=bus:0000:00:01.0"
	prove "rule a: uart-card plans the same (its UARTs are on the root bus: no bus reset to block)" \
		"$WORK/rule-a/pcq-plan" "$U" ""
	prove "rule b: uart-card (corpus) plans differently: its two OX16PCI954 UARTs now get their PM reset" \
		"$WORK/rule-b/pcq-plan" "$U" \
		"> 0000:00:05.0 1415:9501 class=070006 type=endpoint parent=- access=ecam action=quiesce reset=pm
> 0000:00:0a.0 1415:9501 class=070006 type=endpoint parent=- access=ecam action=quiesce reset=pm"
	prove "rule b: laptop-t400-sol-cardbus (corpus): its SOL UART is no longer protected" \
		"$WORK/rule-b/pcq-plan" "$CORPUS/laptop-t400-sol-cardbus.lspci" \
		"> 0000:00:03.3 8086:2a47 class=070002 type=endpoint parent=- access=ecam action=quiesce reset=none:no-reset-method"
else
	tap_not_ok "builds from changed copies of the driver's sources" \
		"lines changed: a $changed_a, b $changed_b; $(tail -5 "$WORK"/*.log)"
fi

#
# Documentation
#
mapfile -t longopts < <(sed -n 's/^\t{ "\([a-z0-9-]*\)",.*/\1/p' "$TOOL/main.c")
"$PP" --help >"$WORK/help" || true
nodoc=""
for o in "${longopts[@]}"; do
	grep -q -- "--$o" "$WORK/help" || nodoc+=" --$o (help)"
	# roff spells each - of an option \-
	grep -qF -- "\\-\\-${o//-/\\-}" "$TOOL/pcq-plan.1" || nodoc+=" --$o (man page)"
done
if [[ ${#longopts[@]} -gt 10 && -z "$nodoc" ]]; then
	tap_ok "--help and pcq-plan.1 document all ${#longopts[@]} options"
else
	tap_not_ok "--help and pcq-plan.1 document every option" "missing:$nodoc"
fi
if command -v groff >/dev/null; then
	if warn="$(groff -man -Tutf8 -ww -z "$TOOL/pcq-plan.1" 2>&1)" && [[ -z "$warn" ]]; then
		tap_ok "pcq-plan.1 renders without a groff warning"
	else
		tap_not_ok "pcq-plan.1 renders without a groff warning" "$warn"
	fi
else
	tap_skip "pcq-plan.1 renders without a groff warning" "no groff"
fi
if grep -qE '^##+ Check a machine or a fleet before you deploy$' "$ROOT/README.md"; then
	tap_ok "README: 'Check a machine or a fleet before you deploy'"
else
	tap_not_ok "README: 'Check a machine or a fleet before you deploy'"
fi

tap_done
