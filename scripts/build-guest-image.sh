#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian 12 guest image of scenario 17 (SPEC §7.17, the stock
# distribution path; tests/e2e/stock.sh): debootstrap, then, inside the root
# (a chroot with /proc mounted), what an operator does on a real machine:
# apt-get install of systemd, kdump-tools, DKMS and the suite's Debian
# kernel with its headers; the module installed by DKMS exactly as README
# "Deploying on a real machine" says (the tree copied to
# /usr/src/pci-crash-quiesce-VERSION, `dkms install pci-crash-quiesce/VERSION
# -k KVER`), packaging/'s modules-load.d and modprobe.d files, kdump-tools
# configured; kdump-tools' own kernel hook builds the capture kernel's
# initramfs. Cached.
#
#   scripts/build-guest-image.sh [LINE]        build (cached), print the path
#                                              of its image.env (LINE: 6.12,
#                                              the default, or 6.1)
#   scripts/build-guest-image.sh --key [LINE]  print the cache key only
#
# Needs root (debootstrap, chroot, mount), debootstrap and e2fsprogs, and
# the network: deb.debian.org only (CQ_DEBIAN_MIRROR, CQ_DEBIAN_SECURITY
# override it). The host's apt sources and lists are read (apt-cache, for
# the versions), never changed; the guest has its own sources.list.
#
# Cache: ${CQ_CACHE:-$HOME/.cache/crash-quiesce}/guest-image/
#   KEY/            the image; KEY hashes this script, the guest-side files
#                   (tests/qemu/guest/stock/), the versions the host's apt
#                   lists give for the packages below (and the kernel), and
#                   the module sources copied into /usr/src: a change to
#                   any of them builds a new image
#     root.img      the root filesystem: ext4 on the whole raw disk, no
#                   partition table, no bootloader: QEMU boots the guest's
#                   own /boot/vmlinuz and initrd (copied beside it) with
#                   -kernel/-initrd and root=/dev/vda (the simplest boot;
#                   the kernel command line an operator would put into
#                   /etc/default/grub.d/ is CQ_IMG_CMDLINE)
#     vmlinuz, initrd.img
#     image.env     CQ_IMG_KVER CQ_IMG_ROOT CQ_IMG_KERNEL CQ_IMG_INITRD
#                   CQ_IMG_CMDLINE CQ_IMG_DKMS (name/version) CQ_IMG_KEY
#                   CQ_IMG_DKMS_STATUS (dkms status, in the finished root)
#                   CQ_IMG_BUILD_S (seconds: base and image, or image
#                   alone when the base was cached) CQ_IMG_BASE_S
#     packages.txt  what is installed (dpkg-query -W)
#     build.log
#   base-BKEY/root  the root before the module (BKEY: script, versions):
#                   a change of the module's sources starts from a copy
#   debs/           downloaded packages (debootstrap's and apt's cache)
# The newest 2 images and 2 bases are kept.
#
# In the image (besides Debian's defaults):
# - /etc/default/kdump-tools: USE_KDUMP=1 (debconf), MAKEDUMP_ARGS="-d 31"
#   (no -c: the dump's pages are stored uncompressed, see below);
# - kexec-tools does not load a kernel for kexec reboots (debconf);
# - /var/crash is a filesystem of its own (LABEL=cq-crash, not "nofail":
#   kdump-tools-dump.service must wait for it): the test gives each run an
#   empty one and reads the dump from it;
# - systemd-networkd brings the NIC (en*) up without an address; its
#   wait-online service is masked (nothing needs "online", and with no
#   address it would wait its 2 minutes in both kernels);
# - initramfs-tools MODULES=list (virtio_blk, ext4): built in a chroot,
#   MODULES=dep (what kdump-tools' hook turns "most" into for the capture
#   initramfs) would look at the build host's disks;
# - timers and services a test VM does not need are masked (apt-daily,
#   e2scrub, fstrim, dpkg-db-backup, the gettys on tty1 to tty6);
# - no documentation, manual pages or translations (dpkg path-exclude), no
#   apt lists (apt-get update fetches them);
# - test only, inert unless the kernel command line has cq.stock=crash:
#   /usr/local/sbin/cq-stock and two units (tests/qemu/guest/stock/).

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"
DIR="$CACHE/guest-image"
GUEST="$ROOT/tests/qemu/guest/stock"
log() { printf 'build-guest-image: %s\n' "$*" >&2; }
# step MESSAGE: log it, with the seconds since the start, into the build log too
step() {
	log "$*"
	printf '### %s s: %s\n' "$((SECONDS - t0))" "$*" >>"$blog"
}
die() {
	log "error: $*"
	# the log of a failed build outlives its directory
	[[ -z "${blog:-}" || ! -f "$blog" ]] || cp "$blog" "$DIR/failed-build.log"
	exit 1
}

