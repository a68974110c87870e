#!/usr/bin/env python3
"""The same training as `lethe bench throughput`, in plain Python PyTorch, for a side-by-side figure.

MLP 784-256-128-10 (Xavier-uniform weights, zero biases), Adam lr 1e-3, batch 128, MNIST train
(60,000 images scaled to [0, 1]) held in one tensor; one warm-up epoch, then timed epochs, each with a
fresh random permutation, the batch gathered by index, the loss read back (.item()) every step --
exactly what Lethe's TrainLoop does. Checkpoint: model + optimizer state_dict saved with torch.save
(fsync'd) and loaded with torch.load, median of repeats.

With --model cnn --cifar TAR --per-class N: Lethe's cnn (conv 3x3 32, ReLU, max-pool 2; conv 3x3 64, ReLU, max-pool
2; dense 128, ReLU; 10 logits) on the first N training images of each CIFAR-10 class, loaded as bench/byom_cifar_resnet.py
loads them (the images `lethe --dataset cifar10 --per-class N` trains on), batch 64 as in the throughput table.

Usage: throughput_torch.py --data DIR/mnist --threads N [--timed-epochs 2] [--checkpoint-repeats 20]
       throughput_torch.py --model cnn --cifar DIR/cifar10/cifar10-jpeg.tar.gz --per-class N --threads N
Prints one JSON object.
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", help="folder with train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz (mlp)")
    ap.add_argument("--model", default="mlp", choices=["mlp", "cnn"])
    ap.add_argument("--cifar", help="the CIFAR-10 JPEG archive (cnn)")
    ap.add_argument("--per-class", type=int, default=500)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--timed-epochs", type=int, default=2)
    ap.add_argument("--checkpoint-repeats", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    if args.model == "mlp":
        images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"))
        x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
        y = torch.from_numpy(labels.astype(np.int64))
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 256), torch.nn.ReLU(),
            torch.nn.Linear(256, 128), torch.nn.ReLU(),
            torch.nn.Linear(128, 10))
    else:
        from byom_cifar_resnet import load
        x, y = load(args.cifar, "train", args.per_class)
        model = torch.nn.Sequential(
            torch.nn.Conv2d(3, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(64 * 8 * 8, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    n = len(x)
    for m in model:
        if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch():
        perm = torch.randperm(n)
        total = 0.0
        steps = 0
        for start in range(0, n, args.batch_size):
            idx = perm[start:start + args.batch_size]
            xb, yb = x[idx], y[idx]
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
        return total / steps

    epoch()  # warm-up
    secs = []
    final_loss = float("nan")
    for _ in range(args.timed_epochs):
        t0 = time.perf_counter()
        final_loss = epoch()
        secs.append(time.perf_counter() - t0)

    save, load = [], []
    tmpdir = tempfile.mkdtemp(prefix="torch-bench")
    path = os.path.join(tmpdir, "ckpt.pt")
    for _ in range(args.checkpoint_repeats):
        t0 = time.perf_counter()
        with open(path + ".tmp", "wb") as f:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict()}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(path + ".tmp", path)
        t1 = time.perf_counter()
        state = torch.load(path)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        t2 = time.perf_counter()
        save.append((t1 - t0) * 1e3)
        load.append((t2 - t1) * 1e3)
    size = os.path.getsize(path)
    os.remove(path)
    os.rmdir(tmpdir)

    print(json.dumps({
        "impl": "pytorch-python",
        "model": args.model,
        "pytorch": torch.__version__,
        "threads": args.threads,
        "records": n,
        "batchSize": args.batch_size,
        "samplesPerSecond": n * args.timed_epochs / sum(secs),
        "epochSeconds": secs,
        "checkpointSaveMs": statistics.median(save),
        "checkpointLoadMs": statistics.median(load),
        "checkpointBytes": size,
        "finalLoss": final_loss,
    }))


if __name__ == "__main__":
    main()
