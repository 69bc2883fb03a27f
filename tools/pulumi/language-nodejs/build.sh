#!/usr/bin/env bash
# Builds the Node.js language host into $OUT. Called by ../build.sh, so that it lands next to the
# pulumi binary, where the engine looks for the plugins it bundles.
#
# The host released with the CLI (module .../sdk/nodejs/cmd/pulumi-language-nodejs/v3, untagged,
# a pseudo-version at each release commit) is refused by the module proxy at every version tried,
# so this builds the newest host that is still reachable: the one that was part of the sdk module
# itself, up to sdk v3.68.0, before it moved into a module of its own. It speaks the same
# language-host protocol, and the program's own @pulumi/pulumi (3.248.0) does the real work.
#
# run-plugin.patch gives it the RunPlugin call that v3.248.0 engines use to start policy packs
# (v3.68.0 answered "not supported"); it is applied to a copy of the sdk module that a temporary
# go.mod (-modfile) points at, so neither the module cache nor this folder's go.mod changes.
set -euo pipefail
version=v3.68.0
pkg=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi"

sdk=github.com/pulumi/pulumi/sdk/v3
go mod download "$sdk"
src="$(go list -mod=readonly -m -f '{{.Dir}}' "$sdk")"
if [ -z "$src" ] || [ ! -f "$src/go.mod" ]; then
  echo "language-nodejs: could not find the source of $sdk in the module cache" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -R "$src" "$work/sdk"
chmod -R u+w "$work/sdk"
patch --quiet --no-backup-if-mismatch "$work/sdk/nodejs/cmd/pulumi-language-nodejs/main.go" < run-plugin.patch
cp go.mod go.sum "$work/"
go mod edit -modfile="$work/go.mod" -replace="$sdk=$work/sdk"

go build -v -trimpath -mod=readonly -modfile="$work/go.mod" -o "$OUT/pulumi-language-nodejs" \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  "$pkg"
