#!/usr/bin/env bash
# `npm run quickstart`: from a fresh clone with only Node 20 and npm, installs pnpm (when missing) and the
# workspace's packages, builds xform, builds the example project (example-project/) on the embedded DuckDB
# with all its tests, generates its docs site when this xform has `xform docs`, and says what to do next.
# Needs no database server, no sudo and no browser.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Only what building needs: PostgreSQL and Chromium are for the test suite (npm test installs them).
XFORM_SKIP_SYSTEM_PACKAGES=1 bash scripts/setup.sh
export PATH="$HOME/.local/bin:$PATH" # where setup.sh puts pnpm when the global npm folder is not writable

xform() { node "$root/cli/bin/xform.js" "$@"; }

say "building the example project on the embedded DuckDB (xform build)"
cd example-project
xform build

if xform --help | grep -qE "^ +docs\b"; then
  say "generating the docs site (xform docs generate)"
  xform docs generate
  site=$(find "$root/example-project/target" -name index.html -print -quit)
  docs_line="The docs site (lineage, columns, tests): ${site:-see the output of xform docs generate above}
Serve it with:  cd example-project && node ../cli/bin/xform.js docs serve   (it prints the address to open)"
else
  docs_line="This xform has no docs site command yet; the compiled project is in $root/example-project/target/manifest.json"
fi

cat <<MSG

xform is built, and the example project is built and tested.
The example's tables are in $root/example-project/target/xform.duckdb (embedded DuckDB).
$docs_line

Next:
  node cli/bin/xform.js --help                     the commands (or: pnpm xform --help)
  node cli/bin/xform.js init my_project            a new project of your own
  npm test                                         the full test suite (PostgreSQL, browser tests included)
MSG
