#!/usr/bin/env bash
# Installs what xform's development and tests need on a fresh Debian machine with Node 20 and npm:
# pnpm, the workspace's packages, PostgreSQL 15 binaries (tests start their own throw-away server) and
# Chromium (docs site tests), then builds every package. Safe to run again: it skips what is there.
# XFORM_SKIP_SYSTEM_PACKAGES=1 installs no system package (no root or sudo needed).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
export PATH="$HOME/.local/bin:$PATH" # a pnpm installed for this user only (below)

# System packages first: without a way to install them, stop before the long steps and say what to do.
need_apt=()
if [ "${XFORM_SKIP_SYSTEM_PACKAGES:-}" != "1" ]; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
    need_apt+=(postgresql)
  fi
  if [ "${1:-}" = "--with-browser" ] && ! command -v chromium >/dev/null 2>&1; then
    need_apt+=(chromium)
  fi
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      cat >&2 <<MSG
xform's tests need Debian packages that are not installed: ${need_apt[*]}
Installing them takes root, and this user is not root and has no sudo. Either:
  - have them installed as root, then run npm test again:
      apt-get install --no-install-recommends ${need_apt[*]}
  - or run the tests without installing system packages:
      XFORM_SKIP_SYSTEM_PACKAGES=1 npm test
    (the tests that need PostgreSQL or Chromium then fail, each saying what is missing; the others run)
MSG
      exit 1
    fi
    SUDO="sudo"
  fi
  say "installing ${need_apt[*]} with apt-get"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # The Debian package starts a cluster of its own; xform's tests start their own servers and need none.
  if command -v pg_lsclusters >/dev/null 2>&1; then
    $SUDO service postgresql stop >/dev/null 2>&1 || true
  fi
fi

if ! command -v pnpm >/dev/null 2>&1 || ! pnpm --version 2>/dev/null | grep -q '^10\.'; then
  say "installing pnpm 10 with npm"
  # Without write access to npm's global folder (Node installed system-wide, not root), install for this user.
  if ! npm install -g pnpm@10 >/dev/null 2>&1; then
    npm install -g --prefix "$HOME/.local" pnpm@10 >/dev/null
    export PATH="$HOME/.local/bin:$PATH"
    say "pnpm is in $HOME/.local/bin; add it to your PATH to use pnpm yourself"
  fi
fi

say "installing packages (pnpm install)"
pnpm install --frozen-lockfile --reporter=silent
say "building (tsc -b)"
pnpm -s build
