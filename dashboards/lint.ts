/**
 * Our own checks of the dashboard JSON, in place of Grafana's dashboard linter (grafana/dashboard-linter
 * v0.3.0, which links the AGPL-licensed github.com/grafana/loki/v3 and github.com/grafana/grafana/apps/
 * dashboard, so the toolchain no longer builds it). Pure functions over the dashboard model that
 * allDashboards() returns; test/dashboards/lint.test.ts runs them on every dashboard and shows each
 * one failing on a broken dashboard.
 *
 * Linter rules (v0.3.0) and what became of them:
 *
 * | linter rule                          | here                                                         |
 * | ------------------------------------ | ------------------------------------------------------------ |
 * | template-datasource-rule             | same rule and messages (name and label of the variable)      |
 * | template-label-promql-rule           | same; also checks Loki label queries                         |
 * | template-on-time-change-reload-rule  | same                                                         |
 * | panel-datasource-rule                | every panel type, not only graph/singlestat/table/timeseries; |
 * |                                      | also every target's and every query variable's datasource    |
 * | panel-title-description-rule         | every panel type, not only the six the linter knows          |
 * | panel-units-rule                     | same unit list and exceptions (value mappings, non-numeric   |
 * |                                      | stat fields); heatmaps too                                   |
 * | panel-no-targets-rule                | every panel type but rows                                    |
 * | target-promql-rule                   | our loose parser (dashboards/query.ts) instead of Prometheus' |
 * | target-logql-rule                    | our loose parser instead of Loki's; logs panels too          |
 * | target-logql-auto-rule               | same                                                         |
 * | target-rate-interval-rule            | same                                                         |
 * | target-counter-agg-rule              | stricter: the linter only caught a bare `x_total` (a selector |
 * |                                      | with matchers never matched); here any selector of a `_total` |
 * |                                      | or `_bucket` series must be ranged inside rate/irate/increase |
 * | uneditable-dashboard                 | same                                                         |
 * | target-job-rule, target-instance-rule, template-job-rule, template-instance-rule | excluded, |
 * |                                      | see LINT_EXCLUSIONS; target-environment-rule checks our own  |
 * |                                      | filter variable instead                                      |
 *
 * Added here: dashboard-meta-rule (uid, title, description, tags), panel-id-rule (unique ids,
 * also inside rows), target-refid-rule (unique refIds within a panel), target-environment-rule.
 *
 * Lost with the linter: the exact Prometheus and Loki parsers. Ours knows the grammar, the stable
 * functions and their argument types, but not every corner (see dashboards/query.ts): a query the
 * real parsers would refuse for a subtle reason (RE2 syntax that JavaScript reads differently, the
 * arguments of a LogQL stage such as label_format, an experimental function or duration arithmetic)
 * can pass here, and one using an experimental function the real parser takes is refused. Also lost:
 * the linter's reading of Kubernetes-shaped v2 dashboards (we build v1 JSON models only) and its
 * autofix.
 */
import { parseQuery, QueryError, selectorText, walk, type Dialect, type Node } from "./query";

/** Linter rules deliberately not applied, each with its reason (kept from the linter configuration). */
export const LINT_EXCLUSIONS: Record<string, { reason: string }> = {
  "target-job-rule": {
    reason:
      "Panels read the alerting recording rules, aggregated by (namespace, service) or (instance, node): they carry no job label, so a job=~\"$job\" matcher would hide them. Dashboards filter by $environment and $service; Stack health selects each component by its fixed job from components/endpoints.ts JOBS.",
  },
  "target-instance-rule": {
    reason: "Same as target-job-rule: recording-rule series and per-service aggregates have no instance label to match.",
  },
  "template-job-rule": {
    reason: "No $job variable: see target-job-rule. The dashboards' variables are $datasource, $environment and $service.",
  },
  "template-instance-rule": {
    reason: "No $instance variable: see target-instance-rule.",
  },
};

/** The rules run here (see the table above). */
export const RULES = [
  "dashboard-meta-rule",
  "uneditable-dashboard",
  "template-datasource-rule",
  "template-label-promql-rule",
  "template-on-time-change-reload-rule",
  "panel-id-rule",
  "panel-datasource-rule",
  "panel-title-description-rule",
  "panel-units-rule",
  "panel-no-targets-rule",
  "target-refid-rule",
  "target-promql-rule",
  "target-logql-rule",
  "target-logql-auto-rule",
  "target-rate-interval-rule",
  "target-counter-agg-rule",
  "target-environment-rule",
] as const;
export type RuleName = (typeof RULES)[number];

