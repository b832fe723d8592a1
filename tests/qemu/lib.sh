# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the QEMU harness. Sourced, not run.

CQ_QEMU_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CQ_ROOT="$(cd "$CQ_QEMU_DIR/../.." && pwd)"
CQ_CACHE="${CQ_CACHE:-$HOME/.cache/crash-quiesce}"

# Magic values written to 00:00.0 config offset 0 (Vendor ID, read-only), so that
# QEMU's pci_cfg_write trace can be cut into phases. Keep in sync with guest/init
# and marker/cq_marker.c. No zero byte: busybox printf writes them.
CQ_MAGIC_USER_START=0xc0de5a10   # primary init started (after primary enumeration)
CQ_MAGIC_PANIC_START=0xc0de5a11  # primary init, right before echo c > sysrq-trigger
CQ_MAGIC_PANIC_END=0xc0de5a12    # cq_marker.ko, last panic notifier, before kexec
CQ_MAGIC_CAPTURE_USER=0xc0de5a13 # capture init started (after capture enumeration)
CQ_MAGIC_SCAN_START=0xc0de5a14   # hook dma (capture): /proc/vmcore scan starts
CQ_MAGIC_SCAN_END=0xc0de5a15     # hook dma (capture): scan done
export CQ_CACHE CQ_MAGIC_USER_START CQ_MAGIC_PANIC_START CQ_MAGIC_PANIC_END CQ_MAGIC_CAPTURE_USER
export CQ_MAGIC_SCAN_START CQ_MAGIC_SCAN_END

cq_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
cq_die() { cq_log "error: $*"; exit 1; }

# cq_kernel_env LINE|KVER|NAME: fetch the kernel (cached) and source its env
# file, which sets CQ_KLINE CQ_KVER CQ_KPKG CQ_VMLINUZ CQ_MODDIR CQ_KDIR, and
# for an arm64 kernel (LINE 6.12-arm64) CQ_ARCH CQ_CROSS_COMPILE CQ_SYSROOT.
# CQ_ARCH is always set afterwards: x86_64 when the env file has none. And
# CQ_KNAME: the kernel's one name, its directory under $CQ_CACHE/kernels/
# (the release for a Debian kernel; RELEASE-HASH for a local build such as
# the debug kernel, whose release several builds share). Everything that
# looks a kernel up again, or caches something for it, takes CQ_KNAME.
cq_kernel_env() {
	local env
	env="$("$CQ_ROOT/scripts/fetch-kernels.sh" --env-file "$1")" || cq_die "cannot fetch kernel $1"
	unset CQ_ARCH CQ_CROSS_COMPILE CQ_SYSROOT
	# shellcheck source=/dev/null
	. "$env"
	CQ_ARCH="${CQ_ARCH:-x86_64}"
	CQ_KNAME="$(basename "$(dirname "$env")")"
}

# cq_qemu_env: the QEMU the harness runs, by CQ_QEMU: 10 (default) is
# Debian's bookworm-backports QEMU 10, unpacked into the cache by
# scripts/fetch-qemu.sh and run from there (QEMU_MODULE_DIR and -L pointing
# into its own tree); system is the machine's own (Debian 12: 7.2). Sets
# CQ_QEMU_X86 CQ_QEMU_ARM CQ_QEMU_VERSION and CQ_QEMU_ARGS (an array: the
# arguments every QEMU command line starts with).
cq_qemu_env() {
	local env d
	case "${CQ_QEMU:-10}" in
	10)
		env="$("$CQ_ROOT/scripts/fetch-qemu.sh")" || cq_die "cannot fetch QEMU 10"
		# shellcheck source=/dev/null
		. "$env"
		export QEMU_MODULE_DIR="$CQ_QEMU_MODULE_DIR"
		CQ_QEMU_ARGS=()
		for d in ${CQ_QEMU_DATA//:/ }; do
			CQ_QEMU_ARGS+=(-L "$d")
		done
		;;
	system)
		# shellcheck disable=SC2034 # for the caller
		CQ_QEMU_X86=qemu-system-x86_64 CQ_QEMU_ARM=qemu-system-aarch64 CQ_QEMU_ARGS=()
		command -v "$CQ_QEMU_X86" >/dev/null || cq_die "$CQ_QEMU_X86 missing: scripts/install-deps.sh"
		# shellcheck disable=SC2034 # for the caller
		CQ_QEMU_VERSION="$("$CQ_QEMU_X86" --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')"
		;;
	*) cq_die "CQ_QEMU: 10 or system, not $CQ_QEMU" ;;
	esac
}

