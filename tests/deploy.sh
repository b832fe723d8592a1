#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deployment paths on this machine (SPEC §10): make install / uninstall and
# DKMS add / build / install / remove, against every Debian kernel whose
# headers are installed for the test lines. Changes /lib/modules and /usr/src
# and undoes it. One TAP line per step.
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
trap 'rm -rf "$work"; dkms remove "$name/$version" --all >/dev/null 2>&1 || true; rm -rf "/usr/src/$name-$version"' EXIT

copy_tree() { (cd "$ROOT" && git ls-files -z | xargs -0 cp --parents -t "$1"); }

installed() { modinfo -k "$1" -F filename pci_crash_quiesce 2>/dev/null | grep -q "$2"; }
absent() { ! modinfo -k "$1" pci_crash_quiesce >/dev/null 2>&1; }
has_params() {
	[[ "$(modinfo -k "$1" -F parm pci_crash_quiesce | cut -d: -f1 | sort | tr '\n' ' ')" == \
		"budget_ms dry_run enable msi reset reset_hold_ms skip " ]]
}

for line in "$@"; do
	kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")"
	kdir="/lib/modules/$kver/build"

	mkdir -p "$work/$kver"
	copy_tree "$work/$kver"
	tap_check "$kver: make install" make -s -C "$work/$kver" KDIR="$kdir" install
	tap_check "$kver: installed in /lib/modules/$kver/extra, found by modinfo" installed "$kver" "/extra/"
	tap_check "$kver: installed module lists the 7 parameters" has_params "$kver"
	tap_check "$kver: make uninstall" make -s -C "$work/$kver" KDIR="$kdir" uninstall
	tap_check "$kver: gone after uninstall" absent "$kver"
done

rm -rf "/usr/src/$name-$version"
mkdir -p "/usr/src/$name-$version"
copy_tree "/usr/src/$name-$version"
tap_check "dkms add $name/$version" dkms add "$name/$version"
for line in "$@"; do
	kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")"
	tap_check "$kver: dkms build" dkms build "$name/$version" -k "$kver"
	tap_check "$kver: dkms install" dkms install "$name/$version" -k "$kver"
	tap_check "$kver: dkms-installed module found by modinfo" installed "$kver" "/$kver/"
	tap_check "$kver: dkms-installed module lists the 7 parameters" has_params "$kver"
done
tap_check "dkms remove --all" dkms remove "$name/$version" --all
for line in "$@"; do
	kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")"
	tap_check "$kver: gone after dkms remove" absent "$kver"
done
tap_done
