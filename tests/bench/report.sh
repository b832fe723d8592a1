#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench's report: from one key=value file per topology (written by
# tests/bench/run.sh), the CSV, the terminal tables and the SVG plot.
#
#   tests/bench/report.sh OUTDIR SIZE.env...
#
# Keys of a SIZE.env: topo_* (tests/bench/topology.sh -s), and the
# tests/bench/parse.sh keys of the three runs, prefixed b_ (bench run: the
# bench module's measurement), m_ (module run: the module with its default
# parameters, a plain crash) and c_ (control run: no module).
#
# Derived figures (R planned resets, H the nominal hold, reset_hold_ms):
#   read_ns    one config read: the Vendor ID reads / their count
#   write_us   one of the plan's writes: the quiesce writes the walk makes,
#              timed together and undone / their count
#   ours       quiesce (cq_walk() without resets, the median of its 7 turns)
#              + reset (the walk's reset phase on the live buses: assert
#              all, one hold, release all; once, a reset cannot be undone)
#   floor      the accesses the plan needs at their measured cost, plus one
#              hold: the ideal quiesce accesses (ID read, Command read, the
#              Command write if it changes anything, read and write of each
#              enabled MSI/MSI-X control word), made in plan order in the
#              same turns as the walk (the median of them), plus the reset
#              phase, which is already minimal (1 read and 2 writes per
#              planned bridge, one hold) and so counted as measured in ours.
#              floor_by_cost (CSV only) is the same from the average costs:
#              (floor_reads - R - F) x read + (floor_writes - 2R - F) x write
#              + reset, F the functions to reset that master
#   pair       per turn, the walk's time over the ideal accesses' time in
#              the same turn: min, median, max (the two swap order every
#              other turn); the spread shows the emulator's noise
#   seq        ours + (sequential resets - shared resets), both measured
#              in turns on the same, already reset, buses
#   model_*    the same with every access at the cost of a read, as on
#              hardware where a config access costs about the same whatever
#              it does; not so under emulation, where a write that changes
#              Bus Master or a bridge window rebuilds QEMU's memory maps
#   acc/ep     the walk's accesses for the planned endpoints (a dry run over
#              them alone), less 2 per enabled MSI/MSI-X capability, per
#              endpoint (target: 3); accesses_per_function (CSV) the same
#              over every quiesced function, bridges too
#   per reset  the walk without bus resets (quiesce, then the function
#              resets) less the quiesce part alone, in accesses, per
#              function reset (target: at most 2 more than without)
#   ours and floor accesses count the function resets too (both sides);
#   their times do not (a function reset's cost is the device's)

set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 OUTDIR SIZE.env..." >&2; exit 2; }
out="$1"
shift
mkdir -p "$out"
csv="$out/bench.csv" svg="$out/bench.svg"

awk -v csv="$csv" -v svg="$svg" '
function v(k) { return (k in kv) ? kv[k] : "" }
function n(k) { return (k in kv && kv[k] != "") ? kv[k] + 0 : 0 }
function has(k) { return (k in kv) && kv[k] != "" }
function f(x, p) { return sprintf("%." p "f", x) }
function ratio(a, b) { return b > 0 ? f(a / b, 2) : "" }

FNR == 1 && NR > 1 { row() }
FNR == 1 { delete kv }
{
	i = index($0, "=")
	if (i > 1)
		kv[substr($0, 1, i - 1)] = substr($0, i + 1)
}
END { row(); report() }

