#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian kernel images for the QEMU tests, without installing them.
#
#   scripts/fetch-kernels.sh [LINE|KVER]...      fetch (default: 6.1 6.12), print env
#   scripts/fetch-kernels.sh --resolve [LINE]... print the resolved kernel releases only
#   scripts/fetch-kernels.sh --env-file LINE     fetch one, print the path of its env file
#   scripts/fetch-kernels.sh --kbuild LINE...    print the host linux-kbuild package that
#                                                an arm64 line's headers need
#
# LINE is a kernel line (6.1, 6.12, or 6.12-arm64 / 6.1-arm64 for Debian's arm64
# kernels); it is resolved with apt-cache to the current Debian release (e.g. 6.1 ->
# 6.1.0-NN-amd64, 6.12-arm64 -> 6.12.NN+debNN-arm64). LINE newest (newest-arm64)
# is the newest amd64 (arm64) kernel of every suite scripts/papt.sh reads
# (trixie-backports' 7.3.N today), resolved with the private apt configuration. A full release such as
# 6.1.0-56-amd64 is taken as is. The linux-image package is fetched with `apt-get
# download` and extracted with `dpkg-deb -x` into
# ${CQ_CACHE:-$HOME/.cache/crash-quiesce}/kernels/KVER/. A kernel already there is
# not fetched again.
#
# The env file (kernels/KVER/kernel.env, copied to kernels/LINE.env for a LINE) holds:
#   CQ_KLINE CQ_KVER CQ_KPKG CQ_VMLINUZ CQ_MODDIR CQ_KDIR
# CQ_KDIR is /lib/modules/KVER/build from linux-headers-KVER (scripts/install-deps.sh).
#
# An arm64 kernel (release ending in -arm64) needs dpkg's arm64 architecture
# (added, with an apt-get update, when missing and run as root). Besides the image,
# its kernels/KVER/root/ gets, unpacked and never installed: linux-headers-KVER and
# its -common package (CQ_KDIR points there; its scripts/tools links lead to the
# host's own linux-kbuild of the same version, which scripts/install-deps.sh
# installs), and kexec-tools, busybox-static, makedumpfile with the libraries
# their packages depend on (Depends that are Multi-Arch: same, recursively): a
# sysroot for the guest.
# Its env file adds:
#   CQ_ARCH=arm64 CQ_CROSS_COMPILE=aarch64-linux-gnu- CQ_SYSROOT=.../root
# (no CQ_ARCH: an x86_64 kernel).
#
# A kernel the host's apt lists do not have (newest) comes through
# scripts/papt.sh instead, never installed: its image (linux-binary-KVER,
# the 7.x split), modules, headers, their -common and linux-kbuild packages,
# unpacked into kernels/KVER/root/ (CQ_KDIR points there). Its compiler is
# not the host's: scripts/kmake.sh builds for it in the trixie build root.
# The kbuild package lacks scripts/checker-valid.sh, without which C=1 runs
# no sparse: it is taken from the same version's linux-source
# (scripts/kernel-source.sh).

set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"
# shellcheck source=scripts/papt.sh
. "$ROOT/scripts/papt.sh"

log() { printf 'fetch-kernels: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The Debian meta package that tracks each kernel line.
meta_package() {
	case "$1" in
	6.1) echo linux-image-amd64 ;;
	6.12) echo linux-image-6.12-amd64 ;;
	6.1-arm64) echo linux-image-arm64:arm64 ;;
	6.12-arm64) echo linux-image-6.12-arm64:arm64 ;;
	*) return 1 ;;
	esac
}

# kernel_arch LINE|KVER: the Debian architecture of a kernel line or release
kernel_arch() {
	case "$1" in
	*-arm64) echo arm64 ;;
	*) echo amd64 ;;
	esac
}

# ensure_arch ARCH: dpkg knows ARCH (a foreign one is added, and the apt lists
# updated, when missing: needs root)
ensure_arch() {
	[[ "$1" != "$(dpkg --print-architecture)" ]] || return 0
	! dpkg --print-foreign-architectures | grep -qx "$1" || return 0
	[[ $EUID -eq 0 ]] || die "dpkg has no $1 architecture: run scripts/install-deps.sh as root"
	log "dpkg --add-architecture $1; apt-get update"
	dpkg --add-architecture "$1"
	apt-get update -q >&2
}

