#!/usr/bin/env bash
# Builds the random-test-double into "$OUT" as pulumi-resource-random: a TEST DOUBLE of the random
# provider plugin that implements only random:index/randomPassword:RandomPassword (see main.go),
# for deploy tests on machines where the real plugin cannot be built. It reports the version below,
# which must equal the @pulumi/random npm SDK version pinned in package.json.
# Its unit tests are not run here: `cd tools/random-test-double && go test ./...`.
set -euo pipefail
version=4.21.2
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi"
go build -v -trimpath -mod=readonly -o "$OUT/pulumi-resource-random" \
  -ldflags "-s -w -X main.version=$version" .