function row(   fn, R, H, r, w, ours, floor, seq, aours, afloor, key) {
	fn = n("topo_functions")
	N++
	key = N
	size[key] = fn
	if (!has("b_bench_valid")) {
		bad[key] = 1
		c["capture_with_s", key] = v("m_panic_to_capture_s")
		c["capture_without_s", key] = v("c_panic_to_capture_s")
		c["panic_segment_with_ms", key] = has("m_panic_segment_s") ? f(n("m_panic_segment_s") * 1e3, 1) : ""
		c["panic_segment_without_ms", key] = has("c_panic_segment_s") ? f(n("c_panic_segment_s") * 1e3, 1) : ""
		return
	}
	R = n("b_bench_resets")
	H = R > 0 ? n("b_bench_reset_hold_ms") * 1e6 : 0
	r = n("b_bench_read_count") ? n("b_bench_read_ns") / n("b_bench_read_count") : 0
	w = n("b_bench_write_count") ? n("b_bench_write_ns") / n("b_bench_write_count") : 0
	ours = n("b_bench_quiesce_med_ns") + n("b_bench_reset_ns")
	floor = n("b_bench_ideal_med_ns") + n("b_bench_reset_ns")
	# without the function resets, whose time ours does not count either
	c["floor_by_cost_ms", key] = f(((n("b_bench_floor_reads") - R - n("b_bench_fn_master")) * r + \
		(n("b_bench_floor_writes") - 2 * R - n("b_bench_fn_master")) * w + \
		n("b_bench_reset_ns")) / 1e6, 3)
	c["ideal_ms", key] = f(n("b_bench_ideal_med_ns") / 1e6, 3)
	c["ideal_min_ms", key] = f(n("b_bench_ideal_ns") / 1e6, 3)
	c["pair_min", key] = f(n("b_bench_pair_permille_min") / 1e3, 2)
	c["pair_med", key] = f(n("b_bench_pair_permille_med") / 1e3, 2)
	c["pair_max", key] = f(n("b_bench_pair_permille_max") / 1e3, 2)
	seq = ours + n("b_bench_seq_ns") - n("b_bench_shared_ns")
	aours = n("b_bench_fn_reads") + n("b_bench_fn_writes") + \
		n("b_bench_reset_reads") + n("b_bench_reset_writes")
	afloor = n("b_bench_floor_reads") + n("b_bench_floor_writes")

	c["functions", key] = fn
	c["bridges", key] = v("topo_bridges")
	c["root_ports", key] = v("topo_root_ports")
	c["switches", key] = v("topo_switches")
	c["downstream_ports", key] = v("topo_downstream_ports")
	c["pci_bridges", key] = n("topo_pcie_pci_bridges") + n("topo_pci_bridges")
	c["resets", key] = R
	c["endpoint_functions", key] = v("topo_endpoint_functions")
	c["snapshot_functions", key] = v("b_bench_functions")
	c["enabled_caps", key] = v("b_bench_enabled_caps")
	c["read_ns", key] = f(r, 0)
	c["write_us", key] = f(w / 1e3, 1)
	c["dry_reads", key] = v("b_dry_config_reads")
	c["dry_planned_writes", key] = v("b_dry_planned_writes")
	c["dry_us", key] = f(n("b_dry_duration_ns") / 1e3, 0)
	c["ours_reads", key] = n("b_bench_fn_reads") + n("b_bench_reset_reads")
	c["ours_writes", key] = n("b_bench_fn_writes") + n("b_bench_reset_writes")
	c["fresets", key] = v("b_bench_fresets")
	c["fn_master", key] = v("b_bench_fn_master")
	c["fn_reset", key] = v("b_bench_fn_functions_reset")
	c["fn_tp_pending", key] = v("b_bench_fn_tp_pending")
	c["fn_quiesce_accesses", key] = n("b_bench_quiesce_reads") + n("b_bench_quiesce_writes")
	c["fn_walk_accesses", key] = n("b_bench_fn_reads") + n("b_bench_fn_writes")
	c["accesses_per_fn_reset", key] = n("b_bench_fn_functions_reset") ? \
		f((c["fn_walk_accesses", key] - c["fn_quiesce_accesses", key]) / \
		  n("b_bench_fn_functions_reset"), 2) : ""
	c["fn_walk_ms", key] = f(n("b_bench_fn_ns") / 1e6, 3)
	c["quiesce_state", key] = v("b_bench_quiesce_state")
	c["quiesce_ms", key] = f(n("b_bench_quiesce_med_ns") / 1e6, 3)
	c["quiesce_min_ms", key] = f(n("b_bench_quiesce_ns") / 1e6, 3)
	c["reset_ms", key] = f(n("b_bench_reset_ns") / 1e6, 3)
	c["reset_hold_ms", key] = f(n("b_bench_reset_hold_ns") / 1e6, 3)
	c["ours_ms", key] = f(ours / 1e6, 3)
	c["floor_reads", key] = v("b_bench_floor_reads")
	c["floor_writes", key] = v("b_bench_floor_writes")
	c["floor_ms", key] = f(floor / 1e6, 3)
	c["ours_over_floor", key] = ratio(ours, floor)
	c["accesses_ours_over_floor", key] = ratio(aours, afloor)
	c["accesses_per_function", key] = n("b_bench_quiesce_functions") ? \
		f((n("b_bench_quiesce_reads") + n("b_bench_quiesce_writes") - \
		   2 * n("b_bench_enabled_caps")) / n("b_bench_quiesce_functions"), 2) : ""
	c["endpoints", key] = v("b_bench_endpoints")
	c["endpoint_enabled_caps", key] = v("b_bench_endpoint_enabled_caps")
	c["accesses_per_endpoint", key] = n("b_bench_endpoints") ? \
		f((n("b_bench_endpoint_reads") + n("b_bench_endpoint_writes") - \
		   2 * n("b_bench_endpoint_enabled_caps")) / n("b_bench_endpoints"), 2) : ""
	c["shared_reset_ms", key] = f(n("b_bench_shared_ns") / 1e6, 3)
	c["seq_reset_ms", key] = f(n("b_bench_seq_ns") / 1e6, 3)
	c["seq_ms", key] = f(seq / 1e6, 3)
	c["seq_over_ours", key] = ratio(seq, ours)
	c["model_ours_ms", key] = f((aours * r + H) / 1e6, 3)
	c["model_floor_ms", key] = f((afloor * r + H) / 1e6, 3)
	c["model_seq_ms", key] = f((aours * r + R * H) / 1e6, 3)
	c["model_ours_over_floor", key] = ratio(aours * r + H, afloor * r + H)
	c["model_seq_over_ours", key] = ratio(aours * r + R * H, aours * r + H)
	c["panic_state", key] = v("m_panic_state")
	c["panic_functions", key] = v("m_panic_functions")
	c["panic_bridges", key] = v("m_panic_bridges")
	c["panic_skipped", key] = v("m_panic_skipped")
	c["panic_mismatched", key] = v("m_panic_mismatched")
	c["panic_us", key] = v("m_panic_us")
	c["build_ms", key] = f(n("b_bench_build_ns_min") / 1e6, 3)
	c["snapshot_bytes", key] = v("b_bench_snapshot_bytes")
	c["snapshot_header_bytes", key] = v("b_bench_snapshot_header_bytes")
	# facts, plan step and walk scratch: what the snapshot grows by per function
	c["bytes_per_function", key] = (n("b_bench_snapshot_bytes") - n("b_bench_snapshot_header_bytes")) / n("b_bench_functions")
	c["ecam_kib", key] = n("b_bench_ecam_map_bytes") / 1024
	c["capture_with_s", key] = v("m_panic_to_capture_s")
	c["capture_without_s", key] = v("c_panic_to_capture_s")
	if (has("m_panic_to_capture_s") && has("c_panic_to_capture_s"))
		c["capture_delta_s", key] = f(n("m_panic_to_capture_s") - n("c_panic_to_capture_s"), 3)
	c["panic_segment_with_ms", key] = has("m_panic_segment_s") ? f(n("m_panic_segment_s") * 1e3, 1) : ""
	c["panic_segment_without_ms", key] = has("c_panic_segment_s") ? f(n("c_panic_segment_s") * 1e3, 1) : ""
	y["ours", key] = ours / 1e6
	y["floor", key] = floor / 1e6
	y["seq", key] = seq / 1e6
	y["model_ours", key] = (aours * r + H) / 1e6
	y["model_floor", key] = (afloor * r + H) / 1e6
	y["model_seq", key] = (aours * r + R * H) / 1e6
}

