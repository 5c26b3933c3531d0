#!/bin/sh
# Points Claude Code at claude-gemini-proxy: checks Node, builds when needed, then runs
# `claude-gemini-proxy setup` with the arguments given (--write, --shell).
set -eu

root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)

if ! command -v node >/dev/null 2>&1; then
  echo "setup.sh: Node.js is not installed; install Node.js 22 or newer (https://nodejs.org)." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 22 ]; then
  echo "setup.sh: Node.js $(node --version) is too old; install Node.js 22 or newer." >&2
  exit 1
fi

if [ ! -f "$root/packages/node-http/dist/cli.js" ]; then
  if ! command -v pnpm >/dev/null 2>&1; then
    echo "setup.sh: pnpm is needed to build; install it with: npm install -g pnpm@12" >&2
    exit 1
  fi
  echo "setup.sh: building the packages first (pnpm install && pnpm build)…" >&2
  (cd "$root" && pnpm install --frozen-lockfile && pnpm build) >&2
fi

exec node "$root/packages/node-http/bin/claude-gemini-proxy.mjs" setup "$@"
