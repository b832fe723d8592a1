#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unpack Debian's linux-source-6.12 (installed by scripts/install-deps.sh)
# into the cache once, and print the path of the tree.

set -euo pipefail
CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"
tarball="$(find /usr/src -maxdepth 1 -name 'linux-source-6.12*.tar.xz' | sort | tail -n1)"
[[ -n "$tarball" ]] || { echo "kernel-source: linux-source-6.12 is not installed" >&2; exit 1; }
name="$(basename "$tarball" .tar.xz)"
dest="$CACHE/src/$(stat -c %s-%Y "$tarball")"
if [[ ! -f "$dest/.done" ]]; then
	echo "kernel-source: unpacking $tarball (once)" >&2
	rm -rf "$dest"
	mkdir -p "$dest"
	tar -C "$dest" -xf "$tarball"
	touch "$dest/.done"
fi
echo "$dest/$name"
