#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each patch of the in-tree series builds: for every prefix 1..k of the
# series (the whole series is linked by scripts/build-debug-kernel.sh),
# apply it to the debug kernel's source (the newest Debian linux-source),
# with the debug kernel's configuration (options the prefix does not define
# yet drop out), build what the series touches (kernel/crash_core.o and
# drivers/pci/), compile each C file it adds with W=1, and link-check the
# prefix's objects: every symbol they use is defined by one of them or by
# the debug kernel's vmlinux (its System.map), as the link of vmlinux would
# find. In the trixie build root, as the debug kernel is; its object
# directory is reused, so each step compiles only what the prefix changes.
# Cached by the hash of the series: one TAP line per patch.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"
CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"
BASE="$CACHE/debug-kernel"

env_file="$("$ROOT/scripts/build-debug-kernel.sh")"
# shellcheck source=/dev/null
. "$env_file"
pristine="$("$ROOT/scripts/kernel-source.sh" "${CQ_DEBUG_SOURCE:-newest}")"
series="$(mktemp -d)"
trap 'rm -rf "$series"' EXIT
"$ROOT/scripts/mkpatch.sh" -k "$pristine" "$series" >/dev/null
patches=()
for p in "$series"/0*.patch; do
	[[ "$p" == */0000-* ]] || patches+=("$p")
done
config="$(dirname "$env_file")/config-$CQ_DEBUG_HASH"
src="$BASE/src" obj="$CQ_KDIR" # the debug kernel's object directory
kmake() { # make in the build root, with the repository, the cache and /tmp bound
	"$ROOT/scripts/build-root.sh" run "$ROOT" "$(realpath "$CACHE")" /tmp -- \
		make -s -C "$src" O="$obj" ARCH=x86_64 LOCALVERSION=-cqdebug "$@"
}

# the symbols the linked debug kernel defines (T, D, B, R ... not U)
symbols="$(mktemp)"
trap 'rm -rf "$series" "$symbols"' EXIT
awk '{ print $3 }' "$obj/System.map" | sort -u >"$symbols"

# link_check OBJ...: the objects use only symbols that one of them, or the
# kernel, defines
link_check() {
	local defined undef
	defined="$(nm --defined-only "$@" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)"
	undef="$(nm --undefined-only "$@" 2>/dev/null | awk '{ print $2 }' | sort -u |
		comm -23 - <(printf '%s\n' "$defined") | comm -23 - "$symbols")"
	[[ -z "$undef" ]] || { echo "undefined: $undef"; return 1; }
}
# the prefix's objects: the driver's and crash_core.o
prefix_objects() {
	find "$obj/drivers/pci/crash_quiesce" -name '*.o' ! -name '*.mod.o' 2>/dev/null
	echo "$obj/kernel/crash_core.o"
}

prepare_prefix() { # prepare_prefix K: series 1..K applied, configured
	local k="$1" i
	rm -rf "$src"
	cp -al "$pristine" "$src"
	for ((i = 0; i < k; i++)); do
		patch -s -p1 -d "$src" --no-backup-if-mismatch <"${patches[$i]}"
	done
	cp "$config" "$obj/.config"
	kmake olddefconfig >/dev/null
}

build_prefix() { # build_prefix K: series 1..K applied, what it touches built
	local k="$1"
	prepare_prefix "$k"
	rm -rf "$obj/drivers/pci/crash_quiesce"
	kmake -j"$(nproc)" kernel/crash_core.o drivers/pci/ >"$BASE/series-build-$k.log" 2>&1 ||
		{ tail -20 "$BASE/series-build-$k.log"; return 1; }
	mapfile -t objs < <(prefix_objects)
	link_check "${objs[@]}" >>"$BASE/series-build-$k.log" 2>&1 ||
		{ tail -5 "$BASE/series-build-$k.log"; return 1; }
	# Every C file the prefix adds, compiled on its own with W=1 even where
	# the prefix's Kconfig cannot enable it yet (patch 1 alone).
	mapfile -t objs < <(cat "${patches[@]:0:k}" | grep -A1 '^--- /dev/null' |
		sed -n 's|^+++ b/\(.*\)\.c$|\1.o|p')
	if [[ ${#objs[@]} -gt 0 ]]; then
		kmake W=1 "${objs[@]}" >>"$BASE/series-build-$k.log" 2>&1 ||
			{ tail -20 "$BASE/series-build-$k.log"; return 1; }
	fi
	! grep -E 'warning:|error:' "$BASE/series-build-$k.log"
}

n=${#patches[@]}
for ((k = 1; k <= n; k++)); do
	name="${patches[$((k - 1))]##*/}"
	done_file="$BASE/series-ok-$CQ_DEBUG_HASH-$k"
	if [[ -f "$done_file" ]]; then
		tap_ok "$name builds on its own (patches 1..$k; cached)"
		continue
	fi
	start=$SECONDS
	if build_prefix "$k"; then
		touch "$done_file"
		tap_ok "$name builds on its own (patches 1..$k; $((SECONDS - start)) s)"
	else
		tap_not_ok "$name builds on its own (patches 1..$k)"
	fi
done
tap_ok "${patches[$((n - 1))]##*/}: the whole series builds (the debug kernel, with the test-only patch, $CQ_DEBUG_HASH)"
# the link check's control: an object calling what nobody defines
control="$(mktemp -d)"
printf 'extern void pcq_nobody_defines(void);\nvoid pcq_caller(void) { pcq_nobody_defines(); }\n' \
	>"$control/c.c"
gcc -c -o "$control/c.o" "$control/c.c"
tap_check "the link check finds a symbol nobody defines (control)" \
	eval "! link_check '$control/c.o' >/dev/null"
rm -rf "$control"

# The in-tree driver is built in only: its crash hook and its ECAM accessor
# (pci_mmconfig_lookup(), not exported) are the kernel's own. Kconfig must
# not take =m (a bool drops it); the debug configuration has it =y.
refuses_module() {
	prepare_prefix "$n" >/dev/null || return 1
	grep -qx 'CONFIG_PCI_CRASH_QUIESCE=y' "$obj/.config" || return 1
	"$src/scripts/config" --file "$obj/.config" --module PCI_CRASH_QUIESCE
	kmake olddefconfig >/dev/null
	! grep -q '^CONFIG_PCI_CRASH_QUIESCE=m' "$obj/.config"
}
if refuses_module; then
	tap_ok "the in-tree driver is built in only: =m is refused by Kconfig"
else
	tap_not_ok "the in-tree driver is built in only: =m is refused by Kconfig"
fi
tap_done
