#!/usr/bin/env bash
# Builds promtool and the Prometheus server (v3.16.0) into $OUT. Called by tools/build.sh.
# promtool checks the generated config and rules; the server runs them in the alert-path test
# (test/alerting/alert-path.test.ts). The server is built without its web UI: the UI's compiled
# assets are made by npm outside Go and are not in the module (the `builtinassets` tag would need
# them). Its API, scraping, rule evaluation and alert sending are all Go and all there.
set -euo pipefail
version=3.16.0
ldflags="-s -w \
    -X github.com/prometheus/common/version.Version=$version \
    -X github.com/prometheus/common/version.Revision=v0.316.0 \
    -X github.com/prometheus/common/version.Branch=HEAD \
    -X github.com/prometheus/common/version.BuildUser=observability-stack"
go build -v -trimpath -mod=readonly -tags netgo,builtinassets -o "$OUT/promtool" -ldflags "$ldflags" \
  github.com/prometheus/prometheus/cmd/promtool
go build -v -trimpath -mod=readonly -tags netgo -o "$OUT/prometheus" -ldflags "$ldflags" \
  github.com/prometheus/prometheus/cmd/prometheus
"$OUT/promtool" --version | head -1
"$OUT/prometheus" --version | head -1
