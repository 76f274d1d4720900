#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lockfile,
# so `npm run demo` and `npm test` work on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
