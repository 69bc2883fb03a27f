/**
 * Rule files: the builder's invariants, `promtool check rules`, `promtool check config` on the
 * prometheus.yml that loads them, and `promtool test rules` with a fires / stays-silent / respects-for
 * test for every alert in dev and prod — all in one promtool run per check.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import { ConfigError, loadConfig, type Environment, type StackConfig } from "../../components/config";
import { JOBS, SERVICES } from "../../components/endpoints";
import { buildPrometheusConfig } from "../../components/prometheus/config-file";
import {
  ALERT_CATEGORIES,
  AlertRule,
  RECORDING_RULES,
  RULE_METRICS,
  RecordingRule,
  RuleFile,
  SEVERITIES,
  buildRuleFiles,
  kebabCase,
} from "../../components/alerting/rules";
import { buildSloRuleFiles } from "../../components/slo/rules";
import { AlertCase, InputSeries, Scenario, alertCases, recordingCase, series } from "./rule-cases";
import { kubernetesAlertCases } from "./kubernetes-cases";
import { run, scratchDir, stackConfig, tool } from "./helpers";

const ENVS: Environment[] = ["dev", "prod"];
const dir = scratchDir("alerting-rules");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const configs = Object.fromEntries(ENVS.map((e) => [e, stackConfig(e)])) as Record<Environment, StackConfig>;
const ruleFiles = Object.fromEntries(ENVS.map((e) => [e, buildRuleFiles(configs[e])])) as Record<Environment, Record<string, RuleFile>>;

const alertsOf = (files: Record<string, RuleFile>): AlertRule[] =>
  Object.values(files).flatMap((f) => f.groups.flatMap((g) => g.rules.filter((r): r is AlertRule => "alert" in r)));
const recordsOf = (files: Record<string, RuleFile>): RecordingRule[] =>
  Object.values(files).flatMap((f) => f.groups.flatMap((g) => g.rules.filter((r): r is RecordingRule => "record" in r)));

/** The alerts the issue and the seeds ask for, and the self-monitoring of the stack. */
const REQUIRED_ALERTS = [
  "ServiceDown",
  "HighErrorRate",
  "HighResponseTime",
  "HighCPUUsage",
  "HighMemoryUsage",
  "DiskSpaceRunningLow",
  "DatabaseConnectionPoolExhausted",
  "AuthenticationFailures",
  "PaymentProcessingFailures",
  "EnrollmentFailures",
  "FederationDeliveryFailure",
  "LowCompletionRate",
  "HighStudentDropout",
  "TraceCollectionErrors",
  "LogIngestionIssues",
  "PrometheusConfigReloadFailed",
  "PrometheusRuleEvaluationFailures",
  "AlertmanagerFailedToSendAlerts",
  "AlertmanagerClusterDegraded",
  "LokiRequestErrors",
  "ElasticsearchClusterRed",
  "JaegerSpansDropped",
  "FluentBitOutputRetriesFailed",
  "Watchdog",
  // Kubernetes itself, with kubernetes-mixin's names (components/alerting/kubernetes-rules.ts).
  "KubePodCrashLooping",
  "KubePodNotReady",
  "KubeContainerOOMKilled",
  "KubeDeploymentReplicasMismatch",
  "KubeStatefulSetReplicasMismatch",
  "KubeStatefulSetUpdateNotRolledOut",
  "KubeDaemonSetNotScheduled",
  "KubeDaemonSetMisScheduled",
  "KubeJobFailed",
  "KubeNodeNotReady",
  "KubeNodePressure",
  "CPUThrottlingHigh",
  "KubePersistentVolumeFillingUp",
  "KubePersistentVolumeErrors",
  "KubeletDown",
  "KubeletTooManyPods",
];

/** Thanos' alerts: only where Thanos runs (prod's default). */
const THANOS_ALERTS = ["ThanosCompactHalted", "ThanosBucketOperationsFailing", "ThanosSidecarUploadStalled"];

