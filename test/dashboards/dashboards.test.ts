/**
 * Every dashboard builds, is uniquely identified, tagged and foldered, picks its datasource through
 * the $datasource variable, and queries only metrics that the stack or the seeds emit.
 */
import { allDashboards, FOLDERS, type DashboardSpec } from "../../dashboards";
import { STACK_TAG } from "../../dashboards/common";
import { KNOWN_METRICS, metricNames } from "../../dashboards/metrics";
import { DATASOURCE_UIDS } from "../../components/grafana/datasources";
import { LOKI_LABELS } from "../../components/log-shipper/config-file";
import { RECORDING_RULES } from "../../components/alerting/rules";

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
  queryType?: string;
  service?: string;
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
}
interface Variable {
  type: string;
  name: string;
  query?: unknown;
  datasource?: { type?: string; uid?: string };
}
interface Model {
  uid: string;
  title: string;
  tags: string[];
  editable: boolean;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboards: DashboardSpec[] = allDashboards();
const model = (d: DashboardSpec) => d.json as Model;
const panels = (d: DashboardSpec) => model(d).panels.filter((p) => p.type !== "row");
const kindOf = (d: DashboardSpec) => model(d).templating.list.find((v) => v.name === "datasource")!.query as string;

/** Every PromQL expression of a dashboard: panel targets and Prometheus query variables. */
function promExprs(d: DashboardSpec): string[] {
  if (kindOf(d) !== "prometheus") return [];
  const fromPanels = panels(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ""));
  const fromVars = model(d)
    .templating.list.filter((v) => v.type === "query" && typeof v.query === "string")
    .map((v) => (v.query as string).replace(/^label_values\((.*),\s*\w+\)$/, "$1"));
  return [...fromPanels, ...fromVars].filter(Boolean);
}

