/**
 * Pure builder of prometheus.yml. Tested without mocks and checked by `promtool check config`.
 */
import type { Environment } from "../config/project";
import type { StaticTarget } from "./schema";
import { JOBS } from "../endpoints";
import { KubernetesScrapeInput, kubernetesScrapeJobs, serviceAccountAuth } from "./kubernetes-jobs";

/** Where the rule files are mounted; prometheus.yml loads every file there. */
export const RULES_DIR = "/etc/prometheus/rules";
/** Where prometheus.yml is mounted. */
export const CONFIG_DIR = "/etc/prometheus/config";
export const CONFIG_FILE = "prometheus.yml";

/** A component of this stack that Prometheus scrapes through its Service's endpoints. */
export interface ServiceScrapeTarget {
  /** Scrape job name (one of JOBS). */
  job: string;
  /** Namespace of the Service. */
  namespace: string;
  /** Service name. */
  service: string;
  /** Name of the Service port that serves metrics. */
  portName: string;
  /** Metrics path, default /metrics. */
  metricsPath?: string;
  /**
   * Behind kube-rbac-proxy: HTTPS with Prometheus' service-account token. The proxy's certificate is
   * self-signed (generated at its start, per node), so it is not verified; the token is what the
   * proxy checks. @default false: plain HTTP
   */
  authenticated?: boolean;
}

export interface PrometheusConfigInput {
  environment: Environment;
  /** External label `cluster`. */
  clusterName: string;
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
  /** The stack's own components (self-monitoring) and the node exporters. */
  serviceTargets: ServiceScrapeTarget[];
  /** Alertmanager's Service, found through its endpoints so every replica gets every alert. */
  alertmanager?: { namespace: string; service: string; portName: string };
  /** Static targets from config. */
  staticTargets: StaticTarget[];
  /** Kubernetes itself: kube-state-metrics, kubelets, cAdvisor, API server (kubernetes-jobs.ts). */
  kubernetes?: KubernetesScrapeInput;
  /** Rule file glob; defaults to every .yaml under RULES_DIR. */
  ruleFiles?: string[];
  /**
   * An external label that tells the replicas of an HA pair apart, for a deduplicating query layer
   * (Thanos Query's --query.replica-label): its value is the environment variable `envVar` (the pod's
   * name), which Prometheus 3 expands in external_labels. Alerts drop it (alert_relabel_configs), so
   * Alertmanager still sees one alert from the two replicas. @default none
   */
  replicaLabel?: { name: string; envVar: string };
}

type Relabel = Record<string, unknown>;

