#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deployment paths (SPEC §10): make install / uninstall and DKMS add /
# build / install / remove, against every Debian kernel whose headers are
# installed for the test lines. Nothing of the machine's is touched: make
# install goes into a staging root (INSTALL_MOD_PATH), DKMS works in its own
# trees (--dkmstree, --sourcetree, --installtree, --no-depmod), so that an
# operator's own install of the module, by hand or by DKMS, of this very
# version, stays as it is (checked before and after). One TAP line per step.
#
#   tests/deploy.sh [LINE...]      (default: 6.1 6.12)

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"

[[ $# -gt 0 ]] || set -- 6.1 6.12
name=pci-crash-quiesce
version="$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$ROOT/dkms.conf")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

copy_tree() { (cd "$ROOT" && git ls-files -z | xargs -0 cp --parents -t "$1"); }

# the machine's state of the module, before and after: every copy of it
# under /lib/modules, its DKMS status, its /usr/src tree
machine_state() {
	{
		find /lib/modules -name 'pci_crash_quiesce.ko*' -exec sha256sum {} + 2>/dev/null
		dkms status "$name" 2>/dev/null
		find /usr/src -maxdepth 1 -name "$name-*" 2>/dev/null
	} | sort
}
before="$(machine_state)"

# ko ROOT KVER: the module file installed under ROOT for KVER
ko() { find "$1/$2" -name 'pci_crash_quiesce.ko*' -print -quit 2>/dev/null; }
has_params() {
	[[ "$(modinfo -F parm "$1" | cut -d: -f1 | sort | tr '\n' ' ')" == \
		"budget_ms dry_run enable msi reset reset_hold_ms skip " ]]
}
for_kver() { modinfo -F vermagic "$1" | grep -q "^$2 "; }

stage="$work/root"
# make and dkms where the kernel's compiler is: the host, or the trixie
# build root (scripts/kmake.sh), which has dkms too
K="$ROOT/scripts/kmake.sh"
kdir_of() { # kdir_of LINE: the kernel's build tree (fetch-kernels.sh's CQ_KDIR)
	sed -n 's/^CQ_KDIR=//p' "$("$ROOT/scripts/fetch-kernels.sh" --env-file "$1")"
}
for line in "$@"; do
	kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")"
	kdir="$(kdir_of "$line")"
	mods="$stage/lib/modules"

	mkdir -p "$work/$kver"
	copy_tree "$work/$kver"
	tap_check "$kver: make install INSTALL_MOD_PATH=<staging root>" \
		"$K" --for "$kdir" -- make -s -C "$work/$kver" KDIR="$kdir" INSTALL_MOD_PATH="$stage" install
	m="$(ko "$mods" "$kver")"
	tap_check "$kver: installed in <root>/lib/modules/$kver/extra (${m#"$mods"/})" \
		eval "[[ '$m' == '$mods/$kver/extra/'* ]]"
	tap_check "$kver: depmod ran on the staging root (modules.dep names it)" \
		grep -q 'extra/pci_crash_quiesce.ko' "$mods/$kver/modules.dep"
	tap_check "$kver: installed module is built for $kver and lists the 7 parameters" \
		eval "for_kver '$m' $kver && has_params '$m'"
	tap_check "$kver: make uninstall" \
		"$K" --for "$kdir" -- make -s -C "$work/$kver" KDIR="$kdir" INSTALL_MOD_PATH="$stage" uninstall
	tap_check "$kver: gone after uninstall" test -z "$(ko "$mods" "$kver")"
done

# DKMS in its own trees; the install tree has each kernel's build link
D=(--dkmstree "$work/dkms" --sourcetree "$work/src" --installtree "$work/modules" --no-depmod)
mkdir -p "$work/dkms" "$work/src/$name-$version" "$work/modules"
copy_tree "$work/src/$name-$version"
tap_check "dkms add $name/$version (private trees)" dkms "${D[@]}" add "$name/$version"
for line in "$@"; do
	kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")"
	kdir="$(kdir_of "$line")"
	mkdir -p "$work/modules/$kver"
	ln -sfn "$kdir" "$work/modules/$kver/build"
	tap_check "$kver: dkms build" "$K" --for "$kdir" -- dkms "${D[@]}" build "$name/$version" \
		-k "$kver" --kernelsourcedir "$kdir"
	tap_check "$kver: dkms install" "$K" --for "$kdir" -- dkms "${D[@]}" install "$name/$version" \
		-k "$kver" --kernelsourcedir "$kdir"
	m="$(ko "$work/modules" "$kver")"
	tap_check "$kver: dkms-installed module built for $kver, with the 7 parameters (${m#"$work"/})" \
		eval "[[ -n '$m' ]] && for_kver '$m' $kver && has_params '$m'"
done
tap_check "dkms remove --all" dkms "${D[@]}" remove "$name/$version" --all
for line in "$@"; do
	kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")"
	tap_check "$kver: gone after dkms remove" test -z "$(ko "$work/modules" "$kver")"
done
tap_check "the machine's own copies of the module, its DKMS status and /usr/src: unchanged" \
	test "$(machine_state)" = "$before"
tap_done
