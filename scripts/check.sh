#!/usr/bin/env bash
# The test command (CI runs it): set up what the tests need, type-check and run the unit tests,
# then the live tests that start the real Loki and Jaeger on loopback.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
npm test
npm run test:live
