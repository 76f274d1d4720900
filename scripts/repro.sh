#!/usr/bin/env bash
# `npm run repro`: every experiment notebook at full size (≥ 3 seeds, mean and interval, the
# effect verdicts) through the headless runner, one kernel per notebook. Writes the executed
# notebooks to out/, the figures to out/figures/, the runs to out/runs/, and a summary of each
# notebook's wall time to out/repro-times.txt.
#   SYMTUNE_SIZE=quick bash scripts/repro.sh   runs the same set at the CI size.
set -euo pipefail
cd "$(dirname "$0")/.."
export SYMTUNE_SIZE="${SYMTUNE_SIZE:-full}"
# Absolute: each kernel runs in the notebooks/ folder.
export SYMTUNE_FIGURES="${SYMTUNE_FIGURES:-$PWD/out/figures}"
export SYMTUNE_RUNS_DIR="${SYMTUNE_RUNS_DIR:-$PWD/out/runs}"
mkdir -p out "$SYMTUNE_FIGURES"
notebooks=(quickstart two-stage symbol-tuning symbol-evol workshop)
times=out/repro-times.txt
echo "size $SYMTUNE_SIZE, started $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" > "$times"
status=0
for nb in "${notebooks[@]}"; do
  [ -f "notebooks/$nb.ipynb" ] || continue
  echo "== $nb ($SYMTUNE_SIZE)"
  start=$(date +%s)
  if node bin/symtune.js run "notebooks/$nb.ipynb" --out "out/$nb.ipynb"; then result=ok; else result=FAILED; status=1; fi
  echo "$nb: $result in $(( $(date +%s) - start )) s" | tee -a "$times"
done
echo "finished $(date -u +%FT%TZ)" >> "$times"
cat "$times"
exit $status
