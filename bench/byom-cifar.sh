#!/usr/bin/env bash
# Bring-your-own-model figures (docs/BENCHMARKS.md, "Bring your own model"): a ResNet-style CNN trained in Python PyTorch
# on a CIFAR-10 subset (bench/byom_cifar_resnet.py), imported into Lethe, unlearned by every method that runs on an opaque
# module (and rmu and layer-reset, which the model's features/classify methods open up), each compared with the same architecture retrained without the forget set (lethe unlearn --method retrain);
# import and export times.
#
# Usage: bench/byom-cifar.sh OUT_DIR [PER_CLASS (300)] [EPOCHS (10)] [METHODS (all that apply)]
# Needs Debian's python3-torch and python3-pil, and the CIFAR-10 JPEG copy under $LETHE_DATASETS (or ../shared/datasets).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$1"; PER="${2:-300}"; EPOCHS="${3:-10}"
METHODS="${4:-finetune grad-ascent random-label grad-diff kl scrub npo simnpo salun prune-finetune ssd noise amun aru rmu layer-reset}"
DATA="${LETHE_DATASETS:-$ROOT/../shared/datasets}/cifar10"
lethe() { "$ROOT/lethe" "$@"; }
seconds() { python3 -c "import time,sys; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$1"; }
mkdir -p "$OUT"; cd "$OUT"; : > times.txt

# 1. Python: train and script the model
/usr/bin/python3 "$ROOT/bench/byom_cifar_resnet.py" "$DATA/cifar10-jpeg.tar.gz" "$PER" "$EPOCHS" model.pt | tee python-train.json

# 2. import (checks, evaluation, store); the training options are the ones Python used
rm -rf imported
t=$(python3 -c 'import time; print(time.time())')
lethe import --model model.pt --dataset cifar10 --data "$DATA" --per-class "$PER" --epochs "$EPOCHS" --batch-size 64 \
  --lr 0.001 --store imported | tee import.txt
echo "import_seconds $(seconds "$t")" | tee -a times.txt

# the forget set: every 30th training image of each class
IDS=$(python3 -c "
import sys
classes = ['airplane','automobile','bird','cat','deer','dog','frog','horse','ship','truck']
print(','.join(f'train/{c}/{i:04d}.jpg' for c in classes for i in range(0, int(sys.argv[1]), 30)))" "$PER")

# 3. the reference: the same architecture and training options, from fresh weights, without the forget set
rm -rf retrained; cp -r imported retrained
t=$(python3 -c 'import time; print(time.time())')
lethe unlearn --store retrained --method retrain --record "$IDS" > retrain.txt
echo "retrain_seconds $(seconds "$t")" | tee -a times.txt

# 4. every method on a copy of the imported store, then the comparison with the reference
for m in $METHODS; do
  rm -rf "m-$m"; cp -r imported "m-$m"
  t=$(python3 -c 'import time; print(time.time())')
  lethe unlearn --store "m-$m" --method "$m" --record "$IDS" --keep-previous > "unlearn-$m.txt"
  echo "${m}_seconds $(seconds "$t")" | tee -a times.txt
  lethe eval --store "m-$m" --reference retrained --record "$IDS" --json > "eval-$m.json"
done
lethe eval --store imported --reference retrained --record "$IDS" --json > eval-original.json

# 5. export
t=$(python3 -c 'import time; print(time.time())')
lethe export --store m-grad-diff --out exported.pt
echo "export_seconds $(seconds "$t")" | tee -a times.txt
