/* SPDX-License-Identifier: GPL-2.0 */
/* Busy-waits advance the fake clock (fake_pci.c). */
#ifndef _STUB_LINUX_DELAY_H
#define _STUB_LINUX_DELAY_H

void mdelay(unsigned long ms);
void udelay(unsigned long us);

#endif
