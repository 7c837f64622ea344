#!/usr/bin/env bash
# The scripted demo (npm run demo) and a month of demo data (npm run demo -- --month): installs
# what is missing on a fresh machine, then runs scripts/demo.ts with .env read.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >&2
exec bash scripts/with-env.sh scripts/demo.ts "$@"
