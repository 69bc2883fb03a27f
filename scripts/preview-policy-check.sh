#!/usr/bin/env bash
# Proves that the real engine enforces the policy pack: the dev stack is previewed with a policy
# config in which prometheus-retention is mandatory and allows at most 5 days, which the dev stack
# (7 days) breaks. The preview must fail, and name the policy and the offending value.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

config="$(mktemp --suffix=.json)"
log="$(mktemp)"
trap 'rm -f "$config" "$log"' EXIT
node -e '
  const c = require("./policies/config/dev.json");
  c["prometheus-retention"] = { ...c["prometheus-retention"], enforcementLevel: "mandatory", retention: { minDays: 1, maxDays: 5 } };
  process.stdout.write(JSON.stringify(c, null, 2));
' >"$config"

if PREVIEW_POLICY_CONFIG="$config" bash scripts/preview.sh dev >"$log" 2>&1; then
  cat "$log"
  echo "policy check: FAILED — the preview passed although the stack breaks a mandatory policy" >&2
  exit 1
fi
if ! grep -q "prometheus-retention" "$log" || ! grep -q "7d" "$log"; then
  cat "$log"
  echo "policy check: FAILED — the preview failed, but not on prometheus-retention (see above)" >&2
  exit 1
fi
grep -E "prometheus-retention|mandatory" "$log" | head -5
echo "policy check: the engine refused the violating preview on prometheus-retention, as it must"
