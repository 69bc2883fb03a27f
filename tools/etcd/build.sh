#!/usr/bin/env bash
# Builds etcd v3.6.16 (the server) into $OUT. Called by tools/build.sh. scripts/cluster.sh runs it
# on 127.0.0.1 as the store of its local kube-apiserver. The module path's last element is "v3",
# so the binary is named explicitly.
set -euo pipefail
echo "tools/etcd: building etcd v3.6.16 (a first build compiles ~580 packages: about 1 minute on 2 idle cores)" >&2
go build -trimpath -mod=readonly -o "$OUT/etcd" \
  -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v3.6.16" \
  go.etcd.io/etcd/server/v3
"$OUT/etcd" --version
