#!/usr/bin/env bash
# Runs the benchmarks in bench/ (all, or the ones named: npm run bench -- followup voice).
# Each prints throughput, latency percentiles and its ratio to a bare baseline measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then names=(); for f in bench/*.bench.ts; do names+=("$(basename "$f" .bench.ts)"); done; fi
for name in "${names[@]}"; do
  echo "== bench/$name.bench.ts"
  node --import tsx "bench/$name.bench.ts"
done