# depends PKG...: the packages that PKG... (arch-qualified or not) depend on,
# one per line, in order, without the :ARCH suffix. Every alternative counts. A
# dependency apt shows as <NAME> (an Architecture: all package asked for with
# a foreign :ARCH, or a virtual package) stands for the first package listed
# under it.
depends() {
	apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances "$@" 2>/dev/null |
		awk '$1 ~ /^\|?(Pre)?Depends:$/ { virt = ($2 ~ /^</); if (!virt) p = $2; else next }
			$1 !~ /:$/ && NF == 1 { if (!virt) next; virt = 0; p = $1 }
			{ sub(/:[a-z0-9]+$/, "", p); if (!(p in seen)) print p; seen[p] = 1 }'
}

# newest_kver [ARCH]: the release of the newest linux-image-ARCH (amd64) in
# the private lists
newest_kver() {
	local arch="${1:-amd64}" meta v pkg
	meta="linux-image-$arch"
	[[ $arch == amd64 ]] || meta+=":$arch"
	papt_update
	v="$(papt_cache madison "$meta" | awk '{ print $3 }' | sort -V | tail -n1)"
	[[ -n "$v" ]] || die "no $meta in the private apt lists"
	pkg="$(papt_cache depends "$meta=$v" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)"
	[[ -n "$pkg" ]] || die "$meta=$v depends on no linux-image"
	pkg="${pkg#linux-image-}"
	pkg="${pkg%:"$arch"}"
	echo "${pkg%-unsigned}"
}

# resolve LINE|KVER -> kernel release (uname -r form)
resolve() {
	local arg="$1" meta pkg kver arch

	case "$arg" in
	newest) newest_kver; return ;;
	newest-arm64) newest_kver arm64; return ;;
	esac
	if ! meta="$(meta_package "$arg")"; then
		[[ "$arg" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || die "unknown kernel line or release: $arg"
		echo "$arg"
		return
	fi
	arch="$(kernel_arch "$arg")"
	ensure_arch "$arch"
	pkg="$(depends "$meta" | grep -m1 '^linux-image-[0-9]' || true)"
	if [[ -z "$pkg" && "$arch" != amd64 && $EUID -eq 0 ]]; then
		log "apt-cache depends $meta gave no linux-image: apt-get update"
		apt-get update -q >&2
		pkg="$(depends "$meta" | grep -m1 '^linux-image-[0-9]' || true)"
	fi
	[[ -n "$pkg" ]] || die "apt-cache depends $meta gave no linux-image (run apt-get update?)"
	kver="${pkg#linux-image-}"
	kver="${kver%-unsigned}"
	[[ "$kver" == "${arg%-arm64}".* ]] || die "$meta resolves to $kver, not a $arg kernel"
	echo "$kver"
}

# image_package KVER: the package that ships KVER's image: the signed one, else
# the unsigned one (arch-qualified for a foreign architecture)
image_package() {
	local p q=''
	[[ "$(kernel_arch "$1")" == amd64 ]] || q=":$(kernel_arch "$1")"
	for p in "linux-image-$1" "linux-image-$1-unsigned"; do
		if apt-cache show "$p$q" >/dev/null 2>&1; then
			echo "$p$q"
			return
		fi
	done
	die "no kernel $1 in $CACHE/kernels/ and no linux-image-$1 package in the apt lists (a local build, such as the debug kernel, is looked up by its cache name, RELEASE-HASH)"
}

# headers_dep KVER WHAT: the package of WHAT (common or kbuild) that
# linux-headers-KVER depends on, e.g. linux-headers-6.12.NN+debNN-common,
# linux-kbuild-6.12.NN+debNN
headers_dep() {
	local q re
	q=":$(kernel_arch "$1")"
	case "$2" in
	common) re='^linux-headers-.*-common$' ;;
	kbuild) re='^linux-kbuild-' ;;
	esac
	depends "linux-headers-$1$q" | grep -m1 -- "$re" ||
		die "apt-cache depends linux-headers-$1$q names no $2 package"
}