function report(   cols, nc, i, k, line, hdr) {
	nc = split("functions bridges root_ports switches downstream_ports pci_bridges resets " \
		"endpoint_functions snapshot_functions enabled_caps read_ns write_us " \
		"dry_reads dry_planned_writes dry_us ours_reads ours_writes quiesce_state " \
		"quiesce_ms reset_ms reset_hold_ms ours_ms floor_reads floor_writes ideal_ms floor_ms " \
		"floor_by_cost_ms quiesce_min_ms ideal_min_ms pair_min pair_med pair_max " \
		"ours_over_floor accesses_ours_over_floor accesses_per_function endpoints " \
		"endpoint_enabled_caps accesses_per_endpoint fresets fn_master fn_reset " \
		"fn_tp_pending fn_quiesce_accesses fn_walk_accesses accesses_per_fn_reset fn_walk_ms " \
		"shared_reset_ms seq_reset_ms seq_ms seq_over_ours model_ours_ms model_floor_ms " \
		"model_seq_ms model_ours_over_floor model_seq_over_ours panic_state " \
		"panic_functions panic_bridges panic_skipped panic_mismatched panic_us " \
		"build_ms snapshot_bytes snapshot_header_bytes bytes_per_function ecam_kib " \
		"capture_with_s capture_without_s capture_delta_s panic_segment_with_ms " \
		"panic_segment_without_ms", cols, " ")
	hdr = ""
	for (i = 1; i <= nc; i++)
		hdr = hdr (i > 1 ? "," : "") cols[i]
	print hdr >csv
	for (k = 1; k <= N; k++) {
		line = ""
		for (i = 1; i <= nc; i++)
			line = line (i > 1 ? "," : "") (i == 1 ? size[k] : c[cols[i], k])
		print line >csv
	}
	close(csv)
	tables()
	plot()
}

