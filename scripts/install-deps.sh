#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing crash-quiesce needs on Debian 12: compilers,
# checkers, QEMU and the guest tools, and linux-headers for the current Debian
# 6.1 and 6.12 kernels (resolved with scripts/fetch-kernels.sh --resolve, so that
# `make KDIR=/lib/modules/KVER/build` works for both).
#
# arm64 (SPEC §7.12): dpkg's arm64 architecture (for `apt-get download PKG:arm64`;
# nothing of arm64 is installed), qemu-system-arm with the UEFI firmware
# qemu-efi-aarch64, the cross compiler and a static aarch64 libc
# (libc6-dev-arm64-cross), and the host's own linux-kbuild-V that the unpacked
# arm64 6.12 headers run (scripts/fetch-kernels.sh --kbuild 6.12-arm64).
#
# QEMU 10 (SPEC §7): scripts/fetch-qemu.sh downloads Debian's bookworm-backports
# QEMU with a private apt configuration into the cache (never installed); the
# host libraries it needs that are not installed yet come from bookworm, here.
#
# Idempotent: when everything is installed it changes nothing and runs no
# apt-get at all; `apt-get update` runs only when something must be installed
# (or when the apt lists cannot resolve the kernels yet). Needs root.

set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
log() { printf 'install-deps: %s\n' "$*" >&2; }

base_pkgs=(
	build-essential sparse shellcheck python3 kmod socat dkms
	bc flex bison libelf-dev libssl-dev
	qemu-system-x86 busybox-static kexec-tools makedumpfile
	cpio gzip xz-utils zstd linux-source-6.12 debootstrap debian-archive-keyring e2fsprogs
	qemu-system-arm qemu-efi-aarch64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross
)
# the arm64 kernel lines whose headers need the host's linux-kbuild
arm64_lines=(6.12-arm64)

updated=0
apt_update() {
	if [[ $updated -eq 0 ]]; then
		log "apt-get update"
		apt-get update -q >&2
		updated=1
	fi
}

# missing_pkgs: print the wanted packages that are not installed, headers of the
# kernels the apt lists resolve to included
missing_pkgs() {
	local kvers kver kbuilds p pkgs=("${base_pkgs[@]}")
	kvers="$("$here/fetch-kernels.sh" --resolve)" || return 1
	for kver in $kvers; do
		pkgs+=("linux-headers-$kver")
	done
	kbuilds="$("$here/fetch-kernels.sh" --kbuild "${arm64_lines[@]}")" || return 1
	for p in $kbuilds; do
		pkgs+=("$p")
	done
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			echo "$p"
	done
	# QEMU 10's libraries (bookworm packages), once the system QEMU's are in
	! dpkg-query -W -f='${Status}' qemu-system-x86 2>/dev/null | grep -q 'install ok installed' ||
		"$here/fetch-qemu.sh" --deps
}

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	[[ $EUID -eq 0 ]] || { log "need root to add dpkg's arm64 architecture"; exit 1; }
	log "dpkg --add-architecture arm64"
	dpkg --add-architecture arm64
	apt_update
fi
if ! missing="$(missing_pkgs 2>/dev/null)"; then
	apt_update # no usable apt lists yet
	missing="$(missing_pkgs)"
fi
if [[ -z "$missing" ]]; then
	log "all packages present"
	exit 0
fi
[[ $EUID -eq 0 ]] || { log "need root to install: ${missing//$'\n'/ }"; exit 1; }
if [[ $updated -eq 0 ]]; then
	apt_update
	missing="$(missing_pkgs)" # the lists may now name newer kernels
fi
log "installing: ${missing//$'\n'/ }"
# shellcheck disable=SC2086 # one package per word
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
# QEMU 10's libraries are known once the system QEMU is in: a second round
missing="$(missing_pkgs)"
if [[ -n "$missing" ]]; then
	log "installing: ${missing//$'\n'/ }"
	# shellcheck disable=SC2086 # one package per word
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
fi
log "done"
