#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test stage, in order, each printing TAP. The last line
# is "N passed, N failed" over all stages. A stage that dies without
# reporting a failure counts as one failure. Logs go to out/check/.
#
#   CQ_STAGES="unit style"   run only these stages
#   CQ_KERNELS="6.1 6.12"    kernel lines for the build, e2e and deploy stages
#   CQ_DEVICE_KERNELS="6.12" kernel lines for the device stages (dma, iommu,
#                            igb, cxl, sriov, save): what they
#                            test is the device and QEMU's model of it, which
#                            the build and e2e stages already run on every
#                            line; "6.1 6.12" runs them on both

set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT" || exit 1
LOGS="$ROOT/out/check"
mkdir -p "$LOGS"
read -ra kernels <<<"${CQ_KERNELS:-6.1 6.12}"
read -ra dev_kernels <<<"${CQ_DEVICE_KERNELS:-${kernels[-1]}}"

stage_deps() { scripts/install-deps.sh >/dev/null && echo "ok 1 - dependencies installed"; }
stage_unit() { make -s -C tests/unit run; }
stage_fuzz() { make -s -C tests/unit fuzz; }
stage_style() { tests/style.sh; }
stage_harness() { tests/harness.sh; }
stage_panic_path() { tests/panic-path.sh; }
stage_pcq_plan() { tests/pcq-plan/check.sh; }
stage_build() { tests/build-matrix.sh "${kernels[@]}"; }
stage_e2e() { tests/e2e/run.sh "${kernels[@]}"; }
stage_dma() { tests/e2e/dma.sh "${dev_kernels[@]}"; }
stage_iommu() { tests/e2e/iommu.sh "${dev_kernels[@]}"; }
# scenario 13's FLR case on the other lines too (SPEC §7: 6.1 and 6.12)
stage_igb() {
	local rc=0 line others=()
	tests/e2e/igb.sh "${dev_kernels[@]}" || rc=1
	for line in "${kernels[@]}"; do
		[[ " ${dev_kernels[*]} " == *" $line "* ]] || others+=("$line")
	done
	[[ ${#others[@]} -eq 0 ]] || CQ_IGB_CORE=1 tests/e2e/igb.sh "${others[@]}" || rc=1
	return $rc
}
stage_cxl() { tests/e2e/cxl.sh "${dev_kernels[@]}"; }
# scenario 16 on every x86 line where AMD-Vi boots (SPEC §7), SMMUv3 on 6.12-arm64
stage_iommu_other() { tests/e2e/iommu-other.sh "${kernels[@]}"; }
# arm64: the full set on the newest arm64 kernel, the core set on 6.12
stage_arm64() {
	tests/build-matrix.sh 6.12-arm64 newest-arm64 &&
		CQ_ARM64_CORE=6.12-arm64 tests/e2e/arm64.sh newest-arm64 6.12-arm64
}
stage_save() { tests/e2e/save.sh "${dev_kernels[@]}"; }
stage_sriov() { tests/e2e/sriov.sh "${dev_kernels[@]}"; }
# scenario 17: a Debian 12 guest image (debootstrap, systemd, kdump-tools, the
# module by DKMS) on its 6.12 kernel; bookworm's kernels only
stage_stock() { tests/e2e/stock.sh 6.12; }
stage_bench_smoke() { tests/bench/smoke.sh "${kernels[-1]}"; }
stage_series() { tests/debug-kernel/series.sh; }
stage_series_build() { tests/debug-kernel/series-build.sh; }
stage_debug() { tests/debug-kernel/run.sh; }
stage_docs() { tests/docs.sh "${kernels[-1]}"; }
stage_deploy() { tests/deploy.sh "${kernels[@]}"; }
# the newest Debian kernel (trixie-backports), built in the trixie build root
stage_newest() {
	local rc=0
	tests/build-matrix.sh newest || rc=1
	tests/e2e/run.sh newest || rc=1
	CQ_DMA_CORE=1 tests/e2e/dma.sh newest || rc=1
	tests/deploy.sh newest || rc=1
	return $rc
}

passed=0 failed=0
for stage in ${CQ_STAGES:-deps unit fuzz style harness panic_path pcq_plan build e2e dma iommu igb cxl sriov save stock arm64 iommu_other bench_smoke docs deploy newest series debug series_build}; do
	log="$LOGS/$stage.log"
	echo "# stage $stage"
	start=$SECONDS
	"stage_$stage" 2>"$log.err" | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	s=$(grep -c '^ok .*# SKIP' "$log")
	if [[ $rc -ne 0 && $f -eq 0 ]]; then
		echo "not ok - stage $stage exited $rc without a failing test (see $log.err)"
		tail -5 "$log.err" | sed 's/^/# /'
		f=1
	fi
	echo "# stage $stage: $p passed ($s skipped), $f failed in $((SECONDS - start)) s"
	passed=$((passed + p))
	failed=$((failed + f))
done
# Runs that failed before the module could act, with nothing of ours
# involved, were run once more (tests/qemu/run-cycle.sh); say which.
mapfile -t retries < <(grep -rls '^infra_retry=.' "$ROOT/out" --include=result.env 2>/dev/null)
echo "# infrastructure retries: ${#retries[@]}"
for r in "${retries[@]}"; do
	echo "#   ${r%/result.env}: $(sed -n 's/^infra_retry=//p' "$r")"
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
