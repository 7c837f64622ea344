#!/usr/bin/env bash
# Runs a TypeScript command-line tool with .env read, as `npm start` reads it, so it finds the same
# services and queue prefix as the running system.
set -euo pipefail
cd "$(dirname "$0")/.."
script=$1
shift
env_file=()
[[ -f .env ]] && env_file=(--env-file=.env)
exec node "${env_file[@]}" --import tsx "$script" "$@"
