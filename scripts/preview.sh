#!/usr/bin/env bash
# Previews a stack with the policy pack, offline, with the project's own pinned Pulumi toolchain.
#
#   scripts/preview.sh [STACK] [extra `pulumi preview` arguments...]
#   scripts/preview.sh                 # the dev stack
#   scripts/preview.sh prod --diff     # the prod stack, with a detailed diff
#   PREVIEW_POLICY_PACK=0 scripts/preview.sh   # without the policy pack
#   PREVIEW_POLICY_CONFIG=FILE                 # another policy config than policies/config/<STACK>.json
#   PREVIEW_SECRET_<key>=VALUE                 # set secret config <key> of the local stack first
#
# The policy pack runs with policies/config/<STACK>.json when that file exists.
#
# On a fresh machine it does all the set-up: `npm ci` (from the lockfile) when node_modules is missing, and
# tools/build.sh for the Pulumi CLI with its Node.js language host and for the provider plugins
# (a first build takes 15-25 minutes on 2 cores; later runs use the cached binaries). Stack state lives in
# .pulumi-state/ in the checkout (git-ignored); nothing is sent anywhere and no cluster is needed:
# the preview is computed client-side.
#
# Provider plugins: the kubernetes plugin is the real one, built by tools/kubernetes (v4.25.0, the
# release of the pinned @pulumi/kubernetes). The random, grafana and aws plugins cannot be built from
# the Go module proxy (their modules are refused at every version; pulumi-aws needs a patched git
# submodule besides), so unless a tools/<name> folder builds the real one, the preview installs
# tools/preview-stub-provider in their place and says so in a NOTE (PREVIEW_STUB_PROVIDERS=1 forces
# the stub for all four). The stub passes each resource's inputs through unchanged: the program, the
# plan and the policy pack run for real, but there is no provider-side validation and computed
# outputs show as unknown. It refuses to deploy anything. Plugins live in .pulumi-state/home, never
# in ~/.pulumi. With no reachable cluster in the kubeconfig, the real kubernetes plugin previews
# without the API server's dry run; with one (scripts/cluster.sh), the API server checks every object.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

stack=dev
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  stack="$1"
  shift
fi

say() { echo "preview: $*" >&2; }
npm_sdk() { case "$1" in grafana) echo @pulumiverse/grafana ;; *) echo "@pulumi/$1" ;; esac; }

if [ ! -d node_modules ]; then
  say "installing npm dependencies from package-lock.json"
  npm ci --no-audit --no-fund
fi

tools/build.sh pulumi

export PATH="$repo/.tools/bin:$PATH"
# Plugins come only from a plugin folder inside .pulumi-state/ (and the language host bundled next
# to the CLI), never from $PATH or ~/.pulumi: a preview uses exactly the pinned builds, the engine
# checks each provider's version against the one its npm SDK asks for, and the preview stub can
# never end up in the plugin folder of a real deployment.
export PULUMI_HOME="$repo/.pulumi-state/home"
export PULUMI_IGNORE_AMBIENT_PLUGINS=true

# install_plugin NAME VERSION BINARY: put BINARY into the plugin folder as provider NAME@VERSION,
# unless that exact binary is there already.
install_plugin() {
  if ! cmp -s "$3" "$PULUMI_HOME/plugins/resource-$1-v$2/pulumi-resource-$1"; then
    pulumi plugin install resource "$1" "$2" --file "$3" --reinstall >&2
  fi
}

# Provider plugins: a real one when a tools/<name> folder builds it, else the preview stub.
stubbed=()
for plugin in kubernetes random grafana aws; do
  want="$(node -p "require('./node_modules/$(npm_sdk "$plugin")/package.json').version")"
  if [ -f "tools/$plugin/build.sh" ] && [ -z "${PREVIEW_STUB_PROVIDERS:-}" ]; then
    tools/build.sh "$plugin"
    install_plugin "$plugin" "$want" "$repo/.tools/bin/pulumi-resource-$plugin"
  else
    stubbed+=("$plugin")
  fi
done
if [ ${#stubbed[@]} -gt 0 ]; then
  tools/build.sh preview-stub-provider
  for plugin in "${stubbed[@]}"; do
    want="$(node -p "require('./node_modules/$(npm_sdk "$plugin")/package.json').version")"
    have="$(.tools/bin/preview-stub-provider | sed -n "s/^$plugin=//p")"
    if [ "$want" != "$have" ]; then
      say "the npm SDK for $plugin is $want but tools/preview-stub-provider/build.sh reports $have; make them equal"
      exit 1
    fi
    install_plugin "$plugin" "$want" "$repo/.tools/bin/preview-stub-provider"
  done
  say "NOTE: provider plugin(s) ${stubbed[*]} are the preview stub (inputs passed through, no provider-side checks)"
fi

export PULUMI_BACKEND_URL="file://$repo/.pulumi-state"
# This passphrase only protects the local preview state in .pulumi-state/ (and secret config
# encrypted for local stacks). It is not a deployment secret; set your own to override it.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-local-preview-only}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# The language host built here predates passing runtime options through the engine; the project
# and the policy pack are TypeScript.
export PULUMI_NODEJS_TYPESCRIPT=true
mkdir -p .pulumi-state

# Creating a local stack writes a passphrase salt (encryptionsalt) into Pulumi.<stack>.yaml. When
# that line is all it changed, put the file back as it was afterwards, so a preview leaves the
# checkout clean. Once a stack file holds secure values of its own it keeps its salt untouched.
stack_file="Pulumi.$stack.yaml"
saved=""
# shellcheck disable=SC2317  # run by the EXIT trap
restore_stack_file() {
  [ -n "$saved" ] || return 0
  if [ ! -s "$saved" ]; then
    if [ -f "$stack_file" ] && ! grep -qv '^encryptionsalt:' "$stack_file"; then rm -f "$stack_file"; fi
  elif diff <(grep -v '^encryptionsalt:' "$stack_file") "$saved" >/dev/null 2>&1; then
    cp "$saved" "$stack_file"
  fi
  rm -f "$saved"
}
if [ ! -f "$stack_file" ] || ! grep -q '^encryptionsalt:' "$stack_file"; then
  saved="$(mktemp)"
  if [ -f "$stack_file" ]; then cp "$stack_file" "$saved"; fi
  trap restore_stack_file EXIT
fi

pulumi stack select --create "$stack" --non-interactive

# PREVIEW_SECRET_<key>=<value> sets secret config <key> of the local stack (encrypted with the
# local passphrase), for previews of stacks whose receivers need credentials.
while IFS='=' read -r var value; do
  key="${var#PREVIEW_SECRET_}"
  pulumi config set --secret --stack "$stack" "$key" "$value" --non-interactive
done < <(env | grep '^PREVIEW_SECRET_' || true)

# The pack's per-environment settings (bounds, enforcement levels) are policies/config/<stack>.json.
# PREVIEW_POLICY_CONFIG=FILE overrides it.
policy_args=(--policy-pack policies)
policy_config="${PREVIEW_POLICY_CONFIG:-policies/config/$stack.json}"
if [ -f "$policy_config" ]; then
  policy_args+=(--policy-pack-config "$policy_config")
fi
if [ "${PREVIEW_POLICY_PACK:-1}" = 0 ]; then
  policy_args=()
  say "running without the policy pack (PREVIEW_POLICY_PACK=0)"
fi

status=0
pulumi preview --stack "$stack" --non-interactive "${policy_args[@]}" "$@" || status=$?
exit "$status"
