# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# TAP output for the shell test stages. Sourced, not run.
#   tap_ok NAME          print "ok N - NAME"
#   tap_not_ok NAME [WHY] print "not ok N - NAME" and a diagnostic
#   tap_skip NAME WHY     print "ok N - NAME # SKIP WHY": this machine could
#                         not set the check up (a timing the emulator did not
#                         give); never for a result that came out wrong
#   tap_check NAME CMD... run CMD; ok if it succeeds
#   tap_done             print the plan line; return 1 if anything failed

TAP_N=0
TAP_FAILED=0

tap_ok() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s\n' "$TAP_N" "$1"
}

tap_not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	printf 'not ok %d - %s\n' "$TAP_N" "$1"
	[[ $# -lt 2 ]] || printf '%s\n' "$2" | sed 's/^/# /'
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s # SKIP %s\n' "$TAP_N" "$1" "$2"
}

tap_check() {
	local name="$1" out
	shift
	if out="$("$@" 2>&1)"; then
		tap_ok "$name"
	else
		tap_not_ok "$name" "$out"
	fi
}

tap_done() {
	printf '1..%d\n' "$TAP_N"
	[[ $TAP_FAILED -eq 0 ]]
}
