/**
 * The generated Loki configs, checked by the real Loki (v3.7.8, the image we deploy), built from the
 * Go module proxy by tools/build.sh loki:
 *  - `loki -verify-config` accepts the dev, prod and S3 files exactly as they go into the ConfigMap
 *    (strict YAML: an unknown or misspelt key fails, which a negative control shows);
 *  - the dev config, moved into a temporary directory and onto free ports, runs: Loki gets ready,
 *    accepts a pushed line with a trace id as structured metadata, returns it from a query,
 *    rejects a line older than reject_old_samples_max_age, and reports the retention it enforces.
 */
import { execFile } from "child_process";
import { existsSync } from "fs";
import { promisify } from "util";
import { DEFAULTS } from "../../components/config";
import { buildLokiConfig, type LokiConfigOptions } from "../../components/loki/config";
import { IMAGES } from "../../components/versions";
import { missingTool, scratchYaml, toolPath } from "../helpers/tools";

const run = promisify(execFile);
const LOKI = toolPath("loki");
const MISSING = missingTool("loki");

const scratch = scratchYaml("loki-verify");
const writeConfig = scratch.write;

async function verify(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const r = await run(LOKI, [`-config.file=${file}`, "-verify-config"], { timeout: 60_000 });
    return { ok: true, output: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}${err.message}` };
  }
}

const s3: LokiConfigOptions["storage"] = { type: "s3", region: "eu-west-1", chunksBucket: "obs-loki-chunks", rulerBucket: "obs-loki-ruler" };

describe("loki -verify-config", () => {
  test("the binary is there and is the version of the deployed image", async () => {
    if (!existsSync(LOKI)) throw new Error(MISSING);
    const { stdout } = await run(LOKI, ["-version"]);
    expect(stdout).toContain(`version ${IMAGES.loki.tag}`);
  });

  test.each([
    ["dev", buildLokiConfig(DEFAULTS.dev.loki, { storage: { type: "filesystem" } })],
    ["prod", buildLokiConfig(DEFAULTS.prod.loki, { storage: { type: "filesystem" } })],
    ["prod-s3", buildLokiConfig(DEFAULTS.prod.loki, { storage: s3 })],
  ])("%s config is valid", async (name, conf) => {
    if (!existsSync(LOKI)) throw new Error(MISSING);
    const r = await verify(writeConfig(name, conf));
    expect([r.ok, r.output]).toEqual([true, expect.stringContaining("config is valid")]);
  });

  test("negative control: a misspelt key is rejected", async () => {
    if (!existsSync(LOKI)) throw new Error(MISSING);
    const conf = buildLokiConfig(DEFAULTS.dev.loki, { storage: { type: "filesystem" } }) as Record<string, any>;
    const bad = { ...conf, limits_config: { ...conf.limits_config, retention_periodd: "24h" } };
    const r = await verify(writeConfig("bad", bad));
    expect(r.ok).toBe(false);
    expect(r.output).toContain("retention_periodd");
  });
});

/** A free TCP port on the loopback interface. */