SUITE=bookworm
MIRROR="${CQ_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY="${CQ_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}"
# What the guest gets on top of debootstrap's minbase (apt-get install
# --no-install-recommends), besides linux-image-KVER and linux-headers-KVER.
pkgs=(systemd systemd-sysv udev kmod initramfs-tools zstd e2fsprogs procps
	kdump-tools makedumpfile kexec-tools dkms gcc make)
# The kernel command line (an operator's /etc/default/grub.d/ file): the
# capture kernel's reservation (kdump-tools' grub default, 384M-:128M, is
# too small for this kernel with systemd in the capture kernel) and
# crash_kexec_post_notifiers, without which the module never runs before
# kdump. "ro": Debian's default; systemd remounts root read-write.
CMDLINE="root=/dev/vda ro console=ttyS0 crashkernel=256M crash_kexec_post_notifiers"

key_only=0
if [[ "${1:-}" == --key ]]; then
	key_only=1
	shift
fi
line="${1:-6.12}"
case "$line" in
6.1 | 6.12) ;;
*) die "LINE: 6.1 or 6.12 (a bookworm kernel), not $line" ;;
esac
kver="$("$ROOT/scripts/fetch-kernels.sh" --resolve "$line")"
kpkgs=("linux-image-$kver" "linux-headers-$kver")
dkms_name="$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$ROOT/dkms.conf")"
dkms_version="$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$ROOT/dkms.conf")"
[[ -n "$dkms_name" && -n "$dkms_version" ]] || die "no PACKAGE_NAME/PACKAGE_VERSION in dkms.conf"

