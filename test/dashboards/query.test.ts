/**
 * The loose PromQL/LogQL parser behind the dashboard checks: it accepts the language's forms the
 * dashboards use (and common ones they may use), and refuses broken queries with a reason.
 */
import { parseQuery, typeOf, walk, type Dialect, type Node } from "../../dashboards/query";

const ok = (expr: string, dialect: Dialect = "promql") => expect(() => parseQuery(expr, dialect)).not.toThrow();
const bad = (expr: string, message: string, dialect: Dialect = "promql") => expect(() => parseQuery(expr, dialect)).toThrow(message);

describe("PromQL", () => {
  test.each([
    'sum by (le, service) (rate(http_request_duration_seconds_bucket{service=~"$service", route!="/x"}[$__rate_interval]))',
    'histogram_quantile(0.95, sum(rate(x_bucket[5m])) by (le))',
    "service:http_requests_errors:rate5m / ignoring (code) group_left service:http_requests:rate5m > bool 0.1",
    'count(ALERTS{alertstate="firing"}) or vector(0)',
    'up{job="x"} offset 5m',
    "rate(x_total[5m] offset -1h)",
    "max_over_time(up[1h:5m])",
    "max_over_time(rate(x_total[5m])[1h:])",
    'max(x{color="red"}) * 2 or max(x{color="yellow"})',
    "-sum(rate(x_total[$__rate_interval]))",
    "2 ^ 3 ^ 2",
    "x @ 1609746000",
    "x @ start()",
    'label_replace(up, "host", "$1", "instance", "(.*):.*")',
    "topk(5, x) and on (instance) y",
    'count_values("version", build_info)',
    'sum without (instance) (x)',
    '{__name__="up", job="x"}',
    '{"my.metric", job="x"}',
    'x{a=~"(?i)(error|fatal)"}',
    "time() - x > 3600",
    "clamp_min(x, 0)",
    "round(x)",
    "round(x, 0.1)",
    "NaN",
    "x # a comment",
    "x{a=\"b\",}",
    "rate(x[${interval}])",
    "rate(x[[[interval]]])",
  ])("accepts %s", (expr) => ok(expr));

  test.each([
    ["", "empty query"],
    ["sum(x", "expected ')', found end of input at 5"],
    ["sum(x))", "unexpected input after the expression, found ')' at 6"],
    ["rat(x[5m])", "unknown function 'rat'"],
    ["rate(x)", "rate: expected range vector, got instant vector"],
    ["sum(x[5m])", "sum: expected instant vector, got range vector"],
    ["histogram_quantile(x, y)", "histogram_quantile: expected scalar, got instant vector"],
    ["topk(x)", "topk takes 2 arguments, got 1"],
    ["clamp(x, 1)", "clamp() takes 3 argument(s), got 2"],
    ["x[5m] + 1", "binary '+' needs scalars or instant vectors, the left side is a range vector"],
    ["x and 1", "'and' is only defined between instant vectors"],
    ["sum(x)[5m]", "a range [5m] may only follow a selector (use a subquery [5m:] otherwise)"],
    ["x offset 5m [5m]", "a range [5m] may only follow a selector"],
    ['{a=~".*"}', "a selector needs a metric name or a matcher that does not match the empty string"],
    ['x{a=~"(foo"}', 'invalid regular expression in a=~"(foo"'],
    ["x{a}", "expected a matcher operator after 'a', found '}' at 3"],
    ["x{a=b}", "expected a quoted value for 'a'"],
    ['x{a="b}', "unterminated string at 4"],
    ["x[5]m", "unexpected input after the expression"],
    ["x[foo]", "expected a duration, found 'foo' at 2"],
    ["sum by (x (y)", "expected ')'"],
    ["x ! y", "unexpected character '!' at 2"],
    ["5m", "unexpected duration outside a range"],
    ["by", "unexpected keyword"],
  ])("refuses %s: %s", (expr, message) => bad(expr, message));
});

