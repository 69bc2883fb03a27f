#!/usr/bin/env bash
# Builds amtool (Alertmanager v0.34.2) into $OUT. Called by tools/build.sh.
# Only amtool: the alertmanager server embeds a web UI that is built outside Go and is not in
# the module; amtool does not need it.
set -euo pipefail
version=0.34.2
go build -v -trimpath -mod=readonly -o "$OUT/amtool" \
  -ldflags "-s -w \
    -X github.com/prometheus/common/version.Version=$version \
    -X github.com/prometheus/common/version.Revision=v$version \
    -X github.com/prometheus/common/version.Branch=HEAD \
    -X github.com/prometheus/common/version.BuildUser=observability-stack" \
  github.com/prometheus/alertmanager/cmd/amtool
"$OUT/amtool" --version | head -1
