/**
 * Our dashboard checks (dashboards/lint.ts, in place of Grafana's dashboard linter) on every dashboard,
 * and each check failing on a dashboard broken for it, with its exact message.
 */
import { allDashboards } from "../../dashboards";
import { formatProblem, LINT_EXCLUSIONS, lintDashboard, RULES } from "../../dashboards/lint";

type Json = Record<string, any>;

const real = allDashboards();
const byUid = (uid: string) => real.find((d) => d.uid === uid)!;

/** A copy of a real dashboard, broken by `mutate`, and its problems, one line each. */
function problems(uid: string, mutate: (d: Json) => void): string[] {
  const d = structuredClone(byUid(uid).json) as Json;
  mutate(d);
  return lintDashboard(d).map(formatProblem);
}
const panel = (d: Json, title: string): Json => d.panels.find((p: Json) => p.title === title);
const variable = (d: Json, name: string): Json => d.templating.list.find((v: Json) => v.name === name);

const failed = new Set<string>();
/** Record the rules a broken dashboard made fail, so the last test can show every rule can fail. */
function expectProblems(actual: string[], expected: string[]): void {
  expect(actual).toEqual(expected);
  for (const line of actual) failed.add(/^\[([^\]]+)\]/.exec(line)![1]);
}

const OV = "obs-system-overview";
const OVD = "dashboard 'System overview'";
const LOGS = "obs-logs";
const LOGSD = "dashboard 'Logs'";

describe("every dashboard passes", () => {
  test.each(real.map((d) => [d.uid, d] as const))("%s", (_uid, d) => {
    expect(lintDashboard(d.json).map(formatProblem)).toEqual([]);
  });

  test("the checks ran on every panel and query (a dashboard without panels would pass trivially)", () => {
    const count = real.reduce((n, d) => n + ((d.json as Json).panels as Json[]).filter((p) => p.type !== "row").flatMap((p) => p.targets ?? []).length, 0);
    expect(count).toBeGreaterThan(70);
  });
});

