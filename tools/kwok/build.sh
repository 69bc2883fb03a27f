#!/usr/bin/env bash
# Builds kwok v0.8.0 into $OUT. Called by tools/build.sh. scripts/cluster.sh runs it against its
# local kube-apiserver to stand in for the kubelets of fake nodes; the stages it plays (node Ready,
# pod Running/Ready, Job pod Succeeded, volume provisioning and resize, Ingress and LoadBalancer
# addresses) are in scripts/cluster/kwok/. The version variable is the one kwok's release build sets.
set -euo pipefail
version=v0.8.0
echo "tools/kwok: building kwok $version (a first build compiles ~1,000 packages: about 2 minutes on 2 idle cores)" >&2
go build -trimpath -mod=readonly -o "$OUT/kwok" \
  -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$version" \
  sigs.k8s.io/kwok/cmd/kwok
"$OUT/kwok" --version
