/**
 * Alerts on Kubernetes itself, from kube-state-metrics, the kubelets and cAdvisor. The names are
 * kubernetes-mixin's where the alert means the same (KubePodCrashLooping, KubePodNotReady, ...), so a
 * team's runbooks and habits from kube-prometheus carry over; their expressions follow the mixin's,
 * aggregated `by` the labels each alert names its subject with, so every alert carries exactly those.
 *
 * Every alert here has category `platform` (Alertmanager routes it by severity, as every other).
 *
 * Contract with the scrape config (components/prometheus/config-file.ts, kubernetesScrapeJobs):
 * - kube-state-metrics is scraped with honor_labels, so `namespace`, `pod`, `container` and `node`
 *   are the objects', not the exporter pod's;
 * - the kubelet's own metrics are job `kubelet` (volume stats carry `namespace` and
 *   `persistentvolumeclaim`), cAdvisor's are job `cadvisor` (`namespace`, `pod`, `container`), and
 *   both carry `node`.
 */
import type { StackConfig } from "../config";
import { JOBS } from "../endpoints";
import type { AlertDefinition } from "./rules";

/**
 * Fixed thresholds of the Kubernetes alerts (kubernetes-mixin's defaults, which users know).
 * Minutes are the alerts' `for:`.
 */
export const KUBERNETES_THRESHOLDS = {
  /** A claim with less free space than this is critical, whatever its trend (mixin: 3%). */
  volumeFreeCriticalRatio: 0.03,
  /** Below this free share a claim predicted to fill within volumeFullWithinDays alerts (mixin: 15%). */
  volumeFreeWarningRatio: 0.15,
  /** "Full within N days", from predict_linear over volumePredictionWindowHours (mixin: 4 days over 6h). */
  volumeFullWithinDays: 4,
  volumePredictionWindowHours: 6,
  /** Throttled share of CFS periods (mixin: 25%). */
  cpuThrottlingRatio: 0.25,
  /** Running pods over the node's pod capacity (mixin: 95%). */
  podsPerNodeRatio: 0.95,
} as const;

/** Every raw metric the Kubernetes alerts read (rules.ts adds them to RULE_METRICS). */
export const KUBERNETES_RULE_METRICS = [
  "kube_pod_container_status_waiting_reason",
  "kube_pod_status_phase",
  "kube_pod_status_ready",
  "kube_pod_owner",
  "kube_pod_container_status_restarts_total",
  "kube_pod_container_status_last_terminated_reason",
  "kube_deployment_spec_replicas",
  "kube_deployment_status_replicas_available",
  "kube_deployment_status_replicas_updated",
  "kube_statefulset_status_replicas_ready",
  "kube_statefulset_status_replicas",
  "kube_statefulset_status_replicas_updated",
  "kube_statefulset_replicas",
  "kube_statefulset_status_current_revision",
  "kube_statefulset_status_update_revision",
  "kube_daemonset_status_desired_number_scheduled",
  "kube_daemonset_status_current_number_scheduled",
  "kube_daemonset_status_number_misscheduled",
  "kube_job_failed",
  "kube_node_status_condition",
  "kube_node_info",
  "kube_node_status_capacity",
  "kube_pod_info",
  "kube_persistentvolume_status_phase",
  "container_cpu_cfs_throttled_periods_total",
  "container_cpu_cfs_periods_total",
  "kubelet_volume_stats_available_bytes",
  "kubelet_volume_stats_capacity_bytes",
] as const;

function num(n: number): string {
  return String(Number(n.toPrecision(12)));
}
function pct(r: number): string {
  return `${Number((r * 100).toPrecision(4))}%`;
}

