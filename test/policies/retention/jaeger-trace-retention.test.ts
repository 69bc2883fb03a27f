import { jaegerTraceRetention } from "../../../policies/retention/jaeger-trace-retention";
import { configMap, jaegerCleaner, jaegerConfig } from "../fixtures";
import { assertResourceViolations, resourceArgs, packConfig } from "../helpers";

describe("jaeger-trace-retention", () => {
  test("compliant badger: 168h", () => assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig(), packConfig("prod", "jaeger-trace-retention")), []));
  test("badger without ttl.spans", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig({ badger: { ephemeral: false } }), packConfig("prod", "jaeger-trace-retention")), [
      'config.yaml: backend "traces": badger ttl.spans is not set; allowed: 3 to 30 days',
    ]));
  test("badger ttl above the bounds", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig({ badger: { ttl: { spans: "2160h" } } }), packConfig("prod", "jaeger-trace-retention")), [
      'config.yaml: backend "traces": badger ttl.spans "2160h" is 90 days; allowed: 3 to 30 days',
    ]));
  test("memory needs max_traces", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig({ memory: {} }), packConfig("prod", "jaeger-trace-retention")), [
      'config.yaml: backend "traces": memory max_traces is not set; in-memory trace storage would grow without bound',
    ]));
  test("memory with max_traces is bounded", () => assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig({ memory: { max_traces: 25600 } }), packConfig("prod", "jaeger-trace-retention")), []));
  test("compliant index cleaner: 7 days", () => assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerCleaner(), packConfig("prod", "jaeger-trace-retention")), []));
  test("index cleaner keeps too long", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerCleaner("90"), packConfig("prod", "jaeger-trace-retention")), ['index cleaner (container "index-cleaner") keeps 90 days of traces; allowed: 3 to 30 days']));
  test("index cleaner without a day count", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerCleaner("http://elasticsearch:9200"), packConfig("prod", "jaeger-trace-retention")), [
      'index cleaner (container "index-cleaner"): first argument "http://elasticsearch:9200" is not a number of days',
    ]));
  test("config.yaml that is not YAML", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(configMap("jaeger", { "config.yaml": "extensions: [" }), packConfig("prod", "jaeger-trace-retention")), [
      expect.stringMatching(/^config\.yaml is not valid YAML: /) as unknown as string,
    ]));
  test("badger ttl that is not a duration", () =>
    assertResourceViolations(jaegerTraceRetention, resourceArgs(jaegerConfig({ badger: { ttl: { spans: "a week" } } }), packConfig("prod", "jaeger-trace-retention")), [
      'config.yaml: backend "traces": badger ttl.spans "a week" is not a duration like "72h"',
    ]));
});
