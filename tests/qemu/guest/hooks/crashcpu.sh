#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest hook (cq.xhook=crashcpu): crash the machine from another CPU than
# the one init runs on, cq.crashcpu=N (default: the last one), with sysrq-c
# run under taskset. The panic-start trace marker is written first.

set -eu
say() { echo "CQ-CRASHCPU: $*" >/dev/console; }
# shellcheck source=tests/qemu/guest/hooks/lib.sh
. /cq/hooks/lib.sh
cpu="$(cmdline_arg cq.crashcpu $(($(nproc) - 1)))"
say "crashing on CPU $cpu of $(nproc)"
marker c0de5a11
taskset -c "$cpu" sh -c 'echo c >/proc/sysrq-trigger'
