"""Kernel latency as a notebook user meets it, for symtune, tslab and Deno in one run,
measured through jupyter_client (not our own client):

  start:   KernelManager.start_kernel() until the first kernel_info_reply
  first:   the first trivial cell ("1 + 1"), sent right after that reply
  magic:   the next cell: symtune imported and a magic run (symtune only)
  paused:  a second start whose first trivial cell is sent --pause seconds after kernel_info
           (a user reading the notebook first: symtune warms its type checker meanwhile)
  steady:  median execute round trip of always-new cells ("<i> + 1") once the kernel has
           been idle a while (symtune warms its type checker when idle)

Usage: /usr/bin/python3 bench/kernel-latency.py [--starts N] [--runs N] [--idle S] [--pause S]
       [--kernels symtune,tslab,deno] [--baseline CHECKOUT] [--json]
--baseline adds a kernel "baseline": the same measurements for symtune from another checkout
(e.g. a `git worktree` of an older commit), started in turn with this one.
tslab and Deno come from the npm registry into a scratch folder:
  (cd scratch/bench && npm install tslab@1.0.22 deno@2.9.6)
A kernel that cannot be found is reported as such in its row. Kernelspecs are written to a
temporary JUPYTER_PATH; nothing is installed for the user.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "scratch" / "bench" / "node_modules"
MAGIC_CELL = 'import { listFamilies } from "symtune";\n%collection list'


def kernelspecs(prefix: Path, baseline) -> dict:
    """Writes a kernelspec per kernel that can be had; returns name -> reason when one cannot."""
    kernels = prefix / "share" / "jupyter" / "kernels"
    missing = {}
    subprocess.run([shutil.which("node") or "node", str(ROOT / "bin" / "symtune.js"), "install", "--prefix", str(prefix)], check=True, capture_output=True)
    if baseline:
        argv = [shutil.which("node") or "node", str(Path(baseline).resolve() / "bin" / "symtune.js"), "kernel", "--connection-file", "{connection_file}"]
        write_spec(kernels / "baseline", argv)
    tslab = SCRATCH / "tslab" / "bin" / "tslab"
    if tslab.exists():
        write_spec(kernels / "tslab", [shutil.which("node") or "node", str(tslab), "kernel", "--config-path", "{connection_file}"])
    else:
        missing["tslab"] = f"not installed ({tslab} missing; see the usage line)"
    deno = SCRATCH / "@deno" / "linux-x64-glibc" / "deno"
    if deno.exists():
        write_spec(kernels / "deno", [str(deno), "jupyter", "--kernel", "--conn", "{connection_file}"])
    else:
        missing["deno"] = f"not installed ({deno} missing; see the usage line)"
    return missing


def write_spec(folder: Path, argv: list) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": folder.name, "language": "typescript"}))


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
        reply = kc.get_shell_msg(timeout=120)
        if reply["parent_header"].get("msg_id") == msg_id:
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{code!r} failed: {reply['content'].get('evalue')}")
            return time.perf_counter() - t0


def started(name):
    """A kernel, its client, and the seconds until its first kernel_info_reply."""
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    # The kernels' own logs stay out of the report (tslab logs a zeromq error per polled kernel_info).
    km.start_kernel(cwd=str(ROOT / "notebooks"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        first_kernel_info(kc, t0 + 120)
    except Exception:
        stop(km, kc)
        raise
    return km, kc, time.perf_counter() - t0


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def measure(name, runs, idle):
    km, kc, start = started(name)
    try:
        first = execute(kc, "1 + 1")
        magic = execute(kc, MAGIC_CELL) if name in ("symtune", "baseline") else None
        time.sleep(idle)
        steady = statistics.median(execute(kc, f"{i} + 1") for i in range(runs))
        return {"start_s": start, "first_s": first, "magic_s": magic, "steady_ms": steady * 1000}
    finally:
        stop(km, kc)


def measure_paused(name, pause):
    """The first trivial cell of a kernel left alone for `pause` seconds after kernel_info."""
    km, kc, _ = started(name)
    try:
        time.sleep(pause)
        return execute(kc, "1 + 1")
    finally:
        stop(km, kc)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=2, help="kernel starts per kernel (medians)")
    parser.add_argument("--runs", type=int, default=20, help="steady cells per start")
    parser.add_argument("--idle", type=float, default=10, help="seconds idle before the steady cells")
    parser.add_argument("--pause", type=float, default=5, help="seconds before the first cell of the paused start (0: skip it)")
    parser.add_argument("--kernels", default="symtune,tslab,deno", help="comma-separated: which kernels to measure")
    parser.add_argument("--baseline", help="another symtune checkout, measured as kernel 'baseline'")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    prefix = Path(tempfile.mkdtemp(prefix="symtune-bench-"))
    missing = kernelspecs(prefix, args.baseline)
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    os.environ.setdefault("SYMTUNE_HISTORY", str(prefix / "history.jsonl"))
    load_before = os.getloadavg()[0]
    names = args.kernels.split(",")
    if args.baseline and "baseline" not in names:
        names.insert(names.index("symtune") + 1 if "symtune" in names else 0, "baseline")
    # Kernels take turns start by start, so a change in the machine's load hits them alike.
    results = {name: [] for name in names if name not in missing}
    paused = {name: [] for name in results}
    failed = {}
    for _ in range(args.starts):
        for name in results:
            if name in failed:
                continue
            try:
                results[name].append(measure(name, args.runs, args.idle))
                if args.pause > 0:
                    paused[name].append(measure_paused(name, args.pause))
            except Exception as error:  # one kernel failing must not hide the others' rows
                failed[name] = f"failed: {error}"
    rows = {}
    for name in names:
        if name in missing or name in failed:
            rows[name] = {"missing": missing.get(name) or failed[name]}
            continue
        runs = results[name]
        rows[name] = {k: (statistics.median(r[k] for r in runs) if runs[0][k] is not None else None) for k in runs[0]}
        rows[name]["paused_s"] = statistics.median(paused[name]) if paused[name] else None
    load_after = os.getloadavg()[0]
    report = {"cpus": os.cpu_count(), "load1_before": load_before, "load1_after": load_after, "starts": args.starts, "runs": args.runs, "pause_s": args.pause, "kernels": rows}
    if args.json:
        print(json.dumps(report))
        return
    print(f"kernel latency ({args.starts} starts each; {os.cpu_count()} cpus; load average {load_before:.1f} before, {load_after:.1f} after)")
    paused = f"first after {args.pause:g}s"
    print(f"  {'kernel':8} {'start':>8} {'first cell':>11} {'symtune magic':>14} {'steady':>10} {paused:>18}")
    for name, row in rows.items():
        if "missing" in row:
            print(f"  {name:8} {row['missing']}")
            continue
        magic = f"{row['magic_s']:13.2f}s" if row["magic_s"] is not None else f"{'n/a':>14}"
        later = f"{row['paused_s']:17.2f}s" if row["paused_s"] is not None else f"{'n/a':>18}"
        print(f"  {name:8} {row['start_s']:7.2f}s {row['first_s']:10.2f}s {magic} {row['steady_ms']:8.1f}ms {later}")


if __name__ == "__main__":
    sys.exit(main())
