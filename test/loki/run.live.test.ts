/**
 * The dev Loki config run for real on loopback: the slow part of the real-binary checks, run by
 * `npm run test:live` (part of `npm run check`), kept out of the fast unit run.
 */
import { spawn, type ChildProcess } from "child_process";
import { existsSync } from "fs";
import { join } from "path";
import YAML from "yaml";
import { DEFAULTS } from "../../components/config";
import { buildLokiConfig } from "../../components/loki/config";
import { freePort, missingTool, scratchYaml, toolPath } from "../helpers/tools";

const LOKI = toolPath("loki");
const MISSING = missingTool("loki");

const scratch = scratchYaml("loki-verify");
const work = scratch.dir;
const writeConfig = scratch.write;

describe("the dev config runs", () => {
  let proc: ChildProcess | undefined;
  let base = "";
  let log = "";

  beforeAll(async () => {
    if (!existsSync(LOKI)) return;
    const dataDir = join(work, "data");
    const [http, grpc] = [await freePort(), await freePort()];
    const conf = buildLokiConfig(DEFAULTS.dev.loki, { storage: { type: "filesystem" }, dataDir }) as Record<string, any>;
    conf.server = { ...conf.server, http_listen_port: http, grpc_listen_port: grpc, http_listen_address: "127.0.0.1", grpc_listen_address: "127.0.0.1" };
    const file = writeConfig("run", conf);
    base = `http://127.0.0.1:${http}`;
    proc = spawn(LOKI, [`-config.file=${file}`, "-target=all"], { stdio: ["ignore", "pipe", "pipe"] });
    proc.stdout!.on("data", (d) => (log += d));
    proc.stderr!.on("data", (d) => (log += d));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) break;
      try {
        const r = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2_000) });
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 120_000);

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc!.once("exit", r));
      proc.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGKILL");
        await exited;
      }
    }
  }, 30_000);

  const push = (tsNs: bigint, line: string, metadata?: Record<string, string>) =>
    fetch(`${base}/loki/api/v1/push`, {
      signal: AbortSignal.timeout(5_000),
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        streams: [{ stream: { namespace: "shop", app: "checkout", level: "error", log_class: "application" }, values: [metadata ? [tsNs.toString(), line, metadata] : [tsNs.toString(), line]] }],
      }),
    });

  test("gets ready, accepts a line with a trace id as structured metadata, and returns it", async () => {
    if (!existsSync(LOKI)) throw new Error(MISSING);
    const ready = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    // On failure, show the end of Loki's own log.
    expect([ready?.status, ready?.status === 200 ? "" : log.slice(-3000)]).toEqual([200, ""]);
    const now = BigInt(Date.now()) * 1_000_000n;
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const r = await push(now, `{"msg":"payment failed","trace_id":"${traceId}"}`, { trace_id: traceId });
    expect(r.status).toBe(204);
    const q = new URLSearchParams({ query: `{app="checkout"} | trace_id="${traceId}"`, start: (now - 60_000_000_000n).toString(), end: (now + 60_000_000_000n).toString() });
    let found: unknown[] = [];
    for (let i = 0; i < 20 && found.length === 0; i++) {
      // A query that hangs (e.g. the querier cannot reach its frontend) fails here, not at jest's timeout.
      const res = await fetch(`${base}/loki/api/v1/query_range?${q}`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json()) as { data: { result: Array<{ values: unknown[] }> } };
      found = body.data.result.flatMap((s) => s.values);
      if (found.length === 0) await new Promise((res2) => setTimeout(res2, 500));
    }
    expect(found).toHaveLength(1);
    expect(JSON.stringify(found[0])).toContain("payment failed");
  }, 30_000);

  test("rejects a line older than a week (reject_old_samples_max_age)", async () => {
    if (!existsSync(LOKI)) throw new Error(MISSING);
    const eightDaysAgo = BigInt(Date.now() - 8 * 24 * 3600 * 1000) * 1_000_000n;
    const r = await push(eightDaysAgo, "too old");
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/too far behind|old/i);
  });

  test("runs with the retention it was given: /config shows the compactor on and retention_period 7d", async () => {
    if (!existsSync(LOKI)) throw new Error(MISSING);
    const effective = YAML.parse(await (await fetch(`${base}/config`, { signal: AbortSignal.timeout(5_000) })).text());
    expect(effective.compactor.retention_enabled).toBe(true);
    expect(effective.compactor.delete_request_store).toBe("filesystem");
    expect(effective.limits_config.retention_period).toBe("1w");
    expect(effective.limits_config.max_query_lookback).toBe("1w");
  });
});
