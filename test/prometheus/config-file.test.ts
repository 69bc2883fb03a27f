import { DEFAULTS } from "../../components/config";
import { JOBS } from "../../components/endpoints";
import { RULES_DIR, buildPrometheusConfig, PrometheusConfigInput } from "../../components/prometheus/config-file";

const base: PrometheusConfigInput = {
  environment: "prod",
  clusterName: "eu-prod-1",
  scrapeIntervalSeconds: 15,
  evaluationIntervalSeconds: 30,
  serviceTargets: [
    { job: JOBS.nodeExporter, namespace: "observability", service: "node-exporter", portName: "metrics" },
    { job: JOBS.fluentBit, namespace: "observability", service: "fluent-bit", portName: "http-metrics", metricsPath: "/api/v2/metrics/prometheus" },
  ],
  alertmanager: { namespace: "observability", service: "alertmanager", portName: "web" },
  staticTargets: [{ job: "postgres", targets: ["db.internal:9187"], metricsPath: "/metrics", scheme: "http", labels: { tier: "data" } }],
};

type Job = { job_name: string; [k: string]: any };

describe("buildPrometheusConfig", () => {
  const cfg = buildPrometheusConfig(base) as any;
  const jobs: Job[] = cfg.scrape_configs;
  const job = (name: string) => {
    const j = jobs.find((x) => x.job_name === name);
    if (!j) throw new Error(`no job ${name}`);
    return j;
  };

  it("sets intervals and the cluster/environment external labels", () => {
    expect(cfg.global).toEqual({
      scrape_interval: "15s",
      scrape_timeout: "10s",
      evaluation_interval: "30s",
      external_labels: { cluster: "eu-prod-1", environment: "prod" },
    });
    expect(cfg.rule_files).toEqual([`${RULES_DIR}/*.yaml`]);
  });

  it("scrapes each component through its Service's endpoint slices, keeping only the metrics port", () => {
    const ne = job(JOBS.nodeExporter);
    expect(ne.kubernetes_sd_configs).toEqual([{ role: "endpointslice", namespaces: { names: ["observability"] } }]);
    expect(ne.relabel_configs[0]).toEqual({
      source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"],
      regex: "node-exporter;metrics",
      action: "keep",
    });
    expect(ne.relabel_configs).toContainEqual({ target_label: "service", replacement: "node-exporter" });
    expect(job(JOBS.fluentBit).metrics_path).toBe("/api/v2/metrics/prometheus");
  });

  it("discovers annotated pods and services (prometheus.io/scrape, port, path)", () => {
    const pods = job(JOBS.kubernetesPods);
    expect(pods.kubernetes_sd_configs).toEqual([{ role: "pod" }]);
    expect(pods.relabel_configs[0]).toEqual({ source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], regex: "true", action: "keep" });
    const portRule = pods.relabel_configs.find((r: any) => r.target_label === "__address__");
    expect(portRule.replacement).toBe("$1:$2");
    // The address rewrite works on a pod IP with and without a declared port.
    const re = new RegExp(`^(?:${portRule.regex})$`);
    expect("10.1.2.3:8080;9102".replace(re, "$1:$2")).toBe("10.1.2.3:9102");
    expect("10.1.2.3;9102".replace(re, "$1:$2")).toBe("10.1.2.3:9102");
    const svc = job(JOBS.kubernetesServices);
    expect(svc.relabel_configs[0].source_labels).toEqual(["__meta_kubernetes_service_annotation_prometheus_io_scrape"]);
  });

  it("derives the service label from app.kubernetes.io/name, else app", () => {
    const rule = job(JOBS.kubernetesPods).relabel_configs.find((r: any) => r.target_label === "service");
    const re = new RegExp(`^(?:${rule.regex})$`);
    expect("checkout;legacy".replace(re, rule.replacement)).toBe("checkout");
    expect(";legacy".replace(re, rule.replacement)).toBe("legacy");
    expect(re.test(";")).toBe(false);
  });

  it("adds static targets from config with their labels", () => {
    expect(job("postgres")).toEqual({
      job_name: "postgres",
      scrape_interval: "15s",
      metrics_path: "/metrics",
      scheme: "http",
      static_configs: [{ targets: ["db.internal:9187"], labels: { service: "postgres", tier: "data" } }],
    });
  });

  it("sends alerts to every Alertmanager replica through the Service's endpoints", () => {
    const am = cfg.alerting.alertmanagers[0];
    expect(am.api_version).toBe("v2");
    expect(am.relabel_configs[0].regex).toBe("alertmanager;web");
  });

  it("refuses duplicate job names", () => {
    expect(() => buildPrometheusConfig({ ...base, staticTargets: [{ ...base.staticTargets[0], job: JOBS.kubernetesPods }] })).toThrow(
      'duplicate scrape job name "kubernetes-pods"',
    );
  });

  it("uses the per-environment intervals", () => {
    const dev = buildPrometheusConfig({ ...base, environment: "dev", scrapeIntervalSeconds: DEFAULTS.dev.prometheus.scrapeIntervalSeconds }) as any;
    expect(dev.global.scrape_interval).toBe("30s");
    expect(dev.global.external_labels.environment).toBe("dev");
  });
});