# The guest tools of a foreign-architecture kernel (kernel image and initramfs
# come from the same architecture's packages).
guest_tools=(kexec-tools busybox-static makedumpfile)

# libraries ARCH PKG...: those of PKG... that are shared libraries
# (Multi-Arch: same), one per line
libraries() {
	local arch="$1"
	shift
	apt-cache show "${@/%/:$arch}" 2>/dev/null |
		awk '/^Package:/ { p = $2 } /^Multi-Arch: same$/ && !(p in seen) { print p; seen[p] = 1 }'
}

# lib_closure ARCH PKG...: PKG... and the library packages they depend on,
# recursively (two apt-cache calls per level), one per line
lib_closure() {
	local arch="$1" seen=' ' p next
	shift
	local todo=("$@")
	while [[ ${#todo[@]} -gt 0 ]]; do
		next=()
		for p in "${todo[@]}"; do
			[[ "$seen" != *" $p "* ]] || continue
			seen+="$p "
			echo "$p"
			next+=("$p:$arch")
		done
		[[ ${#next[@]} -gt 0 ]] || break
		mapfile -t todo < <(depends "${next[@]}")
		[[ ${#todo[@]} -eq 0 ]] || mapfile -t todo < <(libraries "$arch" "${todo[@]}")
	done
}

# download DIR PKG...: apt-get download PKG... into DIR
download() {
	local dir="$1"
	shift
	# As root, apt downloads as _apt, which cannot enter a private $HOME.
	(cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$@" >&2) ||
		die "apt-get download $* failed"
}

# foreign_packages KVER IMAGE-PKG: every package a foreign-architecture
# kernel's directory gets (see the header)
foreign_packages() {
	local kver="$1" arch p
	arch="$(kernel_arch "$kver")"
	echo "$2"
	echo "linux-headers-$kver:$arch"
	headers_dep "$kver" common # Architecture: all
	for p in $(lib_closure "$arch" "${guest_tools[@]}"); do
		echo "$p:$arch"
	done
}

# foreign_fixup KVER DIR ROOT: make the unpacked headers in ROOT usable where
# they will live (DIR/root) and print the env lines a foreign kernel adds
foreign_fixup() {
	local kver="$1" dir="$2" root="$3" kbuild hdr want have
	hdr="usr/src/linux-headers-$kver"
	[[ -f "$root/$hdr/Makefile" ]] || die "linux-headers-$kver has no $hdr/Makefile"
	# Its Makefile includes the -common tree by absolute path: use ours.
	sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" "$root/$hdr/Makefile"
	# scripts and tools link to ../../lib/linux-kbuild-V: the host's own
	# (amd64) linux-kbuild-V runs there.
	kbuild="$(headers_dep "$kver" kbuild)"
	mkdir -p "$root/usr/lib"
	rm -rf "${root:?}/usr/lib/$kbuild"
	ln -s "/usr/lib/$kbuild" "$root/usr/lib/$kbuild"
	want="$(apt-cache show "linux-headers-$kver:$(kernel_arch "$kver")" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n1)"
	have="$(dpkg-query -W -f='${Version}' "$kbuild" 2>/dev/null || true)"
	[[ "$have" == "$want" ]] ||
		log "warning: host $kbuild is '${have:-not installed}', the headers are $want: run scripts/install-deps.sh"
	printf 'CQ_ARCH=%q\n' "$(kernel_arch "$kver")"
	printf 'CQ_CROSS_COMPILE=%q\n' aarch64-linux-gnu-
	printf 'CQ_SYSROOT=%q\n' "$dir/root"
}

# papt_dep PKG RE: the first package PKG depends on matching RE, without an
# architecture (apt shows a foreign package's Architecture: all dependency
# as <NAME:ARCH>)
papt_dep() {
	papt_cache depends "$1" 2>/dev/null | sed -n 's/^ *Depends: <\{0,1\}\([^ <>]*\)>\{0,1\}$/\1/p' |
		sed 's/:[a-z0-9]*$//' | grep -m1 -E -- "$2" || die "$1 depends on no package matching $2"
}

# fetch_papt KVER LINE DIR: a kernel of the private lists (see the header); an
# arm64 one gets the host's linux-kbuild of its version (its headers' scripts
# run on the host) and the guest tools of the arm64 lines
fetch_papt() {
	local kver="$1" line="$2" dir="$3" tmp deb img pkgs hdr kbuild src vmlinuz moddir q='' arch p
	arch="$(kernel_arch "$kver")"
	[[ $arch == amd64 ]] || q=":$arch"
	papt_update
	img="linux-binary-$kver"
	papt_cache show "$img$q" >/dev/null 2>&1 || img="linux-image-$kver"
	papt_cache show "$img$q" >/dev/null 2>&1 ||
		die "no linux-binary-$kver or linux-image-$kver in the private apt lists"
	pkgs=("$img$q" "linux-headers-$kver$q")
	! papt_cache show "linux-modules-$kver$q" >/dev/null 2>&1 || pkgs+=("linux-modules-$kver$q")
	pkgs+=("$(papt_dep "linux-headers-$kver$q" '^linux-headers-.*-common$')")
	# the host's: its binaries run the headers' scripts
	kbuild="$(papt_dep "linux-headers-$kver$q" '^linux-kbuild-')"
	pkgs+=("$kbuild")
	tmp="$(mktemp -d "$CACHE/kernels/.fetch.XXXXXX")"
	# shellcheck disable=SC2064 # expand now: tmp is local
	trap "rm -rf '$tmp'" EXIT
	log "fetching ${pkgs[*]} (private apt lists)"
	papt_download "$tmp" "${pkgs[@]}" || die "download of ${pkgs[*]} failed"
	mkdir "$tmp/root"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root"
		rm -f "$deb"
	done
	for vmlinuz in boot/vmlinuz-"$kver" usr/lib/modules/"$kver"/vmlinuz; do
		[[ -f "$tmp/root/$vmlinuz" ]] && break
	done
	[[ -f "$tmp/root/$vmlinuz" ]] || die "$img has no vmlinuz for $kver"
	for moddir in lib/modules usr/lib/modules; do
		[[ -d "$tmp/root/$moddir/$kver/kernel" ]] && break
	done
	[[ -d "$tmp/root/$moddir/$kver/kernel" ]] || die "no modules for $kver"
	hdr="usr/src/linux-headers-$kver"
	[[ -f "$tmp/root/$hdr/Makefile" ]] || die "linux-headers-$kver has no $hdr/Makefile"
	# Its Makefile names the -common tree and itself by absolute path: ours.
	sed -i "s|/usr/src/|$dir/root/usr/src/|g" "$tmp/root/$hdr/Makefile"
	if [[ ! -f "$tmp/root/usr/lib/$kbuild/scripts/checker-valid.sh" ]]; then
		src="$("$ROOT/scripts/kernel-source.sh" --tarball "$(echo "$kver" | cut -d. -f1,2)")" ||
			die "no linux-source for scripts/checker-valid.sh"
		tar -xJf "$src" -O --wildcards '*/scripts/checker-valid.sh' \
			>"$tmp/root/usr/lib/$kbuild/scripts/checker-valid.sh" ||
			die "no scripts/checker-valid.sh in $src"
		chmod 0755 "$tmp/root/usr/lib/$kbuild/scripts/checker-valid.sh"
	fi
	if [[ $arch != amd64 ]]; then
		# the guest's tools: the arm64 lines' (host apt lists, bookworm)
		ensure_arch "$arch"
		mapfile -t pkgs < <(for p in $(lib_closure "$arch" "${guest_tools[@]}"); do echo "$p:$arch"; done)
		log "fetching ${pkgs[*]}"
		download "$tmp" "${pkgs[@]}"
		for deb in "$tmp"/*.deb; do
			dpkg-deb -x "$deb" "$tmp/root"
			rm -f "$deb"
		done
	fi
	{
		printf 'CQ_KLINE=%q\n' "$line"
		printf 'CQ_KVER=%q\n' "$kver"
		printf 'CQ_KPKG=%q\n' "$img"
		printf 'CQ_VMLINUZ=%q\n' "$dir/root/$vmlinuz"
		printf 'CQ_MODDIR=%q\n' "$dir/root/$moddir/$kver"
		printf 'CQ_KDIR=%q\n' "$dir/root/$hdr"
		if [[ $arch != amd64 ]]; then
			printf 'CQ_ARCH=%q\n' "$arch"
			printf 'CQ_CROSS_COMPILE=%q\n' aarch64-linux-gnu-
			printf 'CQ_SYSROOT=%q\n' "$dir/root"
		fi
	} >"$tmp/kernel.env"
	chmod 755 "$tmp"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	trap - EXIT
	log "extracted ${pkgs[*]} into $dir"
}

# fetch KVER LINE -> writes kernels/KVER/kernel.env
fetch() {
	local kver="$1" line="$2" dir pkg tmp deb moddir arch kdir list pkgs
	dir="$CACHE/kernels/$kver"
	arch="$(kernel_arch "$kver")"
	kdir="/lib/modules/$kver/build"
	[[ "$arch" == amd64 ]] || kdir="$dir/root/usr/src/linux-headers-$kver"
	[[ "$arch" != amd64 ]] || apt-cache show "linux-image-$kver" >/dev/null 2>&1 ||
		kdir="$dir/root/usr/src/linux-headers-$kver"

	mkdir -p "$CACHE/kernels"
	exec 9>"$CACHE/kernels/.lock"
	flock 9 # one fetch at a time; a parallel caller then finds it cached
	local q=''
	[[ "$arch" == amd64 ]] || q=":$arch"
	if [[ ! -f "$dir/kernel.env" ]] && ! apt-cache show "linux-image-$kver$q" >/dev/null 2>&1 &&
		! apt-cache show "linux-image-$kver-unsigned$q" >/dev/null 2>&1; then
		fetch_papt "$kver" "$line" "$dir"
	fi
	if [[ ! -f "$dir/kernel.env" ]]; then
		ensure_arch "$arch"
		pkg="$(image_package "$kver")"
		tmp="$(mktemp -d "$CACHE/kernels/.fetch.XXXXXX")"
		# shellcheck disable=SC2064 # expand now: tmp is local
		trap "rm -rf '$tmp'" EXIT
		if [[ "$arch" == amd64 ]]; then
			log "fetching $pkg"
			download "$tmp" "$pkg"
		else
			list="$(foreign_packages "$kver" "$pkg")"
			mapfile -t pkgs <<<"$list"
			log "fetching ${pkgs[*]}"
			download "$tmp" "${pkgs[@]}"
		fi
		mkdir "$tmp/root"
		deb=''
		for deb in "$tmp"/*.deb; do
			[[ -f "$deb" ]] || continue
			dpkg-deb -x "$deb" "$tmp/root"
			rm -f "$deb"
		done
		[[ -n "$deb" ]] || die "no .deb downloaded for $pkg"

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
			printf 'CQ_KDIR=%q\n' "$kdir"
			[[ "$arch" == amd64 ]] || foreign_fixup "$kver" "$dir" "$tmp/root"
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
	[[ -d "$kdir/scripts/" ]] ||
		log "warning: $kdir or its scripts/ missing: run scripts/install-deps.sh"
}

main() {
	local mode=fetch arg kver
	case "${1:-}" in
	--resolve) mode=resolve; shift ;;
	--env-file) mode=env-file; shift ;;
	--kbuild) mode=kbuild; shift ;;
	-h | --help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	esac
	[[ $# -gt 0 ]] || set -- 6.1 6.12
	[[ $mode != env-file || $# -eq 1 ]] || die "--env-file takes one kernel"

	for arg in "$@"; do
		kver="$(resolve "$arg")"
		case "$mode" in
		resolve) echo "$kver" ;;
		kbuild) headers_dep "$kver" kbuild ;;
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
