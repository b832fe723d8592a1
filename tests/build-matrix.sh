#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build pci_crash_quiesce.ko against Debian 12's 6.1 and 6.12 headers, and
# the newest Debian kernel's (LINE newest: built in the trixie build root by
# scripts/kmake.sh, with the kernel's own gcc-14), with W=1 and sparse (C=1):
# zero warnings, and sparse did run. The modules are left in
# out/modules/<kver>/ for the QEMU tests. TAP lines per kernel.
# 6.12-arm64 is cross-built (ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
# against Debian's arm64 headers, unpacked by scripts/fetch-kernels.sh (never
# installed), into out/modules/<kver>/ too (its release ends in -arm64).
#
#   tests/build-matrix.sh [LINE...]     (default: 6.1 6.12 6.12-arm64)

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"

[[ $# -gt 0 ]] || set -- 6.1 6.12 6.12-arm64
mkdir -p "$ROOT/out/modules"
for line in "$@"; do
	kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")"
	out="$ROOT/out/modules/$kver"
	kargs=()
	mkdir -p "$ROOT/out/modules"
	# the headers' place: the host's, or unpacked with the kernel (cached)
	if ! env="$("$ROOT/scripts/fetch-kernels.sh" --env-file "$kver" 2>"$out.fetch.log")"; then
		tap_not_ok "build $kver W=1 C=1" "$(tail -n5 "$out.fetch.log")"
		continue
	fi
	rm -f "$out.fetch.log"
	kdir="$(sed -n 's/^CQ_KDIR=//p' "$env")"
	[[ "$kver" != *-arm64 ]] ||
		kargs=(ARCH=arm64 "CROSS_COMPILE=$(sed -n 's/^CQ_CROSS_COMPILE=//p' "$env")")
	if [[ ! -d "$kdir" ]]; then
		tap_not_ok "build $kver W=1 C=1" "no $kdir: run scripts/install-deps.sh"
		continue
	fi
	# Build a copy of the tracked sources, so that builds for two kernels
	# never share objects.
	rm -rf "$out"
	mkdir -p "$out/src"
	(cd "$ROOT" && git ls-files -z | xargs -0 cp --parents -t "$out/src")
	log="$out/build.log"
	if "$ROOT/scripts/kmake.sh" "$kdir" M="$out/src" "${kargs[@]}" W=1 C=1 modules >"$log" 2>&1 &&
		! grep -qE 'warning|error' "$log"; then
		cp "$out/src/pci_crash_quiesce.ko" "$out/"
		tap_ok "build $kver W=1 C=1, zero warnings"
	else
		tap_not_ok "build $kver W=1 C=1, zero warnings" "$(grep -E 'warning|error' "$log" | head -20)"
	fi
	# C=1 quietly runs no sparse when the kernel finds it too old
	tap_check "build $kver: sparse checked $(grep -c '^  CHECK ' "$log") files" \
		grep -q '^  CHECK .*quiesce.c$' "$log"
	[[ "$kver" == *-arm64 ]] || continue
	# The in-tree form's own files for arm64: the driver's Makefile as the
	# series has it (ecam_host.o through CONFIG_ARM64, crash.o and
	# crash_cpus.o, no compat/ file), compiled as one module against the
	# arm64 headers, since building an arm64 kernel does not fit the
	# budget. crash_notes, which crash_cpus.c reads, is no module's: its
	# modpost line is the one warning left out. The series is made against
	# the newest tree: on an older one (6.12) the uapi definitions it added
	# since (the CXL DVSEC registers, v6.18) come from compat/pci_compat.h,
	# definitions only, and the TAP line says so.
	it="$out/intree"
	mkdir -p "$it"
	cp -r "$ROOT/include" "$it/"
	cp "$ROOT"/drivers/pci/crash_quiesce/*.[ch] "$ROOT/drivers/pci/crash_quiesce/Makefile" "$it/"
	rm -f "$it/crash_quiesce_kunit.c"
	defs='' what='no compat/'
	if ! grep -qs PCI_DVSEC_CXL_MEM_CAPABLE "$kdir"/../linux-headers-*-common/include/uapi/linux/pci_regs.h; then
		defs="-include $ROOT/compat/pci_compat.h"
		what='compat/pci_compat.h for the uapi definitions this tree lacks'
	fi
	if "$ROOT/scripts/kmake.sh" "$kdir" M="$it" "${kargs[@]}" CONFIG_PCI_CRASH_QUIESCE=m \
		KCFLAGS="-I$it/include -DCONFIG_PCI_CRASH_QUIESCE=1 $defs" KBUILD_MODPOST_WARN=1 W=1 C=1 \
		modules >"$it.log" 2>&1 && grep -q 'ecam_host.o' "$it.log" &&
		grep -q 'crash_cpus.o' "$it.log" &&
		! grep -vE 'WARNING: modpost: "crash_notes" .* undefined!' "$it.log" | grep -qE 'warning|error'; then
		tap_ok "in-tree files for $kver (the series' Makefile: ecam_host.o, $what) W=1 C=1, zero warnings"
	else
		tap_not_ok "in-tree files for $kver W=1 C=1, zero warnings" \
			"$(grep -E 'warning|error' "$it.log" | head -20)"
	fi
done
tap_done
