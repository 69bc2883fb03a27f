#!/usr/bin/env bash
# Builds loki (Loki v3.7.8) into $OUT. Called by tools/build.sh. Same tags and version stamp as
# Loki's Makefile; the tests run `loki -config.file=... -verify-config` on the generated configs.
set -euo pipefail
version=3.7.8
vprefix=github.com/grafana/loki/v3/pkg/util/build
CGO_ENABLED=0 go build -trimpath -mod=readonly -tags netgo -o "$OUT/loki" \
  -ldflags "-s -w \
    -X $vprefix.Version=$version \
    -X $vprefix.Revision=v$version \
    -X $vprefix.Branch=HEAD \
    -X $vprefix.BuildUser=observability-stack" \
  github.com/grafana/loki/v3/cmd/loki
"$OUT/loki" -version | head -1
