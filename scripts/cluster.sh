#!/usr/bin/env bash
# A local Kubernetes cluster on 127.0.0.1 for deploy tests, without a container engine:
# real etcd, kube-apiserver, kube-controller-manager and kube-scheduler (Kubernetes v1.34.4), with
# kwok standing in for the kubelets of fake nodes. Pods are scheduled, get fake IPs and become
# Running and Ready (Job pods Succeeded) without running anything; Services get endpoints; claims
# of the default StorageClass (kwok-volume, expandable) are provisioned, bound and, when their
# request grows, resized; Ingresses and LoadBalancer Services get the address 127.0.0.1.
# kwok's behaviour is in scripts/cluster/kwok/*.yaml (stages), the StorageClass in
# scripts/cluster/storageclass.yaml.
#
#   scripts/cluster.sh up       # build the tools if needed (cached), start, wait until usable
#   scripts/cluster.sh status   # what is running; exit 0 all, 1 some, 3 none
#   scripts/cluster.sh down     # stop what `up` started, remove the state (logs are kept)
#   export KUBECONFIG="$PWD/.cluster/kubeconfig" PATH="$PWD/.tools/bin:$PATH"   # then kubectl ...
#
# Environment:
#   CLUSTER_DIR                      state: certificates, etcd data, kubeconfigs, PID files, logs
#                                    (default .cluster/ in the checkout, git-ignored)
#   CLUSTER_ETCD_PORT=2379           etcd clients        CLUSTER_ETCD_PEER_PORT=2380  etcd peers
#   CLUSTER_APISERVER_PORT=6443      kube-apiserver (HTTPS)
#   CLUSTER_CONTROLLER_MANAGER_PORT=10257, CLUSTER_SCHEDULER_PORT=10259   their /healthz (HTTPS)
#   CLUSTER_KWOK_PORT=10247          kwok's /healthz and /metrics (HTTP)
#   CLUSTER_NODES=3                  fake nodes kwok-node-0..N-1 in zones zone-a, zone-b, zone-c,
#                                    each with 32 CPUs, 128Gi of memory and room for 110 pods
#   CLUSTER_START_TIMEOUT=90         seconds each component gets to become healthy
#
# Every port listens on 127.0.0.1 only. Certificates (a CA made here, the apiserver's serving
# certificate for 127.0.0.1/localhost, client certificates for the admin, the controller manager,
# the scheduler and kwok, a front-proxy CA and client for the aggregation layer, the
# service-account signing key) are made with openssl at the first `up` and live only in
# CLUSTER_DIR (mode 700). etcd speaks plain HTTP on loopback and skips fsync: its data is thrown
# away by `down`. Networks: services 10.96.0.0/16, pods 10.244.0.0/16 (a /24 per node), node
# addresses 10.240.0.10 and up -- all fake, and never dialled: kube-apiserver's own connections
# into the cluster (kubectl logs/exec/port-forward, webhooks, aggregated APIs) go to a proxy
# socket that nobody serves (its --egress-selector-config-file), so they fail at once on this
# machine. Logs: CLUSTER_DIR/logs/<component>.log; `down` keeps them until the next `up`.
#
# `up` on a running cluster says so and exits 0; `up` after a crash or a reboot (a PID file whose
# process is gone) starts again whatever is missing, on the state that is there. A port that is
# taken stops `up` before anything starts, naming the port, who holds it and the variable to change.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
manifests="$repo/scripts/cluster"
bin="$repo/.tools/bin"
dir="${CLUSTER_DIR:-$repo/.cluster}"
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

ETCD_PORT="${CLUSTER_ETCD_PORT:-2379}"
ETCD_PEER_PORT="${CLUSTER_ETCD_PEER_PORT:-2380}"
APISERVER_PORT="${CLUSTER_APISERVER_PORT:-6443}"
KCM_PORT="${CLUSTER_CONTROLLER_MANAGER_PORT:-10257}"
SCHEDULER_PORT="${CLUSTER_SCHEDULER_PORT:-10259}"
KWOK_PORT="${CLUSTER_KWOK_PORT:-10247}"
NODES="${CLUSTER_NODES:-3}"
TIMEOUT="${CLUSTER_START_TIMEOUT:-90}"

SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1 # the `kubernetes` Service: first address of SERVICE_CIDR
POD_CIDR=10.244.0.0/16

COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

say() { echo "cluster: $*" >&2; }
die() { echo "scripts/cluster.sh: $*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# ---- components -------------------------------------------------------------------------------

# The ports a component listens on, and the variable that sets each (for messages).
ports_of() {
  case "$1" in
    etcd) echo "$ETCD_PORT:CLUSTER_ETCD_PORT $ETCD_PEER_PORT:CLUSTER_ETCD_PEER_PORT" ;;
    kube-apiserver) echo "$APISERVER_PORT:CLUSTER_APISERVER_PORT" ;;
    kube-controller-manager) echo "$KCM_PORT:CLUSTER_CONTROLLER_MANAGER_PORT" ;;
    kube-scheduler) echo "$SCHEDULER_PORT:CLUSTER_SCHEDULER_PORT" ;;
    kwok) echo "$KWOK_PORT:CLUSTER_KWOK_PORT" ;;
  esac
}

pidfile() { echo "$dir/run/$1.pid"; }

# While any component runs, the ports and node count it was started with (recorded by `up`) win
# over the environment, so that status and a partial restart use the same ones.
load_recorded_ports() {
  local name
  [ -f "$dir/run/settings.env" ] || return 0
  for name in "${COMPONENTS[@]}"; do
    if running_pid "$name" >/dev/null; then
      # shellcheck disable=SC1091
      . "$dir/run/settings.env"
      return 0
    fi
  done
}

# Prints the PID of a running component that this state dir started; fails otherwise. A process
# counts only if its command line is that component's binary with this state dir in its
# arguments, so a PID that the system has since given to another process is never taken for ours.
running_pid() {
  local f pid cmd
  f="$(pidfile "$1")"
  [ -f "$f" ] || return 1
  pid="$(cat "$f" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  cmd="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [ "$(basename "$(head -1 <<<"$cmd")")" = "$1" ] || return 1
  grep -qF -- "$dir/" <<<"$cmd" || return 1
  # A zombie (exited, not yet reaped) is not running.
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != "Z" ] || return 1
  echo "$pid"
}

# Who listens on a TCP port, on any address ("" if nobody).
port_holder() {
  local out
  if command -v ss >/dev/null 2>&1; then
    out="$(ss -Htlnp "sport = :$1" 2>/dev/null || true)"
    [ -n "$out" ] || return 0
    local who
    # users:(("etcd",pid=17822,fd=8)) -> etcd (pid 17822)
    who="$(grep -o 'users:((.*))' <<<"$out" | head -1 |
      sed 's/^users:((//; s/))$//; s/"\([^"]*\)",pid=\([0-9]*\),fd=[0-9]*/\1 (pid \2)/g; s/),(/, /g')"
    echo "${who:-a process this user cannot see} (listening on $(awk '{print $4}' <<<"$out" | head -1))"
  elif (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "another process (install iproute2 for ss to see which)"
  fi
}

# ---- certificates and kubeconfigs -------------------------------------------------------------

pki="$dir/pki"

make_ca() { # make_ca NAME
  [ -f "$pki/$1.crt" ] && [ -f "$pki/$1.key" ] && return 0
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$1.key" 2>/dev/null
  openssl req -x509 -new -key "$pki/$1.key" -sha256 -days 3650 -out "$pki/$1.crt" \
    -subj "/CN=observability-stack-local-$1" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
}

# make_cert CA NAME SUBJECT EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
make_cert() {
  local ca="$1" name="$2" subj="$3" eku="$4" san="${5:-}"
  [ -f "$pki/$name.crt" ] && [ -f "$pki/$name.key" ] && return 0
  local ext="$pki/$name.ext"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [ -z "$san" ] || echo "subjectAltName=$san"
  } >"$ext"
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$name.key" 2>/dev/null
  openssl req -new -key "$pki/$name.key" -subj "$subj" 2>/dev/null |
    openssl x509 -req -CA "$pki/$ca.crt" -CAkey "$pki/$ca.key" -set_serial "0x$(openssl rand -hex 16)" \
      -days 365 -sha256 -extfile "$ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$ext"
}