# versions: "PKG=VERSION" of every package above, from the host's apt lists
versions() {
	apt-cache policy "${pkgs[@]}" "${kpkgs[@]}" 2>/dev/null |
		awk '/^[^ ].*:$/ { p = substr($1, 1, length($1) - 1) } /^ +Candidate:/ { print p "=" $2 }'
}
mapfile -t pkg_versions < <(versions)
if [[ ${#pkg_versions[@]} -ne $((${#pkgs[@]} + ${#kpkgs[@]})) ]] ||
	printf '%s\n' "${pkg_versions[@]}" | grep -q '=(none)$'; then
	die "the host's apt lists lack some of ${pkgs[*]} ${kpkgs[*]}: apt-get update (scripts/install-deps.sh)"
fi

# The module's sources: what its build reads (Kbuild's inputs and DKMS's
# files), as git sees the working tree, untracked files included, copied
# at once into a snapshot (others may edit the tree while the image builds)
# that is hashed and installed. The rest of the checkout (tests, docs) is
# not copied: it would only make every test edit build a new image.
snap="$(mktemp -d)"
tmp=''
trap 'rm -rf "$snap" ${tmp:+"$tmp"}' EXIT
# shellcheck disable=SC2016 # expanded by sh
(cd "$ROOT" && git ls-files -z -co --exclude-standard -- \
	Kbuild Makefile dkms.conf compat drivers kernel include packaging |
	xargs -0 sh -c 'for f; do [ ! -f "$f" ] || printf "%s\0" "$f"; done' sh |
	xargs -0 -r cp --parents -t "$snap") || die "cannot copy the module sources"
[[ -f "$snap/dkms.conf" && -f "$snap/Kbuild" ]] || die "no module sources found under $ROOT"
guest_files=("$GUEST/cq-stock.sh" "$GUEST/cq-stock-pre.service" "$GUEST/cq-stock.service")

# inroot [-o] ROOTDIR CMD...: CMD in the chroot ROOTDIR with /proc mounted and
# the package cache bound at /var/cache/apt/archives, in a mount namespace of
# its own (the mounts end with the command, however it ends); its output goes
# to the build log, with -o its standard output to ours
inroot() {
	local to=/dev/stdout
	if [[ "$1" == -o ]]; then
		shift
	else
		to="$blog"
	fi
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- /bin/bash -euc '
		r="$1" debs="$2"; shift 2
		mount -t proc proc "$r/proc"
		mkdir -p "$r/var/cache/apt/archives"
		mount --bind "$debs" "$r/var/cache/apt/archives"
		exec chroot "$r" /usr/bin/env -i HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
	' inroot "$1" "$DIR/debs" "${@:2}" 2>>"$blog" >>"$to"
}
fail() { tail -n 30 "$blog" | sed 's/^/  | /' >&2; die "$1 (log: $blog)"; }

# make_base ROOTDIR: debootstrap, the packages, the capture kernel's
# initramfs: the long part, cached apart
make_base() {
	local r="$1"
	step "debootstrap $SUITE (minbase) into $r"
	# While building, dpkg does not fsync each file (a few ms each here,
	# minutes over the image); documentation, manual pages and translations
	# are not unpacked (a test guest reads none): dpkg reads both from the
	# start of debootstrap's second stage. The first goes at the end.
	mkdir -p "$r/etc/dpkg/dpkg.cfg.d"
	echo force-unsafe-io >"$r/etc/dpkg/dpkg.cfg.d/cq-build-unsafe-io"
	cat >"$r/etc/dpkg/dpkg.cfg.d/cq-guest-nodoc" <<-EOF
		path-exclude=/usr/share/doc/*
		path-include=/usr/share/doc/*/copyright
		path-exclude=/usr/share/man/*
		path-exclude=/usr/share/info/*
		path-exclude=/usr/share/locale/*
	EOF
	debootstrap --variant=minbase --cache-dir="$DIR/debs" "$SUITE" "$r" "$MIRROR" >>"$blog" 2>&1 ||
		fail "debootstrap failed"
	# No service may start in the chroot: kdump-tools' postinst would run
	# "kdump-config load" and load a crash kernel into the build host.
	printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
	chmod 755 "$r/usr/sbin/policy-rc.d"
	# the guest's own sources (the kernel comes from bookworm-security)
	cat >"$r/etc/apt/sources.list" <<-EOF
		deb $MIRROR $SUITE main
		deb $MIRROR $SUITE-updates main
		deb $SECURITY $SUITE-security main
	EOF
	echo cq-stock >"$r/etc/hostname"
	# initramfs-tools: the modules that mount the root, by name (see the header)
	mkdir -p "$r/etc/initramfs-tools/conf.d"
	echo MODULES=list >"$r/etc/initramfs-tools/conf.d/cq-guest"
	printf '%s\n' virtio_blk ext4 >>"$r/etc/initramfs-tools/modules"
	inroot "$r" apt-get update -q || fail "apt-get update in the guest root failed"
	# debconf's questions: kdump-tools enabled (its default); kexec-tools not
	# to load a kernel for kexec reboots (its default is yes: a kexec -l at
	# every boot, which this machine never uses)
	printf '%s\n' 'kdump-tools kdump-tools/use_kdump boolean true' \
		'kexec-tools kexec-tools/load_kexec boolean false' | inroot "$r" debconf-set-selections ||
		fail "debconf-set-selections failed"
	step "apt-get install ${pkgs[*]} ${kpkgs[*]}"
	inroot "$r" apt-get install -y -q --no-install-recommends "${pkgs[@]}" "${kpkgs[@]}" ||
		fail "apt-get install in the guest root failed"

	# The capture kernel's initramfs, as the kernel's postinst hook made it
	# (made again if the hook ran before kdump-tools was configured), and
	# /var/lib/kdump's vmlinuz and initrd.img links to it (kdump-config
	# symlinks). "kdump-config load" makes the initramfs again when
	# latest_sysctls-KVER, the copy of /etc/kdump/sysctl.conf it was made
	# with, is missing or differs: recorded here, as the first load on a
	# real machine does, so that the first boot does not spend 70 s of TCG
	# making it again.
	[[ -f "$r/var/lib/kdump/initrd.img-$kver" ]] ||
		inroot "$r" /etc/kernel/postinst.d/kdump-tools "$kver" || fail "kdump-tools' initramfs failed"
	[[ -f "$r/var/lib/kdump/initrd.img-$kver" ]] || fail "no /var/lib/kdump/initrd.img-$kver"
	inroot "$r" kdump-config symlinks "$kver" || fail "kdump-config symlinks failed"
	cp "$r/etc/kdump/sysctl.conf" "$r/var/lib/kdump/latest_sysctls-$kver"

	rm -f "$r/usr/sbin/policy-rc.d" "$r/etc/dpkg/dpkg.cfg.d/cq-build-unsafe-io"
	# the package lists (80 MiB): "apt-get update" fetches them again
	rm -rf "$r/var/lib/apt/lists/"*
}

# configure ROOTDIR: the machine's configuration: kdump-tools, /var/crash,
# the NIC, what a test VM does not start
configure() {
	local r="$1" p
	step "configuring"
	# kdump-tools: enabled by debconf; pages stored uncompressed. The default
	# MAKEDUMP_ARGS, "-c -d 31", compresses each page (zlib), so that the
	# host could not find the marker bytes in the saved dump by a plain
	# search; "-d 31" alone keeps the same page filter (zero, cache, user and
	# free pages left out) and writes pages as they are (kdump-tools adds -F,
	# its flattened format, either way). KDUMP_COMPRESSION stays unset.
	grep -q '^USE_KDUMP=1$' "$r/etc/default/kdump-tools" ||
		fail "kdump-tools is not enabled (USE_KDUMP) after its postinst"
	sed -i 's/^#\?MAKEDUMP_ARGS=.*/# crash-quiesce scenario 17: uncompressed pages, the host searches them\nMAKEDUMP_ARGS="-d 31"/' \
		"$r/etc/default/kdump-tools"
	grep -q '^MAKEDUMP_ARGS="-d 31"$' "$r/etc/default/kdump-tools" || fail "MAKEDUMP_ARGS not set"
	cat >"$r/etc/fstab" <<-EOF
		/dev/vda	/	ext4	errors=remount-ro	0	1
		LABEL=cq-crash	/var/crash	ext4	defaults	0	2
	EOF
	mkdir -p "$r/var/crash"
	cat >"$r/etc/systemd/network/50-cq-nic.network" <<-EOF
		# the NIC up, no address: its receive ring is armed
		[Match]
		Name=en*

		[Link]
		RequiredForOnline=no

		[Network]
		LinkLocalAddressing=no
		IPv6AcceptRA=no
	EOF
	inroot "$r" systemctl enable systemd-networkd.service || fail "systemctl enable systemd-networkd failed"
	for p in systemd-networkd-wait-online.service apt-daily.timer apt-daily-upgrade.timer \
		e2scrub_all.timer e2scrub_reap.service fstrim.timer dpkg-db-backup.timer getty@tty1.service \
		getty-static.service; do
		inroot "$r" systemctl mask "$p" || fail "systemctl mask $p failed"
	done
}

# make_image ROOTDIR: the module by DKMS, packaging/'s files, the test units
make_image() {
	local r="$1" src
	src="/usr/src/$dkms_name-$dkms_version"
	step "dkms install $dkms_name/$dkms_version -k $kver"
	mkdir -p "$r$src"
	cp -a "$snap/." "$r$src/"
	inroot "$r" dkms install "$dkms_name/$dkms_version" -k "$kver" || fail "dkms install failed"
	inroot "$r" modinfo -k "$kver" -n pci_crash_quiesce || fail "modinfo finds no pci_crash_quiesce for $kver"
	install -m 0644 "$ROOT/packaging/pci_crash_quiesce.modules-load.conf" \
		"$r/etc/modules-load.d/pci_crash_quiesce.conf"
	install -m 0644 "$ROOT/packaging/pci_crash_quiesce.modprobe.conf" \
		"$r/etc/modprobe.d/pci_crash_quiesce.conf"
	install -m 0755 "$GUEST/cq-stock.sh" "$r/usr/local/sbin/cq-stock"
	install -m 0644 "$GUEST/cq-stock-pre.service" "$GUEST/cq-stock.service" "$r/etc/systemd/system/"
	inroot "$r" systemctl enable cq-stock-pre.service cq-stock.service || fail "systemctl enable cq-stock failed"
}

hash() { sha256sum | cut -c1-16; }
# the base's key: what makes it (make_base's text), the suite, the versions
bkey="$( {
	declare -f make_base
	printf '%s\n' "$SUITE" "$MIRROR" "$SECURITY" "$kver" "${pkg_versions[@]}"
} | hash)"
# the image's: the base's, this whole script, the module's sources, the guest files
key="$( {
	echo "$bkey"
	sha256sum <"$0"
	(cd "$snap" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
	sha256sum -- "${guest_files[@]}" | sed "s| $GUEST/| |"
} | hash)"
if [[ $key_only -eq 1 ]]; then
	echo "$key"
	exit 0
