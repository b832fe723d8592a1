/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Topology builder: describe a PCI hierarchy, then create it in the fake
 * config space and as a planned, sealed struct pcq_snapshot whose function i
 * is the fake's function i.
 */
#ifndef _TOPO_H
#define _TOPO_H

#include <linux/pci_regs.h>
#include <linux/types.h>

#include "crash_quiesce.h"

#define TOPO_MAX	48

/* How the snapshot reaches a function's config space (the fake has both). */
enum topo_access {
	TOPO_ACCESS_NONE,	/* no accessor: ecam NULL, PCQ_F_CONF1 clear */
	TOPO_ACCESS_ECAM,	/* ecam = the fake's page of the function */
	TOPO_ACCESS_CONF1,	/* PCQ_F_CONF1 */
};

/* Capability offsets the builder uses. */
#define TOPO_MSI_CAP	0x50
#define TOPO_MSIX_CAP	0x70
#define TOPO_PCIE_CAP	0x80
#define TOPO_AF_CAP	0xc0
#define TOPO_PM_CAP	0xc8
#define TOPO_SRIOV_CAP	0x160
#define TOPO_DEVCTL	0x2810	/* MPS 128, MRRS 512, relaxed ordering */

/* Initial register values (RW1C status bits set: nobody may write them). */
#define TOPO_STATUS	0xf910
#define TOPO_SEC_STATUS	0xf000
#define TOPO_CMD	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)
#define TOPO_BRCTL	(PCI_BRIDGE_CTL_PARITY | PCI_BRIDGE_CTL_SERR)

struct tnode {
	int parent;
	int pf;			/* a VF's PF, or -1 */
	u32 seg;		/* PCI domain (0 unless set) */
	u8 type;		/* enum pcq_type */
	u8 hdr;			/* header type, without the multi-function bit */
	bool multifn;		/* header type bit 7 set in the fake */
	u8 bus, devfn;
	u8 sec, sub;		/* bridges */
	u16 vendor, device;
	u32 class;
	u16 flags;		/* PCQ_F_* put into the snapshot */
	u8 msi_cap, msix_cap;	/* 0: none */
	bool msi_on, msix_on;	/* enable bits in the fake */
	u16 command;		/* initial Command */
	u16 bridge_ctl;		/* initial Bridge Control */
	u8 method;		/* enum topo_access */
	/*
	 * Capabilities in the fake: 0 for none.  The snapshot's reset_cap is
	 * the one of the reset method its flags name, the first of PCQ_F_FLR
	 * (pcie_cap), PCQ_F_AF_FLR (af_cap), PCQ_F_PM_RESET (pm_cap).
	 */
	u8 pcie_cap;		/* with PCQ_F_FLR in flags, FLR works */
	u8 af_cap;		/* with PCQ_F_AF_FLR, AF FLR works */
	u8 pm_cap;		/* with PCQ_F_PM_RESET, a PM reset */
	u16 sriov_cap;		/* a PF's SR-IOV capability, or 0 */
	bool vfe;		/* VF Enable set in it */
	u8 vbus;		/* a VF on a virtual bus: this many above its PF's */
};

struct topo {
	int nr;
	u8 next_bus;
	u8 method;		/* enum topo_access */
	struct tnode n[TOPO_MAX];
};

/* Start an empty topology; every function gets access @method (enum topo_access). */
void topo_init(struct topo *t, u8 method);
/* Host bridge 00:00.0. */
int topo_host(struct topo *t);
/* Endpoint at dev.fn on @parent's secondary bus (bus 0 if @parent < 0). */
int topo_ep(struct topo *t, int parent, u8 dev, u8 fn);
/*
 * A VF of @pf at devfn @pf's + @n: IDs read all-ones, same class, parent is
 * the PF's; gives the PF an SR-IOV capability with VF Enable set.
 */
int topo_vf(struct topo *t, int pf, u8 n);
/* Give @i a PCIe capability with FLR, an AF FLR, or a PM reset. */
void topo_flr(struct topo *t, int i);
void topo_af_flr(struct topo *t, int i);
void topo_pm(struct topo *t, int i);
/* Bridge of @type (enum pcq_type); topo_build() numbers buses depth first. */
int topo_bridge(struct topo *t, int parent, u8 type, u8 dev, u8 fn);

/* Default settings: reset=auto, msi, hold 2 ms, budget 100 ms. */
struct pcq_settings topo_settings(void);

/*
 * Reset the fake, create every function in it, fill a snapshot's facts as
 * the snapshot builder would (depth: the parent's + 1, a VF its PF's;
 * reset_cap from the flags), plan it with @skip (NULL: none) and seal it.
 * Free with free().
 */
struct pcq_snapshot *topo_build(struct topo *t, const struct pcq_settings *s,
			       const struct pcq_skip_list *skip);

/* Walk @s in @mode with its own scratch (pcq_snapshot_state()). */
void topo_walk(struct pcq_snapshot *s, enum pcq_walk_mode mode, struct pcq_run *r);

#endif
