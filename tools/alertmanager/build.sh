#!/usr/bin/env bash
# Builds amtool and the Alertmanager server (v0.34.2) into $OUT. Called by tools/build.sh.
# The server embeds a web UI (ui/app/dist) that is built by npm outside Go and is not in the
# module, so `go:embed` would fail: the server is built from a copy of the module whose ui/app/dist
# holds one page saying the UI is not built. Its API, routing, grouping, inhibition and receivers
# are all Go and unchanged; the alert-path test (test/alerting/alert-path.test.ts) runs it.
set -euo pipefail
version=0.34.2
ldflags="-s -w \
    -X github.com/prometheus/common/version.Version=$version \
    -X github.com/prometheus/common/version.Revision=v$version \
    -X github.com/prometheus/common/version.Branch=HEAD \
    -X github.com/prometheus/common/version.BuildUser=observability-stack"
go build -v -trimpath -mod=readonly -o "$OUT/amtool" -ldflags "$ldflags" github.com/prometheus/alertmanager/cmd/amtool

work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
go mod download github.com/prometheus/alertmanager
src=$(go list -m -f '{{.Dir}}' github.com/prometheus/alertmanager)
cp -r "$src" "$work/alertmanager"
chmod -R u+w "$work/alertmanager"
mkdir -p "$work/alertmanager/ui/app/dist"
printf '<!doctype html><title>Alertmanager</title><p>Alertmanager %s, built without its web UI; the API is at /api/v2/.</p>\n' "$version" \
  > "$work/alertmanager/ui/app/dist/index.html"
mkdir "$work/wrap"
cp go.mod go.sum "$work/wrap/"
(cd "$work/wrap" && go mod edit -replace "github.com/prometheus/alertmanager=$work/alertmanager" \
  && go build -v -trimpath -mod=readonly -o "$OUT/alertmanager" -ldflags "$ldflags" github.com/prometheus/alertmanager/cmd/alertmanager)
"$OUT/amtool" --version | head -1
"$OUT/alertmanager" --version | head -1
