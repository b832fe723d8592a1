#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel of SPEC §8: the newest Debian linux-source
# (scripts/kernel-source.sh newest: 7.3 today; CQ_DEBUG_SOURCE=6.12 for the
# older line) with our in-tree patch series applied (scripts/mkpatch.sh),
# configured from tinyconfig plus tests/debug-kernel/config.fragment
# (lockdep, atomic-sleep checks, kmemleak, KUnit, CMA, our code built in),
# and the test-only fault injection patch on top. Built in the Debian
# trixie build root (scripts/build-root.sh): Debian's 7.x kernels want
# gcc-14, which the host lacks.
#
#   scripts/build-debug-kernel.sh       print the path of its kernel.env
#
# Cached by a hash of the source package, the fragment and the series: a
# second run with the same inputs builds nothing. The object directory is
# kept between builds, so a changed series rebuilds only what it touches.
# kernel.env is in the harness's format (scripts/fetch-kernels.sh), under
# $CQ_CACHE/kernels/<release>-<hash>/, so tests/qemu/run-cycle.sh with its
# CQ_DEBUG_NAME boots it; its CQ_DEBUG_CONTROL names the control kernel built
# without the hook's call in __crash_kexec(), and on trees with the
# crashkernel CMA wait CQ_DEBUG_CMA_WAIT the kernel that quiesces and then
# waits all the same (the series without its CMA patch).

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"
BASE="$CACHE/debug-kernel"
FRAGMENT="$ROOT/tests/debug-kernel/config.fragment"
log() { printf 'build-debug-kernel: %s\n' "$*" >&2; }

pristine="$("$ROOT/scripts/kernel-source.sh" "${CQ_DEBUG_SOURCE:-newest}")"
kline="$(make -s -C "$pristine" kernelversion)"
root="$("$ROOT/scripts/build-root.sh")"
# make in the build root, with the repository, the cache and /tmp bound
kmake() {
	"$ROOT/scripts/build-root.sh" run "$ROOT" "$(realpath "$CACHE")" /tmp -- \
		make -s -C "$src" O="$obj" ARCH=x86_64 LOCALVERSION="$localversion" "$@"
}
series="$(mktemp -d)"
trap 'rm -rf "$series"' EXIT
"$ROOT/scripts/mkpatch.sh" -k "$pristine" "$series" >/dev/null

# the series without its cover letter, then the test-only patch
patches=()
for p in "$series"/0*.patch "$series"/test-only/*.patch; do
	[[ "$p" == */0000-* ]] || patches+=("$p")
done
hash="$( { basename "$(dirname "$pristine")"; basename "$root"; cat "$0" "$FRAGMENT" "${patches[@]}"; } |
	sha256sum | cut -c1-16)"
localversion="-cqdebug"
done_file="$BASE/done-$hash"
if [[ -f "$done_file" && -f "$(cat "$done_file")" ]]; then
	cat "$done_file"
	exit 0
fi

mkdir -p "$BASE"
src="$BASE/src"
# one object directory per kernel source: files generated from one tree
# (scripts/kconfig's lexer) must not pass for another's
obj="$BASE/obj-$(basename "$(dirname "$pristine")")"
log "preparing the source tree (hard links to $pristine)"
rm -rf "$src"
cp -al "$pristine" "$src"
for p in "${patches[@]}"; do
	# patch(1) writes each changed file anew, so the pristine tree's
	# hard-linked copies are never modified.
	patch -s -p1 -d "$src" --no-backup-if-mismatch <"$p"
done
cp -r "$series" "$BASE/series-$hash"

mkdir -p "$obj"
kmake tinyconfig >/dev/null
# merge_config.sh leaves temporary files in the current directory.
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$FRAGMENT" >/dev/null)
kmake olddefconfig >/dev/null
# every option of the fragment the tree knows is on (one a release no longer
# has, such as PROC_SYSCTL after 6.x made sysctl part of PROC_FS, is left out)
known="$(find "$src" -name 'Kconfig*' -exec sed -n 's/^\(menu\)\{0,1\}config \([A-Z0-9_]*\)$/CONFIG_\2/p' {} + |
	sort -u)"
missing="$(grep '^CONFIG_.*=y$' "$FRAGMENT" | while read -r opt; do
	grep -qx "${opt%=y}" <<<"$known" || continue
	grep -qx "$opt" "$obj/.config" || echo "$opt"
done)"
[[ -z "$missing" ]] || { log "options the configuration dropped: $missing"; exit 1; }

log "building bzImage with $(nproc) jobs (about 6 minutes the first time)"
start=$SECONDS
# modules_prepare and modules (there are none, but it writes Module.symvers):
# the harness builds its trace-marker module against this tree.
kmake -j"$(nproc)" bzImage modules_prepare modules >"$BASE/build.log" 2>&1 ||
	{ tail -30 "$BASE/build.log" >&2; exit 1; }
log "built in $((SECONDS - start)) s"

