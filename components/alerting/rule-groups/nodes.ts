/** Group infrastructure.alerts: the nodes' CPU, memory and disk, from the node exporter. */
import type { StackConfig } from "../../config";
import { JOBS } from "../../endpoints";
import { type AlertDefinition, num, percent } from "../rule-model";
import { RECORDING_RULES } from "./recording";

export function infrastructureAlerts(cfg: StackConfig): AlertDefinition[] {
  const t = cfg.alerting.thresholds;
  const R = RECORDING_RULES;
  const fs = `job="${JOBS.nodeExporter}", fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.*"`;
  return [
    {
      alert: "HighCPUUsage",
      expr: `${R.nodeCpuUtilisation} > ${num(t.cpuUsageRatio.warning)}`,
      forMinutes: t.cpuUsageRatio.forMinutes,
      labels: { severity: "warning", category: "infrastructure" },
      annotations: {
        summary: "High CPU usage on {{ $labels.node }}",
        description: `CPU of node {{ $labels.node }} ({{ $labels.instance }}) is {{ $value | humanizePercentage }} busy; threshold ${percent(t.cpuUsageRatio.warning)}.`,
      },
    },
    ...(["critical", "warning"] as const).map(
      (severity): AlertDefinition => ({
        alert: "HighMemoryUsage",
        expr: `${R.nodeMemoryUtilisation} > ${num(t.memoryUsageRatio[severity])}`,
        forMinutes: t.memoryUsageRatio.forMinutes,
        labels: { severity, category: "infrastructure" },
        annotations: {
          summary: "High memory usage on {{ $labels.node }}",
          description: `Memory of node {{ $labels.node }} ({{ $labels.instance }}) is {{ $value | humanizePercentage }} used; ${severity} threshold ${percent(t.memoryUsageRatio[severity])}.`,
        },
      }),
    ),
    ...(["critical", "warning"] as const).map(
      (severity): AlertDefinition => ({
        alert: "DiskSpaceRunningLow",
        expr: `node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}} < ${num(t.diskFreeRatio[severity])} and on (instance, device, mountpoint) node_filesystem_readonly{${fs}} == 0`,
        forMinutes: t.diskFreeRatio.forMinutes,
        labels: { severity, category: "infrastructure" },
        annotations: {
          summary: "Disk space running low on {{ $labels.node }} {{ $labels.mountpoint }}",
          description: `Only {{ $value | humanizePercentage }} of {{ $labels.mountpoint }} ({{ $labels.device }}) on node {{ $labels.node }} is free; ${severity} threshold ${percent(t.diskFreeRatio[severity])}.`,
        },
      }),
    ),
  ];
}
