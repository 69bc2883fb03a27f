#!/usr/bin/env bash
# The test command (CI runs it): set up what the tests need, type-check and run the unit tests,
# the live tests that start the real Jaeger on loopback, lint the workflow files, preview the dev
# and the prod configuration with the real engine, the real kubernetes provider and the policy
# pack (prod's policies all mandatory), prove the engine refuses a preview that breaks a mandatory
# policy, and deploy dev and prod (without AWS) to a local Kubernetes with the real engine and
# provider (npm run test:deploy), which ends with a table of steps and wall times.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)
bash scripts/setup.sh
npm test
npm run test:live
npm run lint:workflows
npm run preview
npm run preview:prod
npm run preview:policy-check
npm run test:deploy
echo "check: all steps passed in $(( $(date +%s) - start ))s" >&2
