#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing (scripts/setup.sh), builds, then runs
# every test, including PostgreSQL integration tests against a server the tests start themselves and the
# docs site tests in Chromium. Prints a closing `N passed, N failed, N skipped` line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser
export PATH="$HOME/.local/bin:$PATH" # where setup.sh puts pnpm when npm's global folder is not writable

mkdir -p .test-output
set +e
pnpm -s exec vitest run --reporter=default --reporter=json --outputFile.json=.test-output/vitest.json "$@"
status=$?
set -e
if [ -f .test-output/vitest.json ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(".test-output/vitest.json", "utf8"));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  '
fi
exit $status
