/**
 * promtool unit-test cases for the Kubernetes alerts (components/alerting/kubernetes-rules.ts), in the
 * form of rule-cases.ts: a bad series that fires with exactly these labels and annotations, a healthy
 * one that stays silent, and the alert pending one minute before its `for:` is over.
 *
 * Each case runs in a promtool test group of its own, with its subjects named by hand (no suffixes):
 * the Kubernetes alerts read shared series (up, kube_pod_status_phase, kube_node_info), and the
 * volume alerts select the stack's own namespace by name.
 *
 * The series are labelled as the scrape config labels them: kube-state-metrics with honor_labels (the
 * object's namespace, pod and container) plus job, instance and service; the kubelet and cAdvisor
 * with job, instance and node.
 */
import type { StackConfig } from "../../components/config";
import { JOBS } from "../../components/endpoints";
import type { AlertCase, InputSeries } from "./rule-cases";
import { pct, series } from "./rule-cases";

const S = (name: string, labels: Record<string, string>, values: string): InputSeries => ({ series: series(name, labels), values });

const KSM = { job: JOBS.kubeStateMetrics, instance: "10.0.3.1:8080", service: "kube-state-metrics" };
const KUBELET = (node: string) => ({ job: JOBS.kubelet, instance: `${node}:10250`, node });
const CADVISOR = (node: string) => ({ job: JOBS.cadvisor, instance: `${node}:10250`, node });
const W = { severity: "warning", category: "platform" };
const C = { severity: "critical", category: "platform" };
const I = { severity: "info", category: "platform" };

