/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCQ_PLAN_LINUX_STRING_H
#define _PCQ_PLAN_LINUX_STRING_H

#include <string.h>

#endif