export interface Problem {
  rule: RuleName;
  /** `dashboard 'Title'`, `… panel 'Title'`, `… target A`. */
  where: string;
  message: string;
}

/** One line per problem: `[rule] where: message`. */
export function formatProblem(p: Problem): string {
  return `[${p.rule}] ${p.where}: ${p.message}`;
}

// ----------------------------------------------------------------------------------------------
// The dashboard model, as far as the checks read it

interface DataSourceRef {
  type?: string;
  uid?: string;
}
interface Target {
  refId?: string;
  expr?: string;
  hide?: boolean;
  datasource?: DataSourceRef | string;
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  description?: string;
  datasource?: DataSourceRef | string | null;
  targets?: Target[];
  panels?: Panel[];
  fieldConfig?: {
    defaults?: { unit?: string; mappings?: unknown[] };
    overrides?: { properties?: { id?: string; value?: unknown }[] }[];
  };
  options?: { reduceOptions?: { fields?: string } };
}
interface Variable {
  type?: string;
  name?: string;
  label?: string;
  query?: unknown;
  refresh?: number;
  datasource?: DataSourceRef | string | null;
}
interface Model {
  uid?: string;
  title?: string;
  description?: string;
  tags?: string[];
  editable?: boolean;
  panels?: Panel[];
  templating?: { list?: Variable[] };
}

// ----------------------------------------------------------------------------------------------
// Rule data

/** Panels that show query results (the linter's list plus heatmap, bar gauge and state timeline). */
const QUERY_PANELS = new Set(["stat", "singlestat", "gauge", "graph", "table", "timeseries", "heatmap", "bargauge", "state-timeline", "barchart", "piechart", "logs", "nodeGraph", "traces", "histogram"]);
/** Panels that must state a unit (the linter's list, plus heatmap). */
const UNIT_PANELS = new Set(["stat", "singlestat", "gauge", "graph", "table", "timeseries", "heatmap"]);

/**
 * Grafana's unit ids (its value-format categories): the list the linter's panel-units-rule accepts,
 * grouped by category.
 */
export const GRAFANA_UNITS: ReadonlySet<string> = new Set(
  [
    // none, misc
    "none string short percent percentunit humidity dB hex0x hex sci locale pixel",
    // acceleration, angle, area, computation
    "accMS2 accFS2 accG degree radian grad arcmin arcsec areaM2 areaF2 areaMI2 flops mflops gflops tflops pflops eflops zflops yflops",
    // concentration
    "ppm conppb conngm3 conngNm3 conμgm3 conμgNm3 conmgm3 conmgNm3 congm3 congNm3 conmgdL conmmolL",
    // currency
    "currencyUSD currencyGBP currencyEUR currencyJPY currencyRUB currencyUAH currencyBRL currencyDKK currencyISK currencyNOK currencySEK currencyCZK currencyCHF currencyPLN currencyBTC currencymBTC currencyμBTC currencyZAR currencyINR currencyKRW currencyIDR currencyPHP currencyVND",
    // data, data rate
    "bytes decbytes bits decbits kbytes deckbytes mbytes decmbytes gbytes decgbytes tbytes dectbytes pbytes decpbytes",
    "pps binBps Bps binbps bps KiBs Kibits KBs Kbits MiBs Mibits MBs Mbits GiBs Gibits GBs Gbits TiBs Tibits TBs Tbits PiBs Pibits PBs Pbits",
    // date and time
    "dateTimeAsIso dateTimeAsIsoNoDateIfToday dateTimeAsUS dateTimeAsUSNoDateIfToday dateTimeAsLocal dateTimeAsLocalNoDateIfToday dateTimeAsSystem dateTimeFromNow",
    // energy
    "watt kwatt megwatt gwatt mwatt Wm2 voltamp kvoltamp voltampreact kvoltampreact watth watthperkg kwatth kwattm amph kamph mamph joule ev amp kamp mamp volt kvolt mvolt dBm ohm kohm Mohm farad µfarad nfarad pfarad ffarad henry mhenry µhenry lumens",
    // flow, force, hash rate, mass, length, pressure
    "flowgpm flowcms flowcfs flowcfm litreh flowlpm flowmlpm lux forceNm forcekNm forceN forcekN Hs KHs MHs GHs THs PHs EHs",
    "massmg massg masslb masskg masst lengthmm lengthin lengthft lengthm lengthkm lengthmi",
    "pressurembar pressurebar pressurekbar pressurepa pressurehpa pressurekpa pressurehg pressurepsi",
    // radiation, rotation, temperature
    "radbq radci radgy radrad radsv radmsv radusv radrem radexpckg radr radsvh radmsvh radusvh rotrpm rothz rotrads rotdegs celsius fahrenheit kelvin",
    // time, throughput, velocity, volume, boolean
    "hertz ns µs ms s m h d dtdurationms dtdurations dthms dtdhms timeticks clockms clocks",
    "cps ops reqps rps wps iops cpm opm rpm wpm mps mpm velocityms velocitykmh velocitymph velocityknot",
    "mlitre litre m3 Nm3 dm3 gallons bool bool_yes_no bool_on_off",
  ]
    .join(" ")
    .split(/\s+/),
);

