#!/usr/bin/env bash
# Runs the whole test suite on real Redis, mongo-java-server (or mongod, or MONGODB_URI), BullMQ, the
# twilio SDK and Chromium.
# The suite starts its own servers on free loopback ports; nothing needs to be running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
mkdir -p .test-artifacts
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=.test-artifacts/vitest.json "$@"
status=$?
set -e
# One plain closing line that any CI can read.
node -e '
  const fs = require("node:fs");
  try {
    const r = JSON.parse(fs.readFileSync(".test-artifacts/vitest.json", "utf8"));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  } catch { console.log("tests: 0 passed, 1 failed (no test report was written)"); }
'
exit $status