fi
img="$DIR/$key"
[[ ! -f "$img/image.env" ]] || { echo "$img/image.env"; exit 0; }

[[ $EUID -eq 0 ]] || die "need root (debootstrap, chroot)"
for t in debootstrap mkfs.ext4 unshare chroot; do
	command -v "$t" >/dev/null || die "$t missing (scripts/install-deps.sh: debootstrap, e2fsprogs)"
done
mkdir -p "$DIR/debs"
exec 9>"$DIR/.lock"
flock 9
[[ ! -f "$img/image.env" ]] || { echo "$img/image.env"; exit 0; }

t0=$SECONDS
trap 'log "error: line $LINENO: $BASH_COMMAND exited $?"' ERR
tmp="$(mktemp -d "$DIR/.make.XXXXXX")"
blog="$tmp/build.log"
: >"$blog"
# The packages the machine's own apt has downloaded already (its
# /var/cache/apt/archives, read only) seed the package cache as hard links:
# debootstrap and apt check each file's checksum against the guest's lists
# before they use it, and download what is missing.
find /var/cache/apt/archives -maxdepth 1 -name '*.deb' -print0 2>/dev/null |
	xargs -0 -r cp -l -n -t "$DIR/debs" 2>/dev/null || true

base="$DIR/base-$bkey"
base_s=0
if [[ ! -d "$base/root/usr/sbin" ]]; then
	make_base "$tmp/base"
	rm -rf "$base"
	mkdir -p "$base"
	mv "$tmp/base" "$base/root"
	base_s=$((SECONDS - t0))
	log "base made in $base_s s ($base)"