/** Grafana's Prometheus variable-query functions (the linter's list). */
const PROM_VARIABLE_FUNCTIONS = new Set(["label_names", "label_values", "metrics", "query_result"]);
/** Grafana's Loki variable-query functions. */
const LOKI_VARIABLE_FUNCTIONS = new Set(["label_names", "label_values"]);

/** Ranges inside rate()/irate() must be this (Grafana picks at least four scrape intervals). */
export const RATE_INTERVAL = "$__rate_interval";
/** LogQL ranges must be this (Grafana's automatic interval for Loki). */
export const LOGQL_AUTO = "$__auto";
/** Series names of counters: only rate, irate or increase over a range make sense of them. */
const COUNTER_SUFFIXES = ["_total", "_bucket"];
/** The filter every PromQL and LogQL selector carries: the dashboards' $environment variable. */
export const ENVIRONMENT_MATCHER = { label: "environment", op: "=~", value: "$environment" } as const;

// ----------------------------------------------------------------------------------------------
// Helpers

function dsUid(ds: DataSourceRef | string | null | undefined): string {
  if (ds == null) return "";
  return typeof ds === "string" ? ds : (ds.uid ?? "");
}

/** Every panel, rows' nested panels included, in layout order. */
export function allPanels(model: object): Panel[] {
  const out: Panel[] = [];
  const visit = (ps: Panel[] | undefined) => {
    for (const p of ps ?? []) {
      out.push(p);
      visit(p.panels);
    }
  };
  visit((model as Model).panels);
  return out;
}

function datasourceVariables(m: Model): Variable[] {
  return (m.templating?.list ?? []).filter((v) => (v.type ?? "").toLowerCase() === "datasource");
}

/** The query language of a dashboard: its first datasource variable's type. */
function dialectOf(m: Model): Dialect | undefined {
  const q = datasourceVariables(m)[0]?.query;
  return q === "prometheus" ? "promql" : q === "loki" ? "logql" : undefined;
}

const titleCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

// ----------------------------------------------------------------------------------------------
// The checks