describe("each check fails on a dashboard broken for it", () => {
  test("dashboard-meta-rule: uid, title, description, tags", () => {
    expectProblems(
      problems(OV, (d) => {
        d.uid = "has spaces";
        d.description = "";
        d.tags = [];
      }),
      [
        `[dashboard-meta-rule] ${OVD}: uid 'has spaces' must be 1-40 letters, digits, '-' or '_'`,
        `[dashboard-meta-rule] ${OVD}: has no description`,
        `[dashboard-meta-rule] ${OVD}: needs at least one tag, and no empty tag`,
      ],
    );
    expectProblems(
      problems(OV, (d) => delete d.title),
      ["[dashboard-meta-rule] dashboard 'obs-system-overview': has no title"],
    );
  });

  test("uneditable-dashboard", () => {
    expectProblems(
      problems(OV, (d) => (d.editable = true)),
      [`[uneditable-dashboard] ${OVD}: is editable, it should be set to 'editable: false'`],
    );
  });

  test("template-datasource-rule: no datasource variable", () => {
    const lines = problems(OV, (d) => (d.templating.list = d.templating.list.filter((v: Json) => v.type !== "datasource")));
    const [own, rest] = [lines.filter((l) => l.startsWith("[template-datasource-rule]")), lines.filter((l) => !l.startsWith("[template-datasource-rule]"))];
    expectProblems(own, [`[template-datasource-rule] ${OVD}: does not have a templated data source`]);
    // Without the variable no panel can use it either (and the query checks have no language to check).
    expect(rest.length).toBeGreaterThan(10);
    expect(rest.filter((l) => !l.startsWith("[panel-datasource-rule]"))).toEqual([]);
  });

  test("template-datasource-rule: name and label of the variable", () => {
    expectProblems(
      problems(OV, (d) => {
        const v = variable(d, "datasource");
        v.name = "ds";
        v.label = "Source";
        // Keep the panels pointing at the (renamed) variable: only the naming is wrong.
        const text = JSON.stringify(d).replaceAll("${datasource}", "${ds}");
        Object.assign(d, JSON.parse(text));
      }),
      [
        `[template-datasource-rule] ${OVD}: templated data source variable named 'ds', should be named 'prometheus_datasource', or 'datasource'`,
        `[template-datasource-rule] ${OVD}: templated data source variable labeled 'Source', should be labeled 'Prometheus data source', or 'Data source'`,
      ],
    );
  });

  test("template-label-promql-rule: not a label query, an unknown function, a selector that does not parse", () => {
    expectProblems(
      problems(OV, (d) => {
        variable(d, "environment").query = "up";
        variable(d, "service").query = 'label_valuez(up{environment=~"$environment"}, service)';
      }),
      [
        `[template-label-promql-rule] ${OVD}: template 'environment' invalid templated label 'up': not a function call such as label_values(…)`,
        `[template-label-promql-rule] ${OVD}: template 'service' invalid templated label 'label_valuez(up{environment=~"$environment"}, service)': invalid 'function': label_valuez`,
      ],
    );
    expectProblems(
      problems(OV, (d) => (variable(d, "service").query = 'label_values(up{environment=~"$environment", service}, service)')),
      [
        `[template-label-promql-rule] ${OVD}: template 'service' invalid templated label 'label_values(up{environment=~"$environment", service}, service)': expected a matcher operator after 'service', found '}' at 52`,
      ],
    );
    // Loki dashboards: the selector is a stream selector.
    expectProblems(
      problems(LOGS, (d) => (variable(d, "service").query = 'label_values({app=~".*"}, app)')),
      [
        `[template-label-promql-rule] ${LOGSD}: template 'service' invalid templated label 'label_values({app=~".*"}, app)': a stream selector needs at least one equality or regex matcher that does not match the empty string`,
      ],
    );
  });

  test("template-on-time-change-reload-rule", () => {
    expectProblems(
      problems(OV, (d) => (variable(d, "service").refresh = 1)),
      [`[template-on-time-change-reload-rule] ${OVD}: templated datasource variable named 'service', should be set to be refreshed 'On Time Range Change (value 2)', is currently '1'`],
    );
  });

  test("panel-id-rule: duplicate and missing ids, nested panels of a collapsed row included", () => {
    expectProblems(
      problems(OV, (d) => {
        panel(d, "Error rate").id = panel(d, "Request rate").id;
        const row = d.panels.find((p: Json) => p.type === "row");
        row.collapsed = true;
        row.panels = [{ ...structuredClone(panel(d, "Active users")), title: "Nested" }];
        delete panel(d, "Services up").id;
      }),
      [
        `[panel-id-rule] ${OVD}, panel 'Error rate': has id 2, already used by panel 'Request rate'`,
        `[panel-id-rule] ${OVD}, panel 'Active users': has id 5, already used by panel 'Nested'`,
        `[panel-id-rule] ${OVD}, panel 'Services up': has no positive integer id (id: undefined)`,
      ],
    );
  });

  test("panel-datasource-rule: a hard-coded uid on a panel, a query or a query variable", () => {
    expectProblems(
      problems(OV, (d) => {
        panel(d, "Request rate by service").datasource = { type: "prometheus", uid: "prometheus" };
        panel(d, "Active users").targets[0].datasource = { type: "prometheus", uid: "P1809F7CD0C75ACF3" };
        variable(d, "service").datasource = "Prometheus";
      }),
      [
        `[panel-datasource-rule] ${OVD}: template 'service' does not use a templated datasource, uses 'Prometheus'`,
        `[panel-datasource-rule] ${OVD}, panel 'Active users', target A: does not use a templated datasource, uses 'P1809F7CD0C75ACF3'`,
        `[panel-datasource-rule] ${OVD}, panel 'Request rate by service': does not use a templated datasource, uses 'prometheus'`,
      ],
    );
  });

  test("panel-title-description-rule: panels and rows", () => {
    expectProblems(
      problems(OV, (d) => {
        delete panel(d, "Active users").description;
        panel(d, "Services up").title = " ";
        d.panels.find((p: Json) => p.type === "row").title = "";
      }),
      [
        `[panel-title-description-rule] ${OVD}, row 1: has no title`,
        `[panel-title-description-rule] ${OVD}, panel 'Active users': has missing title or description, currently has title 'Active users' and description: ''`,
        `[panel-title-description-rule] ${OVD}, panel ' ': has missing title or description, currently has title ' ' and description: 'Share of scrape targets of the selected services that answered their last scrape.'`,
      ],
    );
  });

  test("panel-units-rule: missing and unknown units; value mappings and non-numeric stats are exempt", () => {
    expectProblems(
      problems(OV, (d) => {
        delete panel(d, "Active users").fieldConfig.defaults.unit;
        panel(d, "Request rate by service").fieldConfig.defaults.unit = "requests/s";
        // Exempt, as in the linter: a stat showing a text field, and a panel with value mappings.
        const fields = panel(d, "Services up");
        delete fields.fieldConfig.defaults.unit;
        fields.options.reduceOptions.fields = "/^name$/";
        const mapped = panel(d, "Firing alerts");
        delete mapped.fieldConfig.defaults.unit;
        mapped.fieldConfig.defaults.mappings = [{ type: "value", options: { "0": { text: "none" } } }];
      }),
      [
        `[panel-units-rule] ${OVD}, panel 'Active users': has no or invalid units defined: ''`,
        `[panel-units-rule] ${OVD}, panel 'Request rate by service': has no or invalid units defined: 'requests/s'`,
      ],
    );
    // An override's unit wins over the default.
    expectProblems(
      problems(OV, (d) => (panel(d, "Active users").fieldConfig.overrides = [{ matcher: { id: "byName", options: "x" }, properties: [{ id: "unit", value: "bogus" }] }])),
      [`[panel-units-rule] ${OVD}, panel 'Active users': has no or invalid units defined: 'bogus'`],
    );
  });

  test("panel-no-targets-rule", () => {
    expectProblems(
      problems(OV, (d) => (panel(d, "Active users").targets = [])),
      [`[panel-no-targets-rule] ${OVD}, panel 'Active users': has no targets`],
    );
  });

  test("target-refid-rule", () => {
    expectProblems(
      problems("obs-infrastructure", (d) => {
        panel(d, "Disk throughput").targets[1].refId = "A";
        delete panel(d, "Network errors").targets[0].refId;
      }),
      [
        "[target-refid-rule] dashboard 'Infrastructure', panel 'Disk throughput': refId 'A' is used by more than one target",
        "[target-refid-rule] dashboard 'Infrastructure', panel 'Network errors': target 1 has no refId",
      ],
    );
  });

  test("target-promql-rule: a query that does not parse, an unknown function, a wrong argument type, an empty query", () => {
    const at = (title: string) => `${OVD}, panel '${title}', target A`;
    expectProblems(
      problems(OV, (d) => {
        panel(d, "Request rate").targets[0].expr = 'sum(service:http_requests:rate5m{environment=~"$environment"}';
        panel(d, "Active users").targets[0].expr = 'summ(gamifyx_active_users{environment=~"$environment"})';
        panel(d, "Services up").targets[0].expr = 'rate(up{environment=~"$environment"})';
        panel(d, "Firing alerts").targets[0].expr = "";
      }),
      [
        `[target-promql-rule] ${at("Request rate")}: invalid PromQL query 'sum(service:http_requests:rate5m{environment=~"$environment"}': expected ')', found end of input at 61`,
        `[target-promql-rule] ${at("Active users")}: invalid PromQL query 'summ(gamifyx_active_users{environment=~"$environment"})': unknown function 'summ'`,
        `[target-promql-rule] ${at("Services up")}: invalid PromQL query 'rate(up{environment=~"$environment"})': rate: expected range vector, got instant vector`,
        `[target-promql-rule] ${at("Firing alerts")}: invalid PromQL query '': empty query`,
      ],
    );
  });

  test("target-logql-rule: a stream selector that matches everything, a metric query without a range, a broken pipeline", () => {
    const at = (title: string) => `${LOGSD}, panel '${title}', target A`;
    expectProblems(
      problems(LOGS, (d) => {
        panel(d, "Error logs").targets[0].expr = '{app=~".*"}';
        panel(d, "Log volume by level").targets[0].expr = 'sum by (level) (count_over_time({app=~"$service", environment=~"$environment"}))';
        panel(d, "Logs with a trace id").targets[0].expr = '{app=~"$service", environment=~"$environment"} | trace_id !=';
      }),
      [
        `[target-logql-rule] ${at("Log volume by level")}: invalid LogQL query 'sum by (level) (count_over_time({app=~"$service", environment=~"$environment"}))': count_over_time: expected log range ({…}[range]), got log stream`,
        `[target-logql-rule] ${at("Error logs")}: invalid LogQL query '{app=~".*"}': a stream selector needs at least one equality or regex matcher that does not match the empty string`,
        `[target-logql-rule] ${at("Logs with a trace id")}: invalid LogQL query '{app=~"$service", environment=~"$environment"} | trace_id !=': expected a value after 'trace_id !=', found end of input at 60`,
      ],
    );
  });

  test("target-logql-auto-rule", () => {
    expectProblems(
      problems(LOGS, (d) => (panel(d, "Log volume by service").targets[0].expr = 'sum by (app) (count_over_time({app=~"$service", environment=~"$environment"} [5m]))')),
      [`[target-logql-auto-rule] ${LOGSD}, panel 'Log volume by service', target A: LogQL query uses fixed duration [5m]: should use $__auto`],
    );
  });

  test("target-rate-interval-rule: rate and irate over a fixed range; increase may take any range", () => {
    const expr = 'sum(rate(http_requests_total{environment=~"$environment"}[5m])) + sum(irate(http_requests_total{environment=~"$environment"}[1m])) + sum(increase(http_requests_total{environment=~"$environment"}[1h]))';
    expectProblems(
      problems(OV, (d) => (panel(d, "Request rate").targets[0].expr = expr)),
      [
        `[target-rate-interval-rule] ${OVD}, panel 'Request rate', target A: invalid PromQL query '${expr}': should use $__rate_interval, not [5m] in rate()`,
        `[target-rate-interval-rule] ${OVD}, panel 'Request rate', target A: invalid PromQL query '${expr}': should use $__rate_interval, not [1m] in irate()`,
      ],
    );
  });

  test("target-counter-agg-rule: a counter or histogram bucket read raw, with or without matchers", () => {
    expectProblems(
      problems(OV, (d) => {
        panel(d, "Request rate").targets[0].expr = 'sum(http_requests_total{environment=~"$environment"})';
        panel(d, "Active users").targets[0].expr = 'histogram_quantile(0.9, sum by (le) (http_request_duration_seconds_bucket{environment=~"$environment"}))';
        // A range of a counter inside something other than rate/irate/increase.
        panel(d, "Services up").targets[0].expr = 'max_over_time(http_requests_total{environment=~"$environment"}[$__rate_interval])';
      }),
      [
        `[target-counter-agg-rule] ${OVD}, panel 'Request rate', target A: counter metric 'http_requests_total{environment=~"$environment"}' is not aggregated with rate, irate, or increase`,
        `[target-counter-agg-rule] ${OVD}, panel 'Active users', target A: counter metric 'http_request_duration_seconds_bucket{environment=~"$environment"}' is not aggregated with rate, irate, or increase`,
        `[target-counter-agg-rule] ${OVD}, panel 'Services up', target A: counter metric 'http_requests_total{environment=~"$environment"}' is not aggregated with rate, irate, or increase`,
      ],
    );
  });

  test("target-environment-rule: every PromQL and LogQL selector filters by $environment", () => {
    expectProblems(
      problems(OV, (d) => (panel(d, "Active users").targets[0].expr = 'sum(gamifyx_active_users{service=~"$service"}) / sum(gamifyx_active_users{environment="prod"})')),
      [
        `[target-environment-rule] ${OVD}, panel 'Active users', target A: selector 'gamifyx_active_users{service=~"$service"}' has no environment=~"$environment" matcher`,
        `[target-environment-rule] ${OVD}, panel 'Active users', target A: selector 'gamifyx_active_users{environment="prod"}' has no environment=~"$environment" matcher`,
      ],
    );
    expectProblems(
      problems(LOGS, (d) => (panel(d, "Error logs").targets[0].expr = '{app=~"$service"} |= "error"')),
      [`[target-environment-rule] ${LOGSD}, panel 'Error logs', target A: selector '{app=~"$service"}' has no environment=~"$environment" matcher`],
    );
  });

  test("hidden queries are not checked (as in the linter)", () => {
    expect(
      problems(OV, (d) => {
        const t = panel(d, "Active users").targets[0];
        t.expr = "not promql (";
        t.hide = true;
      }),
    ).toEqual([]);
  });

  test("every rule was shown failing above", () => {
    expect([...failed].sort()).toEqual([...RULES].sort());
  });
});

describe("the linter rules we do not apply", () => {
  test("each exclusion states its reason and is not one of our rules", () => {
    for (const [rule, e] of Object.entries(LINT_EXCLUSIONS)) {
      expect({ rule, long: e.reason.length > 30, ours: (RULES as readonly string[]).includes(rule) }).toEqual({ rule, long: true, ours: false });
    }
    expect(Object.keys(LINT_EXCLUSIONS).sort()).toEqual(["target-instance-rule", "target-job-rule", "template-instance-rule", "template-job-rule"]);
  });
});
