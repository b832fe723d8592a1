# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Synthetic machines for what the corpus of real dumps lacks: SR-IOV, a
# UART behind a root port, CXL, functions powered down, and bad topologies.
# Each function prints one machine as lspci -xxx/-xxxx would. Sourced, not
# run; needs synth.sh.

# PCIe Device/Port Types, Device Capabilities FLR
EP=0 RP=4 DEVCAP_FLR=0x10000000

# A host bridge, 8086:0c00 at 00:00.0
host_bridge() {
	cfg_new "$1"
	cfg_ids 0x8086 0x0c00 0x060000
	cfg_print "00:00.0 Host bridge: Intel Corporation Device 0c00"
}

# root_port BDF DEVICE SEC LEN
root_port() {
	cfg_new "$4"
	cfg_ids 0x8086 "$2" 0x060400 1
	cfg_bridge "$3" "$3"
	cap_pcie 0x40 $RP
	cfg_print "$1 PCI bridge: Intel Corporation Device"
}

# SR-IOV: a PF behind a root port (its bus reset reaches it and its VFs),
# a PF on the root bus (its FLR resets its VFs), and a PF with a PM reset
# whose VF sits on a virtual bus of its own and has its own FLR.
machine_sriov() {
	host_bridge 4096
	root_port 00:01.0 0x0c01 0x01 4096

	cfg_new 4096
	cfg_ids 0x8086 0x10fb 0x020000
	cap_pcie 0x40 $EP $DEVCAP_FLR
	cap_msix 0x50
	ecap_sriov 0x100 1 2 0x80 2 0x10ed
	cfg_print "01:00.0 Ethernet controller: Intel Corporation 82599ES 10-Gigabit SFI/SFP+"
	for vf in 01:10.0 01:10.2; do
		cfg_new 4096
		cfg_ids 0xffff 0xffff 0x020000
		cap_pcie 0x40 $EP $DEVCAP_FLR
		cap_msix 0x50
		cfg_print "$vf Ethernet controller: Intel Corporation 82599 Ethernet Controller Virtual Function"
	done

	cfg_new 4096
	cfg_ids 0x8086 0x1521 0x020000
	cap_pcie 0x40 $EP $DEVCAP_FLR
	cap_msix 0x50
	ecap_sriov 0x100 1 2 1 1 0x1520
	cfg_print "00:03.0 Ethernet controller: Intel Corporation I350 Gigabit Network Connection"
	for vf in 00:03.1 00:03.2; do
		cfg_new 4096
		cfg_ids 0xffff 0xffff 0x020000
		cap_pcie 0x40 $EP $DEVCAP_FLR
		cfg_print "$vf Ethernet controller: Intel Corporation I350 Ethernet Controller Virtual Function"
	done

	cfg_new 4096
	cfg_ids 0x15b3 0x1017 0x020000
	cap_pm 0x40 0x0000
	cap_pcie 0x60 $EP
	ecap_sriov 0x100 1 1 0xfe0 1 0x1018
	cfg_print "00:04.0 Ethernet controller: Mellanox Technologies MT27800 Family [ConnectX-5]"
	cfg_new 4096
	cfg_ids 0xffff 0xffff 0x020000
	cap_pcie 0x40 $EP $DEVCAP_FLR
	cfg_print "10:00.0 Ethernet controller: Mellanox Technologies MT27800 Family [ConnectX-5 Virtual Function]"
}

# A PCI UART behind a root port: it keeps the root port from its bus reset.
machine_uart_port() {
	host_bridge 256
	root_port 00:01.0 0x0c01 0x01 256
	root_port 00:02.0 0x0c05 0x02 256
	cfg_new 256
	cfg_ids 0x1415 0xc158 0x070002
	cap_pm 0x40 0x0000
	cap_pcie 0x60 $EP
	cfg_print "01:00.0 Serial controller: Oxford Semiconductor Ltd OXPCIe952 Dual Native 950 UART"
	cfg_new 256
	cfg_ids 0x8086 0x10d3 0x020000
	cap_pcie 0x40 $EP
	cfg_print "02:00.0 Ethernet controller: Intel Corporation 82574L Gigabit Network Connection"
}