function tables(   k) {
	print ""
	print "Panic path, measured in one boot per topology (ms, medians of 7 turns; ratios from the same boot)"
	printf "%5s %4s %4s | %9s %9s %6s | %9s %6s | %6s %6s %7s %6s | %6s %8s\n", \
		"func", "brdg", "rst", "ours", "floor", "o/f", "seq", "s/o", \
		"reads", "writes", "acc o/f", "acc/ep", "rd ns", "wr us"
	for (k = 1; k <= N; k++) {
		if (bad[k]) { printf "%5s  (bench run failed)\n", size[k]; continue }
		printf "%5s %4s %4s | %9s %9s %6s | %9s %6s | %6s %6s %7s %6s | %6s %8s\n", \
			size[k], c["bridges", k], c["resets", k], c["ours_ms", k], c["floor_ms", k], \
			c["ours_over_floor", k], c["seq_ms", k], c["seq_over_ours", k], \
			c["ours_reads", k], c["ours_writes", k], c["accesses_ours_over_floor", k], \
			c["accesses_per_endpoint", k], c["read_ns", k], c["write_us", k]
	}
	print ""
	print "Same accesses, each at the cost of one read (hardware model), and the phases (ms)"
	printf "%5s | %9s %9s %6s | %9s %6s | %9s %9s %9s %7s | %8s %8s\n", "func", \
		"ours", "floor", "o/f", "seq", "s/o", "quiesce", "ideal", "reset", "hold", \
		"shared", "seq-rst"
	for (k = 1; k <= N; k++) {
		if (bad[k]) continue
		printf "%5s | %9s %9s %6s | %9s %6s | %9s %9s %9s %7s | %8s %8s\n", size[k], \
			c["model_ours_ms", k], c["model_floor_ms", k], c["model_ours_over_floor", k], \
			c["model_seq_ms", k], c["model_seq_over_ours", k], c["quiesce_ms", k], \
			c["ideal_ms", k], c["reset_ms", k], c["reset_hold_ms", k], \
			c["shared_reset_ms", k], c["seq_reset_ms", k]
	}
	print ""
	print "Dry run (dry_run_now), and the real run at panic with default parameters (module run)"
	printf "%5s | %6s %7s %8s | %-16s %5s %5s %5s %5s %8s\n", "func", "reads", \
		"writes*", "us", "panic state", "quies", "reset", "skip", "mism", "us"
	for (k = 1; k <= N; k++) {
		if (bad[k]) continue
		printf "%5s | %6s %7s %8s | %-16s %5s %5s %5s %5s %8s\n", size[k], \
			c["dry_reads", k], c["dry_planned_writes", k], c["dry_us", k], \
			c["panic_state", k], c["panic_functions", k], c["panic_bridges", k], \
			c["panic_skipped", k], c["panic_mismatched", k], c["panic_us", k]
	}
	print "  * planned: the writes a real run would make"
	print ""
	print "Function resets of the functions no bus reset reaches (bench run; Bus Master set by its hook)"
	printf "%5s | %7s %6s %5s %7s | %8s %8s %9s | %8s\n", "func", "planned", "master", \
		"reset", "tp-pend", "quiesce", "+resets", "per reset", "walk ms"
	for (k = 1; k <= N; k++) {
		if (bad[k]) continue
		printf "%5s | %7s %6s %5s %7s | %8s %8s %9s | %8s\n", size[k], c["fresets", k], \
			c["fn_master", k], c["fn_reset", k], c["fn_tp_pending", k], \
			c["fn_quiesce_accesses", k], c["fn_walk_accesses", k], \
			c["accesses_per_fn_reset", k], c["fn_walk_ms", k]
	}
	print "  quiesce: accesses of the walk without any reset; +resets: the same walk with"
	print "  the function resets (the Transactions Pending read and the reset write)"
	print ""
	print "Snapshot at load; panic to capture-kernel init and panic to the last panic notifier"
	print "(host time from QEMU trace markers, module run with default parameters vs control run)"
	printf "%5s | %8s %8s %5s %8s | %7s %7s %7s | %8s %8s\n", "func", "build ms", "bytes", \
		"B/fn", "ECAM KiB", "p2c w/", "w/o s", "delta", "panic w/", "w/o ms"
	for (k = 1; k <= N; k++) {
		printf "%5s | %8s %8s %5s %8s | %7s %7s %7s | %8s %8s\n", size[k], c["build_ms", k], \
			c["snapshot_bytes", k], c["bytes_per_function", k], c["ecam_kib", k], \
			c["capture_with_s", k], c["capture_without_s", k], c["capture_delta_s", k], \
			c["panic_segment_with_ms", k], c["panic_segment_without_ms", k]
	}
	targets()
}

