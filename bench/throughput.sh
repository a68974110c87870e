#!/usr/bin/env bash
# Side-by-side training throughput: Lethe (DJL + PyTorch 2.7.1 natives) against plain Python PyTorch (Debian's
# python3-torch), same model, data, batch and optimizer, at 1 and at 2 threads, REPEATS runs of each configuration
# (medians reported), peak RSS from /usr/bin/time. Each side in its best configuration, found by trying them all:
#   Lethe:  ./lethe as shipped (on AMD CPUs with native/mkl-intel-cpu.c preloaded, the JIT at C1), with
#           LETHE_NO_MKL_SHIM=1, and with HotSpot's full JIT (C2) back on;
#   Python: torch.set_num_threads x OPENBLAS_NUM_THREADS (at most the thread budget each), x OPENBLAS_CORETYPE as
#           detected and forced to SkylakeX (AVX-512 kernels, which OpenBLAS 0.3.21 does not pick on newer AMD CPUs).
# Prints every configuration, then the ratio of the best of each side per thread count, as Markdown.
#
#   bench/throughput.sh [MNIST_DIR] [REPEATS]                      the MLP on MNIST
#   MODEL=cnn PER_CLASS=500 bench/throughput.sh [MNIST_DIR] [REPEATS]   the cnn on CIFAR-10 (the first PER_CLASS images
#                                                                    of each class, from $LETHE_DATASETS/cifar10), batch 64
#
# Needs: apt-get install python3-torch libopenblas0-pthread time
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MNIST="${1:-${LETHE_DATASETS:-$ROOT/../shared/datasets}/mnist}"
REPEATS="${2:-3}"
OUT="${BENCH_OUT:-$ROOT/bench-out}"
PY=/usr/bin/python3
rm -rf "$OUT"; mkdir -p "$OUT"
[ -f "$MNIST/train-images-idx3-ubyte.gz" ] || { echo "MNIST not found in $MNIST (pass its folder as the first argument)" >&2; exit 2; }
"$ROOT/lethe" --version >/dev/null   # builds the CLI (and the MKL library) once, outside the timings
# Debian's python3-torch calls whichever libblas.so.3 the system's alternatives point at; without OpenBLAS that is the
# reference BLAS, about 40x slower (a 128x784 by 784x256 product: 20 ms against 0.55 ms), which would compare Lethe with
# a misconfigured Python. Refuse that rather than print a flattering ratio.
PY_BLAS=$("$PY" -c 'import torch; torch.ones(64, 64) @ torch.ones(64, 64)
print(next((l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower()), "no BLAS library"))')
case "$PY_BLAS" in
  *openblas*) ;;
  *) echo "Python's PyTorch multiplies with $PY_BLAS, not OpenBLAS: install it (sudo apt-get install libopenblas0-pthread) and run again" >&2; exit 2 ;;
esac
[ -f /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 ] || echo "note: jemalloc is not installed, so ./lethe runs without it (sudo apt-get install libjemalloc2)" >&2
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | xargs); Python's BLAS: $PY_BLAS"
echo
if [ "${MODEL:-mlp}" = cnn ]; then
  CIFAR="${LETHE_DATASETS:-$ROOT/../shared/datasets}/cifar10"
  LETHE_JOB=(--dataset cifar10 --data "$CIFAR" --per-class "${PER_CLASS:-500}" --model cnn --batch-size 64)
  PY_JOB="--model cnn --cifar '$CIFAR/cifar10-jpeg.tar.gz' --per-class ${PER_CLASS:-500} --batch-size 64"
else
  LETHE_JOB=(--dataset mnist --data "$MNIST")
  PY_JOB="--data '$MNIST'"
fi

run() { # label budget rep command... (environment set by the caller)
  local label=$1 budget=$2 rep=$3; shift 3
  /usr/bin/time -v -o "$OUT/$label~$budget~$rep.time" "$@" > "$OUT/$label~$budget~$rep.json"
}
for rep in $(seq 1 "$REPEATS"); do
  for t in 1 2; do
    run "lethe" "$t" "$rep" "$ROOT/lethe" bench throughput "${LETHE_JOB[@]}" --threads "$t" --json
    LETHE_NO_MKL_SHIM=1 run "lethe, MKL left on AVX2" "$t" "$rep" "$ROOT/lethe" bench throughput "${LETHE_JOB[@]}" --threads "$t" --json
    LETHE_JAVA_OPTS="${LETHE_JAVA_OPTS:-} -XX:TieredStopAtLevel=4" run "lethe, full JIT (C2)" "$t" "$rep" "$ROOT/lethe" bench throughput "${LETHE_JOB[@]}" --threads "$t" --json
  done
  for core in detected SkylakeX; do
    coretype=(); [ "$core" = detected ] || coretype=(OPENBLAS_CORETYPE=$core)
    for cfg in "1 1 1" "2 2 1" "2 1 2" "2 2 2"; do   # budget, torch threads, OpenBLAS threads
      set -- $cfg
      env "${coretype[@]}" OPENBLAS_NUM_THREADS=$3 bash -c "$(declare -f run); OUT='$OUT' run 'python, torch $2, OpenBLAS $3 ($core)' $1 $rep $PY '$ROOT/bench/throughput_torch.py' $PY_JOB --threads $2"
    done
  done
done

"$PY" - "$OUT" <<'PYEOF'
import glob, json, os, re, statistics, sys
out = sys.argv[1]
runs = {}
for path in glob.glob(f"{out}/*.json"):
    label, budget, rep = os.path.basename(path)[:-5].split("~")
    doc = json.load(open(path))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path[:-5] + ".time").read()).group(1)) / 1024
    runs.setdefault((label, int(budget)), []).append((doc["samplesPerSecond"], rss, doc.get("pytorch", "?")))
print("| configuration | thread budget | PyTorch | samples/s (median) | runs | peak RSS MiB |")
print("|---|---|---|---|---|---|")
best = {}
for (label, budget), rs in sorted(runs.items(), key=lambda kv: (kv[0][1], not kv[0][0].startswith("lethe"), kv[0][0])):
    med = statistics.median(r[0] for r in rs)
    side = "lethe" if label.startswith("lethe") else "python"
    if med > best.get((side, budget), (0, ""))[0]:
        best[(side, budget)] = (med, label)
    print(f"| {label} | {budget} | {rs[0][2]} | {med:,.0f} | {', '.join(f'{r[0]:,.0f}' for r in sorted(rs))} | {statistics.median(r[1] for r in rs):,.0f} |")
for budget in (1, 2):
    l, p = best[("lethe", budget)], best[("python", budget)]
    print(f"\n{budget} thread(s): best Lethe ({l[1]}) {l[0]:,.0f} / best Python ({p[1]}) {p[0]:,.0f} = {l[0] / p[0]:.2f}x")
PYEOF
