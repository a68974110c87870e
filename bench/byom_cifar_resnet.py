#!/usr/bin/env python3
"""A ResNet-style CNN trained in Python PyTorch on a CIFAR-10 subset and saved as TorchScript: the Python side of the
bring-your-own-model figures in docs/BENCHMARKS.md (bench/byom-cifar.sh imports it into Lethe and unlearns).

The images are the ones `lethe ... --dataset cifar10 --per-class N` loads, in the same order and form: the first N files
(sorted by name) of each class (classes sorted by name) of train/ in the JPEG copy, RGB as floats in [0, 1], channel
first. Network: a 3x3 stem (16), two residual blocks at 16 channels and 32x32, one at 32 channels and 16x16 (stride 2,
1x1 projection), global average pooling, a linear head; BatchNorm after every convolution. Adam, batch 64, 2 threads.
The module exports features(x) (the pooled representation) and classify(h) (the head), so Lethe reaches the layer before
the head (rmu, layer-reset, linear probes).

Usage: byom_cifar_resnet.py CIFAR_TAR_GZ PER_CLASS EPOCHS OUT.pt   (prints one JSON object)
"""
import io
import json
import sys
import tarfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image


def load(archive, side, per_class):
    files = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if member.isfile() and len(parts) == 3 and parts[0] == side and not parts[2].startswith("."):
                files.setdefault(parts[1], []).append(member)
        classes = sorted(files)
        xs, ys = [], []
        for label, c in enumerate(classes):
            for member in sorted(files[c], key=lambda m: m.name)[:per_class]:
                image = Image.open(io.BytesIO(tar.extractfile(member).read())).convert("RGB")
                xs.append(np.asarray(image, dtype=np.float32).transpose(2, 0, 1) / 255.0)
                ys.append(label)
    return torch.tensor(np.stack(xs)), torch.tensor(ys)


class Residual(nn.Module):
    def __init__(self, inputs: int, outputs: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.project = nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride, bias=False), nn.BatchNorm2d(outputs)) \
            if stride != 1 or inputs != outputs else nn.Identity()

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.project(x))


class ResNetish(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(Residual(16, 16, 1), Residual(16, 16, 1), Residual(16, 32, 2))
        self.head = nn.Linear(32, classes)

    @torch.jit.export
    def features(self, x):
        """The pooled representation the head reads: Lethe's layer for rmu, layer-reset and linear probes."""
        return self.blocks(self.stem(x)).mean(dim=(2, 3))

    @torch.jit.export
    def classify(self, h):
        return self.head(h)

    def forward(self, x):
        return self.classify(self.features(x))


def main(archive, per_class, epochs, out):
    torch.set_num_threads(2)
    torch.manual_seed(0)
    x, y = load(archive, "train", int(per_class))
    test_x, test_y = load(archive, "test", int(per_class))
    model = ResNetish()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.time()
    generator = torch.Generator().manual_seed(0)
    for _ in range(int(epochs)):
        model.train()
        for batch in torch.randperm(len(y), generator=generator).split(64):
            optimizer.zero_grad()
            F.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    seconds = time.time() - start
    model.eval()
    with torch.no_grad():
        train_accuracy = (model(x).argmax(1) == y).float().mean().item()
        test_accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
    torch.jit.script(model).save(out)
    print(json.dumps({"trainImages": len(y), "testImages": len(test_y), "epochs": int(epochs), "trainSeconds": round(seconds, 1),
                      "threads": torch.get_num_threads(), "trainAccuracy": round(train_accuracy, 4),
                      "testAccuracy": round(test_accuracy, 4), "parameters": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