function targets(   k, last, prev, grows, s, mprev, mgrows, ms, r) {
	last = 0
	for (k = 1; k <= N; k++)
		if (!bad[k]) last = k
	print ""
	print "Targets (reported, not asserted)"
	if (last) {
		printf "  ours <= 1.10 x floor at %s functions: measured %s, hardware model %s\n", \
			size[last], c["ours_over_floor", last], c["model_ours_over_floor", last]
	}
	s = ""
	for (k = 1; k <= N; k++)
		if (!bad[k]) s = s sprintf(" %s:%s (%s-%s)", size[k], c["pair_med", k], c["pair_min", k], c["pair_max", k])
	printf "    quiesce part, walk/ideal in the same turn, median (min-max):%s\n", s
	grows = mgrows = "yes"; prev = mprev = ""; s = ms = ""
	for (k = 1; k <= N; k++) {
		if (bad[k]) continue
		s = s sprintf(" %s:%s", c["resets", k], c["seq_over_ours", k])
		ms = ms sprintf(" %s:%s", c["resets", k], c["model_seq_over_ours", k])
		if (prev != "" && c["seq_over_ours", k] + 0 <= prev + 0) grows = "no"
		if (mprev != "" && c["model_seq_over_ours", k] + 0 <= mprev + 0) mgrows = "no"
		prev = c["seq_over_ours", k]
		mprev = c["model_seq_over_ours", k]
	}
	printf "  sequential/ours grows with the bridges reset (resets:ratio)\n"
	printf "    measured:%s -> %s\n    model:   %s -> %s\n", s, grows, ms, mgrows
	grows = "yes"; prev = ""; s = ""
	for (k = 1; k <= N; k++) {
		if (bad[k]) continue
		r = ratio(c["seq_reset_ms", k], c["shared_reset_ms", k])
		s = s sprintf(" %s:%s", c["resets", k], r)
		if (prev != "" && r + 0 <= prev + 0) grows = "no"
		prev = r
	}
	printf "    reset phase alone, measured (sequential resets / shared reset):%s -> %s\n", s, grows
	s = ""
	for (k = 1; k <= N; k++)
		if (!bad[k]) s = s sprintf(" %s:%s", c["endpoints", k], c["accesses_per_endpoint", k])
	printf "  <= 3 accesses per endpoint plus 2 per enabled MSI/MSI-X (endpoints:accesses):%s\n", s
	printf "    (the walk makes 3: the ID read, SPEC §3, and Command read and write; plus a\n"
	printf "    read per disabled MSI/MSI-X of a function with Bus Master on)\n"
	s = ""
	for (k = 1; k <= N; k++)
		if (!bad[k]) s = s sprintf(" %s:+%s", c["fn_reset", k], c["accesses_per_fn_reset", k])
	printf "  <= 2 more accesses per function with a function reset (resets:accesses):%s\n", s
}

