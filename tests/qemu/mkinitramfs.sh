#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the harness initramfs for one kernel and print its path.
#
#   tests/qemu/mkinitramfs.sh [options] LINE|KVER|NAME
#     -m FILE.ko   module under test (installed as /cq/pci_crash_quiesce.ko)
#     -M FILE.ko   trace marker module (tests/qemu/build-marker.sh)
#     -K a,b       kernel modules to bundle, with their dependencies (default e1000e)
#     -C a,b       kernel modules for the capture kernel's initramfs (default none),
#                  in its /cq/kmods/ (same layout); its init does not load them,
#                  a capture hook (cq.chook=) does
#     -f SRC:DEST  add a file (both initramfs trees), e.g. a static test tool
#
# Everything comes from Debian packages: busybox-static as /init's shell, kexec and
# makedumpfile with the shared libraries ldd finds, the kernel's own vmlinuz and
# modules (decompressed for busybox insmod). The capture kernel's initramfs
# (busybox, makedumpfile, init) is embedded uncompressed as /capture.cpio.
# An arm64 kernel (LINE 6.12-arm64) takes busybox, kexec, makedumpfile and
# their libraries (readelf -d, recursively) from the arm64 packages that
# fetch-kernels.sh unpacked into its CQ_SYSROOT; its busybox cannot run on the
# host to list its applets, so /init installs the applet links itself.
# Result: $CQ_CACHE/initramfs/NAME-HASH.cpio.gz (NAME: lib.sh's CQ_KNAME),
# HASH over every input, so a second call with the same inputs only hashes.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

module='' marker='' kmods=e1000e ckmods='' extras=()
while getopts 'm:M:K:C:f:h' opt; do
	case "$opt" in
	m) module="$OPTARG" ;;
	M) marker="$OPTARG" ;;
	K) kmods="$OPTARG" ;;
	C) ckmods="$OPTARG" ;;
	f) extras+=("$OPTARG") ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 ]] || cq_die "usage: $0 [-m mod.ko] [-M marker.ko] [-K kmods] [-C kmods] [-f src:dest] LINE|KVER|NAME"
cq_kernel_env "$1"

for f in ${module:+"$module"} ${marker:+"$marker"}; do
	[[ -f "$f" ]] || cq_die "no such file: $f"
	cq_vermagic_check "$f" "$CQ_KVER"
done

# libroot: where the guest's libraries are on the host ('' for the host's own)
if [[ "$CQ_ARCH" == x86_64 ]]; then
	libroot='' vmcore_dmesg=''
	busybox=/bin/busybox
	kexec="$(PATH="$PATH:/usr/sbin:/sbin" command -v kexec)" || cq_die "kexec missing (kexec-tools)"
	makedumpfile="$(command -v makedumpfile)" || cq_die "makedumpfile missing"
	ldd "$busybox" >/dev/null 2>&1 && cq_die "$busybox is not static (install busybox-static)"
else
	libroot="$CQ_SYSROOT" multiarch=aarch64-linux-gnu
	busybox="$libroot/bin/busybox" kexec="$libroot/sbin/kexec"
	makedumpfile="$libroot/usr/bin/makedumpfile" vmcore_dmesg="$libroot/sbin/vmcore-dmesg"
	for f in "$busybox" "$kexec" "$makedumpfile" "$vmcore_dmesg"; do
		[[ -f "$f" ]] || cq_die "no $f: fetch the kernel again (rm -r ${CQ_SYSROOT%/root})"
	done
	readelf -d "$busybox" | grep -q NEEDED && cq_die "$busybox is not static"
fi

# guest_lib SONAME: the guest path of the library SONAME in $libroot
guest_lib() {
	local d
	for d in "/lib/$multiarch" "/usr/lib/$multiarch" /lib /usr/lib; do
		if [[ -e "$libroot$d/$1" ]]; then
			echo "$d/$1"
			return
		fi
	done
	cq_die "no $1 in $libroot (a library of $2)"
}

