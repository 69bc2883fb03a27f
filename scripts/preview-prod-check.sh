#!/usr/bin/env bash
# Previews the prod configuration with the real engine and the prod policy config (everything
# mandatory), in a throwaway local stack: Pulumi.prod.yaml plus placeholder credentials for the
# receivers (the real ones are per-deployment secrets, never in the repository), and the addresses
# prod has no default for (runbooks, the e-mail relay and recipients). Prod refuses the reserved
# example domains, so these name a private .internal zone that this check owns. It must pass.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

stack=prod-preview-check
file="Pulumi.$stack.yaml"
trap 'rm -f "$file"' EXIT
{
  cat Pulumi.prod.yaml
  cat <<'YAML'
  observability-stack:environment: prod
  observability-stack:runbookBaseUrl: https://runbooks.preview-check.internal/observability
  observability-stack:alerting:
    receivers:
      email:
        smarthost: smtp.preview-check.internal:587
        from: alertmanager@preview-check.internal
        onCallTo: oncall@preview-check.internal
        educationTeamTo: education-team@preview-check.internal
YAML
} >"$file"

PREVIEW_POLICY_CONFIG=policies/config/prod.json \
PREVIEW_SECRET_slackWebhookUrl="https://hooks.slack.invalid/preview-placeholder" \
PREVIEW_SECRET_pagerdutyRoutingKey="preview-placeholder" \
PREVIEW_SECRET_deadMansSwitchUrl="https://deadmans.invalid/preview-placeholder" \
  bash scripts/preview.sh "$stack"
