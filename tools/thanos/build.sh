#!/usr/bin/env bash
# Builds the thanos binary (v0.42.4) into $OUT. Called by tools/build.sh.
# The tests run it for `thanos tools rules-check` over the generated rule files and, on 127.0.0.1,
# as sidecars beside two real Prometheus servers and a Query that deduplicates them
# (test/thanos/dedup.test.ts). Query's web UI assets are in the module, nothing is left out.
# The tags are Thanos' own release tags (.promu.yml): slicelabels is required, as Thanos reinterprets
# Prometheus' labels as its own slice type; without it the gRPC servers serve garbage sizes and panic.
set -euo pipefail
version=0.42.4
go build -trimpath -mod=readonly -tags netgo,slicelabels -o "$OUT/thanos" -ldflags "-s -w \
    -X github.com/prometheus/common/version.Version=$version \
    -X github.com/prometheus/common/version.Revision=v$version \
    -X github.com/prometheus/common/version.Branch=HEAD \
    -X github.com/prometheus/common/version.BuildUser=observability-stack" \
  github.com/thanos-io/thanos/cmd/thanos
"$OUT/thanos" --version 2>&1 | head -1
