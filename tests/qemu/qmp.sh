#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Send QMP commands to a running QEMU and print its replies.
#
#   tests/qemu/qmp.sh SOCKET 'JSON' ['JSON'...]
#
# Negotiates capabilities first. Each JSON is one command, e.g.
#   '{"execute":"device_del","arguments":{"id":"edu1"}}'
# Exits 1 if any reply is an error.

set -euo pipefail
sock="$1"
shift
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
