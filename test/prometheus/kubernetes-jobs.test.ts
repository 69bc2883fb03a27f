/**
 * The scrape jobs of Kubernetes itself: kube-state-metrics with the objects' labels, each node's
 * kubelet and cAdvisor on the kubelet port with the service-account token, the API server, the
 * series dropped, and `promtool check config` on a prometheus.yml that has them.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { buildPrometheusConfig } from "../../components/prometheus/config-file";
import { DROPPED_SERIES, KUBELET_INSECURE_SKIP_VERIFY, kubernetesScrapeJobs } from "../../components/prometheus/kubernetes-jobs";
import { run, scratchDir, tool } from "../alerting/helpers";

const KSM = { namespace: "observability", service: "kube-state-metrics", portNames: ["http-metrics", "telemetry"] };
type Job = Record<string, any>;
const jobs = kubernetesScrapeJobs({ kubeStateMetrics: KSM }, 30) as Job[];
const job = (name: string) => jobs.find((j) => j.job_name === name)!;

describe("Kubernetes scrape jobs", () => {
  it("are kube-state-metrics, kubelet, cadvisor and apiserver; the API server can be left out", () => {
    expect(jobs.map((j) => j.job_name)).toEqual(["kube-state-metrics", "kubelet", "cadvisor", "apiserver"]);
    expect((kubernetesScrapeJobs({ kubeStateMetrics: KSM, apiserver: false }, 30) as Job[]).map((j) => j.job_name)).toEqual(["kube-state-metrics", "kubelet", "cadvisor"]);
  });

  it("kube-state-metrics: both ports of its Service, with the objects' namespace/pod/container (honor_labels)", () => {
    const k = job("kube-state-metrics");
    expect(k.honor_labels).toBe(true);
    expect(k.kubernetes_sd_configs).toEqual([{ role: "endpointslice", namespaces: { names: ["observability"] } }]);
    expect(k.relabel_configs[0]).toEqual({
      source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"],
      regex: "kube-state-metrics;(http-metrics|telemetry)",
      action: "keep",
    });
  });

  it.each([
    ["kubelet", "/metrics"],
    ["cadvisor", "/metrics/cadvisor"],
  ])("%s: every node's kubelet port, HTTPS with the service-account token, series labelled node", (name, path) => {
    const k = job(name);
    expect(k).toMatchObject({
      metrics_path: path,
      scheme: "https",
      honor_labels: true,
      authorization: { credentials_file: "/var/run/secrets/kubernetes.io/serviceaccount/token" },
      tls_config: { ca_file: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", insecure_skip_verify: KUBELET_INSECURE_SKIP_VERIFY },
      kubernetes_sd_configs: [{ role: "node" }],
      relabel_configs: [{ source_labels: ["__meta_kubernetes_node_name"], target_label: "node" }],
    });
    expect(k.metric_relabel_configs).toEqual([{ source_labels: ["__name__"], regex: `(${DROPPED_SERIES[name as "kubelet" | "cadvisor"].join("|")})`, action: "drop" }]);
  });

  it("drops what nothing reads, and never what the alerts and dashboards read", () => {
    const dropped = (name: string, metric: string) => DROPPED_SERIES[name as keyof typeof DROPPED_SERIES].some((re) => new RegExp(`^(${re})$`).test(metric));
    for (const m of ["container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "container_cpu_cfs_periods_total", "container_cpu_cfs_throttled_periods_total", "container_network_receive_bytes_total", "container_network_transmit_bytes_total"]) {
      expect([m, dropped("cadvisor", m)]).toEqual([m, false]);
    }
    for (const m of ["kubelet_volume_stats_available_bytes", "kubelet_volume_stats_capacity_bytes", "kubelet_running_pods"]) expect([m, dropped("kubelet", m)]).toEqual([m, false]);
    expect(dropped("cadvisor", "container_spec_memory_limit_bytes")).toBe(true);
    expect(dropped("kubelet", "kubelet_runtime_operations_duration_seconds_bucket")).toBe(true);
    expect(dropped("apiserver", "apiserver_request_duration_seconds_bucket")).toBe(true);
    expect(dropped("apiserver", "apiserver_request_total")).toBe(false);
  });

  it("the API server: the kubernetes Service in default, its certificate verified against the cluster CA", () => {
    const a = job("apiserver");
    expect(a.tls_config).toEqual({ ca_file: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", server_name: "kubernetes.default.svc" });
    expect(a.relabel_configs[0]).toMatchObject({ regex: "kubernetes;https", action: "keep" });
  });

  it("a static job named like one of them is refused, naming it", () => {
    expect(() =>
      buildPrometheusConfig({
        environment: "dev",
        clusterName: "dev",
        scrapeIntervalSeconds: 30,
        evaluationIntervalSeconds: 30,
        serviceTargets: [],
        staticTargets: [{ job: "cadvisor", targets: ["10.0.0.1:8080"], metricsPath: "/metrics", scheme: "http", labels: {} }],
        kubernetes: { kubeStateMetrics: KSM },
      }),
    ).toThrow('duplicate scrape job name "cadvisor"');
  });

  it("promtool check config accepts a prometheus.yml with them", () => {
    const dir = scratchDir("kubernetes-jobs");
    const file = join(dir, "prometheus.yml");
    const cfg = buildPrometheusConfig({
      environment: "prod",
      clusterName: "prod",
      scrapeIntervalSeconds: 30,
      evaluationIntervalSeconds: 30,
      serviceTargets: [],
      staticTargets: [],
      kubernetes: { kubeStateMetrics: KSM },
      ruleFiles: [],
    }) as { scrape_configs: Job[] };
    expect(cfg.scrape_configs.map((j) => j.job_name)).toEqual(expect.arrayContaining(["kube-state-metrics", "kubelet", "cadvisor", "apiserver"]));
    writeFileSync(file, stringify(cfg));
    expect(run(tool("promtool"), ["check", "config", "--syntax-only", file])).toContain("SUCCESS");
  });
});
