/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/hex.h>: hex_to_bin(), as lib/hexdump.c has it. */
#ifndef _PCQ_PLAN_LINUX_HEX_H
#define _PCQ_PLAN_LINUX_HEX_H

/* The value of a hex digit, or -1. */
static inline int hex_to_bin(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;	/* lower case */
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

#endif