/** Every problem of one dashboard model (empty when it passes). */
export function lintDashboard(json: object): Problem[] {
  const m = json as Model;
  const problems: Problem[] = [];
  const dash = `dashboard '${m.title ?? m.uid ?? "?"}'`;
  const add = (rule: RuleName, where: string, message: string) => problems.push({ rule, where, message });

  // dashboard-meta-rule: what Grafana and the folders need to find and show it.
  if (!m.uid || !/^[A-Za-z0-9_-]{1,40}$/.test(m.uid)) add("dashboard-meta-rule", dash, `uid '${m.uid ?? ""}' must be 1-40 letters, digits, '-' or '_'`);
  if (!m.title?.trim()) add("dashboard-meta-rule", dash, "has no title");
  if (!m.description?.trim()) add("dashboard-meta-rule", dash, "has no description");
  if (!m.tags?.length || m.tags.some((t) => !t.trim())) add("dashboard-meta-rule", dash, "needs at least one tag, and no empty tag");

  // uneditable-dashboard
  if (m.editable !== false) add("uneditable-dashboard", dash, "is editable, it should be set to 'editable: false'");

  // template-datasource-rule
  const dsVars = datasourceVariables(m);
  if (dsVars.length === 0) add("template-datasource-rule", dash, "does not have a templated data source");
  for (const v of dsVars) {
    const type = String(v.query ?? "");
    const names = [`${type.toLowerCase()}_datasource`];
    const labels = [`${titleCase(type)} data source`];
    if (dsVars.length === 1) {
      names.push("datasource");
      labels.push("Data source");
    }
    if (!names.includes(v.name ?? "")) add("template-datasource-rule", dash, `templated data source variable named '${v.name ?? ""}', should be named ${names.map((n) => `'${n}'`).join(", or ")}`);
    if (!labels.includes(v.label ?? "")) add("template-datasource-rule", dash, `templated data source variable labeled '${v.label ?? ""}', should be labeled ${labels.map((n) => `'${n}'`).join(", or ")}`);
  }
  const dsRefs = new Set(dsVars.flatMap((v) => [`$${v.name}`, `\${${v.name}}`]));
  const dialect = dialectOf(m);

  // template-label-promql-rule, template-on-time-change-reload-rule
  for (const v of m.templating?.list ?? []) {
    if (v.type !== "query") continue;
    if (v.refresh !== 2) {
      add("template-on-time-change-reload-rule", dash, `templated datasource variable named '${v.name}', should be set to be refreshed 'On Time Range Change (value 2)', is currently '${v.refresh ?? 0}'`);
    }
    if (dialect) {
      const q = typeof v.query === "string" ? v.query : ((v.query as { query?: string } | undefined)?.query ?? "");
      const err = variableQueryError(q, dialect);
      if (err) add("template-label-promql-rule", dash, `template '${v.name}' invalid templated label '${q}': ${err}`);
    }
    if (!dsRefs.has(dsUid(v.datasource))) add("panel-datasource-rule", dash, `template '${v.name}' does not use a templated datasource, uses '${dsUid(v.datasource)}'`);
  }

  // panel-id-rule
  const panels = allPanels(m);
  const seen = new Map<number, string>();
  for (const p of panels) {
    const where = `${dash}, panel '${p.title ?? ""}'`;
    if (typeof p.id !== "number" || !Number.isInteger(p.id) || p.id < 1) add("panel-id-rule", where, `has no positive integer id (id: ${JSON.stringify(p.id)})`);
    else if (seen.has(p.id)) add("panel-id-rule", where, `has id ${p.id}, already used by panel '${seen.get(p.id)}'`);
    else seen.set(p.id, p.title ?? "");
  }

  for (const p of panels) {
    if (p.type === "row") {
      if (!p.title?.trim()) add("panel-title-description-rule", `${dash}, row ${p.id}`, "has no title");
      continue;
    }
    const where = `${dash}, panel '${p.title ?? ""}'`;

    // panel-title-description-rule
    if (!p.title?.trim() || !p.description?.trim()) {
      add("panel-title-description-rule", where, `has missing title or description, currently has title '${p.title ?? ""}' and description: '${p.description ?? ""}'`);
    }

    // panel-datasource-rule
    if (!dsRefs.has(dsUid(p.datasource))) add("panel-datasource-rule", where, `does not use a templated datasource, uses '${dsUid(p.datasource)}'`);

    // panel-units-rule
    if (UNIT_PANELS.has(p.type ?? "")) {
      const overrides = (p.fieldConfig?.overrides ?? []).flatMap((o) => o.properties ?? []);
      const mapped = overrides.some((o) => o.id === "mappings" && o.value != null) || (p.fieldConfig?.defaults?.mappings?.length ?? 0) > 0;
      const nonNumeric = p.type === "stat" && !!p.options?.reduceOptions?.fields;
      if (!mapped && !nonNumeric) {
        const unit = (overrides.filter((o) => o.id === "unit").pop()?.value as string | undefined) ?? p.fieldConfig?.defaults?.unit ?? "";
        if (!GRAFANA_UNITS.has(unit)) add("panel-units-rule", where, `has no or invalid units defined: '${unit}'`);
      }
    }

    // panel-no-targets-rule
    const targets = p.targets ?? [];
    if (QUERY_PANELS.has(p.type ?? "") && targets.length === 0) add("panel-no-targets-rule", where, "has no targets");

    // target-refid-rule
    const refIds = targets.map((t) => t.refId ?? "");
    for (const [i, r] of refIds.entries()) {
      if (!r) add("target-refid-rule", where, `target ${i + 1} has no refId`);
      else if (refIds.indexOf(r) !== i) add("target-refid-rule", where, `refId '${r}' is used by more than one target`);
    }

    for (const t of targets) {
      const tw = `${where}, target ${t.refId ?? "?"}`;
      if (t.datasource !== undefined && !dsRefs.has(dsUid(t.datasource))) add("panel-datasource-rule", tw, `does not use a templated datasource, uses '${dsUid(t.datasource)}'`);
      if (t.hide || !dialect) continue;
      problems.push(...lintExpr(t.expr ?? "", dialect, tw));
    }
  }
  return problems;
}

