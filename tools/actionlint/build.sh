#!/usr/bin/env bash
# Builds actionlint v1.7.12 into $OUT. Called by tools/build.sh.
set -euo pipefail
version=1.7.12
go build -v -trimpath -mod=readonly -o "$OUT/actionlint" \
  -ldflags "-s -w -X github.com/rhysd/actionlint.version=$version" \
  github.com/rhysd/actionlint/cmd/actionlint
"$OUT/actionlint" -version | head -1
