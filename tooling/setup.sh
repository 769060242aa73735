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

# A real `icl` on the PATH, linked to the built CLI where `npm install --global @icl/cli` would put it,
# so the README's commands are plain `icl …` and start as fast as the published binary (`pnpm icl` also works).
cli="$PWD/apps/cli/dist/bin.js"
for bin_directory in "$(npm prefix --global)/bin" "$HOME/.local/bin"; do
  case ":$PATH:" in *":$bin_directory:"*) ;; *) continue ;; esac
  if [ -w "$bin_directory" ]; then
    ln -sfn "$cli" "$bin_directory/icl"
    echo "setup: icl is $bin_directory/icl" >&2
    exit 0
  fi
done
echo "setup: no writable directory on PATH for icl; use pnpm icl, or link it yourself: ln -s $cli ~/.local/bin/icl" >&2
