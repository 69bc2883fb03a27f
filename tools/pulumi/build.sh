#!/usr/bin/env bash
# Builds the Pulumi CLI v3.248.0 and, next to it, the Node.js language host (language-nodejs/)
# into $OUT. Called by tools/build.sh. The engine looks for the plugins it bundles (the language
# hosts) next to its own binary, so the two share one output folder.
set -euo pipefail
version=v3.248.0
# The pulumi modules are not in the public checksum database; go.sum here pins their hashes.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi"
echo "tools/pulumi: building the CLI $version (a first build compiles ~1,300 packages: 3-4 minutes on 2 idle cores, longer when they are shared)" >&2
go build -v -trimpath -mod=readonly -o "$OUT/pulumi" \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
"$OUT/pulumi" version
echo "tools/pulumi: building the Node.js language host" >&2
(cd language-nodejs && bash ./build.sh)
