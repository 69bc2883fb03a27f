#!/usr/bin/env bash
# Builds the jaeger v2 binary and jaeger-es-index-cleaner (Jaeger v2.13.0 = module v1.76.0) into $OUT.
# Called by tools/build.sh.
# The UI assets are the placeholder (no `ui` build tag): the binary is for `jaeger validate` and
# short start-up tests of the generated config, not for serving the UI.
set -euo pipefail
version=v2.13.0
go build -trimpath -mod=readonly -o "$OUT/jaeger" \
  -ldflags "-s -w \
    -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$version \
    -X github.com/jaegertracing/jaeger/internal/version.commitSHA=v1.76.0" \
  github.com/jaegertracing/jaeger/cmd/jaeger
go build -trimpath -mod=readonly -o "$OUT/jaeger-es-index-cleaner" -ldflags "-s -w" \
  github.com/jaegertracing/jaeger/cmd/es-index-cleaner
"$OUT/jaeger" version 2>/dev/null | head -3 || true
