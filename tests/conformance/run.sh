#!/usr/bin/env bash
# The Jupyter conformance suite (Debian python3-jupyter-kernel-test) against symtune's
# kernelspec installed into a temporary prefix. Fails, never skips, when the suite or
# jupyter_client is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
if ! "$PY" -c "import jupyter_kernel_test, jupyter_client" 2>/dev/null; then
  echo "conformance: FAILED: /usr/bin/python3 cannot import jupyter_kernel_test and jupyter_client;" \
       "install them: apt-get install -y python3-jupyter-kernel-test jupyter-client" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node bin/symtune.js install --prefix "$tmp" >/dev/null
export JUPYTER_PATH="$tmp/share/jupyter"
export JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime"
export SYMTUNE_HISTORY="$tmp/history.jsonl"
# Another python3 may come first on PATH; the Debian one has the suite.
"$PY" tests/conformance/test_symtune.py
