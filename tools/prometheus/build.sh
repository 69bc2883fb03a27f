#!/usr/bin/env bash
# Builds promtool (Prometheus v3.16.0) into $OUT. Called by tools/build.sh.
set -euo pipefail
version=3.16.0
go build -v -trimpath -mod=readonly -tags netgo,builtinassets -o "$OUT/promtool" \
  -ldflags "-s -w \
    -X github.com/prometheus/common/version.Version=$version \
    -X github.com/prometheus/common/version.Revision=v0.316.0 \
    -X github.com/prometheus/common/version.Branch=HEAD \
    -X github.com/prometheus/common/version.BuildUser=observability-stack" \
  github.com/prometheus/prometheus/cmd/promtool
"$OUT/promtool" --version | head -1