describe("buildRuleFiles", () => {
  it.each(ENVS)("%s: has every required alert", (env) => {
    const names = new Set(alertsOf(ruleFiles[env]).map((a) => a.alert));
    expect(REQUIRED_ALERTS.filter((n) => !names.has(n))).toEqual([]);
  });
  it("Thanos' alerts are in stack-health.alerts exactly when Thanos runs", () => {
    const thanosIn = (files: Record<string, RuleFile>) => alertsOf(files).filter((a) => a.alert.startsWith("Thanos")).map((a) => a.alert);
    expect(configs.prod.thanos.enabled).toBe(true);
    expect(thanosIn(ruleFiles.prod)).toEqual(THANOS_ALERTS);
    expect(thanosIn({ "stack-health.rules.yaml": ruleFiles.prod["stack-health.rules.yaml"] })).toEqual(THANOS_ALERTS);
    expect(configs.dev.thanos.enabled).toBe(false);
    expect(thanosIn(ruleFiles.dev)).toEqual([]);
    expect(thanosIn(buildRuleFiles({ ...configs.dev, thanos: { ...configs.dev.thanos, enabled: true } }))).toEqual(THANOS_ALERTS);
  });

  it.each(ENVS)("%s: every alert has severity, category, summary, description and its runbook URL, and no other label", (env) => {
    for (const a of alertsOf(ruleFiles[env])) {
      expect(Object.keys(a.labels).sort()).toEqual(["category", "severity"]);
      expect(SEVERITIES).toContain(a.labels.severity);
      expect(ALERT_CATEGORIES).toContain(a.labels.category);
      expect(Object.keys(a.annotations).sort()).toEqual(["description", "runbook_url", "summary"]);
      expect(a.annotations.summary.length).toBeGreaterThan(10);
      expect(a.annotations.description.length).toBeGreaterThan(20);
      expect(a.annotations.runbook_url).toBe(`${env === "dev" ? "https://runbooks.invalid/observability" : "https://runbooks.platform.internal/observability"}/${kebabCase(a.alert)}`);
    }
  });

  it.each(ENVS)("%s: file names fit the mount (rules/*.yaml) and group names are unique", (env) => {
    for (const name of Object.keys(ruleFiles[env])) expect(name).toMatch(/^[a-z][a-z-]*\.rules\.yaml$/);
    const groups = Object.values(ruleFiles[env]).flatMap((f) => f.groups.map((g) => g.name));
    expect(new Set(groups).size).toBe(groups.length);
    expect(Object.keys(ruleFiles[env]).sort()).toEqual(["application.rules.yaml", "educational.rules.yaml", "infrastructure.rules.yaml", "kubernetes.rules.yaml", "recording.rules.yaml", "stack-health.rules.yaml"]);
  });

  it("runbook URLs follow the configured base, with or without a trailing slash", () => {
    const files = buildRuleFiles(stackConfig("dev", { runbookBaseUrl: "https://wiki.example.org/runbooks/" }));
    expect(alertsOf(files).find((a) => a.alert === "HighCPUUsage")?.annotations.runbook_url).toBe("https://wiki.example.org/runbooks/high-cpu-usage");
  });

  it("kebab-cases alert names as the runbook pages are named", () => {
    expect(kebabCase("HighCPUUsage")).toBe("high-cpu-usage");
    expect(kebabCase("DatabaseConnectionPoolExhausted")).toBe("database-connection-pool-exhausted");
    expect(kebabCase("Watchdog")).toBe("watchdog");
  });

  it("PaymentProcessingFailures is critical; the educational alerts are category educational", () => {
    const a = alertsOf(ruleFiles.prod);
    expect(a.find((r) => r.alert === "PaymentProcessingFailures")?.labels.severity).toBe("critical");
    expect(a.filter((r) => r.labels.category === "educational").map((r) => r.alert).sort()).toEqual(["HighStudentDropout", "LowCompletionRate"]);
    expect(a.find((r) => r.alert === "Watchdog")).toMatchObject({ expr: "vector(1)", labels: { severity: "info" } });
    expect(a.find((r) => r.alert === "Watchdog")?.for).toBeUndefined();
  });

  it.each(ENVS)("%s: one rule per (alert, severity); tiered alerts come as critical + warning", (env) => {
    const keys = alertsOf(ruleFiles[env]).map((a) => `${a.alert}/${a.labels.severity}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const tiered of ["HighErrorRate", "HighMemoryUsage", "DiskSpaceRunningLow", "KubePersistentVolumeFillingUp"]) {
      expect(keys.filter((k) => k.startsWith(`${tiered}/`)).sort()).toEqual([`${tiered}/critical`, `${tiered}/warning`]);
    }
  });

  it("thresholds and for: come from the environment's config", () => {
    const find = (env: Environment, name: string, severity: string) =>
      alertsOf(ruleFiles[env]).find((a) => a.alert === name && a.labels.severity === severity) as AlertRule;
    expect(find("prod", "HighErrorRate", "critical")).toMatchObject({ expr: "service:http_requests_errors:ratio_rate5m > 0.1", for: "5m" });
    expect(find("dev", "HighErrorRate", "critical")).toMatchObject({ expr: "service:http_requests_errors:ratio_rate5m > 0.25", for: "5m" });
    expect(find("prod", "ServiceDown", "critical")).toMatchObject({ expr: "up == 0", for: "1m" });
    expect(find("prod", "HighResponseTime", "warning")).toMatchObject({ expr: "service:http_request_duration_seconds:p95_rate5m > 2", for: "5m" });
    expect(find("prod", "AlertmanagerClusterDegraded", "warning").expr).toBe(`max_over_time(alertmanager_cluster_members{job="alertmanager"}[5m]) < 3`);
    expect(find("dev", "AlertmanagerClusterDegraded", "warning").expr).toBe(`max_over_time(alertmanager_cluster_members{job="alertmanager"}[5m]) < 1`);

    const tuned = buildRuleFiles(
      stackConfig("prod", { alerting: { thresholds: { latencyP95Seconds: { warning: 0.75, forMinutes: 15 } }, httpStatusLabel: "status" } }),
    );
    expect(alertsOf(tuned).find((a) => a.alert === "HighResponseTime")).toMatchObject({ expr: "service:http_request_duration_seconds:p95_rate5m > 0.75", for: "15m" });
    expect(recordsOf(tuned).find((r) => r.record === RECORDING_RULES.errorRate)?.expr).toBe(
      'sum by (namespace, service) (rate(http_requests_total{status=~"5.."}[5m])) or 0 * service:http_requests:rate5m',
    );
  });

  it("a warning tier that trips after the critical one is a config error naming the key", () => {
    expect(() =>
      loadConfig({
        values: { alerting: { thresholds: { diskFreeRatio: { warning: 0.05, critical: 0.1, forMinutes: 5 } } } },
        secretsSet: new Set(),
        stack: "dev",
      }),
    ).toThrow(
      new ConfigError([
        "observability-stack:alerting.thresholds.diskFreeRatio.warning: 0.05: the warning tier must trip before the critical one: warning (0.05) must be > critical (0.1)",
      ]),
    );
  });

  it("records every shared series once, and the alerts read the recorded ones", () => {
    const records = recordsOf(ruleFiles.prod).map((r) => r.record);
    expect(records.sort()).toEqual(Object.values(RECORDING_RULES).sort());
    const exprs = alertsOf(ruleFiles.prod).map((a) => a.expr).join("\n");
    for (const r of [RECORDING_RULES.errorRatio, RECORDING_RULES.latencyP95, RECORDING_RULES.nodeCpuUtilisation, RECORDING_RULES.nodeMemoryUtilisation]) {
      expect(exprs).toContain(r);
    }
    expect(recordsOf(ruleFiles.prod).find((r) => r.record === RECORDING_RULES.latencyP95)?.expr).toBe(
      "histogram_quantile(0.95, service:http_request_duration_seconds_bucket:rate5m)",
    );
  });

  /** PromQL words that are not metric names. */
  const PROMQL = new Set(
    "sum avg min max count rate increase changes predict_linear max_over_time histogram_quantile vector time and or unless by on without ignoring group_left group_right".split(" "),
  );
  function metricsIn(expr: string): string[] {
    const stripped = expr
      .replace(/"[^"]*"/g, "")
      .replace(/\{[^}]*\}/g, " ")
      .replace(/\[[^\]]*\]/g, " ")
      .replace(/\b(by|on|without|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
    return (stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((w) => !PROMQL.has(w) && !/^\d/.test(w));
  }

  it("RULE_METRICS lists exactly the raw metrics the rules read", () => {
    const recorded = new Set<string>(Object.values(RECORDING_RULES));
    const rules = [...alertsOf(ruleFiles.prod), ...recordsOf(ruleFiles.prod)];
    const used = new Set(rules.flatMap((r) => metricsIn(r.expr)).filter((m) => !recorded.has(m)));
    expect([...used].sort()).toEqual([...RULE_METRICS].sort());
  });

  it("the stack's components are monitored with otelcol's current names (with _total) and the real label names", () => {
    expect(RULE_METRICS).toEqual(
      expect.arrayContaining([
        "otelcol_receiver_refused_spans_total",
        "otelcol_exporter_send_failed_spans_total",
        "fluentbit_output_retries_failed_total",
        "elasticsearch_cluster_health_status",
        "alertmanager_notifications_failed_total",
      ]),
    );
    const exprs = alertsOf(ruleFiles.prod).map((a) => a.expr).join("\n");
    expect(exprs).toContain('loki_request_duration_seconds_count{job="loki", status_code=~"5.."}');
    expect(exprs).toContain('elasticsearch_cluster_health_status{job="elasticsearch", color="red"}');
  });

  it("aggregates only by bounded labels; nothing per user, student or URL", () => {
    const BOUNDED = new Set(["namespace", "service", "instance", "node", "le", "pool_name", "course_id", "rule_group", "integration", "route", "reason", "receiver", "exporter", "name", "device", "mountpoint",
      // The stack's own scrape jobs, and Thanos' object-storage operations (get, upload, iter, ...): fixed sets.
      "job", "operation",
      // Kubernetes objects (kube-state-metrics, kubelet, cAdvisor): one series per object, bounded by the cluster.
      "pod", "container", "deployment", "statefulset", "daemonset", "job_name", "persistentvolumeclaim", "persistentvolume", "phase", "condition"]);
    const rules = [...alertsOf(ruleFiles.prod), ...recordsOf(ruleFiles.prod)];
    for (const r of rules) {
      for (const m of r.expr.matchAll(/\b(?:by|on)\s*\(([^)]*)\)/g)) {
        for (const label of m[1].split(",").map((s) => s.trim())) expect([r.expr, label, BOUNDED.has(label)]).toEqual([r.expr, label, true]);
      }
      expect(r.expr).not.toMatch(/user_id|student_id|full_url|email|session/);
    }
  });

  it("the self-monitoring rules select the scrape jobs from JOBS, not copies of the strings", () => {
    jest.isolateModules(() => {
      jest.doMock("../../components/endpoints", () => {
        const actual = jest.requireActual("../../components/endpoints");
        const renamed = Object.fromEntries(Object.entries(actual.JOBS as Record<string, string>).map(([k, v]) => [k, `${v}-renamed`]));
        return { ...actual, JOBS: renamed };
      });
      const { buildRuleFiles: build } = require("../../components/alerting/rules") as typeof import("../../components/alerting/rules");
      const text = stringify(build(configs.prod));
      for (const job of [JOBS.prometheus, JOBS.alertmanager, JOBS.loki, JOBS.elasticsearch, JOBS.jaeger, JOBS.fluentBit, JOBS.nodeExporter]) {
        expect(text).toContain(`job="${job}-renamed"`);
        expect(text).not.toContain(`job="${job}"`);
      }
    });
  });
});

/**
 * Give a scenario's subjects their own identity (namespace and instance get a suffix, in the series,
 * the expected labels and the expected texts), so every scenario of every alert can share one
 * promtool test group: each group costs promtool a fresh TSDB (~70 ms), one group per environment
 * keeps the whole run well under a second.
 */
function uniquify(s: Scenario, tag: string): Scenario {
  const seen = { namespace: new Set<string>(), instance: new Set<string>() };
  const series = s.series.map((x) => ({
    ...x,
    series: x.series.replace(/\b(namespace|instance)="([^"]*)"/g, (_m, k: "namespace" | "instance", v: string) => {
      seen[k].add(v);
      return `${k}="${v}-${tag}"`;
    }),
  }));
  const text = (t: string) => {
    for (const i of seen.instance) t = t.split(i).join(`${i}-${tag}`);
    for (const n of seen.namespace) t = t.split(`namespace ${n}`).join(`namespace ${n}-${tag}`);
    return t;
  };
  const firing = s.firing.map((f) => ({
    labels: Object.fromEntries(Object.entries(f.labels).map(([k, v]) => [k, k === "namespace" || k === "instance" ? `${v}-${tag}` : v])),
    summary: text(f.summary),
    description: text(f.description),
  }));
  return { name: s.name, series, firing };
}

/**
 * The promtool test group of an environment. For each alert, at activeFrom + for: exactly the alerts
 * of its firing scenarios fire, with their labels and annotations (so the healthy scenarios stay
 * silent), and none is pending; one minute earlier all of them are pending and none fires (`for:`).
 */
function promtoolTestGroup(cfg: StackConfig, files: Record<string, RuleFile>, cases: AlertCase[], own?: { name: string }): object {
  const alerts = alertsOf(files);
  const input_series: InputSeries[] = [];
  const alert_rule_test: object[] = [];
  const promql_expr_test: object[] = [];
  let n = 0;
  for (const c of cases) {
    // The rule of the case's severity (an alert's tiers may have different `for:`).
    const severities = new Set(c.scenarios.flatMap((s) => s.firing.map((f) => f.labels.severity)));
    const rule = alerts.find((a) => a.alert === c.alert && (severities.size === 0 || severities.has(a.labels.severity)));
    if (!rule) throw new Error(`no rule for test case ${c.alert}`);
    const forMinutes = rule.for ? Number(/^(\d+)m$/.exec(rule.for)?.[1]) : 0;
    const fireAt = c.activeFromMinutes + forMinutes;
    // A group of its own (`own`) keeps its subjects' names as written.
    const scenarios = own ? c.scenarios : c.scenarios.map((s) => uniquify(s, `t${++n}`));
    input_series.push(...scenarios.flatMap((s) => s.series));
    const firing = scenarios.flatMap((s) => s.firing);
    const alertsSeries = (state: string) => firing.map((f) => ({ labels: series("ALERTS", { alertname: c.alert, alertstate: state, ...f.labels }), value: 1 }));
    const alertsQuery = (state: string) => `ALERTS{alertname="${c.alert}", alertstate="${state}"}`;
    alert_rule_test.push({
      eval_time: `${fireAt}m`,
      alertname: c.alert,
      exp_alerts: firing.map((f) => ({
        exp_labels: f.labels,
        exp_annotations: { summary: f.summary, description: f.description, runbook_url: `${cfg.runbookBaseUrl}/${c.runbook}` },
      })),
    });
    promql_expr_test.push(
      { expr: alertsQuery("firing"), eval_time: `${fireAt}m`, exp_samples: alertsSeries("firing") },
      { expr: alertsQuery("pending"), eval_time: `${fireAt}m`, exp_samples: [] },
    );
    if (forMinutes > 0) {
      alert_rule_test.push({ eval_time: `${fireAt - 1}m`, alertname: c.alert, exp_alerts: [] });
      promql_expr_test.push({ expr: alertsQuery("pending"), eval_time: `${fireAt - 1}m`, exp_samples: alertsSeries("pending") });
    }
  }
  return { name: own ? `${cfg.environment} ${own.name}` : cfg.environment, interval: "1m", input_series, alert_rule_test, promql_expr_test };
}

/** The recording rules' values, in a group of their own (their series would trip the alerts' exact expectations). */
function recordingTestGroup(cfg: StackConfig): object {
  const c = recordingCase(cfg, RECORDING_RULES);
  return {
    name: `${cfg.environment} recording rules`,
    interval: "1m",
    input_series: c.series,
    promql_expr_test: c.checks.map((k) => ({ expr: k.expr, eval_time: `${k.evalMinutes}m`, exp_samples: k.samples })),
  };
}

describe("promtool", () => {
  const promtool = () => tool("promtool");
  const written: Record<Environment, string[]> = { dev: [], prod: [] };
  const testFiles: string[] = [];
  for (const env of ENVS) {
    mkdirSync(join(dir, env, "rules"), { recursive: true });
    // The SLO rules (test/slo) are mounted beside these: check rules and check config load them too.
    for (const [name, file] of Object.entries({ ...ruleFiles[env], ...buildSloRuleFiles(configs[env]) })) {
      const path = join(dir, env, "rules", name);
      writeFileSync(path, stringify(file));
      written[env].push(path);
    }
    const tests = {
      rule_files: Object.keys(ruleFiles[env]).map((n) => `rules/${n}`),
      evaluation_interval: "1m",
      // Prometheus evaluates groups concurrently, so in production an alert on a recorded series may
      // lag one evaluation behind; the test fixes the order to make `for:` timing exact.
      group_eval_order: Object.values(ruleFiles[env]).flatMap((f) => f.groups.map((g) => g.name)),
      tests: [
        promtoolTestGroup(configs[env], ruleFiles[env], alertCases(configs[env])),
        // The Kubernetes alerts share series (up, pod phases, node info): one group per case.
        ...kubernetesAlertCases(configs[env]).map((c, i) => promtoolTestGroup(configs[env], ruleFiles[env], [c], { name: `${c.alert} ${i}` })),
        recordingTestGroup(configs[env]),
      ],
    };
    const testFile = join(dir, env, "alerts.test.yaml");
    writeFileSync(testFile, stringify(tests));
    testFiles.push(testFile);
  }

  it("check rules accepts every rule file of dev and prod, the SLO rules included", () => {
    expect(written.prod.map((p) => p.split("/").pop())).toContain("slo.rules.yaml");
    const out = run(promtool(), ["check", "rules", ...written.dev, ...written.prod]);
    expect(out.match(/SUCCESS/g)?.length).toBe(written.dev.length + written.prod.length);
  });

  it.each(ENVS)("check config accepts the %s prometheus.yml with its rule files", (env) => {
    const cfg = configs[env];
    const promYml = buildPrometheusConfig({
      environment: env,
      clusterName: cfg.clusterName,
      scrapeIntervalSeconds: cfg.prometheus.scrapeIntervalSeconds,
      evaluationIntervalSeconds: cfg.prometheus.evaluationIntervalSeconds,
      serviceTargets: [
        { job: JOBS.prometheus, namespace: cfg.namespace, service: SERVICES.prometheus, portName: "web" },
        { job: JOBS.alertmanager, namespace: cfg.namespace, service: SERVICES.alertmanager, portName: "web" },
        { job: JOBS.nodeExporter, namespace: cfg.namespace, service: SERVICES.nodeExporter, portName: "metrics" },
      ],
      alertmanager: { namespace: cfg.namespace, service: SERVICES.alertmanager, portName: "web" },
      staticTargets: cfg.prometheus.staticTargets,
      ruleFiles: [join(dir, env, "rules", "*.yaml")],
    });
    const file = join(dir, env, "prometheus.yml");
    writeFileSync(file, stringify(promYml));
    const out = run(promtool(), ["check", "config", file]);
    for (const rules of written[env]) expect(out).toContain(`Checking ${rules}\n  SUCCESS`);
  });

  it("every alert rule has a test case that fires and one that stays silent", () => {
    for (const env of ENVS) {
      const cases = [...alertCases(configs[env]), ...kubernetesAlertCases(configs[env])];
      for (const a of alertsOf(ruleFiles[env])) {
        const mine = cases.filter((x) => x.alert === a.alert);
        expect([env, a.alert, mine.length > 0]).toEqual([env, a.alert, true]);
        const fired = mine.flatMap((c) => c.scenarios.flatMap((s) => s.firing.map((f) => f.labels.severity)));
        expect([env, a.alert, fired]).toEqual([env, a.alert, expect.arrayContaining([a.labels.severity])]);
        if (a.alert !== "Watchdog") expect([env, a.alert, mine.every((c) => c.scenarios.some((s) => s.firing.length === 0))]).toEqual([env, a.alert, true]);
      }
    }
  });

  it("test rules catches a rule that ignores for: or loses an annotation (the tests have teeth)", () => {
    const files = buildRuleFiles(configs.prod);
    const app = files["application.rules.yaml"].groups[0].rules as AlertRule[];
    const broken = app.map((r) =>
      r.alert === "HighErrorRate" ? { ...r, for: undefined } : r.alert === "PaymentProcessingFailures" ? { ...r, annotations: { ...r.annotations, description: "x" } } : r,
    );
    const mutDir = join(dir, "mutant");
    mkdirSync(join(mutDir, "rules"), { recursive: true });
    for (const [name, file] of Object.entries(files)) {
      writeFileSync(join(mutDir, "rules", name), stringify(name === "application.rules.yaml" ? { groups: [{ ...file.groups[0], rules: broken }] } : file));
    }
    const tests = join(mutDir, "alerts.test.yaml");
    writeFileSync(tests, readFileSync(join(dir, "prod", "alerts.test.yaml"), "utf8"));
    expect(() => run(promtool(), ["test", "rules", tests])).toThrow(/alertname: HighErrorRate, time: 5m[\s\S]*alertname: PaymentProcessingFailures, time: 6m/);
  });

  it("test rules: every alert fires with its labels and annotations, respects for:, and stays silent when healthy; the recording rules record the expected values (dev and prod)", () => {
    const out = run(promtool(), ["test", "rules", ...testFiles]);
    expect(out.match(/SUCCESS/g)?.length).toBe(testFiles.length);
  });
});
