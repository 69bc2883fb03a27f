/**
 * Kubernetes: cluster, namespace, workload and pod views of the containers, from cAdvisor (the
 * kubelets' /metrics/cadvisor) and kube-state-metrics. `$namespace` and `$pod` narrow the lower rows.
 */
import { JOBS } from "../components/endpoints";
import { ENV, baseDashboard, promQ, queryVariable, row, statPanel, timeSeries } from "./common";
import type { dashboardT } from "./sdk";

export const UID = "obs-kubernetes";

const KSM = `job="${JOBS.kubeStateMetrics}", ${ENV}`;
const NS = `namespace=~"$namespace"`;
/** Containers' own series (not the pod and system cgroups cAdvisor also reports). */
const CONTAINERS = `job="${JOBS.cadvisor}", container!="", ${ENV}, ${NS}`;
/** Network is accounted per pod (its sandbox), so no container filter. */
const POD_NET = `job="${JOBS.cadvisor}", pod!="", ${ENV}, ${NS}`;
/** The owning workload (Deployment's ReplicaSet, StatefulSet, DaemonSet, Job) of each pod. */
const OWNER = `max by (namespace, pod, created_by_kind, created_by_name) (kube_pod_info{${KSM}, ${NS}})`;
const byWorkload = (expr: string) => `sum by (namespace, created_by_kind, created_by_name) (${expr} * on (namespace, pod) group_left (created_by_kind, created_by_name) ${OWNER})`;

export function kubernetesDashboard(): dashboardT.Dashboard {
  return baseDashboard({
    uid: UID,
    title: "Kubernetes",
    description: "Cluster, namespace, workload and pod views: container CPU, memory, throttling, restarts and network (cAdvisor, kube-state-metrics).",
    tags: ["kubernetes", "platform", "containers"],
    kind: "prometheus",
  })
    .withVariable(queryVariable("namespace", "Namespace", "Namespaces with pods (kube-state-metrics).", "prometheus", `label_values(kube_pod_info{${KSM}}, namespace)`, ".*"))
    .withVariable(queryVariable("pod", "Pod", "Pods of the selected namespaces.", "prometheus", `label_values(kube_pod_info{${KSM}, ${NS}}, pod)`, ".*"))
    .withRow(row("Cluster"))
    .withPanel(
      statPanel({
        title: "Nodes ready",
        description: "Nodes whose Ready condition is true.",
        unit: "short",
        span: 6,
        targets: [promQ(`sum(kube_node_status_condition{${KSM}, condition="Ready", status="true"})`, "ready", { instant: true })],
      }),
    )
    .withPanel(
      statPanel({
        title: "CPU requested",
        description: "CPU requested by pods as a share of the nodes' allocatable CPU.",
        unit: "percentunit",
        span: 6,
        thresholds: { base: "green", steps: [[0.8, "orange"], [0.95, "red"]] },
        targets: [promQ(`sum(kube_pod_container_resource_requests{${KSM}, resource="cpu"}) / sum(kube_node_status_allocatable{${KSM}, resource="cpu"})`, "requested", { instant: true })],
      }),
    )
    .withPanel(
      statPanel({
        title: "Memory requested",
        description: "Memory requested by pods as a share of the nodes' allocatable memory.",
        unit: "percentunit",
        span: 6,
        thresholds: { base: "green", steps: [[0.8, "orange"], [0.95, "red"]] },
        targets: [promQ(`sum(kube_pod_container_resource_requests{${KSM}, resource="memory"}) / sum(kube_node_status_allocatable{${KSM}, resource="memory"})`, "requested", { instant: true })],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Pods by phase",
        description: "Pods per phase across the cluster.",
        unit: "short",
        span: 6,
        stack: true,
        targets: [promQ(`sum by (phase) (kube_pod_status_phase{${KSM}})`, "{{phase}}")],
      }),
    )
    .withRow(row("Namespaces"))
    .withPanel(
      timeSeries({
        title: "CPU by namespace",
        description: "CPU used by the containers of each namespace (cores).",
        unit: "short",
        stack: true,
        targets: [promQ(`sum by (namespace) (rate(container_cpu_usage_seconds_total{${CONTAINERS}}[$__rate_interval]))`, "{{namespace}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Memory by namespace",
        description: "Working-set memory of the containers of each namespace.",
        unit: "bytes",
        stack: true,
        targets: [promQ(`sum by (namespace) (container_memory_working_set_bytes{${CONTAINERS}})`, "{{namespace}}")],
      }),
    )
    .withRow(row("Workloads"))
    .withPanel(
      timeSeries({
        title: "CPU by workload",
        description: "CPU of each workload's containers, by the pods' owner (kube_pod_info's created_by).",
        unit: "short",
        targets: [promQ(byWorkload(`rate(container_cpu_usage_seconds_total{${CONTAINERS}}[$__rate_interval])`), "{{namespace}}/{{created_by_name}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Memory by workload",
        description: "Working-set memory of each workload's containers.",
        unit: "bytes",
        targets: [promQ(byWorkload(`container_memory_working_set_bytes{${CONTAINERS}}`), "{{namespace}}/{{created_by_name}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Restarts by workload",
        description: "Container restarts per workload over the interval (KubePodCrashLooping fires on sustained restarts).",
        unit: "short",
        targets: [promQ(byWorkload(`increase(kube_pod_container_status_restarts_total{${KSM}, ${NS}}[$__rate_interval])`), "{{namespace}}/{{created_by_name}}")],
      }),
    )
    .withRow(row("Pods"))
    .withPanel(
      timeSeries({
        title: "Container CPU",
        description: "CPU of each container of the selected pods (cores).",
        unit: "short",
        targets: [promQ(`sum by (pod, container) (rate(container_cpu_usage_seconds_total{${CONTAINERS}, pod=~"$pod"}[$__rate_interval]))`, "{{pod}}/{{container}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Container memory",
        description: "Working-set memory of each container of the selected pods (what the OOM killer compares with the limit).",
        unit: "bytes",
        targets: [promQ(`sum by (pod, container) (container_memory_working_set_bytes{${CONTAINERS}, pod=~"$pod"})`, "{{pod}}/{{container}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "CPU throttling",
        description: "Share of CFS periods in which each container was throttled (CPUThrottlingHigh fires above 25 %).",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [
          promQ(
            `sum by (pod, container) (rate(container_cpu_cfs_throttled_periods_total{${CONTAINERS}, pod=~"$pod"}[$__rate_interval])) / sum by (pod, container) (rate(container_cpu_cfs_periods_total{${CONTAINERS}, pod=~"$pod"}[$__rate_interval]))`,
            "{{pod}}/{{container}}",
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Pod network",
        description: "Bytes received (up) and transmitted (down) by the selected pods.",
        unit: "Bps",
        targets: [
          promQ(`sum by (pod) (rate(container_network_receive_bytes_total{${POD_NET}, pod=~"$pod"}[$__rate_interval]))`, "{{pod}} received"),
          promQ(`-sum by (pod) (rate(container_network_transmit_bytes_total{${POD_NET}, pod=~"$pod"}[$__rate_interval]))`, "{{pod}} transmitted"),
        ],
      }),
    )
    .build();
}
