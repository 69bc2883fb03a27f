#!/usr/bin/env bash
# Builds the Pulumi Kubernetes provider plugin, pulumi-resource-kubernetes v4.25.0, into $OUT.
# Called by tools/build.sh; scripts/preview.sh installs it as the kubernetes plugin.
#
# Built the way upstream's Makefile does (`go generate` in the plugin's folder with VERSION set,
# then a CGO_ENABLED=0 build stamping pkg/version.Version), from a copy of the module source:
# the plugin embeds schema-embed.json and terraform-mapping-embed.json, which generate.go writes
# from the schema.json and terraform-mapping.json in the module and which the module zip lacks,
# and the module's own go.mod points the sdk at ../sdk, outside the zip. See go.mod for the pins.
set -euo pipefail
version=4.25.0
mod=github.com/pulumi/pulumi-kubernetes/provider/v4
cmd=cmd/pulumi-resource-kubernetes
# The pulumi modules are not in the public checksum database; go.sum here pins their hashes.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi"
export CGO_ENABLED=0
echo "tools/kubernetes: building pulumi-resource-kubernetes $version (a first build compiles ~1,400 packages: about 6 minutes on 2 idle cores, 30 when three other builds share them)" >&2

# Downloaded through the module proxy and checked against go.sum here.
go mod download "$mod"
src="$(go list -mod=readonly -m -f '{{.Dir}}' "$mod")"
if [ -z "$src" ] || [ ! -f "$src/$cmd/generate.go" ]; then
  echo "tools/kubernetes: could not find the source of $mod in the module cache" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src" "$work/src"
chmod -R u+w "$work/src"
cp go.mod go.sum "$work/"
# A relative replace, so the path recorded in the binary's build info does not depend on $work.
(cd "$work" && go mod edit -replace="$mod=./src")

# The generator (//go:build ignore) writes the two embedded files next to main.go, with the
# schema's version set to $VERSION, as `go generate` does upstream.
(cd "$work" && go build -mod=readonly -o "$work/generate" "./src/$cmd/generate.go")
(cd "$work/src/$cmd" && VERSION="$version" "$work/generate")
for f in schema-embed.json terraform-mapping-embed.json; do
  [ -s "$work/src/$cmd/$f" ] || { echo "tools/kubernetes: generate.go did not write $f" >&2; exit 1; }
done

(cd "$work" && go build -v -trimpath -mod=readonly -o "$OUT/pulumi-resource-kubernetes" \
  -ldflags "-s -w -X $mod/pkg/version.Version=$version" \
  "$mod/$cmd")
echo "pulumi-resource-kubernetes $version built" >&2