# elf_libs BIN: the loader and the shared libraries of BIN (a file under
# $libroot), recursively, as guest paths
elf_libs() {
	local todo=("$1") seen=' ' f so
	readelf -l "$1" | sed -n 's|.*Requesting program interpreter: \(/[^]]*\)].*|\1|p'
	while [[ ${#todo[@]} -gt 0 ]]; do
		f="${todo[0]}"
		todo=("${todo[@]:1}")
		for so in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			[[ "$seen" != *" $so "* ]] || continue
			seen+="$so "
			so="$(guest_lib "$so" "$f")"
			echo "$so"
			todo+=("$libroot$so")
		done
	done | awk '!($0 in s) { print; s[$0] = 1 }'
}

# libs BIN: the shared libraries BIN needs, incl. the loader, as guest paths
# (on the host: $libroot/PATH); for the host's own binaries as ldd names them
libs() {
	if [[ -z "$libroot" ]]; then
		ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
	else
		elf_libs "$1"
	fi
}

# modfile NAME: the module file of NAME in the extracted kernel
modfile() {
	local n="$1" f
	f="$(find "$CQ_MODDIR/kernel" \( -name "$n.ko*" -o -name "${n//_/-}.ko*" \
		-o -name "${n//-/_}.ko*" \) -print -quit)"
	[[ -n "$f" ]] || cq_die "module $n not found in $CQ_MODDIR"
	echo "$f"
}

# moddeps NAME: module files NAME needs, dependencies first, NAME last
moddeps() {
	local f d
	f="$(modfile "$1")"
	for d in $(modinfo -F depends "$f" | tr ',' ' '); do
		moddeps "$d"
	done
	echo "$f"
}

declare -A kmod_files ckmod_files
inputs=("$CQ_QEMU_DIR/guest/init" "$CQ_QEMU_DIR"/guest/hooks/*.sh "$0" "$CQ_QEMU_DIR/lib.sh"
	"$busybox" "$kexec" "$makedumpfile" "$CQ_VMLINUZ")
kexec_libs="$(libs "$kexec")"
mdf_libs="$(libs "$makedumpfile")"
vd_libs=''
[[ -z "$vmcore_dmesg" ]] || vd_libs="$(libs "$vmcore_dmesg")"
for f in $kexec_libs $mdf_libs $vd_libs; do
	inputs+=("$libroot$f")
done
[[ -z "$vmcore_dmesg" ]] || inputs+=("$vmcore_dmesg")
for k in ${kmods//,/ }; do
	mapfile -t files < <(moddeps "$k")
	kmod_files[$k]="${files[*]}"
	inputs+=("${files[@]}")
done
for k in ${ckmods//,/ }; do
	mapfile -t files < <(moddeps "$k")
	ckmod_files[$k]="${files[*]}"
	inputs+=("${files[@]}")
done
inputs+=(${module:+"$module"} ${marker:+"$marker"})
for e in "${extras[@]}"; do
	[[ "$e" == *:/* && -f "${e%%:*}" ]] || cq_die "-f wants SRC:/DEST with an existing SRC: $e"
	inputs+=("${e%%:*}")
done

key="$(printf '%s\n' "$(cq_sha256 "${inputs[@]}")" "$kmods" "${extras[@]}" \
	"m=${module:+1} M=${marker:+1}" ${ckmods:+"C=$ckmods"} | sha256sum | cut -c1-16)"
out="$CQ_CACHE/initramfs/$CQ_KNAME-$key.cpio.gz"
if [[ -f "$out" ]]; then
	touch "$out"
	echo "$out"
	exit 0
fi

mkdir -p "$CQ_CACHE/initramfs"
tmp="$(mktemp -d "$CQ_CACHE/initramfs/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# put SRC TREE DEST [MODE]: copy SRC (dereferenced) to TREE/DEST
put() {
	install -D -m "${4:-0644}" "$(readlink -f "$1")" "$2$3"
}

# put_bin BIN TREE DEST: copy an executable and its shared libraries
put_bin() {
	local lib
	put "$1" "$2" "$3" 0755
	for lib in $(libs "$1"); do
		put "$libroot$lib" "$2" "$lib" 0755
	done
}

# base TREE: what both kernels' initramfs have
base() {
	local t="$1" a e
	mkdir -p "$t"/{bin,dev,proc,sys,tmp,cq/hooks,cq/kmods}
	put "$busybox" "$t" /bin/busybox 0755
	if [[ -z "$libroot" ]]; then # else /init runs busybox --install
		for a in $("$busybox" --list); do
			[[ "$a" == busybox ]] || ln -s busybox "$t/bin/$a"
		done
	fi
	put "$CQ_QEMU_DIR/guest/init" "$t" /init 0755
	cp "$CQ_QEMU_DIR"/guest/hooks/*.sh "$t/cq/hooks/"
	put_bin "$makedumpfile" "$t" /usr/bin/makedumpfile
	# arm64: makedumpfile 1.7.2 cannot read a 52-bit VA kernel's dump, /init
	# falls back to kexec-tools' vmcore-dmesg for the crashed kernel's log
	[[ -z "$vmcore_dmesg" ]] || put_bin "$vmcore_dmesg" "$t" /usr/sbin/vmcore-dmesg
	for e in "${extras[@]}"; do
		put "${e%%:*}" "$t" "${e#*:}" 0755
	done
	# The kernel's built-in initramfs has /dev/console too; this is belt and braces.
	if [[ $EUID -eq 0 ]]; then
		mknod -m 600 "$t/dev/console" c 5 1
	fi
	: >"$t/cq/kmods/order"
}

# pack TREE: newc cpio of TREE on stdout, reproducible order, root-owned
pack() {
	(cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet)
}

# add_kmod FILE TREE: decompress FILE into TREE/cq/kmods/, print its name there
add_kmod() {
	local name
	name="$(basename "$1")"
	name="${name%.ko*}.ko"
	case "$1" in
	*.ko.xz) xz -dc "$1" >"$2/cq/kmods/$name" ;;
	*.ko.zst) zstd -qdc "$1" >"$2/cq/kmods/$name" ;;
	*.ko.gz) gzip -dc "$1" >"$2/cq/kmods/$name" ;;
	*.ko) cp "$1" "$2/cq/kmods/$name" ;;
	*) cq_die "not a module file: $1" ;;
	esac
	echo "$name"
}

cap="$tmp/capture" prim="$tmp/primary"
base "$cap"
base "$prim"
for k in ${ckmods//,/ }; do
	names=()
	for f in ${ckmod_files[$k]}; do
		names+=("$(add_kmod "$f" "$cap")")
	done
	echo "$k ${names[*]}" >>"$cap/cq/kmods/order"
done
pack "$cap" >"$prim/capture.cpio"

put_bin "$kexec" "$prim" /usr/sbin/kexec
put "$CQ_VMLINUZ" "$prim" /vmlinuz
for k in ${kmods//,/ }; do
	names=()
	for f in ${kmod_files[$k]}; do
		names+=("$(add_kmod "$f" "$prim")")
	done
	echo "$k ${names[*]}" >>"$prim/cq/kmods/order"
done
[[ -z "$module" ]] || put "$module" "$prim" /cq/pci_crash_quiesce.ko
[[ -z "$marker" ]] || put "$marker" "$prim" /cq/cq_marker.ko

pack "$prim" | gzip -1 >"$tmp/initramfs.cpio.gz"
mv "$tmp/initramfs.cpio.gz" "$out"
cq_prune "$CQ_CACHE/initramfs" "$CQ_KNAME-*.cpio.gz" 12
cq_log "built $out ($(du -h "$out" | cut -f1))"
echo "$out"
