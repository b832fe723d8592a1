# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Synthetic config spaces for the pcq-plan tests, printed as lspci -xxx or
# -xxxx prints them. Sourced, not run.
#
#   cfg_new LEN                 a zeroed config space of LEN (256 or 4096) bytes
#   cfg8|cfg16|cfg32 OFF VAL    little-endian stores
#   cfg_ids VENDOR DEVICE CLASS24 [HDR] an identity (header type 0 by default)
#   cfg_bridge SEC SUB          a type 1 header with these bus numbers
#   cap ID OFF                  add a capability at OFF to the list
#   cap_pcie OFF TYPE [DEVCAP]  PCI Express capability (Device/Port Type TYPE)
#   cap_pm OFF PMCSR            Power Management, version 3
#   cap_msix OFF                MSI-X
#   ecap ID OFF                 add an extended capability at OFF
#   ecap_sriov OFF VFE NUM OFFSET STRIDE VFDID
#   ecap_dvsec OFF VENDOR ID    a DVSEC header
#   cfg_all_ones                everything reads ff (powered down)
#   cfg_print HEADER            the function's lines: HEADER, the rows, a blank

CFG=()
CFG_LEN=256
CAP_LAST=0
ECAP_LAST=0

cfg_new() {
	local i
	CFG_LEN=$1
	CFG=()
	for ((i = 0; i < CFG_LEN; i++)); do CFG[i]=0; done
	CAP_LAST=0
	ECAP_LAST=0
}

cfg8() { CFG[$1]=$(($2 & 0xff)); }
cfg16() { cfg8 "$1" "$2"; cfg8 $(($1 + 1)) $(($2 >> 8)); }
cfg32() { cfg16 "$1" "$2"; cfg16 $(($1 + 2)) $(($2 >> 16)); }

cfg_ids() {
	cfg16 0x00 "$1"
	cfg16 0x02 "$2"
	cfg32 0x08 $(($3 << 8 | 0x01))
	cfg8 0x0e "${4:-0}"
}

cfg_bridge() {
	cfg8 0x0e 1
	cfg8 0x18 0
	cfg8 0x19 "$1"
	cfg8 0x1a "$2"
}

cap() {
	local id=$1 off=$2
	cfg16 0x06 $((CFG[6] | CFG[7] << 8 | 0x10))
	if ((CAP_LAST)); then cfg8 $((CAP_LAST + 1)) "$off"; else cfg8 0x34 "$off"; fi
	cfg8 "$off" "$id"
	cfg8 $((off + 1)) 0
	CAP_LAST=$off
}

cap_pcie() {
	cap 0x10 "$1"
	cfg16 $(($1 + 2)) $(($2 << 4 | 2))
	cfg32 $(($1 + 4)) "${3:-0}"
}

cap_pm() {
	cap 0x01 "$1"
	cfg16 $(($1 + 2)) 3
	cfg16 $(($1 + 4)) "$2"
}

cap_msix() { cap 0x11 "$1"; }

ecap() {
	local id=$1 off=$2
	if ((ECAP_LAST)); then
		cfg16 $((ECAP_LAST + 2)) $((CFG[ECAP_LAST + 2] | CFG[ECAP_LAST + 3] << 8 | off << 4))
	fi
	cfg16 "$off" "$id"
	cfg16 $((off + 2)) 1
	ECAP_LAST=$off
}

ecap_sriov() {
	ecap 0x10 "$1"
	cfg16 $(($1 + 0x08)) "$2"
	cfg16 $(($1 + 0x0c)) 8
	cfg16 $(($1 + 0x0e)) 8
	cfg16 $(($1 + 0x10)) "$3"
	cfg16 $(($1 + 0x14)) "$4"
	cfg16 $(($1 + 0x16)) "$5"
	cfg16 $(($1 + 0x1a)) "$6"
}

ecap_dvsec() {
	ecap 0x23 "$1"
	cfg32 $(($1 + 4)) $(($2 | 1 << 16 | 0x3c << 20))
	cfg16 $(($1 + 8)) "$3"
}

cfg_all_ones() {
	local i
	for ((i = 0; i < CFG_LEN; i++)); do CFG[i]=255; done
}

cfg_print() {
	local r k
	printf '%s\n' "$1"
	for ((r = 0; r < CFG_LEN; r += 16)); do
		if ((r < 256)); then printf '%02x:' "$r"; else printf '%03x:' "$r"; fi
		for ((k = 0; k < 16; k++)); do printf ' %02x' "${CFG[r + k]}"; done
		printf '\n'
	done
	printf '\n'
}