kver="$(cat "$obj/include/config/kernel.release")"
# Each build its own directory and kernel.env, named after the release and
# the hash (what tests/qemu/run-cycle.sh is given): a cache hit for one
# series never boots the kernel of another.
name="$kver-$hash"
dest="$CACHE/kernels/$name"
mkdir -p "$dest/modules"
cp "$obj/arch/x86/boot/bzImage" "$dest/vmlinuz-$kver-$hash"
cp "$obj/.config" "$dest/config-$hash"

# variant NAME PERL-EDIT WHAT: the same kernel with kernel/crash_core.c
# edited, as CACHE/kernels/<name>-NAME: only that file changes, so it is a
# short incremental build; the object directory is left with it, and the
# next build of the series rebuilds that file again
variant() {
	local vname="$1" edit="$2" what="$3" dir="$CACHE/kernels/$name-$1"
	log "building the $what kernel"
	cp --remove-destination "$src/kernel/crash_core.c" "$src/kernel/crash_core.c.new"
	perl -0pi -e "$edit" "$src/kernel/crash_core.c.new"
	cmp -s "$src/kernel/crash_core.c" "$src/kernel/crash_core.c.new" &&
		{ log "the $what edit changed nothing"; exit 1; }
	mv "$src/kernel/crash_core.c.new" "$src/kernel/crash_core.c"
	kmake -j"$(nproc)" bzImage >"$BASE/build-$vname.log" 2>&1 ||
		{ tail -30 "$BASE/build-$vname.log" >&2; exit 1; }
	mkdir -p "$dir/modules"
	cp "$obj/arch/x86/boot/bzImage" "$dir/vmlinuz-$kver-$hash"
	{
		printf 'CQ_KLINE=%q\n' "debug-$vname"
		printf 'CQ_KVER=%q\n' "$kver"
		printf 'CQ_KPKG=%q\n' "linux-source-$kline+crash-quiesce-$vname"
		printf 'CQ_VMLINUZ=%q\n' "$dir/vmlinuz-$kver-$hash"
		printf 'CQ_MODDIR=%q\n' "$dir/modules"
		printf 'CQ_KDIR=%q\n' "$obj"
	} >"$dir/kernel.env"
}
cma=no
grep -qP '^\t+crash_cma_clear_pending_dma\(\);$' "$src/kernel/crash_core.c" && cma=yes
# The CMA wait as it is, after the quiesce (the series without its CMA
# patch): the figure the CMA patch is measured against.
# shellcheck disable=SC2016 # perl's own $1, not the shell's
[[ $cma == no ]] ||
	variant cma-wait 's/\t\t\tif \(!pci_crash_quiesce\(\)\)\n\t\t\t\tcrash_cma_clear_pending_dma\(\);\n/\t\t\tpci_crash_quiesce();\n\t\t\tcrash_cma_clear_pending_dma();\n/' \
		"quiesce-then-wait"
# The control of the in-tree hook (SPEC §8): no pci_crash_quiesce() call in
# __crash_kexec() (the nested branch stays: it is never taken without the walk).
# shellcheck disable=SC2016 # perl's own $1, not the shell's
variant nohook 's/\t\t\tpci_crash_quiesce\(\);\n//; s/\t\t\tif \(!pci_crash_quiesce\(\)\)\n\t\t\t\t(crash_cma_clear_pending_dma\(\);\n)/\t\t\t$1/' \
	"control (no pci_crash_quiesce() call)"
grep -qP '^\t+(if \(!)?pci_crash_quiesce\(\)' "$src/kernel/crash_core.c" &&
	{ log "the hook is still there"; exit 1; }
{
	printf 'CQ_KLINE=%q\n' debug
	printf 'CQ_KVER=%q\n' "$kver"
	printf 'CQ_KPKG=%q\n' "linux-source-$kline+crash-quiesce"
	printf 'CQ_VMLINUZ=%q\n' "$dest/vmlinuz-$kver-$hash"
	printf 'CQ_MODDIR=%q\n' "$dest/modules"
	printf 'CQ_KDIR=%q\n' "$obj"
	printf 'CQ_DEBUG_HASH=%q\n' "$hash"
	printf 'CQ_DEBUG_BUILD_S=%q\n' "$((SECONDS - start))"
	printf 'CQ_DEBUG_NAME=%q\n' "$name"
	printf 'CQ_DEBUG_CONTROL=%q\n' "$name-nohook"
	[[ $cma == no ]] || printf 'CQ_DEBUG_CMA_WAIT=%q\n' "$name-cma-wait"
	printf 'CQ_DEBUG_SOURCE_VERSION=%q\n' "$kline"
} >"$dest/kernel.env"
echo "$dest/kernel.env" >"$done_file"
# the builds of older series: the newest 3 and their controls stay
# shellcheck disable=SC2012 # names are ours
ls -1dt "$CACHE/kernels/"*-cqdebug-???????????????? 2>/dev/null | tail -n +4 |
	while read -r d; do rm -rf "$d" "$d-nohook" "$d-cma-wait"; done
cat "$done_file"
