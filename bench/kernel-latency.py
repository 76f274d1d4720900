"""Kernel latency, measured the way Jupyter sees it (jupyter_client, not our own client):

  start:  KernelManager.start_kernel() until the first kernel_info_reply
  first:  the first trivial execute_request (the executor loads TypeScript then)
  rtt:    median send -> execute_reply of a trivial execute_request, after warm-up

Usage: /usr/bin/python3 bench/kernel-latency.py [--runs N] [--starts K] [--json]
Needs the kernelspec (symtune install --user, or JUPYTER_PATH set to an install prefix).
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from queue import Empty

from jupyter_client.manager import KernelManager

ANCHORS = {"tslab": (1.36, 8.9), "deno": (0.70, 2.0)}


def first_kernel_info(kc, deadline):
    while time.perf_counter() < deadline:
        msg_id = kc.kernel_info()
        try:
            while True:
                reply = kc.get_shell_msg(timeout=0.05)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return reply
        except Empty:
            continue
    raise TimeoutError("no kernel_info_reply within the deadline")


def execute(kc, code):
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    while True:
        reply = kc.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{code!r} failed: {reply['content']}")
            return time.perf_counter() - t0


def measure(runs):
    km = KernelManager(kernel_name="symtune")
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        first_kernel_info(kc, t0 + 60)
        start = time.perf_counter() - t0
        first = execute(kc, "1 + 1")
        for _ in range(5):
            execute(kc, "1 + 1")
        rtts = [execute(kc, "1 + 1") for _ in range(runs)]
        return start, first, statistics.median(rtts)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("SYMTUNE_HISTORY", os.path.join(tempfile.mkdtemp(), "history.jsonl"))
    results = [measure(args.runs) for _ in range(args.starts)]
    start = statistics.median(r[0] for r in results)
    first = statistics.median(r[1] for r in results)
    rtt = statistics.median(r[2] for r in results)
    load = os.getloadavg()[0]
    if args.json:
        print(json.dumps({"start_s": start, "first_execute_s": first, "rtt_ms": rtt * 1000, "load1": load, "starts": args.starts, "runs": args.runs}))
        return
    print(f"symtune kernel latency ({args.starts} starts, {args.runs} executes each; load average {load:.2f})")
    print(f"  {'kernel':8} {'start->kernel_info':>20} {'execute rtt':>12}")
    print(f"  {'symtune':8} {start:19.2f}s {rtt * 1000:10.1f}ms   (first execute {first:.2f} s: TypeScript loads)")
    for name, (s, r) in ANCHORS.items():
        print(f"  {name:8} {s:19.2f}s {r:10.1f}ms   (anchor from the issue)")


if __name__ == "__main__":
    sys.exit(main())
