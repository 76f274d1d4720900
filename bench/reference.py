"""PyTorch reference for `symtune bench`: the same GPT, data shapes and optimizer, on CPU.

Pre-LN blocks, causal multi-head attention, tanh-GELU MLP (4x), final LayerNorm, head tied to
the token embedding, biases everywhere, init normal(0, 0.02) with residual projections scaled
by 1/sqrt(2 L), AdamW with decay on matrices only. One thread: on this 2-core box OpenBLAS
runs its own threads and the default oversubscribes (2.3-2.9x slower).

Usage: python3 bench/reference.py --vocab 128 --block 128 --embd 128 --layers 4 --heads 4
       --batch 16 [--steps 10] [--warmup 2]
Prints one JSON object: tokens_per_s, step_ms (median), tokens_per_cpu_s, params, torch version.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d)
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.c_fc = nn.Linear(d, 4 * d)
        self.mlp_proj = nn.Linear(4 * d, d)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        shape = (B, T, self.heads, C // self.heads)
        q, k, v = (t.view(shape).transpose(1, 2) for t in (q, k, v))  # (B, H, T, D)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
        mask = torch.ones(T, T, dtype=torch.bool).tril()
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab, block, d, layers, heads):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(block, d)
        self.h = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith(("c_proj.weight", "mlp_proj.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx, targets):
        T = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for block in self.h:
            x = block(x)
        logits = self.ln_f(x) @ self.wte.weight.t()  # tied head
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main():
    ap = argparse.ArgumentParser()
    for name in ("vocab", "block", "embd", "layers", "heads", "batch"):
        ap.add_argument(f"--{name}", type=int, required=True)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = GPT(a.vocab, a.block, a.embd, a.layers, a.heads)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.95))
    idx = torch.randint(0, a.vocab, (a.batch, a.block))
    targets = torch.randint(0, a.vocab, (a.batch, a.block))
    times = []
    cpu_times = []
    for step in range(a.warmup + a.steps):
        start = time.perf_counter()
        cpu_start = time.process_time()
        loss = model(idx, targets)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss.item()
        if step >= a.warmup:
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
    step_s = statistics.median(times)
    cpu_s = statistics.median(cpu_times)
    print(json.dumps({
        "tokens_per_s": a.batch * a.block / step_s,
        "step_ms": step_s * 1000,
        # CPU time of all the process's threads: a load-independent measure of work per token.
        "tokens_per_cpu_s": a.batch * a.block / cpu_s,
        "params": sum(p.numel() for p in model.parameters()),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
