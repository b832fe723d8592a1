# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# A private apt configuration, for packages of Debian suites beyond the
# machine's own (bookworm-backports' QEMU, trixie's compilers and kernels):
# its own sources list, lists and cache under $CQ_CACHE/apt/, read with the
# machine's Debian archive keyring. The machine's apt sources and lists are
# never touched, and nothing is installed from it: packages are downloaded
# and unpacked. Sourced, not run.
#
#   papt_update          refresh the private lists (once a day at most)
#   papt_get ARGS...     apt-get with the private configuration
#   papt_cache ARGS...   apt-cache with the private configuration
#   papt_download DIR PKG...   download PKG... (PKG/SUITE, PKG=VERSION) into DIR

PAPT_DIR="${CQ_CACHE:-$HOME/.cache/crash-quiesce}/apt"
PAPT_MIRROR="${CQ_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PAPT_SECURITY="${CQ_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}"
# the suites it reads; a caller wanting another (sid's sparse) sets these and
# its own PAPT_DIR, so the usual lists stay small
PAPT_SUITES="${PAPT_SUITES:-bookworm bookworm-updates bookworm-backports trixie trixie-updates trixie-backports}"
PAPT_SECURITY_SUITES="${PAPT_SECURITY_SUITES-bookworm-security trixie-security}"

papt_opts() {
	printf '%s\n' -o "Dir::Etc::SourceList=$PAPT_DIR/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o "Dir::State::Lists=$PAPT_DIR/lists" \
		-o "Dir::Cache=$PAPT_DIR/cache" \
		-o "Dir::State::status=$PAPT_DIR/status" \
		-o APT::Architectures::=amd64 -o APT::Architectures::=arm64 \
		-o APT::Sandbox::User=root
}

papt_get() {
	local o
	mapfile -t o < <(papt_opts)
	apt-get "${o[@]}" "$@"
}

papt_cache() {
	local o
	mapfile -t o < <(papt_opts)
	apt-cache "${o[@]}" "$@"
}

papt_update() {
	local key=/usr/share/keyrings/debian-archive-keyring.gpg s
	mkdir -p "$PAPT_DIR/lists/partial" "$PAPT_DIR/cache/archives/partial"
	: >>"$PAPT_DIR/status"
	{
		for s in $PAPT_SUITES; do
			echo "deb [signed-by=$key] $PAPT_MIRROR $s main"
		done
		for s in $PAPT_SECURITY_SUITES; do
			echo "deb [signed-by=$key] $PAPT_SECURITY $s main"
		done
	} >"$PAPT_DIR/sources.list.new"
	if cmp -s "$PAPT_DIR/sources.list.new" "$PAPT_DIR/sources.list" &&
		[[ -n "$(find "$PAPT_DIR/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit)" ]]; then
		rm -f "$PAPT_DIR/sources.list.new"
		return 0
	fi
	mv "$PAPT_DIR/sources.list.new" "$PAPT_DIR/sources.list"
	echo "papt: apt-get update (private lists in $PAPT_DIR)" >&2
	papt_get update -q >&2
}

papt_download() {
	local dir="$1"
	shift
	(cd "$dir" && papt_get download -q "$@" >&2)
}