describe("LogQL", () => {
  test.each([
    'sum by (app) (count_over_time({app=~"$service", environment=~"$environment"} [$__auto]))',
    '{app=~"$service", environment=~"$environment"} | trace_id != ""',
    '{app="a"} |= "x" != "y" |~ "(?i)err" !~ "debug"',
    '{app="a"} |= "x" or "y"',
    '{app="a"} | json | level="error" | line_format "{{.msg}}"',
    '{app="a"} | logfmt | duration > 1s and status >= 500',
    '{app="a"} | json first="a.b", second="c" | drop x, y | keep z',
    '{app="a"} | pattern "<ip> - <_>"',
    'sum_over_time({app="a"} | json | unwrap bytes [$__auto]) by (x)',
    'avg_over_time({app="a"} | logfmt | unwrap duration(latency) [$__auto])',
    'quantile_over_time(0.99, {app="a"} | json | unwrap latency [$__auto]) by (route)',
    'topk(5, sum by (app) (rate({app=~".+"}[$__auto])))',
    'sum(rate({app="a"} |= "error" [$__auto])) / sum(rate({app="a"} [$__auto]))',
    '{app="a"} |= ip("10.0.0.0/8")',
  ])("accepts %s", (expr) => ok(expr, "logql"));

  test.each([
    ["{}", "a stream selector needs at least one matcher"],
    ['{app=~".*"}', "a stream selector needs at least one equality or regex matcher that does not match the empty string"],
    ['{app!="a"}', "does not match the empty string"],
    ["up", "expected a stream selector '{…}', found 'up' at 0"],
    ['count_over_time({app="a"})', "count_over_time: expected log range ({…}[range]), got log stream"],
    ['sum({app="a"})', "sum: expected instant vector, got log stream"],
    ['{app="a"} |', "expected a pipeline stage after '|', found end of input at 11"],
    ['{app="a"} |= x', "expected a quoted string after '|='"],
    ['{app="a"} | level', "expected a comparison after 'level'"],
    ['{app="a"} | regexp', "'regexp' needs a quoted argument"],
    ['rate({app="a"}[5m]) + {app="a"}', "binary '+' needs scalars or instant vectors, the right side is a logs"],
    ['irate({app="a"}[5m])', "unknown function 'irate'"],
  ])("refuses %s: %s", (expr, message) => bad(expr, message, "logql"));
});

describe("the tree the checks walk", () => {
  test("a counter's selector sits in a range inside rate(), with its matchers", () => {
    const seen: string[] = [];
    walk(parseQuery('sum by (a) (rate(x_total{a="b", c!~"d|e"}[$__rate_interval])) / 2', "promql"), (n: Node, parents: Node[]) => {
      seen.push(`${parents.map((p) => p.kind).join(">")}>${n.kind}`);
      if (n.kind === "selector") expect(n).toEqual({ kind: "selector", name: "x_total", matchers: [{ label: "a", op: "=", value: "b" }, { label: "c", op: "!~", value: "d|e" }] });
      if (n.kind === "matrix") expect(n.range).toEqual({ text: "$__rate_interval", variable: true });
    });
    expect(seen).toEqual([">binary", "binary>aggregation", "binary>aggregation>call", "binary>aggregation>call>matrix", "binary>aggregation>call>matrix>selector", "binary>number"]);
  });

  test("value types", () => {
    expect(typeOf(parseQuery("1 + 2", "promql"))).toBe("scalar");
    expect(typeOf(parseQuery("x + 2", "promql"))).toBe("vector");
    expect(typeOf(parseQuery("x[5m]", "promql"))).toBe("matrix");
    expect(typeOf(parseQuery('{a="b"} |= "c"', "logql"))).toBe("logs");
    expect(typeOf(parseQuery('count_over_time({a="b"}[$__auto])', "logql"))).toBe("vector");
  });
});
