"""Makes the TorchScript fixtures of lethe-torch's tests (run with Debian's python3-torch 1.13: /usr/bin/python3 make_fixtures.py).

mlp-64-10.pt: an untrained MLP for 64 inputs (the digits) and 10 classes, seed 0, scripted.
mlp-64-10.logits.csv: its logits for the inputs x[i, k] = ((i * 64 + k) % 17) / 16, i = 0..3, one row per input.
mlp-64-10-features.pt: the same architecture with a feature output: it also exports features(x) (the 32 hidden units after
    the ReLU) and classify(h) (the head), forward(x) == classify(features(x)).
mlp-64-10-bad-features.pt: exports features and classify, but its forward adds 1 to classify(features(x)).
"""
import torch
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))

    def forward(self, x):
        return self.body(x.flatten(1))


class WithFeatures(nn.Module):
    def __init__(self, shift: float = 0.0):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(64, 32), nn.ReLU())
        self.head = nn.Linear(32, 10)
        self.shift = shift

    @torch.jit.export
    def features(self, x):
        return self.body(x.flatten(1))

    @torch.jit.export
    def classify(self, h):
        return self.head(h)

    def forward(self, x):
        return self.classify(self.features(x)) + self.shift


torch.manual_seed(0)
torch.jit.script(WithFeatures()).save("mlp-64-10-features.pt")
torch.manual_seed(0)
torch.jit.script(WithFeatures(1.0)).save("mlp-64-10-bad-features.pt")

torch.manual_seed(0)
module = torch.jit.script(Classifier())
module.save("mlp-64-10.pt")
x = torch.tensor([[((i * 64 + k) % 17) / 16 for k in range(64)] for i in range(4)])
with torch.no_grad():
    logits = module(x)
with open("mlp-64-10.logits.csv", "w") as f:
    for row in logits.tolist():
        f.write(",".join(f"{v:.8f}" for v in row) + "\n")
