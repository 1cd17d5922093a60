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
# The commands printed below must work as printed, from any folder: absolute paths, quoted when needed.
shell_word() { if [[ "$1" =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then printf '%s' "$1"; else printf '%q' "$1"; fi; }
cli=$(shell_word "$root/cli/bin/xform.js")

say "building the example project on the embedded DuckDB (xform build)"
cd example-project
xform build

if xform --help | grep -qE "^ +docs\b"; then
  say "generating the docs site (xform docs generate)"
  xform docs generate
  site=$(find "$root/example-project/target" -name index.html -print -quit)
  docs_line="The docs site (lineage, columns, tests): ${site:-see the output of xform docs generate above}
Serve it with:  cd $(shell_word "$root/example-project") && node $cli docs serve   (it prints the address to open)"
else
  docs_line="This xform has no docs site command yet; the compiled project is in $root/example-project/target/manifest.json"
fi

# npm's global folder is often not writable without sudo; a user's own prefix then does (as for pnpm above).
if [ -w "$(npm prefix -g)" ]; then
  install_cli="npm i -g ./dist-pack/xform-cli-*.tgz"
else
  install_cli="npm i -g --prefix ~/.local ./dist-pack/xform-cli-*.tgz"
fi

cat <<MSG

xform is built, and the example project is built and tested.
The example's tables are in $root/example-project/target/xform.duckdb (embedded DuckDB).
$docs_line

Next:
  node $cli --help
      the commands
  node $cli init my_project --adapter duckdb
      a new project of your own, in a new folder my_project/
  cd $(shell_word "$root") && npm run pack:cli && $install_cli
      xform as a command (see "Install the CLI" in README.md)
  cd $(shell_word "$root") && npm test
      the full test suite (PostgreSQL, browser tests included)
MSG
