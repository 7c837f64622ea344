#!/usr/bin/env bash
# Quick start: installs what is missing, then runs web + workers on embedded Redis and
# mongo-java-server (or mongod) with the sandbox Twilio stand-in (or on REDIS_URL / MONGODB_URI /
# Twilio credentials from .env).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
env_file=()
[[ -f .env ]] && env_file=(--env-file=.env)
exec node "${env_file[@]}" --import tsx src/main.ts
