/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uapi header has the E* numbers.  (Not <errno.h>: glibc's <errno.h>
 * itself includes <linux/errno.h>, which would be this file.)
 */
#include_next <linux/errno.h>