# log-log plot of cost versus function count
function px(x) { return L + (log(x) - lx0) / (lx1 - lx0) * W }
function py(val) { return T + H0 - (log(val) / log(10) - ly0) / (ly1 - ly0) * H0 }
function plot(   k, s, i, lo, hi, d, x, pts, names, colors, dash, labels, ns, width) {
	L = 80; T = 40; W = 560; H0 = 360
	lo = 1e30; hi = 0
	# the floor first and wide, so that ours stays visible on top of it
	ns = split("floor seq ours model_floor model_seq model_ours", names, " ")
	split("#98df8a #d62728 #1f77b4 #98df8a #d62728 #1f77b4", colors, " ")
	split("none none none 6,4 6,4 6,4", dash, " ")
	split("6 2 2 6 2 2", width, " ")
	split("floor (measured)|sequential (measured)|ours (measured)|floor (model)|sequential (model)|ours (model)", labels, "|")
	for (k = 1; k <= N; k++) {
		if (bad[k]) continue
		for (i = 1; i <= ns; i++) {
			if (y[names[i], k] > 0 && y[names[i], k] < lo) lo = y[names[i], k]
			if (y[names[i], k] > hi) hi = y[names[i], k]
		}
		if (!xmin || size[k] < xmin) xmin = size[k]
		if (size[k] > xmax) xmax = size[k]
	}
	if (!hi) { print "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" >svg; close(svg); return }
	ly0 = int(log(lo) / log(10) + 100) - 100; ly1 = -int(-log(hi) / log(10) + 100) + 100
	if (ly1 <= ly0) ly1 = ly0 + 1
	lx0 = log(xmin) - 0.15; lx1 = log(xmax) + 0.15
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", L + W + 230, T + H0 + 60 >svg
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n" >svg
	printf "<text x=\"%d\" y=\"22\" font-size=\"15\">crash-quiesce panic path: cost versus PCI functions (QEMU TCG)</text>\n", L >svg
	printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n", L, T, W, H0 >svg
	for (d = ly0; d <= ly1; d++) {
		printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, L + W, py(10 ^ d), py(10 ^ d) >svg
		printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 6, py(10 ^ d) + 4, (d < 0 ? sprintf("%." -d "f", 10 ^ d) : sprintf("%d", 10 ^ d)) >svg
	}
	for (k = 1; k <= N; k++) {
		if (bad[k]) continue
		x = px(size[k])
		printf "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n", x, x, T, T + H0 >svg
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, T + H0 + 18, size[k] >svg
	}
	printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">PCI functions (log scale)</text>\n", L + W / 2, T + H0 + 40 >svg
	printf "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">panic-path time, ms (log scale)</text>\n", T + H0 / 2, T + H0 / 2 >svg
	for (i = 1; i <= ns; i++) {
		pts = ""
		for (k = 1; k <= N; k++)
			if (!bad[k] && y[names[i], k] > 0)
				pts = pts sprintf("%.1f,%.1f ", px(size[k]), py(y[names[i], k]))
		printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" stroke-dasharray=\"%s\"/>\n", pts, colors[i], width[i], dash[i] >svg
		for (k = 1; k <= N; k++)
			if (!bad[k] && y[names[i], k] > 0 && dash[i] == "none")
				printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", px(size[k]), py(y[names[i], k]), colors[i] >svg
		printf "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\" stroke-dasharray=\"%s\"/>\n", L + W + 15, L + W + 45, T + 10 + 20 * i, T + 10 + 20 * i, colors[i], width[i], dash[i] >svg
		printf "<text x=\"%d\" y=\"%d\">%s</text>\n", L + W + 52, T + 14 + 20 * i, labels[i] >svg
	}
	printf "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#555\">model: every config access</text>\n", L + W + 15, T + 160 >svg
	printf "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#555\">at the measured read cost</text>\n", L + W + 15, T + 173 >svg
	print "</svg>" >svg
	close(svg)
}
' "$@"
echo
echo "CSV:  $csv"
echo "plot: $svg"
