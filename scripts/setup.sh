#!/usr/bin/env bash
# Sets up a fresh machine for the tests: npm packages from the lockfile, then the pinned tools the
# tests run (built from the Go module proxy and cached outside the repository; seconds when cached).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages from package-lock.json (npm ci)" >&2
  # The lockfile was generated from scratch (no node_modules), so it holds every platform's
  # optional packages (@swc/core-darwin-arm64, ...) and `npm ci` accepts it on any OS. Regenerate
  # it the same way after a dependency change: rm -rf node_modules package-lock.json && npm install.
  npm ci --no-audit --no-fund
fi

# The real tools the tests prove generated configuration with, at the versions we deploy.
TEST_TOOLS=(prometheus alertmanager jaeger actionlint)
tools/build.sh "${TEST_TOOLS[@]}"
