"""PyTorch reference for `symtune bench`: the same GPT, data shapes and optimizer, on CPU, on the
fastest correct BLAS set-up this machine offers (so the ratio is against a PyTorch a user would
actually run, not a crippled one).

Pre-LN blocks, causal multi-head attention, tanh-GELU MLP (4x), final LayerNorm, head tied to
the token embedding, biases everywhere, init normal(0, 0.02) with residual projections scaled
by 1/sqrt(2 L), AdamW with decay on matrices only.

BLAS set-up, chosen at start (scripts/bench-setup.sh installs libopenblas0-pthread):
  * OpenBLAS core type: the default and the known-good kernels (Haswell, SkylakeX, Cooperlake,
    Zen) are each probed in a child process (the type is read when the library loads): sgemm
    1024^3 on one thread, the product checked against a float64 product; the fastest correct
    one is kept. The choice is cached in ~/.cache/symtune/reference-blas.json per CPU model,
    BLAS file and torch version (--reprobe probes again).
  * threads: torch intra-op threads (and OpenBLAS's) 1 and 2 are each timed on the model's own
    training step; the faster is kept.

Usage:
  python3 bench/reference.py --vocab 128 --block 128 --embd 128 --layers 4 --heads 4 --batch 16
         [--steps 10] [--warmup 2]       one measurement, one JSON line
         [--serve]                       header JSON line, then for each stdin line "N" the
                                         median of N timed steps as one JSON line (the caller
                                         alternates these with its own measurements)
  python3 bench/reference.py --probe     (internal) sgemm rate and error of the loaded BLAS
"""
import argparse
import ctypes
import json
import math
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CORE_TYPES = ["", "Haswell", "SkylakeX", "Cooperlake", "Zen"]  # "" = OpenBLAS's own detection


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


def openblas():
    """The BLAS torch loaded (libblas.so.3), with OpenBLAS's own entry points when it is OpenBLAS."""
    lib = ctypes.CDLL("libblas.so.3")
    path = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    try:
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib, path, lib.openblas_get_corename().decode()
    except AttributeError:
        return None, path, None


def set_threads(n):
    torch.set_num_threads(n)
    lib, _, _ = openblas()
    if lib is not None:
        lib.openblas_set_num_threads(n)


def sgemm_gflops(n=1024):
    a, b = torch.randn(n, n), torch.randn(n, n)
    times = []
    for _ in range(6):
        start = time.perf_counter()
        c = a @ b
        times.append(time.perf_counter() - start)
    # Relative to the product's scale: float32 accumulation over n terms.
    err = ((c.double() - a.double() @ b.double()).abs().max() / (a.abs().max() * b.abs().max() * math.sqrt(n))).item()
    return 2 * n**3 / statistics.median(times[1:]) / 1e9, err


def probe():
    set_threads(1)
    gflops, err = sgemm_gflops()
    _, path, core = openblas()
    print(json.dumps({"gflops": gflops, "rel_error": err, "core": core, "blas": path}))


def choose_core_type():
    """Probes each OpenBLAS core type in a child; returns (chosen, all probes)."""
    probes = []
    for core in CORE_TYPES:
        env = dict(os.environ, OPENBLAS_CORETYPE=core, OPENBLAS_NUM_THREADS="1")
        if not core:
            env.pop("OPENBLAS_CORETYPE")
        run = subprocess.run([sys.executable, __file__, "--probe"], env=env, capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            probes.append({"requested": core or "default", "failed": run.stderr.strip().splitlines()[-1:]})
            continue
        result = json.loads(run.stdout.strip().splitlines()[-1])
        # An unknown name falls back to another kernel: keep only types that loaded as asked.
        result["requested"] = core or "default"
        result["correct"] = result["rel_error"] < 1e-5
        probes.append(result)
    good = [p for p in probes if p.get("correct")]
    best = max(good, key=lambda p: p["gflops"]) if good else None
    return best, probes


def cached_choice(reprobe):
    """choose_core_type, remembered per CPU model, BLAS file and torch version (probing costs
    five interpreter starts)."""
    with open("/proc/cpuinfo") as f:
        model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    key = f"{model} | {os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3')} | torch {torch.__version__}"
    path = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "symtune", "reference-blas.json")
    try:
        with open(path) as f:
            cached = json.load(f)
        if cached["key"] == key and not reprobe:
            return cached["best"], cached["probes"]
    except (OSError, ValueError, KeyError):
        pass
    best, probes = choose_core_type()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump({"key": key, "best": best, "probes": probes}, f)
    os.replace(path + ".tmp", path)
    return best, probes


