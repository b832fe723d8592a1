#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# QEMU device arguments for a q35 benchmark topology of N PCI functions in
# all (SPEC §9), one argument per line, for run-cycle.sh -t q35-bare.
#
#   tests/bench/topology.sh [-s] N
#     -s   print a summary instead: functions=N root_ports=R switches=S ...
#
# The q35 machine itself has 4 functions (host bridge 00:00.0, LPC 00:1f.0,
# SATA 00:1f.2, SMBus 00:1f.3). Then K = N/32 (1 to 8) nvme functions on
# pcie.0 at 00:1e.x: integrated endpoints with a Function Level Reset, which
# no bus reset reaches, so that the plan resets them one by one (the bench
# hook sets their Bus Master Enable, as a driver would). The other N-4-K
# are built from units, in turn:
#   direct   root port, one multifunction endpoint
#   switch   root port, x3130-upstream, up to 3 xio3130-downstream ports,
#            each with one multifunction endpoint
#   pci      root port, pcie-pci-bridge, pci-bridge, up to 2 multifunction
#            endpoints on the conventional bus
# until the count is reached (the last unit is cut short; one or two
# functions too few for a unit go on pcie.0 as integrated endpoints, FLR
# ones too when they are nvme: rciep_flr in the summary counts them all).
# An endpoint device has W = (N-4-K)/6 functions, 2 to 8, so that small
# topologies still have every kind of bridge. Root ports are
# packed 8 to a slot of pcie.0 (multifunction=on). Endpoint functions are
# edu (MSI), nvme (MSI-X) and, once, e1000e (MSI-X, IO BAR; netdev n1, so
# e1000e.ko enables its MSI-X), all with small BARs. Root ports and PCI
# bridges get io-reserve=0: with tens of bridges the 64 KiB IO space runs
# out (SeaBIOS stops), and only the e1000e needs IO. PCIe downstream ports
# only scan device 0, so everything below a port is one device, 8 functions.

set -euo pipefail

summary=0
while getopts 'sh' opt; do
	case "$opt" in
	s) summary=1 ;;
	*) sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -eq 1 && "$1" =~ ^[0-9]+$ && $1 -ge 5 && $1 -le 1024 ]] ||
	{ echo "usage: $0 [-s] N (5..1024 functions)" >&2; exit 2; }

CHIPSET=4
n_flr=$(($1 / 32 < 1 ? 1 : $1 / 32 > 8 ? 8 : $1 / 32))
left=$(($1 - CHIPSET - n_flr))
width=$((left / 6 < 2 ? 2 : left / 6 > 8 ? 8 : left / 6))
args=()
n_rp=0 n_up=0 n_dp=0 n_ppb=0 n_pb=0 n_ep=0 n_fn=0 n_nic=0 slot=0 chassis=1 n_rc_flr=0
declare -A count=()

dev() { args+=(-device "$1"); }

# rootport: the next root port on pcie.0, 8 per slot from 00:02.x; sets rp
rootport() {
	local d=$((2 + n_rp / 8)) f=$((n_rp % 8)) mf=''
	[[ $f -ne 0 ]] || mf=',multifunction=on'
	n_rp=$((n_rp + 1)) slot=$((slot + 1)) left=$((left - 1))
	rp="rp$n_rp"
	dev "pcie-root-port,id=$rp,bus=pcie.0,addr=$(printf '0x%x.%d' "$d" "$f")$mf,chassis=1,slot=$slot,io-reserve=0"
}

# endpoint BUS DEV MAX: one device at BUS DEV.0.., min(MAX, left) functions
endpoint() {
	local bus="$1" d="$2" max="$3" f nf kind extra
	nf=$((left < max ? left : max))
	for ((f = 0; f < nf; f++)); do
		extra=''
		[[ $f -ne 0 || $nf -eq 1 ]] || extra=',multifunction=on'
		if [[ $n_nic -eq 0 && $f -eq 0 ]]; then
			kind=e1000e extra+=",netdev=n1,romfile="
			n_nic=1
		elif (((n_fn + f) % 3 == 1)); then
			kind=nvme extra+=",serial=cqb$((n_fn + f))"
		else
			kind=edu
		fi
		count[$kind]=$((${count[$kind]:-0} + 1))
		[[ $bus != pcie.0 || $kind != nvme ]] || n_rc_flr=$((n_rc_flr + 1))
		dev "$kind,bus=$bus,addr=$(printf '0x%x.%d' "$d" "$f")$extra"
	done
	n_ep=$((n_ep + 1)) n_fn=$((n_fn + nf)) left=$((left - nf))
}

unit_direct() {
	rootport
	endpoint "$rp" 0 "$width"
}

unit_switch() {
	local up k
	rootport
	n_up=$((n_up + 1)) left=$((left - 1))
	up="up$n_up"
	dev "x3130-upstream,id=$up,bus=$rp"
	for ((k = 0; k < 3 && left >= 2; k++)); do
		n_dp=$((n_dp + 1)) slot=$((slot + 1)) left=$((left - 1))
		dev "xio3130-downstream,id=dp$n_dp,bus=$up,addr=$k.0,chassis=1,slot=$slot"
		endpoint "dp$n_dp" 0 "$width"
	done
}

unit_pci() {
	local k
	rootport
	n_ppb=$((n_ppb + 1)) n_pb=$((n_pb + 1)) left=$((left - 2))
	chassis=$((chassis + 1))
	dev "pcie-pci-bridge,id=ppb$n_ppb,bus=$rp"
	dev "pci-bridge,id=pb$n_pb,bus=ppb$n_ppb,addr=1,chassis_nr=$chassis,io-reserve=0"
	for ((k = 1; k <= 2 && left >= 1; k++)); do
		endpoint "pb$n_pb" "$k" "$width"
	done
}

# integrated endpoints with FLR, 00:1e.x (a slot q35 leaves free)
for ((f = 0; f < n_flr; f++)); do
	mf=''
	[[ $f -ne 0 || $n_flr -eq 1 ]] || mf=',multifunction=on'
	dev "nvme,bus=pcie.0,addr=0x1e.$f$mf,serial=cqf$f"
	count[nvme]=$((${count[nvme]:-0} + 1))
done

units=(direct switch pci)
u=0
while ((left > 0)); do
	case "${units[u % 3]}" in
	direct) ((left >= 2)) && unit_direct ;;
	switch) ((left >= 4)) && unit_switch ;;
	pci) ((left >= 4)) && unit_pci ;;
	esac
	u=$((u + 1))
	# too few left for the next unit: integrated endpoints on pcie.0 (00:01.x)
	if ((left > 0 && left < 4)); then
		endpoint pcie.0 1 8
	fi
done

if [[ $summary -eq 1 ]]; then
	echo "functions=$1 root_ports=$n_rp switches=$n_up downstream_ports=$n_dp" \
		"pcie_pci_bridges=$n_ppb pci_bridges=$n_pb bridges=$((n_rp + n_up + n_dp + n_ppb + n_pb))" \
		"endpoint_devices=$n_ep endpoint_functions=$n_fn edu=${count[edu]:-0}" \
		"nvme=${count[nvme]:-0} e1000e=${count[e1000e]:-0} rciep_flr=$((n_flr + n_rc_flr))"
else
	printf '%s\n' "${args[@]}"
fi
