#!/usr/bin/env bash
# Builds sloth v0.16.0 into $OUT. Called by tools/build.sh.
# The SLO tests feed it the same SLO spec as the stack's config and compare its windows and
# burn-rate factors with the rules components/slo/rules.ts generates.
set -euo pipefail
version=v0.16.0
CGO_ENABLED=0 go build -v -trimpath -mod=readonly -o "$OUT/sloth" \
  -ldflags "-s -w -X github.com/slok/sloth/internal/info.Version=$version" \
  github.com/slok/sloth/cmd/sloth
"$OUT/sloth" version
echo
