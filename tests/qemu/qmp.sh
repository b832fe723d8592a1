#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Send QMP commands to a running QEMU and print its replies.
#
#   tests/qemu/qmp.sh SOCKET|RUN_DIR 'JSON' ['JSON'...]
#
# Negotiates capabilities first. Each JSON is one command, e.g.
#   '{"execute":"device_del","arguments":{"id":"edu1"}}'
# RUN_DIR: a run-cycle.sh output directory, whose qmp.path names the socket.
# Exits 1 if any reply is an error, 2 if there is no socket to talk to.

set -euo pipefail
sock="$1"
shift
[[ ! -d "$sock" ]] || sock="$(cat "$sock/qmp.path" 2>/dev/null)" ||
	{ echo "qmp.sh: no qmp.path in $1: not a run directory, or QEMU not started yet" >&2; exit 2; }
[[ ${#sock} -lt 108 ]] || { echo "qmp.sh: socket path of ${#sock} bytes, longer than a unix socket allows: $sock" >&2; exit 2; }
[[ -S "$sock" ]] || { echo "qmp.sh: no QMP socket at $sock (QEMU not running?)" >&2; exit 2; }
out="$({
	echo '{"execute":"qmp_capabilities"}'
	for c in "$@"; do
		sleep 0.2
		echo "$c"
	done
	sleep 1
} | socat -t 2 - "UNIX-CONNECT:$sock")"
echo "$out"
! grep -q '"error"' <<<"$out"