# cq_kbuild_args: the make arguments that build modules for the kernel of
# cq_kernel_env (ARCH= and CROSS_COMPILE= for a foreign one), one per line
cq_kbuild_args() {
	[[ "$CQ_ARCH" == x86_64 ]] || printf '%s\n' "ARCH=$CQ_ARCH" "CROSS_COMPILE=$CQ_CROSS_COMPILE"
}

# cq_sha256 FILE...: one hash over the names and contents of the files
cq_sha256() {
	local f
	for f in "$@"; do
		printf '%s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "${f##*/}"
	done | sha256sum | cut -c1-16
}

# cq_prune DIR GLOB KEEP: keep the KEEP newest entries of DIR matching GLOB
cq_prune() {
	local dir="$1" glob="$2" keep="$3"
	# shellcheck disable=SC2012,SC2086 # names are ours; $glob is a pattern
	ls -1t "$dir"/$glob 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm -rf
}

# cq_vermagic_check KO KVER: fail if KO was not built for KVER
cq_vermagic_check() {
	local vm
	vm="$(modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1)" ||
		cq_die "cannot read vermagic of $1"
	[[ "$vm" == "$2" ]] || cq_die "$1 is built for '$vm', not $2 (make KDIR=/lib/modules/$2/build)"
}

# cq_topology NAME: QEMU machine and device arguments, one per line.
#   q35: ECAM; e1000e behind root port 00:01.0 (bus 1), edu behind 00:02.0 (bus 2),
#        an empty root port 00:03.0 (bus 3) for hotplug
#   pc:  no MCFG (type-1 config only); e1000e at 00:03.0, edu behind a PCI-PCI
#        bridge at 00:04.0
#   q35-virtio: as q35 with a virtio-net-pci (FLR behind a root port) as nic1
#   q35-bare: the q35 machine's own 4 functions only; devices come from the
#        extra QEMU arguments (tests/bench/topology.sh)
#   q35-sriov: an SR-IOV nvme PF behind root port 00:01.0 (01:00.0; its 2 VFs
#        become 01:00.1 and 01:00.2 when the guest enables them), e1000e behind
#        00:02.0 (bus 2). No namespace: config space is all the tests need.
#        QEMU 7.2's constraints: vq_flexible >= 2 * max_vfs, max_ioqpairs >=
#        vq_flexible + 2, vi_flexible >= max_vfs, msix_qsize >= vi_flexible + 1
#        (and < 257, else the VF BARs overlap)
#   virt: arm64 (qemu-system-aarch64 -M virt, generic ECAM host bridge
#        gpex-root 00:00.0), device-tree boot: the same root ports and devices
#        as q35 (e1000e on bus 1, edu on bus 2, bus 3 empty)
#   virt-uefi: the same machine booted through UEFI (qemu-efi-aarch64's
#        QEMU_EFI.fd, -kernel handed to it by fw_cfg): ACPI, MCFG
#   virt-smmu: virt (device tree) with an SMMUv3 in front of its PCIe
#   q35-amdvi: q35 with an AMD IOMMU (amd-iommu, pt=off: QEMU 10.0 translates
#        DMA only so), its own PCI function at 00:04.0
#   q35-igb: QEMU 10's igb (82576) as nic1 on the root bus at 00:03.0, an
#        integrated endpoint with FLR that no bus reset reaches; edu behind
#        root port 00:01.0. Its 8 VFs take 00:13.{0,2,4,6} and
#        00:14.{0,2,4,6} when the guest enables them; their 64-bit BARs get
#        addresses below 4 GiB (pci-hole64-size=0: QEMU 10.0.2's igb
#        decodes VF BARs as 32-bit)
#   q35-igb-pm: the same igb with its FLR off (x-pcie-flr-init=off): the
#        kernel's method is then a PM reset, which QEMU does not implement
#   q35-cxl: a CXL host bridge (pxb-cxl, bus 12) with two CXL root ports,
#        a CXL Type 3 memory device (256 MiB, volatile) below the first, the
#        second empty (QEMU's CXL ports leave their bus reset masked), and
#        e1000e nic1 behind an ordinary root port 00:01.0
# nic1 uses netdev n1 (run-cycle.sh -N). NICs get romfile= (no iPXE option
# ROM: faster, and no ipxe-qemu needed).
cq_topology() {
	local m
	case "$1" in
	virt | virt-uefi | virt-smmu | q35 | q35-amdvi)
		# the same root ports and devices on both machines
		m="${1%-uefi}"
		[[ "$1" != virt-smmu ]] || m=virt,iommu=smmuv3
		[[ "$1" != q35-amdvi ]] || m=q35
		printf '%s\n' -M "$m" \
			-device pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x1 \
			-device pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0,addr=0x2 \
			-device pcie-root-port,id=rp3,chassis=3,slot=3,bus=pcie.0,addr=0x3
		# after the root ports, so that its own function takes slot 4, and
		# before the devices whose DMA it translates
		[[ "$1" != q35-amdvi ]] || printf '%s\n' -device amd-iommu,pt=off,intremap=off
		printf '%s\n' \
			-device e1000e,id=nic1,bus=rp1,netdev=n1,romfile= \
			-device edu,id=edu1,bus=rp2
		[[ "$1" != virt-uefi ]] || printf '%s\n' -bios "$CQ_AARCH64_EFI"
		;;
	q35-virtio)
		printf '%s\n' -M q35 \
			-device pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x1 \
			-device pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0,addr=0x2 \
			-device virtio-net-pci,id=nic1,bus=rp1,netdev=n1,romfile= \
			-device edu,id=edu1,bus=rp2
		;;
	pc)
		printf '%s\n' -M pc \
			-device e1000e,id=nic1,bus=pci.0,addr=0x3,netdev=n1,romfile= \
			-device pci-bridge,id=br1,chassis_nr=1,bus=pci.0,addr=0x4 \
			-device edu,id=edu1,bus=br1,addr=0x1
		;;
	q35-igb | q35-igb-pm)
		printf '%s\n' -M q35 -global q35-pcihost.pci-hole64-size=0 \
			-device pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x1 \
			-device "igb,id=nic1,bus=pcie.0,addr=0x3,netdev=n1,romfile=$([[ $1 == q35-igb-pm ]] && echo ,x-pcie-flr-init=off)" \
			-device edu,id=edu1,bus=rp1
		;;
	q35-cxl)
		printf '%s\n' -M q35,cxl=on \
			-object memory-backend-ram,id=cxlmem0,share=on,size=256M \
			-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1,addr=0x4 \
			-device cxl-rp,port=0,bus=cxl.1,id=crp0,chassis=0,slot=2 \
			-device cxl-type3,bus=crp0,volatile-memdev=cxlmem0,id=cxl-vmem0 \
			-device cxl-rp,port=1,bus=cxl.1,id=crp1,chassis=0,slot=3 \
			-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G \
			-device pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x1 \
			-device e1000e,id=nic1,bus=rp1,netdev=n1,romfile=
		;;
	q35-bare) printf '%s\n' -M q35 ;;
	q35-sriov)
		printf '%s\n' -M q35 \
			-device pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=0x1 \
			-device pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0,addr=0x2 \
			-device nvme-subsys,id=nvs0 \
			-device nvme,id=nvme0,serial=cqsriov,subsys=nvs0,bus=rp1,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,msix_qsize=3,max_ioqpairs=6 \
			-device e1000e,id=nic1,bus=rp2,netdev=n1,romfile=
		;;
	*) cq_die "unknown topology $1 (q35, q35-virtio, pc, q35-bare, q35-sriov, q35-igb, q35-igb-pm, q35-cxl, q35-amdvi, virt, virt-uefi, virt-smmu)" ;;
	esac
}

