/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out-of-tree build only: <linux/hex.h> for kernels that declare its
 * functions in <linux/kernel.h> (6.1); the kernel's own header, where it
 * has one, comes first in the include path.
 */
#ifndef _PCI_CRASH_QUIESCE_COMPAT_HEX_H
#define _PCI_CRASH_QUIESCE_COMPAT_HEX_H

#include <linux/kernel.h>

#endif
