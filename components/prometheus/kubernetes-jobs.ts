/**
 * Scrape jobs for Kubernetes itself: kube-state-metrics, each node's kubelet and cAdvisor, and the
 * API server. Pure; buildPrometheusConfig adds them and promtool checks the result.
 *
 * The kubelet and cAdvisor are scraped on each node's kubelet port (10250, the address the node role
 * discovers), with Prometheus' service-account token, not through the API server's node proxy: the
 * proxy would put every scrape of every node through the API server (its CPU and its rate limits),
 * and a slow API server would then blind the very alerts that should tell about it. The token needs
 * `get` on `nodes/metrics` (Prometheus' ClusterRole has it); `nodes/proxy` is not needed.
 */
import { JOBS } from "../endpoints";

/** Where Kubernetes mounts the pod's service-account token and the cluster CA. */
export const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * TLS verification of the kubelets' serving certificates: OFF. This is the one place that decides it.
 * Most clusters' kubelets serve a self-signed certificate (no `serverTLSBootstrap`), which no CA
 * file can verify; the scrape still authenticates Prometheus with its token, and the kubelet's
 * answer is only metrics. A cluster whose kubelets have CA-signed serving certificates should set
 * this to false (true = skip verification).
 */
export const KUBELET_INSECURE_SKIP_VERIFY = true;

/**
 * Series dropped at scrape time because no rule or dashboard reads them and they are the bulk of
 * what these targets expose (per-operation latency histograms, per-cgroup details). Each is a regex
 * on the metric name, kept in one table so the README can list them.
 */
export const DROPPED_SERIES = {
  kubelet: [
    // Latency histograms of the kubelet's internal operations and of its API client: ~60 buckets × operation × node.
    "kubelet_(runtime_operations|pleg_relist|pod_worker|pod_start|cgroup_manager|http_requests)_duration_seconds_bucket",
    "(storage_operation|csi_operations)_duration_seconds_bucket",
    "rest_client_(request|rate_limiter)_duration_seconds_bucket",
    "rest_client_(request|response)_size_bytes_bucket",
    // The API-server libraries' own series the kubelet links in (the apiserver job has the real ones).
    "apiserver_.*",
  ],
  cadvisor: [
    // Per-container series nobody here queries (kube-prometheus drops the same).
    "container_cpu_(load_average_10s|system_seconds_total|user_seconds_total|cfs_throttled_seconds_total)",
    "container_fs_(io_current|io_time_seconds_total|io_time_weighted_seconds_total|reads_merged_total|sector_reads_total|sector_writes_total|writes_merged_total)",
    "container_memory_(mapped_file|swap|failures_total)",
    "container_(file_descriptors|tasks_state|threads_max|sockets|ulimits_soft|last_seen|start_time_seconds)",
    "container_spec_.*",
    "container_blkio_device_usage_total",
  ],
  apiserver: [
    // Latency and size histograms per resource × verb × bucket: the largest series set of a cluster.
    "apiserver_request_(duration|sli_duration|slo_duration)_seconds_bucket",
    "apiserver_(response_sizes|watch_events_sizes|watch_list_duration_seconds)_bucket",
    "etcd_request_duration_seconds_bucket",
    "apiserver_admission_.*_bucket",
  ],
} as const;

/** kube-state-metrics' Service, as the KubeStateMetrics component exposes it. */
export interface KubernetesScrapeInput {
  kubeStateMetrics: { namespace: string; service: string; portNames: string[] };
  /** Scrape the API server through the `kubernetes` Service in `default` (on by default). */
  apiserver?: boolean;
}

type Job = Record<string, unknown>;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const drop = (names: readonly string[]) => [{ source_labels: ["__name__"], regex: `(${names.join("|")})`, action: "drop" }];

/** Authenticated HTTPS with the pod's service-account token. */
export function serviceAccountAuth(tls: Record<string, unknown>): Job {
  return { scheme: "https", authorization: { credentials_file: `${SA_DIR}/token` }, tls_config: { ca_file: `${SA_DIR}/ca.crt`, ...tls } };
}

/** Every node's kubelet, at `path`; series get `node` (and keep their own namespace/pod/container). */
function nodeJob(job: string, path: string, interval: number, dropped: readonly string[]): Job {
  return {
    job_name: job,
    scrape_interval: `${interval}s`,
    metrics_path: path,
    ...serviceAccountAuth({ insecure_skip_verify: KUBELET_INSECURE_SKIP_VERIFY }),
    // The kubelet's volume stats and cAdvisor's container series name their pod's namespace, pod and
    // container themselves: they win over any target label.
    honor_labels: true,
    kubernetes_sd_configs: [{ role: "node" }],
    relabel_configs: [{ source_labels: ["__meta_kubernetes_node_name"], target_label: "node" }],
    metric_relabel_configs: drop(dropped),
  };
}

/** The scrape jobs, in order: kube-state-metrics, kubelet, cAdvisor, API server. */
export function kubernetesScrapeJobs(input: KubernetesScrapeInput, interval: number): Job[] {
  const ksm = input.kubeStateMetrics;
  return [
    {
      job_name: JOBS.kubeStateMetrics,
      scrape_interval: `${interval}s`,
      // The objects' namespace, pod, container and node, not the exporter pod's.
      honor_labels: true,
      kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: [ksm.namespace] } }],
      relabel_configs: [
        {
          source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"],
          regex: `${escapeRegex(ksm.service)};(${ksm.portNames.map(escapeRegex).join("|")})`,
          action: "keep",
        },
        { target_label: "service", replacement: ksm.service },
      ],
    },
    nodeJob(JOBS.kubelet, "/metrics", interval, DROPPED_SERIES.kubelet),
    nodeJob(JOBS.cadvisor, "/metrics/cadvisor", interval, DROPPED_SERIES.cadvisor),
    ...(input.apiserver === false
      ? []
      : [
          {
            job_name: JOBS.apiserver,
            scrape_interval: `${interval}s`,
            // The API server's certificate is signed by the cluster CA and names kubernetes.default.svc.
            ...serviceAccountAuth({ server_name: "kubernetes.default.svc" }),
            kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: ["default"] } }],
            relabel_configs: [
              { source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"], regex: "kubernetes;https", action: "keep" },
              { target_label: "service", replacement: "kubernetes" },
            ],
            metric_relabel_configs: drop(DROPPED_SERIES.apiserver),
          },
        ]),
  ];
}
