#!/usr/bin/env bash
# The test command: set up what the tests need, then type-check and run every test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
npm test
