#!/usr/bin/env bash
# The test command (CI runs it): set up what the tests need, type-check and run the unit tests,
# the live tests that start the real Loki and Jaeger on loopback, lint the workflow files, then
# preview the dev and the prod configuration with the real engine and the policy pack (prod's
# policies all mandatory), and prove the engine refuses a preview that breaks a mandatory policy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
npm test
npm run test:live
npm run lint:workflows
npm run preview
npm run preview:prod
npm run preview:policy-check
