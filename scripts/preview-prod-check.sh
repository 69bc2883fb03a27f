#!/usr/bin/env bash
# Previews the prod configuration with the real engine and the prod policy config (everything
# mandatory), in a throwaway local stack: Pulumi.prod.yaml plus placeholder credentials for the
# receivers (the real ones are per-deployment secrets, never in the repository). It must pass.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

stack=prod-preview-check
file="Pulumi.$stack.yaml"
trap 'rm -f "$file"' EXIT
{
  cat Pulumi.prod.yaml
  echo "  observability-stack:environment: prod"
} >"$file"

PREVIEW_POLICY_CONFIG=policies/config/prod.json \
PREVIEW_SECRET_slackWebhookUrl="https://hooks.slack.invalid/preview-placeholder" \
PREVIEW_SECRET_pagerdutyRoutingKey="preview-placeholder" \
PREVIEW_SECRET_deadMansSwitchUrl="https://deadmans.invalid/preview-placeholder" \
  bash scripts/preview.sh "$stack"
