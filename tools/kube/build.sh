#!/usr/bin/env bash
# Builds Kubernetes v1.34.4's kube-apiserver, kube-controller-manager, kube-scheduler and kubectl
# into $OUT. Called by tools/build.sh. scripts/cluster.sh runs them (with etcd and kwok, no
# container engine and no kubelet) as a local cluster on 127.0.0.1 that deploy tests target.
#
# The four are built by one `go build` so that they share the compilation of the ~2,000 packages
# they have in common. `providerless` leaves out the in-tree cloud providers, which a cluster on
# loopback has no use for. The version variables are the ones Kubernetes' own build (hack/lib/
# version.sh) sets: without them the binaries report v0.0.0-master, and clients such as the
# Pulumi kubernetes provider read the server's version.
set -euo pipefail
version=v1.34.4
echo "tools/kube: building Kubernetes $version (a first build compiles ~2,500 packages: about 5-6 minutes on 2 idle cores, far longer when they are shared)" >&2
v=k8s.io/component-base/version
cv=k8s.io/client-go/pkg/version
ldflags="-s -w"
for pkg in $v $cv; do
  ldflags="$ldflags -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=34"
  ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
go build -trimpath -mod=readonly -tags providerless -ldflags "$ldflags" -o "$OUT/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler \
  k8s.io/kubernetes/cmd/kubectl
"$OUT/kube-apiserver" --version
"$OUT/kubectl" version --client