# CXL: a root port whose bus reset the hardware masks (Unmask SBR clear),
# a device whose CXL DVSEC says it is memory, and a class 0502 device.
machine_cxl() {
	host_bridge 4096
	cfg_new 4096
	cfg_ids 0x8086 0x0c01 0x060400 1
	cfg_bridge 0x01 0x01
	cap_pcie 0x40 $RP
	ecap_dvsec 0x100 0x1e98 3
	cfg16 $((0x100 + 0x0c)) 0
	cfg_print "00:01.0 PCI bridge: Intel Corporation Device 0c01"
	root_port 00:02.0 0x0c05 0x02 4096
	root_port 00:03.0 0x0c09 0x03 4096
	cfg_new 4096
	cfg_ids 0x8086 0x10d3 0x020000
	cap_pcie 0x40 $EP $DEVCAP_FLR
	cfg_print "01:00.0 Ethernet controller: Intel Corporation 82574L Gigabit Network Connection"
	cfg_new 4096
	cfg_ids 0x1e98 0x0d93 0x120000
	cap_pcie 0x40 $EP $DEVCAP_FLR
	ecap_dvsec 0x100 0x1e98 0
	cfg16 $((0x100 + 0x0a)) 0x0004
	cfg_print "02:00.0 Processing accelerators: Device 1e98:0d93"
	cfg_new 4096
	cfg_ids 0x8086 0x0d93 0x050210
	cap_pcie 0x40 $EP $DEVCAP_FLR
	cfg_print "03:00.0 CXL: Intel Corporation Device 0d93 (rev 01) (prog-if 10 [CXL Memory Device (CXL 2.x)])"
}

# Functions that read all ones (powered down when lspci ran): one with the
# IDs and class lspci -nn shows, next to a display; one without.
machine_dead() {
	host_bridge 256
	root_port 00:01.0 0x0c01 0x01 256
	root_port 00:02.0 0x0c05 0x02 256
	cfg_new 256
	cfg_ids 0x10de 0x1c82 0x030000
	cap_pm 0x60 0x0008
	cap_pcie 0x78 $EP
	cfg_print "01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GP107 [GeForce GTX 1050 Ti] [10de:1c82] (rev a1) (prog-if 00 [VGA controller])"
	cfg_new 256
	cfg_all_ones
	cfg_print "01:00.1 Audio device [0403]: NVIDIA Corporation GP107GL High Definition Audio Controller [10de:0fb9] (rev ff) (prog-if ff)"
	cfg_new 256
	cfg_all_ones
	cfg_print "02:00.0 Non-Volatile memory controller: Samsung Electronics Co Ltd Device"
}

# Two bridges, each on the other's secondary bus
bad_loop() {
	host_bridge 256
	cfg_new 256
	cfg_ids 0x8086 0x0c01 0x060400 1
	cfg_bridge 0x02 0x02
	cfg_print "01:00.0 PCI bridge: Intel Corporation Device 0c01"
	cfg_new 256
	cfg_ids 0x8086 0x0c05 0x060400 1
	cfg_bridge 0x01 0x01
	cfg_print "02:00.0 PCI bridge: Intel Corporation Device 0c05"
}

# A bridge whose bus range holds its own bus
bad_self_range() {
	host_bridge 256
	root_port 00:01.0 0x0c01 0x01 256
	cfg_new 256
	cfg_ids 0x8086 0x0c05 0x060400 1
	cfg_bridge 0x01 0x04
	cfg_print "01:00.0 PCI bridge: Intel Corporation Device 0c05"
}

# Two bridges with the same secondary bus
bad_two_secondaries() {
	host_bridge 256
	root_port 00:01.0 0x0c01 0x01 256
	root_port 00:02.0 0x0c05 0x01 256
}

# What the PCI core decides from config space, followed: port types that
# cannot be right are corrected (a "downstream" port below a root port is
# an upstream port, an "upstream" one below it a downstream port), a PM
# capability of an unknown version is ignored, a class its header type
# contradicts is ignored.
machine_pci_core() {
	host_bridge 256
	root_port 00:01.0 0x0c01 0x01 256
	cfg_new 256
	cfg_ids 0x8086 0x10d3 0x020000
	cap_pm 0x40 0x0000
	cfg16 0x42 7
	cap_pcie 0x60 $EP
	cfg_print "00:02.0 Ethernet controller: Intel Corporation 82574L Gigabit Network Connection"
	cfg_new 256
	cfg_ids 0x8086 0x0c09 0x060400
	cap_pm 0x40 0x0000
	cfg_print "00:03.0 PCI bridge: Intel Corporation Device 0c09"
	cfg_new 256
	cfg_ids 0x10b5 0x8747 0x060400 1
	cfg_bridge 0x02 0x03
	cap_pcie 0x40 6
	cfg_print "01:00.0 PCI bridge: PLX Technology, Inc. PEX 8747 48-Lane, 5-Port PCI Express Gen 3 (8.0 GT/s) Switch"
	cfg_new 256
	cfg_ids 0x10b5 0x8747 0x060400 1
	cfg_bridge 0x03 0x03
	cap_pcie 0x40 5
	cfg_print "02:00.0 PCI bridge: PLX Technology, Inc. PEX 8747 48-Lane, 5-Port PCI Express Gen 3 (8.0 GT/s) Switch"
	cfg_new 256
	cfg_ids 0x8086 0x1533 0x020000
	cap_pcie 0x40 $EP
	cfg_print "03:00.0 Ethernet controller: Intel Corporation I210 Gigabit Network Connection"
}