kubeconfig() { # kubeconfig FILE CERT_NAME
  local b64='base64 -w0'
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $($b64 <"$pki/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $($b64 <"$pki/$2.crt")
    client-key-data: $($b64 <"$pki/$2.key")
contexts:
- name: local
  context:
    cluster: local
    user: $2
current-context: local
EOF
  chmod 600 "$1"
}

make_pki() {
  command -v openssl >/dev/null 2>&1 || die "openssl is needed to make the cluster's certificates: apt-get install openssl"
  mkdir -p "$pki"
  chmod 700 "$pki"
  if [ ! -f "$pki/ca.crt" ] || [ ! -f "$pki/ca.key" ]; then
    rm -f "$pki"/* # whatever another CA signed is useless now
  fi
  make_ca ca
  make_cert ca apiserver "/CN=kube-apiserver" serverAuth \
    "IP:127.0.0.1,DNS:localhost,IP:$SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  make_cert ca admin "/O=system:masters/CN=observability-stack-admin" clientAuth
  make_cert ca controller-manager "/CN=system:kube-controller-manager" clientAuth
  make_cert ca scheduler "/CN=system:kube-scheduler" clientAuth
  # kwok writes the status of nodes, pods, claims and volumes, and creates volumes and leases.
  make_cert ca kwok "/O=system:masters/CN=kwok" clientAuth
  # The aggregation layer's client identity, from a CA of its own (as kubeadm does): what it
  # signs may assert any user to an aggregated API server.
  make_ca front-proxy-ca
  make_cert front-proxy-ca front-proxy-client "/CN=front-proxy-client" clientAuth
  if [ ! -f "$pki/sa.key" ] || [ ! -f "$pki/sa.pub" ]; then
    openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$pki/sa.key"
    openssl ec -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  fi
  # The ports are in the kubeconfigs: write them at every start.
  kubeconfig "$dir/kubeconfig" admin
  kubeconfig "$dir/controller-manager.kubeconfig" controller-manager
  kubeconfig "$dir/scheduler.kubeconfig" scheduler
  kubeconfig "$dir/kwok.kubeconfig" kwok
}

# ---- starting ---------------------------------------------------------------------------------

# Sets CMD to a component's command line.
command_of() {
  case "$1" in
    etcd)
      CMD=("$bin/etcd" --name=local --data-dir="$dir/etcd" \
        --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster="local=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state=new \
        --unsafe-no-fsync --log-level=warn)
      ;;
    kube-apiserver)
      CMD=("$bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
        --bind-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
        --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
        --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
        --client-ca-file="$pki/ca.crt" --authorization-mode=RBAC \
        --service-account-issuer=https://kubernetes.default.svc.cluster.local \
        --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
        --service-cluster-ip-range="$SERVICE_CIDR" --allow-privileged=true \
        --requestheader-client-ca-file="$pki/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
        --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
        --requestheader-extra-headers-prefix=X-Remote-Extra- \
        --proxy-client-cert-file="$pki/front-proxy-client.crt" --proxy-client-key-file="$pki/front-proxy-client.key" \
        --egress-selector-config-file="$dir/egress-selector.yaml" \
        --kubelet-preferred-address-types=Hostname --cert-dir="$dir/run/kube-apiserver" \
        --profiling=false)
      ;;
    kube-controller-manager)
      CMD=("$bin/kube-controller-manager" --kubeconfig="$dir/controller-manager.kubeconfig" \
        --authentication-kubeconfig="$dir/controller-manager.kubeconfig" \
        --authorization-kubeconfig="$dir/controller-manager.kubeconfig" \
        --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$dir/run/kube-controller-manager" \
        --leader-elect=false --use-service-account-credentials=true \
        --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
        --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
        --service-cluster-ip-range="$SERVICE_CIDR" --cluster-cidr="$POD_CIDR" --allocate-node-cidrs=false \
        --profiling=false)
      ;;
    kube-scheduler)
      CMD=("$bin/kube-scheduler" --kubeconfig="$dir/scheduler.kubeconfig" \
        --authentication-kubeconfig="$dir/scheduler.kubeconfig" \
        --authorization-kubeconfig="$dir/scheduler.kubeconfig" \
        --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" --cert-dir="$dir/run/kube-scheduler" \
        --leader-elect=false --profiling=false \
        --pod-max-in-unschedulable-pods-duration=10s)
      # A pod that waits for its claim to bind is parked as unschedulable; when the bind event
      # races its parking, it stays there until this flush (default 5 min: a cold CI run once
      # waited 300 s for prometheus-1). Deprecated upstream but present in the pinned 1.34.
      ;;
    kwok)
      CMD=("$bin/kwok" --kubeconfig="$dir/kwok.kubeconfig" --config="$dir/kwok.yaml" \
        --manage-nodes-with-label-selector=type=kwok --cidr="$POD_CIDR" \
        --server-address="127.0.0.1:$KWOK_PORT" --node-lease-duration-seconds=40)
      ;;
  esac
}

healthy() {
  local c=(curl -fsS --max-time 2 -o /dev/null)
  case "$1" in
    etcd) "${c[@]}" "http://127.0.0.1:$ETCD_PORT/health" ;;
    kube-apiserver) "${c[@]}" --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
      "https://127.0.0.1:$APISERVER_PORT/readyz" ;;
    kube-controller-manager) "${c[@]}" -k "https://127.0.0.1:$KCM_PORT/healthz" ;;
    kube-scheduler) "${c[@]}" -k "https://127.0.0.1:$SCHEDULER_PORT/healthz" ;;
    kwok) "${c[@]}" "http://127.0.0.1:$KWOK_PORT/healthz" ;;
  esac 2>/dev/null
}

started=()

start() {
  local name="$1" log="$dir/logs/$1.log" pid
  mkdir -p "$dir/run/$name"
  say "starting $name (log: $log)"
  # A session of its own (setsid) and no terminal: the cluster outlives this script, ignores the
  # terminal's Ctrl-C, and holds no pipe of whoever ran `up` open. In a non-interactive shell a
  # background job is no process group leader, so setsid execs in place: $! is the component.
  command_of "$name"
  setsid "${CMD[@]}" </dev/null >"$log" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$(pidfile "$name")"
  started+=("$name")
}

wait_healthy() {
  local name="$1" deadline=$((SECONDS + TIMEOUT))
  until healthy "$name"; do
    if ! running_pid "$name" >/dev/null; then
      fail "$name exited while starting; the end of its log ($dir/logs/$name.log):" "$name"
    fi
    [ "$SECONDS" -lt "$deadline" ] || fail "$name did not become healthy in ${TIMEOUT}s (CLUSTER_START_TIMEOUT); the end of its log ($dir/logs/$name.log):" "$name"
    sleep 0.2
  done
}

# Reports a failed start with the end of the component's log, stops what this `up` started, exits 1.
fail() {
  local name="${2:-}"
  echo "scripts/cluster.sh: $1" >&2
  [ -z "$name" ] || tail -n 25 "$dir/logs/$name.log" >&2 || true
  if [ "${#started[@]}" -gt 0 ]; then
    say "stopping what this run started: ${started[*]}"
    local i
    for ((i = ${#started[@]} - 1; i >= 0; i--)); do stop "${started[$i]}"; done
  fi
  exit 1
}

nodes_manifest() {
  local i zones=(a b c)
  for ((i = 0; i < NODES; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node.kubernetes.io/instance-type: kwok
    topology.kubernetes.io/region: local
    topology.kubernetes.io/zone: zone-${zones[$((i % 3))]}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
spec:
  podCIDR: 10.244.$i.0/24
  podCIDRs: [10.244.$i.0/24]
status:
  allocatable: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 1Ti}
  capacity: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 1Ti}
  addresses:
  - {type: InternalIP, address: 10.240.0.$((10 + i))}
  - {type: Hostname, address: localhost}
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: v1.34.4
    kubeProxyVersion: v1.34.4
    containerRuntimeVersion: kwok
    kernelVersion: kwok
    osImage: kwok
    machineID: ""
    bootID: ""
    systemUUID: ""
EOF
  done
}

print_usage_hint() {
  cat >&2 <<EOF
cluster: up: https://127.0.0.1:$APISERVER_PORT, $NODES kwok nodes, default StorageClass kwok-volume
  export KUBECONFIG="$dir/kubeconfig"
  export PATH="$bin:\$PATH"      # kubectl v1.34.4
  kubectl get nodes
  scripts/cluster.sh down        # stops it and removes its state
EOF
}

cmd_up() {
  local t0=$SECONDS name pid running=() missing=() held=() p port var who k

  for name in "${COMPONENTS[@]}"; do
    if pid="$(running_pid "$name")"; then
      running+=("$name")
    else
      missing+=("$name")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    say "already up (${running[*]})"
    print_usage_hint
    return 0
  fi

  [[ "$NODES" =~ ^[0-9]+$ ]] && [ "$NODES" -ge 1 ] && [ "$NODES" -le 250 ] || die "CLUSTER_NODES must be a number from 1 to 250, not '$NODES'"
  [[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "CLUSTER_START_TIMEOUT must be a number of seconds, not '$TIMEOUT'"
  local seen=" "
  for name in "${COMPONENTS[@]}"; do
    for p in $(ports_of "$name"); do
      port="${p%%:*}" var="${p#*:}"
      [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "$var must be a TCP port number, not '$port'"
      [[ "$seen" != *" $port "* ]] || die "$var=$port: that port is already given to another component"
      seen+="$port "
    done
  done
  command -v curl >/dev/null 2>&1 || die "curl is needed for the health checks: apt-get install curl"
  command -v setsid >/dev/null 2>&1 || die "setsid is needed to start the components: apt-get install util-linux"

  # Stale PID files (the process is gone, e.g. after a crash or a reboot): forget them.
  for name in "${missing[@]}"; do
    if [ -f "$(pidfile "$name")" ]; then
      say "$name: stale PID file ($(cat "$(pidfile "$name")" 2>/dev/null), not running): removed"
      rm -f "$(pidfile "$name")"
    fi
  done
  # Every port of every component to start must be free, before anything starts.
  for name in "${missing[@]}"; do
    for p in $(ports_of "$name"); do
      port="${p%%:*}" var="${p#*:}"
      who="$(port_holder "$port")"
      [ -z "$who" ] || held+=("port $port ($name) is in use by $who: stop that process, or set $var to a free port")
    done
  done
  if [ "${#held[@]}" -gt 0 ]; then
    for k in "${held[@]}"; do echo "scripts/cluster.sh: $k" >&2; done
    die "not starting anything (the ports' variables are listed in scripts/cluster.sh --help)"
  fi
  [ "${#running[@]}" -eq 0 ] || say "already running: ${running[*]}; starting the rest: ${missing[*]}"

  "$repo/tools/build.sh" etcd kube kwok
  mkdir -p "$dir/logs" "$dir/run"
  cat >"$dir/run/settings.env" <<EOF
ETCD_PORT=$ETCD_PORT ETCD_PEER_PORT=$ETCD_PEER_PORT APISERVER_PORT=$APISERVER_PORT
KCM_PORT=$KCM_PORT SCHEDULER_PORT=$SCHEDULER_PORT KWOK_PORT=$KWOK_PORT NODES=$NODES
EOF
  make_pki
  {
    # Stages only: kwok v0.8.0 applies its option defaults only when the configuration has no
    # KwokConfiguration, so the options are flags (command_of).
    echo "# Made by scripts/cluster.sh from scripts/cluster/kwok/*.yaml."
    for k in "$manifests"/kwok/*.yaml; do
      echo "---"
      cat "$k"
    done
  } >"$dir/kwok.yaml"

  # kube-apiserver's connections into the "cluster" (to kubelets for logs/exec/port-forward, to
  # webhooks and aggregated APIs behind Services) and to webhooks by URL ("controlplane") go through
  # an HTTP CONNECT proxy on a Unix socket that nobody serves: they fail at once, on this machine,
  # instead of dialling the fake node, pod and service addresses. etcd is dialled directly.
  cat >"$dir/egress-selector.yaml" <<EOF
apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport:
      uds:
        udsName: $dir/run/egress-blocked.sock
- name: controlplane
  connection:
    proxyProtocol: HTTPConnect
    transport:
      uds:
        udsName: $dir/run/egress-blocked.sock
EOF

  local t_start=$SECONDS
  for name in etcd kube-apiserver; do
    if [[ " ${missing[*]} " == *" $name "* ]]; then
      start "$name"
      wait_healthy "$name"
    fi
  done
  for name in kube-controller-manager kube-scheduler kwok; do
    [[ " ${missing[*]} " != *" $name "* ]] || start "$name"
  done
  for name in kube-controller-manager kube-scheduler kwok; do
    [[ " ${missing[*]} " != *" $name "* ]] || wait_healthy "$name"
  done

  local kc=("$bin/kubectl" --kubeconfig="$dir/kubeconfig" --request-timeout=20s)
  say "creating $NODES nodes and the default StorageClass"
  nodes_manifest | "${kc[@]}" apply -f - >/dev/null || fail "could not create the nodes"
  "${kc[@]}" apply -f "$manifests/storageclass.yaml" >/dev/null || fail "could not create the StorageClass"
  "${kc[@]}" wait --for=condition=Ready nodes -l type=kwok --timeout="${TIMEOUT}s" >/dev/null ||
    fail "the nodes did not become Ready (kwok's log: $dir/logs/kwok.log)" kwok
  # The controller manager is working once it has given the default namespace its service account
  # and CA bundle; pods are refused until the service account exists.
  local deadline=$((SECONDS + TIMEOUT))
  until "${kc[@]}" -n default get serviceaccount/default configmap/kube-root-ca.crt >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "no default ServiceAccount after ${TIMEOUT}s" kube-controller-manager
    sleep 0.2
  done
  say "started in $((SECONDS - t_start))s ($((SECONDS - t0))s with the tool check)"
  print_usage_hint
}

# ---- stopping ---------------------------------------------------------------------------------

stop() {
  local name="$1" pid i
  if ! pid="$(running_pid "$name")"; then
    if [ -f "$(pidfile "$name")" ]; then
      say "$name: not running (stale PID file removed)"
      rm -f "$(pidfile "$name")"
    fi
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do # 15 s
    running_pid "$name" >/dev/null || break
    sleep 0.1
  done
  if running_pid "$name" >/dev/null; then
    say "$name (pid $pid) did not stop within 15s of SIGTERM: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      running_pid "$name" >/dev/null || break
      sleep 0.1
    done
  fi
  running_pid "$name" >/dev/null && die "$name (pid $pid) is still running"
  say "stopped $name (pid $pid)"
  rm -f "$(pidfile "$name")"
}

cmd_down() {
  local i name was_up=0
  for name in "${COMPONENTS[@]}"; do running_pid "$name" >/dev/null && was_up=1; done
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop "${COMPONENTS[$i]}"; done
  # Keep the logs (for a look after a failed test); remove the rest of the state.
  if [ -d "$dir" ]; then
    for name in "$dir"/* "$dir"/.[!.]*; do
      [ -e "$name" ] || continue
      case "$(basename "$name")" in logs | .lock) ;; *) rm -rf "$name" ;; esac
    done
    if [ "$was_up" = 1 ]; then
      say "down; state removed, logs kept in $dir/logs"
    else
      say "was not up; state removed, logs kept in $dir/logs"
    fi
  fi
}

cmd_status() {
  local name pid n=0 p ports
  for name in "${COMPONENTS[@]}"; do
    ports=""
    for p in $(ports_of "$name"); do ports+="${ports:+,}127.0.0.1:${p%%:*}"; done
    if pid="$(running_pid "$name")"; then
      n=$((n + 1))
      printf '%-24s running (pid %s, %s)\n' "$name" "$pid" "$ports"
    elif [ -f "$(pidfile "$name")" ]; then
      printf '%-24s not running (stale PID file %s)\n' "$name" "$(pidfile "$name")"
    else
      printf '%-24s not running\n' "$name"
    fi
  done
  if [ "$n" -gt 0 ] && running_pid kube-apiserver >/dev/null && [ -x "$bin/kubectl" ]; then
    echo
    echo "KUBECONFIG=$dir/kubeconfig"
    "$bin/kubectl" --kubeconfig="$dir/kubeconfig" --request-timeout=5s get nodes 2>&1 || true
  fi
  [ "$n" -eq "${#COMPONENTS[@]}" ] && return 0
  [ "$n" -eq 0 ] && return 3
  return 1
}

# ---- main -------------------------------------------------------------------------------------

[ $# -eq 1 ] || usage
case "$1" in
  up | down | status) ;;
  -h | --help | help) usage ;;
  *) usage ;;
esac

load_recorded_ports
if [ "$1" = status ] || { [ "$1" = down ] && [ ! -d "$dir" ]; }; then
  [ "$1" = status ] || { say "not up (no $dir)"; exit 0; }
  cmd_status
  exit $?
fi
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock -n 9 || { say "another scripts/cluster.sh up/down on $dir is under way; waiting for it"; flock 9; }
"cmd_$1"