describe("the dashboards", () => {
  test("nine dashboards, one per seed dashboard, the SLOs and Kubernetes, with their panels", () => {
    expect(dashboards.map((d) => [d.uid, d.folder, panels(d).length])).toEqual([
      ["obs-system-overview", "platform", 10],
      ["obs-infrastructure", "platform", 12],
      ["obs-kubernetes", "platform", 13],
      ["obs-app-performance", "applications", 8],
      ["obs-slo", "applications", 8],
      ["obs-business-learning", "business", 13],
      ["obs-logs", "observability", 6],
      ["obs-traces", "observability", 4],
      ["obs-stack-health", "observability", 15],
    ]);
  });

  test("uids and titles are unique, the uid is the model's, and building twice gives the same JSON", () => {
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    expect(new Set(dashboards.map((d) => d.title)).size).toBe(dashboards.length);
    for (const d of dashboards) {
      expect(model(d).uid).toBe(d.uid);
      expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    }
    expect(JSON.stringify(allDashboards())).toBe(JSON.stringify(dashboards));
  });

  test("every dashboard is tagged with the stack tag and a domain tag, and is read-only", () => {
    for (const d of dashboards) {
      expect(model(d).tags[0]).toBe(STACK_TAG);
      expect(model(d).tags.length).toBeGreaterThanOrEqual(2);
      expect(model(d).editable).toBe(false);
    }
  });

  test("every dashboard is in a folder, and every folder holds a dashboard", () => {
    const used = new Set(dashboards.map((d) => d.folder));
    expect([...used].sort()).toEqual(Object.keys(FOLDERS).sort());
    expect(Object.values(FOLDERS).map((f) => f.title)).toEqual(["Platform", "Applications", "Business", "Observability"]);
  });

  test("every dashboard has the $datasource, $environment and $service variables", () => {
    for (const d of dashboards) {
      const vars = model(d).templating.list;
      // Kubernetes narrows further, by namespace and pod.
      expect(vars.map((v) => v.name)).toEqual(d.uid === "obs-kubernetes" ? ["datasource", "environment", "service", "namespace", "pod"] : ["datasource", "environment", "service"]);
      expect(vars[0].type).toBe("datasource");
      expect(["prometheus", "loki", "jaeger"]).toContain(vars[0].query);
    }
    expect(Object.fromEntries(dashboards.map((d) => [d.uid, kindOf(d)]))).toEqual({
      "obs-system-overview": "prometheus",
      "obs-infrastructure": "prometheus",
      "obs-kubernetes": "prometheus",
      "obs-app-performance": "prometheus",
      "obs-slo": "prometheus",
      "obs-business-learning": "prometheus",
      "obs-logs": "loki",
      "obs-traces": "jaeger",
      "obs-stack-health": "prometheus",
    });
  });

  test("every panel and query uses the $datasource variable of the dashboard's kind; no datasource uid is hard-coded", () => {
    for (const d of dashboards) {
      const kind = kindOf(d);
      for (const p of panels(d)) {
        expect({ dashboard: d.uid, panel: p.title, ds: p.datasource }).toEqual({ dashboard: d.uid, panel: p.title, ds: { type: kind, uid: "${datasource}" } });
        expect(p.targets?.length).toBeGreaterThan(0);
        for (const t of p.targets ?? []) expect(t.datasource).toEqual({ type: kind, uid: "${datasource}" });
      }
      for (const v of model(d).templating.list.filter((x) => x.datasource)) expect(v.datasource!.uid).toBe("${datasource}");
      const json = JSON.stringify(d.json);
      for (const uid of Object.values(DATASOURCE_UIDS)) expect(json).not.toContain(`"uid":"${uid}"`);
    }
  });

  test("every panel has a title, a description and a unique id", () => {
    for (const d of dashboards) {
      const ids = model(d).panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of panels(d)) {
        expect(p.title?.trim()).toBeTruthy();
        expect(p.description?.trim()).toBeTruthy();
      }
    }
  });

  test("every PromQL metric exists in the stack's rules and exporters or the seeds' metric lists", () => {
    const unknown: string[] = [];
    let count = 0;
    for (const d of dashboards) {
      for (const expr of promExprs(d)) {
        for (const m of metricNames(expr)) {
          count++;
          if (!(m in KNOWN_METRICS)) unknown.push(`${d.uid}: ${m} in ${expr}`);
        }
      }
    }
    expect(unknown).toEqual([]);
    expect(count).toBeGreaterThan(80);
  });

  test("the overview and infrastructure dashboards read the alerting recording rules", () => {
    const all = dashboards.flatMap(promExprs).join("\n");
    for (const r of [RECORDING_RULES.requestRate, RECORDING_RULES.errorRate, RECORDING_RULES.errorRatio, RECORDING_RULES.latencyP95, RECORDING_RULES.nodeCpuUtilisation, RECORDING_RULES.nodeMemoryUtilisation]) {
      expect(all).toContain(r);
    }
  });

  test("Loki queries select only stream labels Fluent Bit sets (plus environment, for a shared Loki)", () => {
    const logs = dashboards.find((d) => d.uid === "obs-logs")!;
    const allowed = new Set([...Object.keys(LOKI_LABELS), "environment"]);
    const exprs = panels(logs).flatMap((p) => (p.targets ?? []).map((t) => t.expr!));
    expect(exprs).toHaveLength(6);
    for (const e of exprs) {
      for (const sel of e.match(/\{[^}]*\}/g) ?? []) {
        for (const m of sel.matchAll(/(\w+)\s*(=~|!~|!=|=)/g)) expect(allowed.has(m[1])).toBe(true);
      }
      // A non-empty matcher in every selector, or Loki refuses the query.
      expect(e).toMatch(/app=~"\$service"/);
    }
    const service = model(logs).templating.list.find((v) => v.name === "service") as unknown as { allValue: string };
    expect(service.allValue).toBe(".+");
  });

  test("the traces dashboard searches Jaeger for $service: recent, slow, failed traces and the dependency graph", () => {
    const traces = dashboards.find((d) => d.uid === "obs-traces")!;
    expect(panels(traces).map((p) => [p.type, p.targets![0].queryType, p.targets![0].service])).toEqual([
      ["table", "search", "$service"],
      ["table", "search", "$service"],
      ["table", "search", "$service"],
      ["nodeGraph", "dependencyGraph", undefined],
    ]);
    // Jaeger has no variable query for its services: the service is typed in.
    expect(model(traces).templating.list.find((v) => v.name === "service")!.type).toBe("textbox");
  });
});

describe("metricNames", () => {
  test("finds selected metrics and ignores functions, labels, grouping, ranges and variables", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{service=~"$service", route!="/x"}[$__rate_interval])))',
      ),
    ).toEqual(["http_request_duration_seconds_bucket"]);
    expect(metricNames("service:http_requests_errors:rate5m / ignoring (code) service:http_requests:rate5m > bool 0.1").sort()).toEqual([
      "service:http_requests:rate5m",
      "service:http_requests_errors:rate5m",
    ]);
    expect(metricNames('count(ALERTS{alertstate="firing"}) or vector(0)')).toEqual(["ALERTS"]);
    expect(metricNames("up{job=\"x\"} offset 5m")).toEqual(["up"]);
  });
});

describe("options from the stack config", () => {
  it("the application dashboard filters errors on the configured HTTP status label", () => {
    const json = (label: string) => JSON.stringify(allDashboards({ httpStatusLabel: label }).find((d) => d.uid === "obs-app-performance")!.json);
    expect(json("status_code")).toContain('status_code=~\\"5..\\"');
    expect(json("status")).toContain('status=~\\"5..\\"');
    expect(json("status")).not.toContain("status_code");
  });
});