/** Keep only the endpoints of one Service port, and label series with namespace, pod and service. */
function serviceEndpointRelabels(t: { service: string; portName: string }): Relabel[] {
  return [
    { source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"], regex: `${escapeRegex(t.service)};${escapeRegex(t.portName)}`, action: "keep" },
    ...commonKubernetesLabels(),
  ];
}

function commonKubernetesLabels(): Relabel[] {
  return [
    { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
    { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
    { source_labels: ["__meta_kubernetes_pod_node_name"], target_label: "node" },
  ];
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The scrape job for workloads that opt in with the `prometheus.io/scrape: "true"` annotation
 * (pods) — `prometheus.io/port`, `prometheus.io/path` and `prometheus.io/scheme` override the
 * defaults. The series get `service` from the pod's app.kubernetes.io/name (or `app`) label.
 */
function annotatedPodsJob(interval: number): Record<string, unknown> {
  return {
    job_name: JOBS.kubernetesPods,
    scrape_interval: `${interval}s`,
    kubernetes_sd_configs: [{ role: "pod" }],
    relabel_configs: [
      { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], regex: "true", action: "keep" },
      { source_labels: ["__meta_kubernetes_pod_phase"], regex: "Pending|Succeeded|Failed", action: "drop" },
      { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scheme"], regex: "(https?)", target_label: "__scheme__" },
      { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], regex: "(.+)", target_label: "__metrics_path__" },
      {
        source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
        regex: "([^:]+)(?::\\d+)?;(\\d+)",
        replacement: "$1:$2",
        target_label: "__address__",
      },
      {
        source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name", "__meta_kubernetes_pod_label_app"],
        separator: ";",
        regex: "([^;]+);.*|;([^;]+)",
        replacement: "$1$2",
        target_label: "service",
      },
      ...commonKubernetesLabels(),
    ],
  };
}

/** The scrape job for Services annotated `prometheus.io/scrape: "true"`, through their endpoint slices. */
function annotatedServicesJob(interval: number): Record<string, unknown> {
  return {
    job_name: JOBS.kubernetesServices,
    scrape_interval: `${interval}s`,
    kubernetes_sd_configs: [{ role: "endpointslice" }],
    relabel_configs: [
      { source_labels: ["__meta_kubernetes_service_annotation_prometheus_io_scrape"], regex: "true", action: "keep" },
      { source_labels: ["__meta_kubernetes_service_annotation_prometheus_io_scheme"], regex: "(https?)", target_label: "__scheme__" },
      { source_labels: ["__meta_kubernetes_service_annotation_prometheus_io_path"], regex: "(.+)", target_label: "__metrics_path__" },
      {
        source_labels: ["__address__", "__meta_kubernetes_service_annotation_prometheus_io_port"],
        regex: "([^:]+)(?::\\d+)?;(\\d+)",
        replacement: "$1:$2",
        target_label: "__address__",
      },
      { source_labels: ["__meta_kubernetes_service_name"], target_label: "service" },
      ...commonKubernetesLabels(),
    ],
  };
}

/** prometheus.yml as a plain object. */
export function buildPrometheusConfig(input: PrometheusConfigInput): Record<string, unknown> {
  const interval = input.scrapeIntervalSeconds;
  const jobNames = new Set<string>();
  const claim = (job: string) => {
    if (jobNames.has(job)) throw new Error(`duplicate scrape job name "${job}"`);
    jobNames.add(job);
    return job;
  };

  const selfJobs = input.serviceTargets.map((t) => ({
    job_name: claim(t.job),
    scrape_interval: `${interval}s`,
    metrics_path: t.metricsPath ?? "/metrics",
    ...(t.authenticated ? serviceAccountAuth({ insecure_skip_verify: true }) : {}),
    kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: [t.namespace] } }],
    relabel_configs: [...serviceEndpointRelabels(t), { target_label: "service", replacement: t.service }],
  }));

  const staticJobs = input.staticTargets.map((t) => ({
    job_name: claim(t.job),
    scrape_interval: `${interval}s`,
    metrics_path: t.metricsPath,
    scheme: t.scheme,
    static_configs: [{ targets: t.targets, labels: { service: t.job, ...t.labels } }],
  }));

  claim(JOBS.kubernetesPods);
  claim(JOBS.kubernetesServices);
  const kubernetesJobs = input.kubernetes ? kubernetesScrapeJobs(input.kubernetes, interval) : [];
  for (const j of kubernetesJobs) claim(j.job_name as string);

  return {
    global: {
      scrape_interval: `${interval}s`,
      scrape_timeout: `${Math.min(10, interval)}s`,
      evaluation_interval: `${input.evaluationIntervalSeconds}s`,
      external_labels: {
        cluster: input.clusterName,
        environment: input.environment,
        ...(input.replicaLabel ? { [input.replicaLabel.name]: `\${${input.replicaLabel.envVar}}` } : {}),
      },
    },
    rule_files: input.ruleFiles ?? [`${RULES_DIR}/*.yaml`],
    ...(input.alertmanager
      ? {
          alerting: {
            ...(input.replicaLabel ? { alert_relabel_configs: [{ action: "labeldrop", regex: escapeRegex(input.replicaLabel.name) }] } : {}),
            alertmanagers: [
              {
                api_version: "v2",
                kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: [input.alertmanager.namespace] } }],
                relabel_configs: [
                  {
                    source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"],
                    regex: `${escapeRegex(input.alertmanager.service)};${escapeRegex(input.alertmanager.portName)}`,
                    action: "keep",
                  },
                ],
              },
            ],
          },
        }
      : {}),
    scrape_configs: [...selfJobs, annotatedPodsJob(interval), annotatedServicesJob(interval), ...kubernetesJobs, ...staticJobs],
  };
}