fi
step "copying the base"
cp -a "$base/root" "$tmp/root"
configure "$tmp/root"
make_image "$tmp/root"
chroot "$tmp/root" dpkg-query -W >"$tmp/packages.txt"
dkms_status="$(inroot -o "$tmp/root" dkms status "$dkms_name/$dkms_version" -k "$kver")" ||
	fail "dkms status failed"
cp -L "$tmp/root/boot/vmlinuz-$kver" "$tmp/vmlinuz"
cp -L "$tmp/root/boot/initrd.img-$kver" "$tmp/initrd.img"

# The filesystem: what the root holds and half as much free (the capture
# kernel's dump goes to the /var/crash disk, not here)
mb="$(du -sm "$tmp/root" | cut -f1)"
size=$((mb * 3 / 2 + 256))
step "mkfs.ext4 -d: ${mb} MiB into a ${size} MiB image"
mkfs.ext4 -q -F -L cq-root -d "$tmp/root" "$tmp/root.img" "${size}M" >>"$blog" 2>&1 ||
	fail "mkfs.ext4 -d failed"
rm -rf "$tmp/root"
{
	printf 'CQ_IMG_KVER=%q\nCQ_IMG_KEY=%q\n' "$kver" "$key"
	printf 'CQ_IMG_ROOT=%q\nCQ_IMG_KERNEL=%q\nCQ_IMG_INITRD=%q\n' \
		"$img/root.img" "$img/vmlinuz" "$img/initrd.img"
	printf 'CQ_IMG_CMDLINE=%q\nCQ_IMG_DKMS=%q\nCQ_IMG_DKMS_STATUS=%q\n' \
		"$CMDLINE" "$dkms_name/$dkms_version" "$dkms_status"
	printf 'CQ_IMG_BUILD_S=%s\nCQ_IMG_BASE_S=%s\n' "$((SECONDS - t0))" "$base_s"
} >"$tmp/image.env"
chmod 755 "$tmp"
rm -rf "$img"
mv "$tmp" "$img"
rm -rf "$snap"
trap - EXIT
# keep the newest 2 images and bases
for re in '[0-9a-f]{16}' 'base-[0-9a-f]{16}'; do
	find "$DIR" -mindepth 1 -maxdepth 1 -type d -regextype egrep -regex ".*/$re" -printf '%T@ %p\n' |
		sort -rn | tail -n +3 | cut -d' ' -f2- | xargs -r rm -rf
done
log "image $key made in $((SECONDS - t0)) s"
echo "$img/image.env"
