#!/usr/bin/env bash
# Sets up a fresh machine that has Node.js 20, npm and Python 3: pnpm, Python's venv module,
# the workspace's packages, and a build of every package. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$pnpm_version" ]; then
  echo "setup: installing pnpm $pnpm_version" >&2
  npm install --global --no-audit --no-fund "pnpm@$pnpm_version" >&2
fi

# Debian's python3 ships venv and ensurepip in a separate package.
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing python3-venv" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv) >&2
  else
    echo "setup: Python's venv module is missing; install python3-venv (sudo apt-get install python3-venv) and run again" >&2
    exit 1
  fi
fi

CI=${CI:-} pnpm install --frozen-lockfile >&2
pnpm build >&2
