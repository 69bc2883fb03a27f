#!/usr/bin/env bash
# Lints the GitHub Actions workflows with the pinned actionlint (built by tools/build.sh).
#   scripts/lint-workflows.sh [workflow files...]   (default: every .github/workflows/*.yml)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
tools/build.sh actionlint
# Its shellcheck and pyflakes checks of run: scripts are used when they are installed; off otherwise.
exec .tools/bin/actionlint -no-color "$@"
