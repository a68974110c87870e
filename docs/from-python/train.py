"""Train a small PyTorch classifier on a CSV file and save it as TorchScript: the Python side of README's "From Python".

usage: python3 train.py DATA.csv MODEL.pt

DATA.csv has a header; the columns id, subject and label are the record id, the person and the class (an integer),
every other column is a number. The model is an MLP (inputs -> 32 -> ReLU -> classes), trained full-batch with Adam,
that exports its features and its head (see the class).
"""
import csv
import sys

import torch
import torch.nn as nn


class Classifier(nn.Module):
    """An MLP whose representation before the head Lethe can reach: features(x) and classify(h) are exported with the
    module, and forward is classify(features(x)) (without them the module still imports, as one opaque layer)."""

    def __init__(self, inputs: int, classes: int):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(inputs, 32), nn.ReLU())
        self.head = nn.Linear(32, classes)

    @torch.jit.export
    def features(self, x):
        return self.body(x.flatten(1))

    @torch.jit.export
    def classify(self, h):
        return self.head(h)

    def forward(self, x):
        return self.classify(self.features(x))


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    features = [c for c in rows[0] if c not in ("id", "subject", "label")]
    x = torch.tensor([[float(r[c]) for c in features] for r in rows])
    y = torch.tensor([int(r["label"]) for r in rows])
    return x, y


def main(data, out):
    torch.manual_seed(0)
    x, y = read(data)
    model = Classifier(x.shape[1], int(y.max()) + 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(300):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    accuracy = (model(x).argmax(1) == y).float().mean().item()
    torch.jit.script(model).save(out)
    print(f"trained on {len(y)} records: loss {loss.item():.4f}, accuracy {accuracy:.4f}; saved {out}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