export function kubernetesAlertCases(cfg: StackConfig): AlertCase[] {
  const own = cfg.namespace;
  const pod = (namespace: string, name: string, phase: string, ready: boolean, ownerKind = "ReplicaSet"): InputSeries[] => [
    ...["Pending", "Running", "Succeeded", "Failed", "Unknown"].map((p) =>
      S("kube_pod_status_phase", { ...KSM, namespace, pod: name, uid: `${name}-uid`, phase: p }, p === phase ? "1x60" : "0x60"),
    ),
    ...["true", "false", "unknown"].map((c) =>
      S("kube_pod_status_ready", { ...KSM, namespace, pod: name, uid: `${name}-uid`, condition: c }, c === String(ready) ? "1x60" : "0x60"),
    ),
    S("kube_pod_owner", { ...KSM, namespace, pod: name, uid: `${name}-uid`, owner_kind: ownerKind, owner_name: `${name}-owner`, owner_is_controller: "true" }, "1x60"),
  ];
  const volume = (namespace: string, claim: string, node: string, capacity: number, avail: string): InputSeries[] => [
    S("kubelet_volume_stats_capacity_bytes", { ...KUBELET(node), namespace, persistentvolumeclaim: claim }, `${capacity}x60`),
    S("kubelet_volume_stats_available_bytes", { ...KUBELET(node), namespace, persistentvolumeclaim: claim }, avail),
  ];
  const GI = 1e9;
  const fillingDescription = (claim: string, namespace: string, value: string, why: string) =>
    `Claim ${claim} in namespace ${namespace} has ${value} free; ${why}.`;
  const criticalWhy = `it pages below 3% free, and in ${own} (the stack's own claims) below 15% when predicted full within 4 days`;
  const nodeCondition = (node: string, condition: string, status: string) =>
    ["true", "false", "unknown"].map((st) => S("kube_node_status_condition", { ...KSM, node, condition, status: st }, st === status ? "1x60" : "0x60"));

  return [
    {
      alert: "KubePodCrashLooping",
      runbook: "kube-pod-crash-looping",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "waiting in CrashLoopBackOff",
          series: [S("kube_pod_container_status_waiting_reason", { ...KSM, namespace: "shop", pod: "checkout-7d9f", uid: "u1", container: "app", reason: "CrashLoopBackOff" }, "1x60")],
          firing: [
            {
              labels: { namespace: "shop", pod: "checkout-7d9f", container: "app", ...W },
              summary: "Pod checkout-7d9f is crash looping",
              description: "Container app of pod checkout-7d9f in namespace shop keeps crashing (CrashLoopBackOff).",
            },
          ],
        },
        {
          name: "waiting for an image pull, not crashing",
          series: [S("kube_pod_container_status_waiting_reason", { ...KSM, namespace: "shop", pod: "cart-1a2b", uid: "u2", container: "app", reason: "ContainerCreating" }, "1x60")],
          firing: [],
        },
      ],
    },
    {
      alert: "KubePodNotReady",
      runbook: "kube-pod-not-ready",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "pending pod of a ReplicaSet",
          series: pod("shop", "checkout-pending", "Pending", false),
          firing: [{ labels: { namespace: "shop", pod: "checkout-pending", ...W }, summary: "Pod checkout-pending is not ready", description: "Pod checkout-pending in namespace shop has not been ready for more than 15m." }],
        },
        {
          name: "running but failing its readiness probe",
          series: pod("shop", "checkout-unready", "Running", false),
          firing: [{ labels: { namespace: "shop", pod: "checkout-unready", ...W }, summary: "Pod checkout-unready is not ready", description: "Pod checkout-unready in namespace shop has not been ready for more than 15m." }],
        },
        { name: "running and ready", series: pod("shop", "checkout-ok", "Running", true), firing: [] },
        { name: "pending pod of a Job (KubeJobFailed's business)", series: pod("batch", "report-xyz", "Pending", false, "Job"), firing: [] },
      ],
    },
    {
      alert: "KubeContainerOOMKilled",
      runbook: "kube-container-oom-killed",
      activeFromMinutes: 3,
      scenarios: [
        {
          name: "restarted at minute 3, last terminated OOMKilled",
          series: [
            S("kube_pod_container_status_restarts_total", { ...KSM, namespace: "shop", pod: "search-0", uid: "u3", container: "indexer" }, "0 0 0 1x57"),
            S("kube_pod_container_status_last_terminated_reason", { ...KSM, namespace: "shop", pod: "search-0", uid: "u3", container: "indexer", reason: "OOMKilled" }, "_ _ _ 1x57"),
          ],
          firing: [
            {
              labels: { namespace: "shop", pod: "search-0", container: "indexer", ...W },
              summary: "Container indexer of search-0 was OOM-killed",
              description: "Container indexer of pod search-0 in namespace shop restarted after running out of memory in the last 10m; raise its memory limit or find the leak.",
            },
          ],
        },
        {
          name: "restarted at minute 3 after an error exit",
          series: [
            S("kube_pod_container_status_restarts_total", { ...KSM, namespace: "shop", pod: "search-1", uid: "u4", container: "indexer" }, "0 0 0 1x57"),
            S("kube_pod_container_status_last_terminated_reason", { ...KSM, namespace: "shop", pod: "search-1", uid: "u4", container: "indexer", reason: "Error" }, "_ _ _ 1x57"),
          ],
          firing: [],
        },
      ],
    },
    {
      alert: "KubeDeploymentReplicasMismatch",
      runbook: "kube-deployment-replicas-mismatch",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "3 wanted, 1 available, no rollout in progress",
          series: [
            S("kube_deployment_spec_replicas", { ...KSM, namespace: "shop", deployment: "checkout" }, "3x60"),
            S("kube_deployment_status_replicas_available", { ...KSM, namespace: "shop", deployment: "checkout" }, "1x60"),
            S("kube_deployment_status_replicas_updated", { ...KSM, namespace: "shop", deployment: "checkout" }, "3x60"),
          ],
          firing: [
            {
              labels: { namespace: "shop", deployment: "checkout", ...W },
              summary: "Deployment checkout lacks replicas",
              description: "Deployment checkout in namespace shop has had fewer available replicas than it wants for more than 15m (3 wanted).",
            },
          ],
        },
        {
          name: "all available",
          series: [
            S("kube_deployment_spec_replicas", { ...KSM, namespace: "shop", deployment: "cart" }, "3x60"),
            S("kube_deployment_status_replicas_available", { ...KSM, namespace: "shop", deployment: "cart" }, "3x60"),
            S("kube_deployment_status_replicas_updated", { ...KSM, namespace: "shop", deployment: "cart" }, "3x60"),
          ],
          firing: [],
        },
        {
          name: "short of replicas while a rollout updates one every minute",
          series: [
            S("kube_deployment_spec_replicas", { ...KSM, namespace: "shop", deployment: "search" }, "60x60"),
            S("kube_deployment_status_replicas_available", { ...KSM, namespace: "shop", deployment: "search" }, "0+1x60"),
            S("kube_deployment_status_replicas_updated", { ...KSM, namespace: "shop", deployment: "search" }, "0+1x60"),
          ],
          firing: [],
        },
      ],
    },
    {
      alert: "KubeStatefulSetReplicasMismatch",
      runbook: "kube-stateful-set-replicas-mismatch",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "2 of 3 ready",
          series: [
            S("kube_statefulset_status_replicas_ready", { ...KSM, namespace: own, statefulset: "elasticsearch" }, "2x60"),
            S("kube_statefulset_status_replicas", { ...KSM, namespace: own, statefulset: "elasticsearch" }, "3x60"),
            S("kube_statefulset_status_replicas_updated", { ...KSM, namespace: own, statefulset: "elasticsearch" }, "3x60"),
          ],
          firing: [
            {
              labels: { namespace: own, statefulset: "elasticsearch", ...W },
              summary: "StatefulSet elasticsearch lacks ready replicas",
              description: `StatefulSet elasticsearch in namespace ${own} has had 2 ready replicas, not all of its replicas, for more than 15m.`,
            },
          ],
        },
        {
          name: "3 of 3 ready",
          series: [
            S("kube_statefulset_status_replicas_ready", { ...KSM, namespace: own, statefulset: "loki" }, "3x60"),
            S("kube_statefulset_status_replicas", { ...KSM, namespace: own, statefulset: "loki" }, "3x60"),
            S("kube_statefulset_status_replicas_updated", { ...KSM, namespace: own, statefulset: "loki" }, "3x60"),
          ],
          firing: [],
        },
      ],
    },
    {
      alert: "KubeStatefulSetUpdateNotRolledOut",
      runbook: "kube-stateful-set-update-not-rolled-out",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "update revision on 1 of 3 replicas, stuck",
          series: [
            S("kube_statefulset_status_current_revision", { ...KSM, namespace: own, statefulset: "prometheus", revision: "prometheus-5d8f" }, "1x60"),
            S("kube_statefulset_status_update_revision", { ...KSM, namespace: own, statefulset: "prometheus", revision: "prometheus-7b9c" }, "1x60"),
            S("kube_statefulset_replicas", { ...KSM, namespace: own, statefulset: "prometheus" }, "3x60"),
            S("kube_statefulset_status_replicas_updated", { ...KSM, namespace: own, statefulset: "prometheus" }, "1x60"),
          ],
          firing: [
            {
              labels: { namespace: own, statefulset: "prometheus", ...W },
              summary: "StatefulSet prometheus update is stuck",
              description: `The update of StatefulSet prometheus in namespace ${own} has not rolled out to every replica for more than 15m.`,
            },
          ],
        },
        {
          name: "rolled out: current is the update revision",
          series: [
            S("kube_statefulset_status_current_revision", { ...KSM, namespace: own, statefulset: "alertmanager", revision: "alertmanager-7b9c" }, "1x60"),
            S("kube_statefulset_status_update_revision", { ...KSM, namespace: own, statefulset: "alertmanager", revision: "alertmanager-7b9c" }, "1x60"),
            S("kube_statefulset_replicas", { ...KSM, namespace: own, statefulset: "alertmanager" }, "3x60"),
            S("kube_statefulset_status_replicas_updated", { ...KSM, namespace: own, statefulset: "alertmanager" }, "3x60"),
          ],
          firing: [],
        },
      ],
    },
    {
      alert: "KubeDaemonSetNotScheduled",
      runbook: "kube-daemon-set-not-scheduled",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "2 of 5 nodes without the pod",
          series: [
            S("kube_daemonset_status_desired_number_scheduled", { ...KSM, namespace: own, daemonset: "fluent-bit" }, "5x60"),
            S("kube_daemonset_status_current_number_scheduled", { ...KSM, namespace: own, daemonset: "fluent-bit" }, "3x60"),
          ],
          firing: [
            {
              labels: { namespace: own, daemonset: "fluent-bit", ...W },
              summary: "DaemonSet fluent-bit is missing from nodes",
              description: `2 pods of DaemonSet fluent-bit in namespace ${own} are not scheduled.`,
            },
          ],
        },
        {
          name: "on every node",
          series: [
            S("kube_daemonset_status_desired_number_scheduled", { ...KSM, namespace: own, daemonset: "node-exporter" }, "5x60"),
            S("kube_daemonset_status_current_number_scheduled", { ...KSM, namespace: own, daemonset: "node-exporter" }, "5x60"),
          ],
          firing: [],
        },
      ],
    },
    {
      alert: "KubeDaemonSetMisScheduled",
      runbook: "kube-daemon-set-mis-scheduled",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "one pod on a node it does not tolerate",
          series: [S("kube_daemonset_status_number_misscheduled", { ...KSM, namespace: own, daemonset: "fluent-bit" }, "1x60")],
          firing: [
            {
              labels: { namespace: own, daemonset: "fluent-bit", ...W },
              summary: "DaemonSet fluent-bit runs where it should not",
              description: `1 pods of DaemonSet fluent-bit in namespace ${own} run on nodes they are not meant for.`,
            },
          ],
        },
        { name: "none misscheduled", series: [S("kube_daemonset_status_number_misscheduled", { ...KSM, namespace: own, daemonset: "node-exporter" }, "0x60")], firing: [] },
      ],
    },
    {
      alert: "KubeJobFailed",
      runbook: "kube-job-failed",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "the bootstrap Job failed",
          series: [S("kube_job_failed", { ...KSM, namespace: own, job_name: "elasticsearch-bootstrap", condition: "true" }, "1x60")],
          firing: [
            {
              labels: { namespace: own, job_name: "elasticsearch-bootstrap", ...W },
              summary: "Job elasticsearch-bootstrap failed",
              description: `Job elasticsearch-bootstrap in namespace ${own} failed to complete; remove it to clear the alert.`,
            },
          ],
        },
        { name: "a Job that did not fail", series: [S("kube_job_failed", { ...KSM, namespace: "batch", job_name: "report", condition: "true" }, "0x60")], firing: [] },
      ],
    },
    {
      alert: "KubeNodeNotReady",
      runbook: "kube-node-not-ready",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "Ready false",
          series: nodeCondition("node-b", "Ready", "false"),
          firing: [{ labels: { node: "node-b", ...W }, summary: "Node node-b is not ready", description: "Node node-b has not been Ready for more than 15m: its pods are not scheduled or are being evicted." }],
        },
        { name: "Ready true", series: nodeCondition("node-a", "Ready", "true"), firing: [] },
      ],
    },
    {
      alert: "KubeNodePressure",
      runbook: "kube-node-pressure",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "memory pressure on one node, disk pressure on another",
          series: [...nodeCondition("node-b", "MemoryPressure", "true"), ...nodeCondition("node-c", "DiskPressure", "true")],
          firing: [
            {
              labels: { node: "node-b", condition: "MemoryPressure", ...W },
              summary: "Node node-b has MemoryPressure",
              description: "Node node-b has reported MemoryPressure for more than 10m: the kubelet evicts pods and admits no new ones.",
            },
            {
              labels: { node: "node-c", condition: "DiskPressure", ...W },
              summary: "Node node-c has DiskPressure",
              description: "Node node-c has reported DiskPressure for more than 10m: the kubelet evicts pods and admits no new ones.",
            },
          ],
        },
        { name: "no pressure", series: [...nodeCondition("node-a", "MemoryPressure", "false"), ...nodeCondition("node-a", "DiskPressure", "false")], firing: [] },
      ],
    },
    {
      alert: "CPUThrottlingHigh",
      runbook: "cpu-throttling-high",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "half the periods throttled",
          series: [
            S("container_cpu_cfs_periods_total", { ...CADVISOR("node-a"), namespace: "shop", pod: "checkout-7d9f", container: "app", id: "/kubepods/x", image: "checkout:1.2.3", name: "abc" }, "0+600x60"),
            S("container_cpu_cfs_throttled_periods_total", { ...CADVISOR("node-a"), namespace: "shop", pod: "checkout-7d9f", container: "app", id: "/kubepods/x", image: "checkout:1.2.3", name: "abc" }, "0+300x60"),
          ],
          firing: [
            {
              labels: { namespace: "shop", pod: "checkout-7d9f", container: "app", ...I },
              summary: "Container app of checkout-7d9f is CPU-throttled",
              description: "Container app of pod checkout-7d9f in namespace shop was throttled in 50% of its CPU periods over 5m; threshold 25%. Its CPU limit is too low for its load.",
            },
          ],
        },
        {
          name: "5% throttled",
          series: [
            S("container_cpu_cfs_periods_total", { ...CADVISOR("node-a"), namespace: "shop", pod: "cart-1a2b", container: "app", id: "/kubepods/y", image: "cart:1.0.0", name: "def" }, "0+600x60"),
            S("container_cpu_cfs_throttled_periods_total", { ...CADVISOR("node-a"), namespace: "shop", pod: "cart-1a2b", container: "app", id: "/kubepods/y", image: "cart:1.0.0", name: "def" }, "0+30x60"),
          ],
          firing: [],
        },
      ],
    },
    {
      alert: "KubePersistentVolumeFillingUp",
      runbook: "kube-persistent-volume-filling-up",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "any claim under 3% free pages",
          series: volume("shop", "data-postgres-0", "node-a", 100 * GI, `${2 * GI}x60`),
          firing: [{ labels: { namespace: "shop", persistentvolumeclaim: "data-postgres-0", ...C }, summary: "Volume claim data-postgres-0 is filling up", description: fillingDescription("data-postgres-0", "shop", "2%", criticalWhy) }],
        },
        { name: "10% free and steady", series: volume("shop", "data-redis-0", "node-a", 100 * GI, `${10 * GI}x60`), firing: [] },
      ],
    },
    {
      alert: "KubePersistentVolumeFillingUp",
      runbook: "kube-persistent-volume-filling-up",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "the stack's own claim at 10% free, shrinking by 0.1 GB a minute, pages",
          series: volume(own, "data-prometheus-0", "node-a", 100 * GI, `${10 * GI}-${0.1 * GI}x60`),
          firing: [{ labels: { namespace: own, persistentvolumeclaim: "data-prometheus-0", ...C }, summary: "Volume claim data-prometheus-0 is filling up", description: fillingDescription("data-prometheus-0", own, "9.8%", criticalWhy) }],
        },
        { name: "the stack's own claim at 10% free, steady", series: volume(own, "data-loki-0", "node-a", 100 * GI, `${10 * GI}x60`), firing: [] },
        { name: "the stack's own claim shrinking but 50% free", series: volume(own, "data-elasticsearch-0", "node-a", 100 * GI, `${50 * GI}-${0.1 * GI}x60`), firing: [] },
      ],
    },
    {
      alert: "KubePersistentVolumeFillingUp",
      runbook: "kube-persistent-volume-filling-up",
      activeFromMinutes: 1,
      scenarios: [
        {
          name: "an application's claim at 10% free, shrinking: a warning after an hour",
          // 0.01 GB a minute: 9.99% free at 1 m, 9.39% at 61 m (the firing check; still > 3%).
          series: volume("shop", "data-postgres-1", "node-a", 100 * GI, `${10 * GI}-${0.01 * GI}x70`),
          firing: [
            {
              labels: { namespace: "shop", persistentvolumeclaim: "data-postgres-1", ...W },
              summary: "Volume claim data-postgres-1 is filling up",
              description: fillingDescription("data-postgres-1", "shop", "9.39%", "at the rate of the last 6h it is full within 4 days"),
            },
          ],
        },
        { name: "an application's claim at 10% free, steady", series: volume("shop", "data-redis-1", "node-a", 100 * GI, `${10 * GI}x70`), firing: [] },
      ],
    },
    {
      alert: "KubePersistentVolumeErrors",
      runbook: "kube-persistent-volume-errors",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "a volume Failed",
          series: ["Pending", "Available", "Bound", "Released", "Failed"].map((p) => S("kube_persistentvolume_status_phase", { ...KSM, persistentvolume: "pvc-1234", phase: p }, p === "Failed" ? "1x60" : "0x60")),
          firing: [
            {
              labels: { persistentvolume: "pvc-1234", phase: "Failed", ...C },
              summary: "Persistent volume pvc-1234 is Failed",
              description: "Persistent volume pvc-1234 has been in phase Failed for more than 5m: the claim bound to it cannot be used.",
            },
          ],
        },
        {
          name: "a volume Bound",
          series: ["Pending", "Available", "Bound", "Released", "Failed"].map((p) => S("kube_persistentvolume_status_phase", { ...KSM, persistentvolume: "pvc-5678", phase: p }, p === "Bound" ? "1x60" : "0x60")),
          firing: [],
        },
      ],
    },
    {
      alert: "KubeletDown",
      runbook: "kubelet-down",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "node-b's kubelet does not answer",
          series: [S("kube_node_info", { ...KSM, node: "node-b", kubelet_version: "v1.34.4" }, "1x60"), S("up", KUBELET("node-b"), "0x60")],
          firing: [{ labels: { node: "node-b", ...C }, summary: "Kubelet of node-b is down", description: "Prometheus has not scraped the kubelet of node node-b for more than 15m: its containers, volumes and pods are not watched." }],
        },
        {
          name: "node-c's kubelet is not even a target",
          series: [S("kube_node_info", { ...KSM, node: "node-c", kubelet_version: "v1.34.4" }, "1x60")],
          firing: [{ labels: { node: "node-c", ...C }, summary: "Kubelet of node-c is down", description: "Prometheus has not scraped the kubelet of node node-c for more than 15m: its containers, volumes and pods are not watched." }],
        },
        { name: "node-a's kubelet is up", series: [S("kube_node_info", { ...KSM, node: "node-a", kubelet_version: "v1.34.4" }, "1x60"), S("up", KUBELET("node-a"), "1x60")], firing: [] },
      ],
    },
    {
      alert: "KubeletTooManyPods",
      runbook: "kubelet-too-many-pods",
      activeFromMinutes: 0,
      scenarios: [
        {
          name: "10 running pods on a node that takes 10",
          series: [
            S("kube_node_status_capacity", { ...KSM, node: "node-b", resource: "pods", unit: "integer" }, "10x60"),
            ...Array.from({ length: 10 }, (_, i) => [
              S("kube_pod_status_phase", { ...KSM, namespace: "shop", pod: `web-b${i}`, uid: `b${i}`, phase: "Running" }, "1x60"),
              S("kube_pod_info", { ...KSM, namespace: "shop", pod: `web-b${i}`, uid: `b${i}`, node: "node-b", host_ip: "10.0.1.6", pod_ip: `10.1.1.${i}` }, "1x60"),
            ]).flat(),
          ],
          firing: [
            {
              labels: { node: "node-b", ...W },
              summary: "Node node-b runs nearly as many pods as it may",
              description: `Node node-b runs 100% of the pods it may run; threshold ${pct(0.95)}. New pods will not be scheduled there.`,
            },
          ],
        },
        {
          name: "2 running pods of 110",
          series: [
            S("kube_node_status_capacity", { ...KSM, node: "node-a", resource: "pods", unit: "integer" }, "110x60"),
            ...Array.from({ length: 2 }, (_, i) => [
              S("kube_pod_status_phase", { ...KSM, namespace: "shop", pod: `web-a${i}`, uid: `a${i}`, phase: "Running" }, "1x60"),
              S("kube_pod_info", { ...KSM, namespace: "shop", pod: `web-a${i}`, uid: `a${i}`, node: "node-a", host_ip: "10.0.1.5", pod_ip: `10.1.0.${i}` }, "1x60"),
            ]).flat(),
          ],
          firing: [],
        },
      ],
    },
  ];
}
