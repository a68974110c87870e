"""Class probabilities of a TorchScript classifier for the rows of a CSV file, one line per row (comma-separated).

usage: python3 predict.py MODEL.pt DATA.csv

Reads the file as train.py does (the columns id, subject and label are not features).
"""
import csv
import sys

import torch


def main(model_file, data):
    model = torch.jit.load(model_file)
    model.eval()
    with open(data, newline="") as f:
        rows = list(csv.DictReader(f))
    features = [c for c in rows[0] if c not in ("id", "subject", "label")]
    x = torch.tensor([[float(r[c]) for c in features] for r in rows])
    with torch.no_grad():
        probabilities = torch.softmax(model(x), dim=1)
    for p in probabilities:
        print(",".join(f"{v:.8f}" for v in p.tolist()))


if __name__ == "__main__":
    main(*sys.argv[1:3])
