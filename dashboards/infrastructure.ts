/** 4. Infrastructure: nodes (node-exporter) and the containers (cAdvisor, kube-state-metrics). */
import { RECORDING_RULES as R } from "../components/alerting/rules";
import { JOBS } from "../components/endpoints";
import { ENV, baseDashboard, promQ, row, timeSeries } from "./common";
import type { dashboardT } from "./sdk";

export const UID = "obs-infrastructure";

const NODE = `job="${JOBS.nodeExporter}", ${ENV}`;
/** Real filesystems only (the same exclusion as the DiskSpaceRunningLow alert). */
const FS = `${NODE}, fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"`;
/** Physical and cluster interfaces; loopback and per-pod veths left out. */
const NIC = `${NODE}, device!~"lo|veth.*|cali.*|cni.*|flannel.*"`;
/** Containers' own series (not the pod and system cgroups cAdvisor also reports). */
const CADVISOR = `job="${JOBS.cadvisor}", container!="", ${ENV}`;
/** Network is accounted per pod (its sandbox), so no container filter. */
const POD_NET = `job="${JOBS.cadvisor}", pod!="", ${ENV}`;
const KSM = `job="${JOBS.kubeStateMetrics}", ${ENV}`;

export function infrastructure(): dashboardT.Dashboard {
  return baseDashboard({
    uid: UID,
    title: "Infrastructure",
    description: "Node CPU, memory, disk and network from node-exporter; container CPU, memory, throttling, network and restarts from cAdvisor and kube-state-metrics.",
    tags: ["infrastructure", "platform", "nodes"],
    kind: "prometheus",
  })
    .withRow(row("Nodes"))
    .withPanel(
      timeSeries({
        title: "CPU utilisation",
        description: "Busy share of each node's CPUs (recording rule, 5m rate).",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [promQ(`${R.nodeCpuUtilisation}{${ENV}}`, "{{node}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Memory utilisation",
        description: "Used share of each node's memory (recording rule).",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [promQ(`${R.nodeMemoryUtilisation}{${ENV}}`, "{{node}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Load average (1m)",
        description: "1-minute load average per node.",
        unit: "short",
        targets: [promQ(`max by (node) (node_load1{${NODE}})`, "{{node}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Disk space used",
        description: "Used share of each real filesystem (tmpfs, overlay and the like left out).",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [
          promQ(
            `1 - max by (node, mountpoint) (node_filesystem_avail_bytes{${FS}}) / max by (node, mountpoint) (node_filesystem_size_bytes{${FS}})`,
            "{{node}} {{mountpoint}}",
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Disk throughput",
        description: "Bytes read (positive) and written (negative) per second per node.",
        unit: "Bps",
        targets: [
          promQ(`sum by (node) (rate(node_disk_read_bytes_total{${NODE}}[$__rate_interval]))`, "{{node}} read"),
          promQ(`-sum by (node) (rate(node_disk_written_bytes_total{${NODE}}[$__rate_interval]))`, "{{node}} written"),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Network throughput",
        description: "Bytes received (positive) and transmitted (negative) per second per node.",
        unit: "Bps",
        targets: [
          promQ(`sum by (node) (rate(node_network_receive_bytes_total{${NIC}}[$__rate_interval]))`, "{{node}} received"),
          promQ(`-sum by (node) (rate(node_network_transmit_bytes_total{${NIC}}[$__rate_interval]))`, "{{node}} transmitted"),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Network errors",
        description: "Receive and transmit errors per second per node.",
        unit: "pps",
        targets: [
          promQ(`sum by (node) (rate(node_network_receive_errs_total{${NIC}}[$__rate_interval]))`, "{{node}} receive"),
          promQ(`sum by (node) (rate(node_network_transmit_errs_total{${NIC}}[$__rate_interval]))`, "{{node}} transmit"),
        ],
      }),
    )
    .withRow(row("Containers"))
    .withPanel(
      timeSeries({
        title: "CPU by pod",
        description: "CPU cores used by each pod's containers (cAdvisor, through each node's kubelet).",
        unit: "short",
        targets: [promQ(`sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${CADVISOR}}[$__rate_interval]))`, "{{namespace}}/{{pod}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Memory by pod",
        description: "Working set of each pod's containers: what the OOM killer weighs against the limit (cAdvisor).",
        unit: "bytes",
        targets: [promQ(`sum by (namespace, pod) (container_memory_working_set_bytes{${CADVISOR}})`, "{{namespace}}/{{pod}}")],
      }),
    )
    .withPanel(
      timeSeries({
        title: "CPU throttling by container",
        description: "Share of CFS periods in which the container was throttled by its CPU limit (CPUThrottlingHigh fires above 25%).",
        unit: "percentunit",
        min: 0,
        max: 1,
        targets: [
          promQ(
            `sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{${CADVISOR}}[$__rate_interval])) / sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{${CADVISOR}}[$__rate_interval]))`,
            "{{namespace}}/{{pod}}/{{container}}",
          ),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Network by pod",
        description: "Bytes received (positive) and transmitted (negative) per second per pod (cAdvisor).",
        unit: "Bps",
        targets: [
          promQ(`sum by (namespace, pod) (rate(container_network_receive_bytes_total{${POD_NET}}[$__rate_interval]))`, "{{namespace}}/{{pod}} received"),
          promQ(`-sum by (namespace, pod) (rate(container_network_transmit_bytes_total{${POD_NET}}[$__rate_interval]))`, "{{namespace}}/{{pod}} transmitted"),
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: "Container restarts",
        description: "Restarts per container over the interval (kube-state-metrics); KubePodCrashLooping and KubeContainerOOMKilled alert on them.",
        unit: "short",
        targets: [promQ(`sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${KSM}}[$__rate_interval])) > 0`, "{{namespace}}/{{pod}}/{{container}}")],
      }),
    )
    .build();
}
