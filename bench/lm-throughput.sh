#!/usr/bin/env bash
# Side-by-side language-model throughput: Lethe's gpt (`lethe bench lm-throughput`) against the same model in
# Python PyTorch (bench/lm_throughput_torch.py, Debian's python3-torch), one sitting, REPEATS runs of every
# configuration (median reported). Each side is tried in every thread configuration of the machine's two cores:
# Lethe with 1 and 2 PyTorch threads, each also with HotSpot's full JIT (C2) where ./lethe stops at C1 (and, for
# reference, 2 threads under jemalloc's default oversize threshold, the setting ./lethe replaced); Python with torch
# threads x OpenBLAS threads in {1,2} x {1,2}. Prints a Markdown table for docs/BENCHMARKS.md and the ratio of each
# side's best.
#
#   bench/lm-throughput.sh [REPEATS]
#
# Needs: apt-get install python3-torch libopenblas0-pthread libjemalloc2
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPEATS="${1:-3}"
OUT="${BENCH_OUT:-$ROOT/bench-out/lm-throughput}"
PY=/usr/bin/python3
mkdir -p "$OUT"
rm -f "$OUT"/*.json
if ! "$PY" -c 'import ctypes.util, torch' 2>/dev/null; then echo "needs Debian's python3-torch at $PY" >&2; exit 2; fi
case "$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null)" in
  *openblas*) ;;
  *) echo "warning: the system BLAS is not OpenBLAS (install libopenblas0-pthread): Python's side would be misconfigured" >&2 ;;
esac
"$ROOT/lethe" --version >/dev/null   # builds the CLI once, outside the timings

for rep in $(seq 1 "$REPEATS"); do
  for t in 1 2; do
    "$ROOT/lethe" bench lm-throughput --threads "$t" --json > "$OUT/lethe-t$t-r$rep.json"
    LETHE_JAVA_OPTS="${LETHE_JAVA_OPTS:-} -XX:TieredStopAtLevel=4" "$ROOT/lethe" bench lm-throughput --threads "$t" --json \
      > "$OUT/lethe-c2-t$t-r$rep.json"
  done
  MALLOC_CONF=oversize_threshold:8388608 "$ROOT/lethe" bench lm-throughput --threads 2 --json > "$OUT/lethe-decay-t2-r$rep.json"
  for cfg in 1:1 1:2 2:1 2:2; do
    t=${cfg%%:*}; b=${cfg##*:}
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$b" "$PY" "$ROOT/bench/lm_throughput_torch.py" --threads "$t" \
      > "$OUT/torch-t$t-b$b-r$rep.json"
  done
done

"$PY" - "$OUT" "$REPEATS" <<'PYEOF'
import json, statistics, sys, glob, os
out, reps = sys.argv[1], int(sys.argv[2])
groups = {}
for f in sorted(glob.glob(out + "/*.json")):
    key = os.path.basename(f).rsplit("-r", 1)[0]
    groups.setdefault(key, []).append(json.load(open(f)))
def label(key, r):
    if key.startswith("lethe-decay"):
        return "Lethe, jemalloc oversize_threshold 8 MiB (default)", f"{r['threads']}"
    if key.startswith("lethe-c2"):
        return "Lethe, full JIT (C2)", f"{r['threads']}"
    if key.startswith("lethe"):
        return "Lethe (DJL, PyTorch %s)" % r["pytorch"], f"{r['threads']}"
    return "Python PyTorch %s" % r["pytorch"], f"torch {r['threads']} + OpenBLAS {r['openblasThreads']}"
print("| implementation | threads | train tokens/s (median of %d) | runs | ms/step | generate tok/s, KV cache | without |" % reps)
print("|---|---|---|---|---|---|---|")
best = {}
for key, runs in groups.items():
    med = lambda k: statistics.median(x[k] for x in runs)
    name, threads = label(key, runs[0])
    tps = med("trainTokensPerSecond")
    print(f"| {name} | {threads} | {tps:,.0f} | {', '.join(format(x['trainTokensPerSecond'], ',.0f') for x in runs)} | {med('msPerStep'):.0f} |"
          f" {med('generateTokensPerSecondCached'):.1f} | {med('generateTokensPerSecondUncached'):.1f} |")
    side = "torch" if key.startswith("torch") else ("lethe" if not key.startswith("lethe-decay") else None)
    if side and tps > best.get(side, (0, ""))[0]:
        best[side] = (tps, threads)
if "lethe" in best and "torch" in best:
    print(f"\nbest of each side: Lethe {best['lethe'][0]:,.0f} tokens/s ({best['lethe'][1]} threads), Python {best['torch'][0]:,.0f}"
          f" ({best['torch'][1]}): Lethe / Python = {best['lethe'][0] / best['torch'][0]:.2f}x")
PYEOF
