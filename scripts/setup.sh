#!/usr/bin/env bash
# Sets up a fresh machine for the tests: npm packages from the lockfile, then the pinned tools the
# tests run (built from the Go module proxy, or for checkov installed with pip into a virtualenv,
# and cached outside the repository; seconds when cached).
#
# `--tools all` (the default) builds both lanes below; `--tools test` or `--tools deploy` one of them;
# `--tools none` only the packages. scripts/check.sh uses the last three to run the unit tests while
# the deploy tools still build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

which=all
while [ $# -gt 0 ]; do
  case "$1" in
    --tools) which="${2:-}"; shift 2 || { echo "setup: --tools needs a value: all, test, deploy or none" >&2; exit 2; } ;;
    --tools=*) which="${1#--tools=}"; shift ;;
    *) echo "setup: unknown argument \"$1\"; allowed: --tools all|test|deploy|none" >&2; exit 2 ;;
  esac
done
case "$which" in all | test | deploy | none) ;; *) echo "setup: --tools \"$which\" is not allowed; allowed: all, test, deploy, none" >&2; exit 2 ;; esac

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages from package-lock.json (npm ci)" >&2
  # The lockfile was generated from scratch (no node_modules), so it holds every platform's
  # optional packages (@swc/core-darwin-arm64, ...) and `npm ci` accepts it on any OS. Regenerate
  # it the same way after a dependency change: rm -rf node_modules package-lock.json && npm install.
  npm ci --no-audit --no-fund
fi

# Debian packages the local Kubernetes (scripts/cluster.sh) needs: openssl for its certificates,
# curl for health checks, util-linux for setsid and flock. Installed when missing (as root).
missing=()
for pair in openssl:openssl curl:curl setsid:util-linux flock:util-linux; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    echo "setup: missing commands from Debian packages ${missing[*]}; install them (apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

# The real tools the tests prove generated configuration with, at the versions we deploy, and the
# scanner of the rendered manifests (checkov; needs Python 3.11 or newer).
TEST_TOOLS=(prometheus alertmanager jaeger actionlint sloth checkov thanos)
# The deploy test's: the engine, the real kubernetes provider, the random test double, and the
# local Kubernetes (etcd, kube-apiserver & co., kwok).
DEPLOY_TOOLS=(pulumi kubernetes random-test-double etcd kube kwok)

case "$which" in
  none) exit 0 ;;
  test) exec tools/build.sh "${TEST_TOOLS[@]}" ;;
  deploy) exec tools/build.sh "${DEPLOY_TOOLS[@]}" ;;
esac

# Two lanes side by side on a new machine: one build's module downloads and single-threaded link
# overlap the other's compiling (Go's caches are safe to share; tools/build.sh locks each tool).
# Cached, both take seconds. Each lane's output is printed when it ends, and a failed lane fails.
lanes=$(mktemp -d)
trap 'rm -rf "$lanes"' EXIT
tools/build.sh "${TEST_TOOLS[@]}" >"$lanes/test.log" 2>&1 &
test_lane=$!
tools/build.sh "${DEPLOY_TOOLS[@]}" >"$lanes/deploy.log" 2>&1 &
deploy_lane=$!
status=0
wait "$test_lane" || status=1
cat "$lanes/test.log" >&2
wait "$deploy_lane" || status=1
cat "$lanes/deploy.log" >&2
[ "$status" -eq 0 ] || { echo "setup: building the pinned tools failed (see above)" >&2; exit 1; }