# UEFI firmware of the virt-uefi topology (package qemu-efi-aarch64)
CQ_AARCH64_EFI=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd

# cq_topology_arch NAME: the guest architecture of a topology (CQ_ARCH's values)
cq_topology_arch() {
	case "$1" in
	virt | virt-uefi | virt-smmu) echo arm64 ;;
	*) echo x86_64 ;;
	esac
}

# cq_fresh_dir DIR KIND: print DIR, emptied and absolute; with DIR empty, a
# new run directory under the cache named after the kernel and KIND
cq_fresh_dir() {
	local out="$1"
	[[ -n "$out" ]] || out="$CQ_CACHE/runs/$(date +%Y%m%d-%H%M%S)-$CQ_KNAME-$2-$$"
	rm -rf "$out"
	mkdir -p "$out"
	(cd "$out" && pwd)
}

# cq_sock_dir OUT KIND: where to put unix sockets: OUT, or a new directory
# under /tmp when OUT is too long (socket paths must stay below 108 bytes)
cq_sock_dir() {
	if [[ ${#1} -lt 80 ]]; then
		echo "$1"
	else
		mktemp -d "/tmp/cq-$2.XXXXXX"
	fi
}

# cq_bg_cleanup SOCKDIR OUT: the EXIT trap of the cycle drivers that run a
# frame sender beside run-cycle.sh: kill whichever of $sender_pid and
# $cycle_pid is still set, and remove SOCKDIR unless it is OUT (cq_sock_dir).
cq_bg_cleanup() {
	[[ -z "${sender_pid:-}" ]] || kill "$sender_pid" 2>/dev/null || true
	[[ -z "${cycle_pid:-}" ]] || kill "$cycle_pid" 2>/dev/null || true
	[[ "$1" == "$2" ]] || rm -rf "$1"
}

# --- helpers of the cycle drivers that run something beside run-cycle.sh ---

# cq_wait_while PID CMD...: poll CMD every 20 ms while process PID runs;
# succeed as soon as CMD does (and once more after PID ended)
cq_wait_while() {
	local pid="$1"
	shift
	while kill -0 "$pid" 2>/dev/null; do
		"$@" && return 0
		sleep 0.02
	done
	"$@"
}

# cq_new_marker PREFIX: PREFIX and 24 random hex digits, a frame-sender
# marker: in no guest file, on no guest command line
cq_new_marker() { echo "$1$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"; }

# cq_capture_booting SERIAL [TRACE]: the capture kernel is booting: a kernel
# banner ("Linux version") follows "CQ-MARK: crashing" in SERIAL, and TRACE,
# when given, has the panic-end marker (the last panic notifier ran)
cq_capture_booting() {
	{ [[ -z "${2:-}" ]] || grep -qs "@0x0 <- $CQ_MAGIC_PANIC_END\$" "$2"; } &&
		awk '/CQ-MARK: crashing/ { c = 1 } c && /Linux version / { f = 1; exit } END { exit !f }' \
			"$1" 2>/dev/null
}

# cq_modules_of A,B: those of the modules A,B that the kernel of
# cq_kernel_env has as modules (the others are built in: e.g. virtio_pci in
# Debian's 6.12, not in its 6.1; everything in the debug kernel)
cq_modules_of() {
	local m out=''
	for m in ${1//,/ }; do
		[[ -z "$(find "$CQ_MODDIR" -name "$m.ko*" -print -quit 2>/dev/null)" ]] ||
			out+="${out:+,}$m"
	done
	echo "$out"
}

# cq_kv KEY: the last value of a KEY=VALUE word on stdin
cq_kv() { grep -o "\\b$1=[^ ]*" | tail -n1 | cut -d= -f2 || true; }

# cq_sender_value LOG KIND KEY: KEY of frame-sender's last KIND line (start,
# switch, progress, done); cq_sender_count: the same, 0 if absent
cq_sender_value() { { grep "^$2 " "$1" 2>/dev/null || true; } | cq_kv "$3"; }
cq_sender_count() { local v; v="$(cq_sender_value "$@")"; echo "${v:-0}"; }

# cq_secs T0 T1: T1 - T0 with one decimal, empty if either is
cq_secs() { [[ -z "$1" || -z "$2" ]] || awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# cq_trace_mark_time TRACE MAGIC: host time of the trace marker MAGIC (empty
# if absent)
cq_trace_mark_time() {
	awk -v m="$2" '/ 00:00.0 @0x0 <- / && $NF == m { split($1, a, "[@:]"); print a[2]; exit }' "$1"
}

# cq_trace_count TRACE EVENT T0 T1 [PATTERN]: EVENT lines (with PATTERN)
# of TRACE after host time T0 and before T1 (empty: no bound)
cq_trace_count() {
	awk -v t0="${3:-0}" -v t1="${4:-9e99}" -v ev="$2" -v pat="${5:-}" \
		'index($0, ":" ev " ") { split($1, a, "[@:]"); if (a[2] + 0 > t0 && a[2] + 0 < t1 && index($0, pat)) n++ }
		 END { print n + 0 }' "$1"
}
