#!/usr/bin/env bash
# The whole suite: vitest (unit + integration, real zeromq clients) and the Jupyter
# conformance suite (Debian's python3-jupyter-kernel-test) against the installed kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
npx vitest run
bash tests/conformance/run.sh