class Trainer:
    def __init__(self, a):
        torch.manual_seed(0)
        self.tokens = a.batch * a.block
        self.model = GPT(a.vocab, a.block, a.embd, a.layers, a.heads)
        decay = [p for p in self.model.parameters() if p.dim() >= 2]
        rest = [p for p in self.model.parameters() if p.dim() < 2]
        self.opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                                     lr=1e-3, betas=(0.9, 0.95))
        self.idx = torch.randint(0, a.vocab, (a.batch, a.block))
        self.targets = torch.randint(0, a.vocab, (a.batch, a.block))

    def step(self):
        start, cpu_start = time.perf_counter(), time.process_time()
        loss = self.model(self.idx, self.targets)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        loss.item()
        return time.perf_counter() - start, time.process_time() - cpu_start

    def measure(self, steps):
        times, cpu = zip(*(self.step() for _ in range(steps)))
        step_s, cpu_s = statistics.median(times), statistics.median(cpu)
        return {
            "tokens_per_s": self.tokens / step_s,
            "step_ms": step_s * 1000,
            # CPU time of all the process's threads: a load-independent measure of work per token.
            "tokens_per_cpu_s": self.tokens / cpu_s,
        }


def choose_threads(trainer, warmup):
    """Times the training step at 1 and 2 threads (after warm-up); keeps the faster."""
    rates = {}
    for n in (1, 2):
        set_threads(n)
        for _ in range(max(warmup, 1)):
            trainer.step()
        rates[n] = trainer.measure(3)["tokens_per_s"]
    best = max(rates, key=rates.get)
    set_threads(best)
    return best, rates


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", action="store_true")
    for name in ("vocab", "block", "embd", "layers", "heads", "batch"):
        ap.add_argument(f"--{name}", type=int)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--reprobe", action="store_true", help="probe the core types again instead of using the cached choice")
    a = ap.parse_args()
    if a.probe:
        return probe()
    if "SYMTUNE_REFERENCE_BLAS" not in os.environ:
        # The core type is read when OpenBLAS loads: choose it, then restart with it set.
        best, probes = cached_choice(a.reprobe)
        env = dict(os.environ, SYMTUNE_REFERENCE_BLAS=json.dumps(probes))
        if best and best["requested"] != "default":
            env["OPENBLAS_CORETYPE"] = best["requested"]
        os.execve(sys.executable, [sys.executable, __file__, *sys.argv[1:]], env)
    probes = json.loads(os.environ["SYMTUNE_REFERENCE_BLAS"])
    trainer = Trainer(a)
    threads, thread_rates = choose_threads(trainer, a.warmup)
    set_threads(1)
    sgemm, _ = sgemm_gflops()  # one thread, like the core-type probes
    set_threads(threads)
    _, blas, core = openblas()
    header = {
        "params": sum(p.numel() for p in trainer.model.parameters()),
        "torch": torch.__version__,
        "blas": blas,
        "core_type": core,
        "core_type_requested": os.environ.get("OPENBLAS_CORETYPE", "default"),
        "core_type_probes": probes,
        "threads": threads,
        "thread_tokens_per_s": thread_rates,
        "sgemm_gflops": sgemm,
    }
    if not a.serve:
        for _ in range(a.warmup):
            trainer.step()
        print(json.dumps({**header, **trainer.measure(a.steps)}), flush=True)
        return
    print(json.dumps(header), flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(trainer.measure(int(line))), flush=True)


if __name__ == "__main__":
    main()
