#!/usr/bin/env bash
# Side-by-side training throughput: Lethe (DJL + PyTorch 2.7.1 natives) against plain Python PyTorch
# (Debian's python3-torch), same model, data, batch and optimizer, with 1 and 2 threads, REPEATS runs
# each (median reported), peak RSS from /usr/bin/time. Prints a Markdown table for docs/BENCHMARKS.md.
#
#   bench/throughput.sh [MNIST_DIR] [REPEATS]
#
# Needs: apt-get install python3-torch libopenblas0-pthread time
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MNIST="${1:-${LETHE_DATASETS:-$ROOT/../shared/datasets}/mnist}"
REPEATS="${2:-3}"
OUT="${BENCH_OUT:-$ROOT/bench-out}"
PY=/usr/bin/python3
mkdir -p "$OUT"
[ -f "$MNIST/train-images-idx3-ubyte.gz" ] || { echo "MNIST not found in $MNIST (pass its folder as the first argument)" >&2; exit 2; }
"$ROOT/lethe" --version >/dev/null   # builds the CLI once, outside the timings

run() { # name threads rep command...
  local name=$1 threads=$2 rep=$3; shift 3
  /usr/bin/time -v -o "$OUT/$name-t$threads-r$rep.time" "$@" > "$OUT/$name-t$threads-r$rep.json"
}
for rep in $(seq 1 "$REPEATS"); do
  for t in 1 2; do
    run lethe "$t" "$rep" "$ROOT/lethe" bench throughput --dataset mnist --data "$MNIST" --threads "$t" --json
    run torch "$t" "$rep" "$PY" "$ROOT/bench/throughput_torch.py" --data "$MNIST" --threads "$t"
  done
done

"$PY" - "$OUT" "$REPEATS" <<'PYEOF'
import json, re, statistics, sys, os
out, reps = sys.argv[1], int(sys.argv[2])
def rss_mb(path):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path).read())
    return int(m.group(1)) / 1024
rows = {}
for name in ("lethe", "torch"):
    for t in (1, 2):
        runs = [json.load(open(f"{out}/{name}-t{t}-r{r}.json")) for r in range(1, reps + 1)]
        rss = [rss_mb(f"{out}/{name}-t{t}-r{r}.time") for r in range(1, reps + 1)]
        med = lambda k: statistics.median(x[k] for x in runs)
        rows[(name, t)] = dict(sps=med("samplesPerSecond"), save=med("checkpointSaveMs"), load=med("checkpointLoadMs"),
                               rss=statistics.median(rss), version=runs[0]["pytorch"], all=[x["samplesPerSecond"] for x in runs])
print("| implementation | PyTorch | threads | samples/s (median of %d) | runs | peak RSS MiB | checkpoint save ms | load ms |" % reps)
print("|---|---|---|---|---|---|---|---|")
for (name, t), r in rows.items():
    label = "Lethe (DJL 0.36)" if name == "lethe" else "Python PyTorch (Debian)"
    print(f"| {label} | {r['version']} | {t} | {r['sps']:,.0f} | {', '.join(f'{v:,.0f}' for v in r['all'])} | {r['rss']:,.0f} | {r['save']:.2f} | {r['load']:.2f} |")
for t in (1, 2):
    print(f"\nthreads {t}: Lethe / PyTorch = {rows[('lethe', t)]['sps'] / rows[('torch', t)]['sps']:.2f}x")
PYEOF
