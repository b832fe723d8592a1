#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian kernel images for the QEMU tests, without installing them.
#
#   scripts/fetch-kernels.sh [LINE|KVER]...      fetch (default: 6.1 6.12), print env
#   scripts/fetch-kernels.sh --resolve [LINE]... print the resolved kernel releases only
#   scripts/fetch-kernels.sh --env-file LINE     fetch one, print the path of its env file
#
# LINE is a kernel line (6.1 or 6.12); it is resolved with apt-cache to the current
# Debian release (e.g. 6.1 -> 6.1.0-NN-amd64). A full release such as 6.1.0-56-amd64
# is taken as is. The linux-image package is fetched with `apt-get download` and
# extracted with `dpkg-deb -x` into ${CQ_CACHE:-$HOME/.cache/crash-quiesce}/kernels/KVER/.
# A kernel already there is not fetched again.
#
# The env file (kernels/KVER/kernel.env, copied to kernels/LINE.env for a LINE) holds:
#   CQ_KLINE CQ_KVER CQ_KPKG CQ_VMLINUZ CQ_MODDIR CQ_KDIR
# CQ_KDIR is /lib/modules/KVER/build from linux-headers-KVER (scripts/install-deps.sh).

set -euo pipefail

CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"

log() { printf 'fetch-kernels: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The Debian meta package that tracks each kernel line.
meta_package() {
	case "$1" in
	6.1) echo linux-image-amd64 ;;
	6.12) echo linux-image-6.12-amd64 ;;
	*) return 1 ;;
	esac
}

# resolve LINE|KVER -> kernel release (uname -r form)
resolve() {
	local arg="$1" meta pkg kver

	if ! meta="$(meta_package "$arg")"; then
		[[ "$arg" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || die "unknown kernel line or release: $arg"
		echo "$arg"
		return
	fi
	pkg="$(apt-cache depends "$meta" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')"
	[[ -n "$pkg" ]] || die "apt-cache depends $meta gave no linux-image (run apt-get update?)"
	kver="${pkg#linux-image-}"
	kver="${kver%-unsigned}"
	[[ "$kver" == "$arg".* ]] || die "$meta resolves to $kver, not a $arg kernel"
	echo "$kver"
}

# The package that ships KVER's image: the signed one, else the unsigned one.
image_package() {
	local p
	for p in "linux-image-$1" "linux-image-$1-unsigned"; do
		if apt-cache show "$p" >/dev/null 2>&1; then
			echo "$p"
			return
		fi
	done
	die "no linux-image package for $1 in the apt lists"
}

# fetch KVER LINE -> writes kernels/KVER/kernel.env
fetch() {
	local kver="$1" line="$2" dir pkg tmp deb moddir
	dir="$CACHE/kernels/$kver"

	mkdir -p "$CACHE/kernels"
	exec 9>"$CACHE/kernels/.lock"
	flock 9 # one fetch at a time; a parallel caller then finds it cached
	if [[ ! -f "$dir/kernel.env" ]]; then
		pkg="$(image_package "$kver")"
		log "fetching $pkg"
		tmp="$(mktemp -d "$CACHE/kernels/.fetch.XXXXXX")"
		# shellcheck disable=SC2064 # expand now: tmp is local
		trap "rm -rf '$tmp'" EXIT
		# As root, apt downloads as _apt, which cannot enter a private $HOME.
		(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) ||
			die "apt-get download $pkg failed"
		deb="$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)"
		[[ -n "$deb" ]] || die "no .deb downloaded for $pkg"
		mkdir "$tmp/root"
		dpkg-deb -x "$deb" "$tmp/root"
		rm -f "$deb"

		[[ -f "$tmp/root/boot/vmlinuz-$kver" ]] || die "$pkg has no boot/vmlinuz-$kver"
		for moddir in lib/modules usr/lib/modules; do
			[[ -d "$tmp/root/$moddir/$kver" ]] && break
		done
		[[ -d "$tmp/root/$moddir/$kver" ]] || die "$pkg has no modules dir for $kver"

		{
			printf 'CQ_KLINE=%q\n' "$line"
			printf 'CQ_KVER=%q\n' "$kver"
			printf 'CQ_KPKG=%q\n' "$pkg"
			printf 'CQ_VMLINUZ=%q\n' "$dir/root/boot/vmlinuz-$kver"
			printf 'CQ_MODDIR=%q\n' "$dir/root/$moddir/$kver"
			printf 'CQ_KDIR=%q\n' "/lib/modules/$kver/build"
		} >"$tmp/kernel.env"
		chmod 755 "$tmp"
		rm -rf "$dir"
		mv "$tmp" "$dir"
		trap - EXIT
		log "extracted $pkg into $dir"
	fi
	if [[ "$line" != "$kver" ]]; then
		cp "$dir/kernel.env" "$CACHE/kernels/$line.env.tmp"
		mv "$CACHE/kernels/$line.env.tmp" "$CACHE/kernels/$line.env"
	fi
	exec 9>&-
	[[ -d "/lib/modules/$kver/build" ]] ||
		log "warning: /lib/modules/$kver/build missing: run scripts/install-deps.sh"
}

main() {
	local mode=fetch arg kver
	case "${1:-}" in
	--resolve) mode=resolve; shift ;;
	--env-file) mode=env-file; shift ;;
	-h | --help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	esac
	[[ $# -gt 0 ]] || set -- 6.1 6.12
	[[ $mode != env-file || $# -eq 1 ]] || die "--env-file takes one kernel"

	for arg in "$@"; do
		kver="$(resolve "$arg")"
		case "$mode" in
		resolve) echo "$kver" ;;
		env-file)
			fetch "$kver" "$arg"
			echo "$CACHE/kernels/$kver/kernel.env"
			;;
		fetch)
			fetch "$kver" "$arg"
			cat "$CACHE/kernels/$kver/kernel.env"
			;;
		esac
	done
}

main "$@"
