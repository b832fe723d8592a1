#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The panic-path contract, checked in the source (SPEC §3):
# - every function the panic path runs has kernel-doc with a Context: line;
# - the files that hold it call nothing that locks, sleeps, allocates, WARNs
#   or goes through the PCI core's config accessors.
# One TAP line per function and per file.

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=tests/lib/tap.sh
. "$ROOT/tests/lib/tap.sh"
cd "$ROOT"

P=drivers/pci/crash_quiesce
# The panic-path call graph, file:function.
functions=(
	"$P/crash.c:pci_crash_quiesce"
	"$P/crash.c:pci_crash_quiesce_recover"
	"$P/crash.c:pcq_crash_die"
	"$P/crash_cpus.c:pcq_crash_cpus_not_stopped"
	compat/crash_cpus.c:pcq_crash_cpus_not_stopped
	compat/crash.c:pcq_oot_panic_notify
	"$P/core.c:pcq_panic_walk"
	"$P/core.c:pcq_panic_stopped"
	"$P/core.c:pcq_panic_release"
	"$P/quiesce.c:pcq_walk"
	"$P/quiesce.c:pcq_walk_interrupted"
	"$P/quiesce.c:pcq_budget_init"
	"$P/quiesce.c:pcq_budget_phase"
	"$P/quiesce.c:pcq_past"
	"$P/quiesce.c:pcq_delay"
	"$P/quiesce.c:pcq_read32"
	"$P/quiesce.c:pcq_read16"
	"$P/quiesce.c:pcq_write"
	"$P/quiesce.c:pcq_update16"
	"$P/quiesce.c:pcq_visit"
	"$P/quiesce.c:pcq_verify"
	"$P/quiesce.c:pcq_check_id"
	"$P/quiesce.c:pcq_check_plain"
	"$P/quiesce.c:pcq_check_vf"
	"$P/quiesce.c:pcq_vf_enabled"
	"$P/quiesce.c:pcq_quiesce_function"
	"$P/quiesce.c:pcq_quiesce_all"
	"$P/quiesce.c:pcq_mark_bad"
	"$P/quiesce.c:pcq_fn_reset_status"
	"$P/quiesce.c:pcq_fn_reset_one"
	"$P/quiesce.c:pcq_mark_pfs"
	"$P/quiesce.c:pcq_fn_reset_wanted"
	"$P/quiesce.c:pcq_reset_functions"
	"$P/quiesce.c:pcq_release_one"
	"$P/quiesce.c:pcq_release_bridges"
	"$P/quiesce.c:pcq_reset_bridges"
	"$P/quiesce.c:pcq_count_unreset"
	"$P/quiesce.c:pcq_count_vfs_reset"
	"$P/quiesce.c:pcq_count_unvisited"
	"$P/quiesce.c:pcq_abort"
	"$P/quiesce.c:pcq_abort_name"
	"$P/plan.c:pcq_plan_next_quiesce"
	"$P/plan.c:pcq_plan_next_fn_reset"
	"$P/plan.c:pcq_is_bridge"
	"$P/plan.c:pcq_own_reset"
	"$P/seal.c:pcq_snapshot_intact"
	"$P/seal.c:pcq_snapshot_state"
	"$P/seal.c:pcq_snapshot_state_ok"
	"$P/seal.c:pcq_snapshot_sum"
	"$P/seal.c:pcq_index_ok"
	compat/pci_direct.c:pcq_conf1_select
	compat/pci_direct.c:read_pci_config
	compat/pci_direct.c:read_pci_config_16
	compat/pci_direct.c:read_pci_config_byte
	compat/pci_direct.c:write_pci_config_16
	compat/pci_direct.c:write_pci_config_byte
	"$P/cfg.c:pcq_conf1_read"
	"$P/cfg.c:pcq_conf1_write"
	"$P/cfg.c:pcq_cfg_reaches"
	"$P/cfg.c:pcq_cfg_error"
	"$P/cfg.c:pcq_cfg_read"
	"$P/cfg.c:pcq_cfg_write"
	"$P/cfg.c:pcq_cfg_read32"
	"$P/cfg.c:pcq_cfg_read16"
	"$P/cfg.c:pcq_cfg_write16"
	"$P/cfg.c:pcq_cfg_write8"
)

# The kernel-doc block right above the function's definition has Context:.
has_context() {
	awk -v fn="$2" '
		/^\/\*\*/ { doc = ""; indoc = 1 }
		indoc { doc = doc $0 "\n" }
		/^ \*\// { indoc = 0; last = doc }
		$0 ~ "^[a-z].*[ *]" fn "\\(" { found = 1; exit !(last ~ /Context:/) }
		/^}/ { last = "" }
		END { if (!found) exit 2 }
	' "$1"
}

for entry in "${functions[@]}"; do
	file="${entry%%:*}" fn="${entry#*:}"
	tap_check "kernel-doc with Context: for $fn ($file)" has_context "$file" "$fn"
done

forbidden='\b(mutex_lock|mutex_trylock|spin_lock[a-z_]*|raw_spin_lock[a-z_]*|down|down_read|down_write|msleep|ssleep|usleep_range|schedule|kmalloc|kzalloc|kcalloc|vmalloc|kvzalloc|pci_read_config_[a-z]+|pci_write_config_[a-z]+|pci_reset_[a-z_]+|pci_get_[a-z_]+|WARN[A-Z_]*|BUG[A-Z_]*)\('
# no_calls FILE: none of the forbidden calls outside comments
no_calls() {
	local hits
	hits="$(grep -nvE '^[[:space:]]*(/\*|\*)' "$1" | grep -E "$forbidden")" || return 0
	echo "$hits"
	return 1
}

for file in $P/quiesce.c $P/cfg.c $P/seal.c $P/plan.c $P/crash_cpus.c compat/pci_direct.c; do
	tap_check "no lock, sleep, allocation, WARN or PCI core access in $file" \
		no_calls "$file"
done

# body FILE FN: the function's definition, up to its closing brace
body() {
	awk -v fn="$2" '$0 ~ "^[a-z].*[ *]" fn "\\(" { on = 1 } on { print } on && /^}/ { exit }' "$1"
}
# fn_no_calls FILE FN: none of the forbidden calls in the function itself,
# for panic-path functions in files that also hold process-context code
# (core.c takes pcq_lock, but only on the load, rescan and unload side)
fn_no_calls() {
	local b
	b="$(body "$1" "$2")"
	[[ -n "$b" ]] || { echo "no $2 in $1"; return 1; }
	no_calls <(echo "$b")
}
for entry in "$P/core.c:pcq_panic_walk" "$P/core.c:pcq_panic_stopped" \
	"$P/core.c:pcq_panic_release" "$P/crash.c:pci_crash_quiesce" \
	"$P/crash.c:pci_crash_quiesce_recover" "$P/crash.c:pcq_crash_die" \
	compat/crash.c:pcq_oot_panic_notify compat/crash_cpus.c:pcq_crash_cpus_not_stopped; do
	file="${entry%%:*}" fn="${entry#*:}"
	tap_check "no lock, sleep, allocation, WARN or PCI core access in $fn ($file)" \
		fn_no_calls "$file" "$fn"
done
tap_check "the function check sees pcq_lock taken in pcq_rescan (control)" \
	eval "! fn_no_calls $P/core.c pcq_rescan >/dev/null"
tap_done
