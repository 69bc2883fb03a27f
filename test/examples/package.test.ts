/**
 * The package's public entry as another program sees it: `npm run build:lib` builds components/ to
 * dist/ with declarations, and `require("observability-stack")` (the package's `exports`) loads it.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const repo = path.resolve(__dirname, "..", "..");

beforeAll(() => {
  // From an empty dist/: declarations of a moved or deleted file must not linger and pass for it.
  fs.rmSync(path.join(repo, "dist"), { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.lib.json"], { cwd: repo, stdio: "pipe" });
}, 240_000);

test("require('observability-stack') loads every component from the built entry", () => {
  const script = "const m = require('observability-stack'); console.log(JSON.stringify(Object.keys(m).sort()))";
  const keys = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: repo, encoding: "utf8" })) as string[];
  for (const name of ["Prometheus", "NodeExporter", "Alertmanager", "Loki", "Elasticsearch", "Jaeger", "LogShipper", "Grafana", "GrafanaContent", "AwsStorage", "ObservabilityStack", "loadConfig", "IMAGES",
    "ElasticsearchBootstrap", "ElasticsearchExporter", "Kibana", "prometheusDatasource", "allDashboards",
    "ALERTMANAGER_DEFAULTS", "LOKI_DEFAULTS", "JAEGER_DEFAULTS", "LOG_SHIPPER_DEFAULTS", "ELASTICSEARCH_DEFAULTS", "GRAFANA_DEFAULTS"]) {
    expect(keys).toContain(name);
  }
});

test("the declarations carry each Args field with its default, for the editor's hover", () => {
  const dts = fs.readFileSync(path.join(repo, "dist", "components", "prometheus", "component.d.ts"), "utf8");
  expect(dts).toMatch(/export interface PrometheusArgs extends PlacementArgs/);
  expect(dts).toMatch(/retentionDays\?: number;/);
  expect(dts).toContain("@default 15");
  const common = fs.readFileSync(path.join(repo, "dist", "components", "common.d.ts"), "utf8");
  expect(common).toContain('Namespace of every object; it must exist. @default "default"');
});

test("Pulumi runs the program, not the library: Pulumi.yaml names index.ts (it would run package.json's exports)", () => {
  const project = fs.readFileSync(path.join(repo, "Pulumi.yaml"), "utf8");
  expect(/^main: (.+)$/m.exec(project)?.[1]).toBe("index.ts");
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
  expect(pkg.exports["."].default).toBe("./dist/components/index.js");
  expect(pkg.main).toBe("index.ts");
});

test.each([
  ["alertmanager", "AlertmanagerArgs", "retentionHours?: number;", "@default 120"],
  ["loki", "LokiArgs", "retentionDays?: number;", "@default 7"],
  ["jaeger", "JaegerArgs", "samplingRate?: number;", "@default 1"],
  ["log-shipper", "LogShipperArgs", "lokiPort?: number;", "@default 3100"],
  ["elasticsearch", "ElasticsearchArgs", "heapMi?: number;", "@default 512"],
  ["grafana", "GrafanaArgs", "storageGi?: number;", "@default 1"],
])("the declarations of %s carry its Args with their defaults", (dir, args, field, doc) => {
  const dts = fs.readFileSync(path.join(repo, "dist", "components", dir, "component.d.ts"), "utf8");
  expect(dts).toMatch(new RegExp(`export interface ${args} extends PlacementArgs`));
  expect(dts).toContain(field);
  expect(dts).toContain(doc);
});
