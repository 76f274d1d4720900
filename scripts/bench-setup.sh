#!/usr/bin/env bash
# The benchmark's PyTorch reference (bench/reference.py) on an optimized BLAS. Debian's
# python3-torch links libblas.so.3, which is the generic reference BLAS (~5 GFLOP/s sgemm)
# unless an optimized one is installed: libopenblas0-pthread provides it through
# update-alternatives. Not needed by the tests; only by `symtune bench`.
set -euo pipefail
pkgs=(libopenblas0-pthread python3-torch)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "${missing[@]}" || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; }
  else
    echo "symtune bench: the PyTorch reference needs: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
# Which libblas.so.3 torch will load (the reference prints it too).
/usr/bin/python3 - <<'PY'
import torch, torch.backends
print("torch", torch.__version__, "| BLAS:", [l for l in torch.__config__.show().splitlines() if "BLAS" in l][:1])
PY
readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3
