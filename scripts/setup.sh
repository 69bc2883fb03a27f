#!/usr/bin/env bash
# Sets up a fresh machine for the tests: npm packages from the lockfile, then the pinned tools the
# tests run (built from the Go module proxy and cached outside the repository; seconds when cached).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages from package-lock.json" >&2
  # `npm install`, not `npm ci`: npm 11 writes lockfiles without the other platforms' optional
  # packages (e.g. @swc/core's) and then refuses them in `npm ci`. With a lockfile present,
  # `npm install` installs exactly its versions and leaves it unchanged.
  npm install --no-audit --no-fund
fi

# The real tools the tests prove generated configuration with, at the versions we deploy.
TEST_TOOLS=(prometheus alertmanager dashboard-linter loki jaeger actionlint)
tools/build.sh "${TEST_TOOLS[@]}"
