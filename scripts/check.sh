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
# Set up: the packages first, then the two lanes of tools side by side, as `scripts/setup.sh` does,
# except that the unit tests, the live tests and the workflow lint start as soon as the test tools
# are built: on a new machine the deploy lane (the engine, the kubernetes provider, the local
# Kubernetes) is the longer one, and nothing before the previews needs it.
bash scripts/setup.sh --tools none
deploy_log=$(mktemp)
bash scripts/setup.sh --tools deploy >"$deploy_log" 2>&1 &
deploy_lane=$!
trap 'kill "$deploy_lane" 2>/dev/null || true; rm -f "$deploy_log"' EXIT
bash scripts/setup.sh --tools test
npm test
npm run test:live
npm run lint:workflows
if ! wait "$deploy_lane"; then
  cat "$deploy_log" >&2
  echo "check: building the deploy tools failed (see above)" >&2
  exit 1
fi
cat "$deploy_log" >&2
npm run preview
npm run preview:prod
npm run preview:policy-check
npm run test:deploy
echo "check: all steps passed in $(( $(date +%s) - start ))s" >&2
