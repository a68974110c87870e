#!/usr/bin/env bash
# The spread of the statistical tests' asserted quantities over seeds and CPU instruction sets
# (docs/TESTING.md). Runs the given lethe-torch test classes once per (instruction-set setting, seed
# shift), each run recording every quantity it asserts on (dev.lethe.torch.Spread), then prints one
# row per quantity: min, max, mean and standard deviation over all runs, and the range per setting.
#
#   bench/test-spread.sh [SEED_SHIFTS] [TEST_CLASSES] [OUT_FILE]
#   bench/test-spread.sh "0 1 2 3 4" "MethodContractTest,ScenarioBenchTest" /tmp/spread.tsv
#   SPREAD_SETTINGS="avx2 sse" bench/test-spread.sh "0 1 2"
#
# SPREAD_METHODS=undial,npo limits MethodContractTest and StrengthCalibrationTest to those methods.
# Settings: cpu, the CPU's own kernels; avx2, libtorch held to AVX2 (an AVX2-only CPU such as Zen 3); sse,
# libtorch's portable kernels with MKL held to SSE4.2. A shift N adds 1000·N to every seed the tests train with.
set -euo pipefail
cd "$(dirname "$0")/.."
SHIFTS="${1:-0 1 2 3 4}"
TESTS="${2:-MethodContractTest,ScenarioBenchTest}"
OUT="${3:-target/test-spread.tsv}"
mkdir -p "$(dirname "$OUT")"
: > "$OUT"
SETTINGS="${SPREAD_SETTINGS:-cpu avx2 sse}" # a subset of these three, in this variable
for name in $SETTINGS; do
  case "$name" in
    cpu) setting="" ;;
    avx2) setting="ATEN_CPU_CAPABILITY=avx2" ;;
    sse) setting="ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2" ;;
    *) echo "spread: unknown setting $name (cpu, avx2, sse)" >&2; exit 2 ;;
  esac
  for shift in $SHIFTS; do
    echo "spread: ${setting:-cpu default} seed shift $shift" >&2
    # a failing assertion is one more measurement here, not the end of the run
    # OMP_WAIT_POLICY=PASSIVE: OpenMP threads sleep instead of spinning while they wait; the results do not
    # change (same threads, same partition of the work), but a shared machine is not burnt by spinning
    env OMP_WAIT_POLICY=PASSIVE $setting ./mvnw -B -q -o test -pl lethe-torch -am -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dlethe.test.seed="$shift" -Dlethe.test.methods="${SPREAD_METHODS:-}" -Dlethe.test.measurements="$(realpath "$OUT")" -Dmaven.test.failure.ignore=true >/dev/null 2>&1 \
      || echo "spread: the run failed to start or crashed (see lethe-torch/target/surefire-reports)" >&2
  done
done
python3 - "$OUT" <<'EOF'
import collections, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = collections.defaultdict(list)
per = collections.defaultdict(lambda: collections.defaultdict(list))
for aten, mkl, shift, name, value in rows:
    v = float(value)
    by[name].append(v)
    per[name][aten + "/" + mkl].append(v)
print("| quantity | runs | min | max | mean | std | range per setting (ATEN/MKL) |")
print("|---|---|---|---|---|---|---|")
for name in sorted(by):
    v = by[name]
    ranges = "; ".join(f"{k}: {min(x):.4f}..{max(x):.4f}" for k, x in sorted(per[name].items()))
    std = statistics.stdev(v) if len(v) > 1 else 0.0
    print(f"| {name} | {len(v)} | {min(v):.4f} | {max(v):.4f} | {statistics.mean(v):.4f} | {std:.4f} | {ranges} |")
EOF
