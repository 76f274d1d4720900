#!/usr/bin/env bash
# The whole suite: type check, vitest (unit + integration, real zeromq clients, notebooks
# through the kernel, Chromium), then the Jupyter conformance suite (Debian's
# python3-jupyter-kernel-test) against the installed kernel. Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh || exit 1
npx tsc --noEmit -p . || { echo "typecheck failed"; exit 1; }
mkdir -p out
npx vitest run --reporter=default --reporter=json --outputFile.json=out/vitest.json
vitest=$?
bash tests/conformance/run.sh 2>&1 | tee out/conformance.log
conformance=${PIPESTATUS[0]}
node scripts/summary.mjs out/vitest.json out/conformance.log
[ "$vitest" -eq 0 ] && [ "$conformance" -eq 0 ]
