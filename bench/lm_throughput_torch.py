#!/usr/bin/env python3
"""The Python PyTorch side of bench/lm-throughput.sh: Lethe's gpt (pre-LN GPT-2 blocks, byte vocabulary, learned
positions, untied head, no dropout) trained on one fixed batch of random bytes with AdamW (lr 3e-3, no weight decay)
and global gradient-norm clipping at 1, as `lethe bench lm-throughput` does: 3 untimed warm-up steps, then WINDOWS
windows of STEPS steps, the median window's tokens/s; then greedy generation of GENERATE tokens after a 16-token
prompt, with a KV cache and without (a full forward pass per token), median of 3. Prints one JSON object.

Usage: lm_throughput_torch.py --threads N [--batch 8] [--length 256] [--model 192,4,4,640]
Set OPENBLAS_NUM_THREADS in the environment: Debian's torch calls the system BLAS (install libopenblas0-pthread;
the reference libblas3 is several times slower).
"""
import argparse, json, math, os, statistics, time
import torch

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, required=True)
p.add_argument("--batch", type=int, default=8)
p.add_argument("--length", type=int, default=256)
p.add_argument("--model", default="192,4,4,640")
p.add_argument("--windows", type=int, default=3)
p.add_argument("--steps", type=int, default=5)
p.add_argument("--generate", type=int, default=64)
a = p.parse_args()
d, L, H, CTX = (int(x) for x in a.model.split(","))
V = 256
torch.manual_seed(0)
torch.set_num_threads(a.threads)
torch.set_num_interop_threads(1)


class Block(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.ln1, s.qkv, s.o = torch.nn.LayerNorm(d), torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
        s.ln2, s.f1, s.f2 = torch.nn.LayerNorm(d), torch.nn.Linear(d, 4 * d), torch.nn.Linear(4 * d, d)

    def forward(s, x, mask, cache=None):
        b, t, _ = x.shape
        q, k, v = s.qkv(s.ln1(x)).view(b, t, 3, H, d // H).permute(2, 0, 3, 1, 4)
        if cache is not None:
            if cache:
                k, v = torch.cat([cache[0], k], 2), torch.cat([cache[1], v], 2)
            cache[:] = [k, v]
        a_ = (q @ k.transpose(-1, -2)) / math.sqrt(d // H)
        if t > 1:
            a_ = a_ + mask[k.shape[2] - t:k.shape[2], :k.shape[2]]
        x = x + s.o((a_.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d))
        return x + s.f2(torch.nn.functional.gelu(s.f1(s.ln2(x))))


class GPT(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.tok = torch.nn.Embedding(V, d)
        s.pos = torch.nn.Parameter(torch.zeros(CTX, d))
        s.blocks = torch.nn.ModuleList([Block() for _ in range(L)])
        s.ln, s.head = torch.nn.LayerNorm(d), torch.nn.Linear(d, V)

    def forward(s, ids, mask, first=0, caches=None):
        x = s.tok(ids) + s.pos[first:first + ids.shape[1]]
        for i, b in enumerate(s.blocks):
            x = b(x, mask, None if caches is None else caches[i])
        return s.head(s.ln(x))


m = GPT()
opt = torch.optim.AdamW(m.parameters(), 3e-3, weight_decay=0)
mask = torch.full((CTX, CTX), -1e9).triu(1)
ids = torch.randint(0, V, (a.batch, a.length + 1))


def step():
    opt.zero_grad()
    out = m(ids[:, :-1], mask)
    loss = torch.nn.functional.cross_entropy(out.reshape(-1, V), ids[:, 1:].reshape(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
    opt.step()
    return loss.item()


for _ in range(3):
    step()
rates = []
for _ in range(a.windows):
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    rates.append(a.steps * a.batch * a.length / (time.perf_counter() - t0))
median = statistics.median(rates)


@torch.no_grad()
def generate(cached):
    seq = ids[0, :16].tolist()
    caches = [[] for _ in range(L)] if cached else None
    nxt = torch.tensor([seq])
    for _ in range(a.generate):
        if cached:
            logits = m(nxt, mask, len(seq) - nxt.shape[1], caches)
        else:
            logits = m(torch.tensor([seq]), mask)
        tok = int(logits[0, -1].argmax())
        seq.append(tok)
        nxt = torch.tensor([[tok]])
    return a.generate


def gen_rate(cached):
    generate(cached)
    r = []
    for _ in range(3):
        t0 = time.perf_counter()
        n = generate(cached)
        r.append(n / (time.perf_counter() - t0))
    return statistics.median(r)


print(json.dumps({"impl": "torch", "pytorch": torch.__version__, "threads": a.threads,
                  "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS"), "model": "gpt:%d,%d,%d,%d" % (d, L, H, CTX),
                  "parameters": sum(q.numel() for q in m.parameters()), "batch": a.batch, "length": a.length,
                  "trainTokensPerSecond": median, "windowTokensPerSecond": rates,
                  "msPerStep": 1000.0 * a.batch * a.length / median,
                  "generateTokensPerSecondCached": gen_rate(True), "generateTokensPerSecondUncached": gen_rate(False)}))
