#!/usr/bin/env bash
# Builds the preview-only stand-in provider into $OUT. scripts/preview.sh links it under the names
# of the plugins it stands in for (pulumi-resource-kubernetes, ...); for each it reports the version
# below, which must equal the npm SDK version pinned in package.json (scripts/preview.sh checks).
set -euo pipefail
versions="kubernetes=4.34.2,random=4.21.2,grafana=2.40.0,aws=7.48.0"
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi"
go build -v -trimpath -mod=readonly -o "$OUT/preview-stub-provider" \
  -ldflags "-s -w -X main.versions=$versions" .