/** The Kubernetes alerts of a stack. `cfg.namespace` is the stack's own: its claims filling up page. */
export function kubernetesAlerts(cfg: StackConfig): AlertDefinition[] {
  const T = KUBERNETES_THRESHOLDS;
  const ksm = `job="${JOBS.kubeStateMetrics}"`;
  const kubelet = `job="${JOBS.kubelet}"`;
  const cadvisor = `job="${JOBS.cadvisor}"`;
  const platform = "platform" as const;
  const byPvc = "by (namespace, persistentvolumeclaim)";
  const free = (ns: string) =>
    `max ${byPvc} (kubelet_volume_stats_available_bytes{${kubelet}${ns}}) / max ${byPvc} (kubelet_volume_stats_capacity_bytes{${kubelet}${ns}})`;
  const fillsUp = (ns: string) =>
    `(${free(ns)} < ${num(T.volumeFreeWarningRatio)} and on (namespace, persistentvolumeclaim) max ${byPvc} (predict_linear(kubelet_volume_stats_available_bytes{${kubelet}${ns}}[${T.volumePredictionWindowHours}h], ${T.volumeFullWithinDays * 24 * 3600})) < 0)`;
  const own = `, namespace="${cfg.namespace}"`;
  const others = `, namespace!="${cfg.namespace}"`;
  const volumeDescription = (why: string) =>
    `Claim {{ $labels.persistentvolumeclaim }} in namespace {{ $labels.namespace }} has {{ $value | humanizePercentage }} free; ${why}.`;
  return [
    {
      alert: "KubePodCrashLooping",
      expr: `max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{${ksm}, reason="CrashLoopBackOff"}[5m])) >= 1`,
      forMinutes: 15,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "Pod {{ $labels.pod }} is crash looping",
        description: "Container {{ $labels.container }} of pod {{ $labels.pod }} in namespace {{ $labels.namespace }} keeps crashing (CrashLoopBackOff).",
      },
    },
    {
      alert: "KubePodNotReady",
      // Pending/Unknown/Failed, or running but not ready; pods of Jobs are left to KubeJobFailed.
      expr: `(max by (namespace, pod) (kube_pod_status_phase{${ksm}, phase=~"Pending|Unknown|Failed"} == 1) or max by (namespace, pod) (kube_pod_status_ready{${ksm}, condition="false"} == 1)) * on (namespace, pod) max by (namespace, pod) (kube_pod_owner{${ksm}, owner_kind!="Job"}) > 0`,
      forMinutes: 15,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "Pod {{ $labels.pod }} is not ready",
        description: "Pod {{ $labels.pod }} in namespace {{ $labels.namespace }} has not been ready for more than 15m.",
      },
    },
    {
      alert: "KubeContainerOOMKilled",
      expr: `sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${ksm}}[10m])) >= 1 and on (namespace, pod, container) max by (namespace, pod, container) (max_over_time(kube_pod_container_status_last_terminated_reason{${ksm}, reason="OOMKilled"}[10m])) == 1`,
      forMinutes: 0,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "Container {{ $labels.container }} of {{ $labels.pod }} was OOM-killed",
        description:
          "Container {{ $labels.container }} of pod {{ $labels.pod }} in namespace {{ $labels.namespace }} restarted after running out of memory in the last 10m; raise its memory limit or find the leak.",
      },
    },
    {
      alert: "KubeDeploymentReplicasMismatch",
      expr: `max by (namespace, deployment) (kube_deployment_spec_replicas{${ksm}}) > max by (namespace, deployment) (kube_deployment_status_replicas_available{${ksm}}) and on (namespace, deployment) max by (namespace, deployment) (changes(kube_deployment_status_replicas_updated{${ksm}}[10m])) == 0`,
      forMinutes: 15,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "Deployment {{ $labels.deployment }} lacks replicas",
        description: "Deployment {{ $labels.deployment }} in namespace {{ $labels.namespace }} has had fewer available replicas than it wants for more than 15m ({{ $value }} wanted).",
      },
    },
    {
      alert: "KubeStatefulSetReplicasMismatch",
      expr: `max by (namespace, statefulset) (kube_statefulset_status_replicas_ready{${ksm}}) != max by (namespace, statefulset) (kube_statefulset_status_replicas{${ksm}}) and on (namespace, statefulset) max by (namespace, statefulset) (changes(kube_statefulset_status_replicas_updated{${ksm}}[10m])) == 0`,
      forMinutes: 15,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "StatefulSet {{ $labels.statefulset }} lacks ready replicas",
        description: "StatefulSet {{ $labels.statefulset }} in namespace {{ $labels.namespace }} has had {{ $value }} ready replicas, not all of its replicas, for more than 15m.",
      },
    },
    {
      alert: "KubeStatefulSetUpdateNotRolledOut",
      expr: `max by (namespace, statefulset) (kube_statefulset_status_current_revision{${ksm}} unless kube_statefulset_status_update_revision{${ksm}}) * on (namespace, statefulset) max by (namespace, statefulset) (kube_statefulset_replicas{${ksm}} != kube_statefulset_status_replicas_updated{${ksm}}) and on (namespace, statefulset) max by (namespace, statefulset) (changes(kube_statefulset_status_replicas_updated{${ksm}}[5m])) == 0`,
      forMinutes: 15,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "StatefulSet {{ $labels.statefulset }} update is stuck",
        description: "The update of StatefulSet {{ $labels.statefulset }} in namespace {{ $labels.namespace }} has not rolled out to every replica for more than 15m.",
      },
    },
    {
      alert: "KubeDaemonSetNotScheduled",
      expr: `max by (namespace, daemonset) (kube_daemonset_status_desired_number_scheduled{${ksm}}) - max by (namespace, daemonset) (kube_daemonset_status_current_number_scheduled{${ksm}}) > 0`,
      forMinutes: 10,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "DaemonSet {{ $labels.daemonset }} is missing from nodes",
        description: "{{ $value }} pods of DaemonSet {{ $labels.daemonset }} in namespace {{ $labels.namespace }} are not scheduled.",
      },
    },
    {
      alert: "KubeDaemonSetMisScheduled",
      expr: `max by (namespace, daemonset) (kube_daemonset_status_number_misscheduled{${ksm}}) > 0`,
      forMinutes: 15,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "DaemonSet {{ $labels.daemonset }} runs where it should not",
        description: "{{ $value }} pods of DaemonSet {{ $labels.daemonset }} in namespace {{ $labels.namespace }} run on nodes they are not meant for.",
      },
    },
    {
      alert: "KubeJobFailed",
      expr: `max by (namespace, job_name) (kube_job_failed{${ksm}}) > 0`,
      forMinutes: 15,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "Job {{ $labels.job_name }} failed",
        description: "Job {{ $labels.job_name }} in namespace {{ $labels.namespace }} failed to complete; remove it to clear the alert.",
      },
    },
    {
      alert: "KubeNodeNotReady",
      expr: `max by (node) (kube_node_status_condition{${ksm}, condition="Ready", status="true"}) == 0`,
      forMinutes: 15,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "Node {{ $labels.node }} is not ready",
        description: "Node {{ $labels.node }} has not been Ready for more than 15m: its pods are not scheduled or are being evicted.",
      },
    },
    {
      alert: "KubeNodePressure",
      expr: `max by (node, condition) (kube_node_status_condition{${ksm}, condition=~"MemoryPressure|DiskPressure|PIDPressure", status="true"}) == 1`,
      forMinutes: 10,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "Node {{ $labels.node }} has {{ $labels.condition }}",
        description: "Node {{ $labels.node }} has reported {{ $labels.condition }} for more than 10m: the kubelet evicts pods and admits no new ones.",
      },
    },
    {
      alert: "CPUThrottlingHigh",
      expr: `sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{${cadvisor}, container!=""}[5m])) / sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{${cadvisor}, container!=""}[5m])) > ${num(T.cpuThrottlingRatio)}`,
      forMinutes: 15,
      labels: { severity: "info", category: platform },
      annotations: {
        summary: "Container {{ $labels.container }} of {{ $labels.pod }} is CPU-throttled",
        description: `Container {{ $labels.container }} of pod {{ $labels.pod }} in namespace {{ $labels.namespace }} was throttled in {{ $value | humanizePercentage }} of its CPU periods over 5m; threshold ${pct(T.cpuThrottlingRatio)}. Its CPU limit is too low for its load.`,
      },
    },
    {
      // The stack's own claims (Prometheus, Loki, Elasticsearch, Alertmanager) page when predicted
      // full: the commonest failure of a telemetry stack is its own disk. Any claim pages when nearly full.
      alert: "KubePersistentVolumeFillingUp",
      expr: `${free("")} < ${num(T.volumeFreeCriticalRatio)} or ${fillsUp(own)}`,
      forMinutes: 1,
      labels: { severity: "critical", category: platform },
      annotations: {
        summary: "Volume claim {{ $labels.persistentvolumeclaim }} is filling up",
        description: volumeDescription(
          `it pages below ${pct(T.volumeFreeCriticalRatio)} free, and in ${cfg.namespace} (the stack's own claims) below ${pct(T.volumeFreeWarningRatio)} when predicted full within ${T.volumeFullWithinDays} days`,
        ),
      },
    },
    {
      alert: "KubePersistentVolumeFillingUp",
      expr: fillsUp(others),
      forMinutes: 60,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "Volume claim {{ $labels.persistentvolumeclaim }} is filling up",
        description: volumeDescription(`at the rate of the last ${T.volumePredictionWindowHours}h it is full within ${T.volumeFullWithinDays} days`),
      },
    },
    {
      alert: "KubePersistentVolumeErrors",
      expr: `max by (persistentvolume, phase) (kube_persistentvolume_status_phase{${ksm}, phase=~"Failed|Pending"}) > 0`,
      forMinutes: 5,
      labels: { severity: "critical", category: platform },
      annotations: {
        summary: "Persistent volume {{ $labels.persistentvolume }} is {{ $labels.phase }}",
        description: "Persistent volume {{ $labels.persistentvolume }} has been in phase {{ $labels.phase }} for more than 5m: the claim bound to it cannot be used.",
      },
    },
    {
      alert: "KubeletDown",
      // Per node: a node kube-state-metrics knows whose kubelet Prometheus cannot scrape.
      expr: `max by (node) (kube_node_info{${ksm}}) unless on (node) max by (node) (up{${kubelet}} == 1)`,
      forMinutes: 15,
      labels: { severity: "critical", category: platform },
      annotations: {
        summary: "Kubelet of {{ $labels.node }} is down",
        description: "Prometheus has not scraped the kubelet of node {{ $labels.node }} for more than 15m: its containers, volumes and pods are not watched.",
      },
    },
    {
      alert: "KubeletTooManyPods",
      expr: `count by (node) (max by (namespace, pod) (kube_pod_status_phase{${ksm}, phase="Running"} == 1) * on (namespace, pod) group_left (node) max by (namespace, pod, node) (kube_pod_info{${ksm}})) / max by (node) (kube_node_status_capacity{${ksm}, resource="pods"}) > ${num(T.podsPerNodeRatio)}`,
      forMinutes: 15,
      labels: { severity: "warning", category: platform },
      annotations: {
        summary: "Node {{ $labels.node }} runs nearly as many pods as it may",
        description: `Node {{ $labels.node }} runs {{ $value | humanizePercentage }} of the pods it may run; threshold ${pct(T.podsPerNodeRatio)}. New pods will not be scheduled there.`,
      },
    },
  ];
}
