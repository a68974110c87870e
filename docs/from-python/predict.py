"""Class scores of a TorchScript classifier for the rows of a CSV file, one line per row (comma-separated).

usage: python3 predict.py MODEL DATA.csv

MODEL is a TorchScript file (`lethe export` of a single-model store): the scores are its softmax probabilities. Or MODEL is
the folder `lethe export` writes for a SISA store: the shard modules and ensemble.json, whose aggregation combines them
(mean-softmax: the mean of the shards' probabilities; majority-vote: each shard's share of the votes). Reads the file as
train.py does (the columns id, subject and label are not features).
"""
import csv
import json
import os
import sys

import torch


def probabilities(model_file, x):
    model = torch.jit.load(model_file)
    model.eval()
    with torch.no_grad():
        return torch.softmax(model(x), dim=1)


def scores(model, x):
    if not os.path.isdir(model):
        return probabilities(model, x)
    with open(os.path.join(model, "ensemble.json")) as f:
        ensemble = json.load(f)
    shards = torch.stack([probabilities(os.path.join(model, s), x) for s in ensemble["shards"]])
    if ensemble["aggregation"] == "mean-softmax":
        return shards.mean(dim=0)
    votes = torch.nn.functional.one_hot(shards.argmax(dim=2), shards.shape[2]).float()
    return votes.mean(dim=0)


def main(model, data):
    with open(data, newline="") as f:
        rows = list(csv.DictReader(f))
    features = [c for c in rows[0] if c not in ("id", "subject", "label")]
    x = torch.tensor([[float(r[c]) for c in features] for r in rows])
    for p in scores(model, x):
        print(",".join(f"{v:.8f}" for v in p.tolist()))


if __name__ == "__main__":
    main(*sys.argv[1:3])
