#!/usr/bin/env bash
# The whole suite (scripts/test.sh) while busy loops take every core: the suite must hold on a
# machine whose cores are taken by other work, as a shared CI runner's are. One `yes > /dev/null`
# per core, started here and always ended here, however the run ends.
# Deadlines stay at TEST_TIME_SCALE=1 unless the caller sets it (test/support/time.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
loops=()
stop_loops() {
  if [ "${#loops[@]}" -gt 0 ]; then
    kill "${loops[@]}" 2>/dev/null || true
    wait "${loops[@]}" 2>/dev/null || true
  fi
}
trap stop_loops EXIT

for ((i = 0; i < cores; i++)); do
  yes >/dev/null &
  loops+=("$!")
done
echo "test:loaded: ${cores} busy loop(s), one per core, during the run (TEST_TIME_SCALE=${TEST_TIME_SCALE:-1})"
# The suite runs in a process group of its own, waited for in the background, so that a signal to
# this script is handled at once (not after the suite) and ends the whole suite with it.
setsid bash scripts/test.sh "$@" &
suite=$!
trap 'kill -TERM -- "-$suite" 2>/dev/null; exit 130' INT
trap 'kill -TERM -- "-$suite" 2>/dev/null; exit 143' TERM
wait "$suite"
