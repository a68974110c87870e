#!/usr/bin/env bash
# Class forgetting with every method's defaults on data sets no default was tuned on, the user's path, through ./lethe
# only: train an MLP on the CSV, `lethe unlearn --label C --method M` with no option, `lethe eval`. Prints one
# tab-separated row per seed and method (docs/BENCHMARKS.md, "Held-out data"):
#   seed method | test: class before, after, other classes before, after, drop (points)
#   | the half of the test split no strength was chosen on: the same five | value chosen, met, seconds
#
# HELDOUT_DATA picks the table:
#   segment    UCI image segmentation: 2,310 rows, 19 numeric features, 7 classes of 330 (Weka's segment-challenge.arff +
#              segment-test.arff, from Debian's `weka` package; the default)
#   satellite  Statlog Landsat satellite: 6,435 rows, 36 numeric features (pixel values 0-255), 6 classes of 626-1,533
#   dna        StatLog DNA splice junctions: 3,186 rows, 180 binary features, 3 classes (ei, ie, n; class 2 is half the rows)
# satellite and dna come from R's mlbench (Debian: `apt-get install r-cran-mlbench`), labels as the factors' level
# numbers from 0.
#
#   bench/heldout-class.sh [SEEDS] [METHODS] [CLASS]
#   bench/heldout-class.sh "42 43 44"
#   bench/heldout-class.sh 42 "ssd rmu" 2
#   HELDOUT_DATA=satellite bench/heldout-class.sh "42 43 44"
#   HELDOUT_OPTS="--opt ssd.reference=retain" bench/heldout-class.sh 42 ssd   # extra options for every unlearn
#   HELDOUT_SCALE=none bench/heldout-class.sh "42 43 44"   # the file's raw values (lethe train --scale none), as before
#                                                           # the default z-scores (docs/BENCHMARKS.md, "Eighth round")
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SEEDS="${1:-42 43 44}"
METHODS="${2:-retrain finetune grad-ascent random-label grad-diff kl scrub npo simnpo undial salun prune-finetune layer-reset ssd noise rmu amun aru}"
CLASS="${3:-2}"
SCALE="${HELDOUT_SCALE:-standard}"
DATA="${HELDOUT_DATA:-segment}"
case "$DATA" in
  segment|satellite|dna) ;;
  *) echo "HELDOUT_DATA=$DATA: not a table this script knows (segment, satellite, dna)" >&2; exit 2 ;;
esac
WORK="${HELDOUT_DIR:-$ROOT/target/heldout-class}"
PY=/usr/bin/python3
mkdir -p "$WORK"
cd "$WORK"

if [ "$DATA" = segment ] && [ ! -f segment.csv ]; then
  if [ ! -f weka/usr/share/doc/weka/examples/segment-test.arff ]; then
    apt-get download weka >/dev/null
    dpkg-deb -x weka_*.deb weka
  fi
  # ARFF to CSV: the attribute names as the header, then the data rows of both files as they are
  "$PY" - weka/usr/share/doc/weka/examples/segment-challenge.arff weka/usr/share/doc/weka/examples/segment-test.arff <<'EOF' > segment.csv
import sys
header = None
rows = []
for path in sys.argv[1:]:
    names, data = [], False
    for line in open(path):
        line = line.strip()
        if not line or line.startswith('%'):
            continue
        if line.lower().startswith('@attribute'):
            names.append(line.split()[1].strip("'"))
        elif line.lower().startswith('@data'):
            data = True
        elif data:
            rows.append(line)
    header = header or names
print(','.join(header))
print('\n'.join(rows))
EOF
fi

if [ "$DATA" != segment ] && [ ! -f "$DATA.csv" ]; then
  command -v Rscript >/dev/null || { echo "HELDOUT_DATA=$DATA needs R's mlbench: apt-get install r-cran-mlbench" >&2; exit 2; }
  # the table's columns as they are, then its class as the factor's level number from 0, in a column named label
  Rscript -e 'library(mlbench); args <- commandArgs(TRUE); name <- c(satellite = "Satellite", dna = "DNA")[[args[1]]]
    data(list = name); x <- get(name); label <- if (name == "DNA") "Class" else "classes"
    y <- as.integer(x[[label]]) - 1L; x[[label]] <- NULL
    x[] <- lapply(x, function(c) if (is.factor(c)) as.integer(as.character(c)) else c); x$label <- y
    write.csv(x, args[2], row.names = FALSE, quote = FALSE)' "$DATA" "$DATA.csv"
fi
LABEL_COLUMN=label
[ "$DATA" = segment ] && LABEL_COLUMN=class

# one row from the original's and the run's `lethe eval --json` and the run's receipt
row() { # SEED METHOD BEFORE.json AFTER.json RECEIPT.json SECONDS
  "$PY" - "$@" "$CLASS" <<'EOF'
import json, sys
seed, method, before, after, receipt, seconds, cls = sys.argv[1:]
cls = int(cls)
def parts(split):
    cm = split['confusionMatrix']
    right = sum(cm[t][t] for t in range(len(cm)) if t != cls)
    total = sum(sum(cm[t]) for t in range(len(cm)) if t != cls)
    return cm[cls][cls] / max(1, sum(cm[cls])), right / total
b, a = json.load(open(before)), json.load(open(after))
report = json.load(open(receipt))['receipt'].get('report') or {}
cal = next((v for k, v in report.items() if k.endswith('.calibration')), None)
out = [seed, method]
for split in ('test', 'testUnseenByCalibration'):
    cb, ob = parts(b[split])
    ca, oa = parts(a[split])
    out += ['%.3f' % cb, '%.3f' % ca, '%.3f' % ob, '%.3f' % oa, '%.1f' % (100 * (ob - oa))]
out += [cal['value'], str(cal['met']).lower()] if cal else ['-', '-']
out.append('%.1f' % float(seconds))
print('\t'.join(out))
EOF
}

for seed in $SEEDS; do
  original="original-$DATA-$SCALE-$seed"
  [ -d "$original" ] || "$ROOT/lethe" train --dataset csv --data "$DATA.csv" --header --label-column "$LABEL_COLUMN" --model mlp \
    --scale "$SCALE" --store "$original" --seed "$seed" >/dev/null
  "$ROOT/lethe" eval --store "$original" --json 2>/dev/null > "$original.eval.json"
  for method in $METHODS; do
    run="run-$DATA-$seed-$method"
    rm -rf "$run"
    cp -r "$original" "$run"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086 # HELDOUT_OPTS is a list of words
    "$ROOT/lethe" unlearn --store "$run" --method "$method" --label "$CLASS" --seed "$seed" ${HELDOUT_OPTS:-} > "$run.log" 2>&1
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    "$ROOT/lethe" eval --store "$run" --json 2>/dev/null > "$run.eval.json"
    cp "$run/reports/unlearn-v2.json" "$run.receipt.json"
    row "$seed" "$method" "$original.eval.json" "$run.eval.json" "$run.receipt.json" "$seconds"
    rm -rf "$run"
  done
done