/** The query checks of one target expression (PromQL or LogQL). */
export function lintExpr(expr: string, dialect: Dialect, where: string): Problem[] {
  const out: Problem[] = [];
  const lang = dialect === "promql" ? "PromQL" : "LogQL";
  let ast: Node;
  try {
    ast = parseQuery(expr, dialect);
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    return [{ rule: dialect === "promql" ? "target-promql-rule" : "target-logql-rule", where, message: `invalid ${lang} query '${expr}': ${e.message}` }];
  }
  const add = (rule: RuleName, message: string) => {
    if (!out.some((p) => p.rule === rule && p.message === message)) out.push({ rule, where, message });
  };
  walk(ast, (n, parents) => {
    const parent = parents[parents.length - 1];
    const grand = parents[parents.length - 2];
    if (dialect === "promql") {
      // target-rate-interval-rule
      if (n.kind === "matrix" && n.range.text !== RATE_INTERVAL && parent?.kind === "call" && (parent.func === "rate" || parent.func === "irate")) {
        add("target-rate-interval-rule", `invalid PromQL query '${expr}': should use ${RATE_INTERVAL}, not [${n.range.text}] in ${parent.func}()`);
      }
      // target-counter-agg-rule
      if (n.kind === "selector" && n.name && COUNTER_SUFFIXES.some((s) => n.name!.endsWith(s))) {
        const ok = parent?.kind === "matrix" && grand?.kind === "call" && ["rate", "irate", "increase"].includes(grand.func);
        if (!ok) add("target-counter-agg-rule", `counter metric '${selectorText(n)}' is not aggregated with rate, irate, or increase`);
      }
    }
    // target-logql-auto-rule
    if (dialect === "logql" && n.kind === "matrix" && n.range.text !== LOGQL_AUTO) add("target-logql-auto-rule", `LogQL query uses fixed duration [${n.range.text}]: should use ${LOGQL_AUTO}`);
    // target-environment-rule
    if (n.kind === "selector" || n.kind === "logs") {
      const has = n.matchers.some((x) => x.label === ENVIRONMENT_MATCHER.label && x.op === ENVIRONMENT_MATCHER.op && x.value === ENVIRONMENT_MATCHER.value);
      const text = n.kind === "selector" ? selectorText(n) : `{${n.matchers.map((x) => `${x.label}${x.op}${JSON.stringify(x.value)}`).join(", ")}}`;
      if (!has) add("target-environment-rule", `selector '${text}' has no ${ENVIRONMENT_MATCHER.label}${ENVIRONMENT_MATCHER.op}"${ENVIRONMENT_MATCHER.value}" matcher`);
    }
  });
  return out;
}

/**
 * Why a query variable's query is not a Grafana label query of the dashboard's datasource (undefined
 * when it is): `label_values(selector, label)`, `label_values(label)`, `label_names()`, and for
 * Prometheus `metrics(regex)` and `query_result(expr)`.
 */
export function variableQueryError(query: string, dialect: Dialect): string | undefined {
  const m = /^\s*([a-z_]+)\((.*)\)\s*$/s.exec(query);
  if (!m) return "not a function call such as label_values(…)";
  const [, fn] = m;
  // Blank out everything before the argument list, so positions in messages are the query's own.
  const start = query.indexOf("(") + 1;
  const inner = " ".repeat(start) + m[2];
  const allowed = dialect === "promql" ? PROM_VARIABLE_FUNCTIONS : LOKI_VARIABLE_FUNCTIONS;
  if (!allowed.has(fn)) return `invalid 'function': ${fn}`;
  const label = /^[A-Za-z_][A-Za-z0-9_]*$/;
  try {
    if (fn === "query_result") {
      parseQuery(inner, "promql");
      return undefined;
    }
    if (fn === "metrics") return inner.trim() ? undefined : "metrics() needs a regex";
    if (fn === "label_names") {
      if (inner.trim()) parseQuery(inner, dialect);
      return undefined;
    }
    // label_values([selector, ] label)
    const comma = inner.lastIndexOf(",");
    const name = inner.slice(comma + 1).trim();
    if (!label.test(name)) return `'${name}' is not a label name`;
    if (comma >= start) {
      const sel = parseQuery(inner.slice(0, comma), dialect);
      if (sel.kind !== "selector" && sel.kind !== "logs") return "label_values takes a selector";
    }
    return undefined;
  } catch (e) {
    if (e instanceof QueryError) return e.message;
    throw e;
  }
}

/** Every problem of every dashboard given. */
export function lintDashboards(dashboards: { json: object }[]): Problem[] {
  return dashboards.flatMap((d) => lintDashboard(d.json));
}
