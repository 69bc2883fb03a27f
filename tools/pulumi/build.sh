#!/usr/bin/env bash
# Builds the Pulumi CLI v3.248.0 into $OUT. Called by tools/build.sh.
set -euo pipefail
version=v3.248.0
# The pulumi modules are not in the public checksum database; go.sum here pins their hashes.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi"
go build -v -trimpath -mod=readonly -o "$OUT/pulumi" \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
"$OUT/pulumi" version
