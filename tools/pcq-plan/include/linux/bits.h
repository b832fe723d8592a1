/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCQ_PLAN_LINUX_BITS_H
#define _PCQ_PLAN_LINUX_BITS_H

#define BIT(nr)		(1UL << (nr))

#endif
