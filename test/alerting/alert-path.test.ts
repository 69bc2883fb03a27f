/**
 * The alert path with the real servers: the pinned Prometheus and Alertmanager (tools/prometheus,
 * tools/alertmanager, built without their web UIs) run as processes on 127.0.0.1 with the generated
 * prometheus.yml, rule files and alertmanager.yml; the test serves the scrape targets and the
 * receivers' webhook.
 *
 * What is rewritten, and only that: the targets and receivers' addresses (to loopback), the
 * Kubernetes service discovery (no cluster here: those jobs are left out, and Alertmanager is a
 * static target), and the intervals, which are short test intervals: scrape and evaluation every
 * second (the stack's are 15-30 s). The stack config is dev's with the webhook and dead man's switch
 * receivers on, ServiceDown's and HighErrorRate's `for:` at 0 and the non-critical group_wait at 2 s
 * (so the test takes seconds, not minutes); the critical route keeps its default group_wait.
 *
 * It proves: ServiceDown reaches the webhook through the critical route; the Watchdog reaches the
 * dead man's switch and nothing else; the warning tier of HighErrorRate is inhibited by its critical
 * tier and never arrives. It measures, for a critical alert, the time from firing in Prometheus
 * (the alert's activeAt) to the webhook, and from the target going down to the page.
 */
import { ChildProcess, spawn } from "child_process";
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo, createServer as createNetServer } from "net";
import { join } from "path";
import { stringify } from "yaml";
import { buildAlertmanagerConfig } from "../../components/alerting/alertmanager";
import { buildRuleFiles } from "../../components/alerting/rules";
import { buildPrometheusConfig } from "../../components/prometheus/config-file";
import { FAKE_SECRETS, scratchDir, stackConfig, tool } from "./helpers";

jest.setTimeout(120_000);

/** The seeds' bound on alert latency, for a critical alert. */
const LATENCY_BOUND_MS = 5000;

interface Delivery {
  path: string;
  at: number;
  receiver: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

const dir = scratchDir("alert-path");
const procs: ChildProcess[] = [];
const servers: Server[] = [];
const deliveries: Delivery[] = [];
/** What the targets answer: "orders" goes down on demand; "checkout" serves half errors. */
let ordersUp = true;
let checkoutScrapes = 0;
let ordersDownAt = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => handler(req, body, res));
    });
    servers.push(s);
    s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port));
  });
}

function start(bin: string, args: string[], name: string): ChildProcess {
  const p = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  p.stdout!.on("data", (d) => (log += d));
  p.stderr!.on("data", (d) => (log += d));
  p.on("exit", (code) => {
    if (code !== null && code !== 0) writeFileSync(join(dir, `${name}.log`), log);
  });
  (p as ChildProcess & { log: () => string }).log = () => log;
  procs.push(p);
  return p;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function ready(url: string): Promise<true | undefined> {
  try {
    return (await fetch(url)).ok ? true : undefined;
  } catch {
    return undefined;
  }
}

const arrived = (path: string, alertname: string, receiver?: string) =>
  deliveries.find((d) => d.path === path && (receiver === undefined || d.receiver === receiver) && d.alerts.some((a) => a.status === "firing" && a.labels.alertname === alertname));

let promPort = 0;
let amPort = 0;

beforeAll(async () => {
  const webhookPort = await serve((req, body, res) => {
    const payload = JSON.parse(body) as { receiver: string; alerts: Delivery["alerts"] };
    deliveries.push({ path: req.url ?? "", at: Date.now(), receiver: payload.receiver, alerts: payload.alerts });
    res.writeHead(200).end();
  });
  const targetPort = await serve((req, _body, res) => {
    if (req.url === "/orders/metrics") {
      if (!ordersUp) return void res.writeHead(503).end("down\n");
      return void res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" }).end('http_requests_total{status_code="200"} 100\n');
    }
    if (req.url === "/checkout/metrics") {
      checkoutScrapes++;
      const n = checkoutScrapes * 10;
      return void res
        .writeHead(200, { "Content-Type": "text/plain; version=0.0.4" })
        .end(`# TYPE http_requests_total counter\nhttp_requests_total{status_code="200"} ${n}\nhttp_requests_total{status_code="503"} ${n}\n`);
    }
    res.writeHead(404).end();
  });
  [promPort, amPort] = [await freePort(), await freePort()];

  const target = `127.0.0.1:${targetPort}`;
  const cfg = stackConfig("dev", {
    prometheus: {
      staticTargets: [
        { job: "orders", targets: [target], metricsPath: "/orders/metrics", scheme: "http", labels: {} },
        { job: "checkout", targets: [target], metricsPath: "/checkout/metrics", scheme: "http", labels: {} },
      ],
    },
    alerting: {
      receivers: { webhook: { enabled: true }, deadMansSwitch: { enabled: true } },
      routing: { groupWaitSeconds: 2 },
      thresholds: { serviceDown: { forMinutes: 0 }, errorRatio: { forMinutes: 0 } },
    },
  });
  expect(cfg.alerting.routing.criticalGroupWaitSeconds).toBe(1);

  mkdirSync(join(dir, "rules"));
  for (const [name, file] of Object.entries(buildRuleFiles(cfg))) writeFileSync(join(dir, "rules", name), stringify(file));

  const prom = buildPrometheusConfig({
    environment: "dev",
    clusterName: cfg.clusterName,
    scrapeIntervalSeconds: cfg.prometheus.scrapeIntervalSeconds,
    evaluationIntervalSeconds: cfg.prometheus.evaluationIntervalSeconds,
    serviceTargets: [],
    alertmanager: { namespace: cfg.namespace, service: "alertmanager", portName: "web" },
    staticTargets: cfg.prometheus.staticTargets,
    ruleFiles: [join(dir, "rules", "*.yaml")],
  }) as { global: Record<string, unknown>; scrape_configs: Record<string, unknown>[]; alerting: { alertmanagers: Record<string, unknown>[] } };
  // Loopback only: no Kubernetes discovery; Alertmanager by address; short test intervals.
  prom.scrape_configs = prom.scrape_configs.filter((j) => !("kubernetes_sd_configs" in j)).map((j) => ({ ...j, scrape_interval: "1s" }));
  expect(prom.scrape_configs.map((j) => j.job_name)).toEqual(["orders", "checkout"]);
  prom.alerting.alertmanagers = prom.alerting.alertmanagers.map(({ kubernetes_sd_configs: _sd, relabel_configs: _rl, ...rest }) => ({
    ...rest,
    static_configs: [{ targets: [`127.0.0.1:${amPort}`] }],
  }));
  prom.global = { ...prom.global, scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" };
  writeFileSync(join(dir, "prometheus.yml"), stringify(prom));

  const secrets = { ...FAKE_SECRETS, webhookUrl: `http://127.0.0.1:${webhookPort}/webhook`, deadMansSwitchUrl: `http://127.0.0.1:${webhookPort}/deadmansswitch` };
  writeFileSync(join(dir, "alertmanager.yml"), stringify(buildAlertmanagerConfig(cfg, secrets)));

  start(
    tool("alertmanager"),
    [`--config.file=${join(dir, "alertmanager.yml")}`, `--storage.path=${join(dir, "am-data")}`, `--web.listen-address=127.0.0.1:${amPort}`, "--cluster.listen-address="],
    "alertmanager",
  );
  start(
    tool("prometheus"),
    [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "prom-data")}`, `--web.listen-address=127.0.0.1:${promPort}`],
    "prometheus",
  );
  await waitFor("Alertmanager ready", () => ready(`http://127.0.0.1:${amPort}/-/ready`), 30_000);
  await waitFor("Prometheus ready", () => ready(`http://127.0.0.1:${promPort}/-/ready`), 30_000);
});

afterAll(async () => {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          const kill = setTimeout(() => p.kill("SIGKILL"), 5000);
          p.once("exit", () => {
            clearTimeout(kill);
            resolve();
          });
          p.kill("SIGTERM");
        }),
    ),
  );
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

describe("the alert path, with the real Prometheus and Alertmanager", () => {
  it("the Watchdog reaches the dead man's switch, and only it", async () => {
    const d = await waitFor("Watchdog at the dead man's switch", () => arrived("/deadmansswitch", "Watchdog"), 20_000);
    expect(d.receiver).toBe("deadmansswitch");
    expect(deliveries.filter((x) => x.path === "/webhook" && x.alerts.some((a) => a.labels.alertname === "Watchdog"))).toEqual([]);
  });

  it("a critical alert reaches the webhook through the critical route; its inhibited warning tier never arrives", async () => {
    const critical = await waitFor("HighErrorRate (critical) at the webhook", () => arrived("/webhook", "HighErrorRate", "critical"), 30_000);
    expect(critical.alerts.find((a) => a.labels.alertname === "HighErrorRate")?.labels).toMatchObject({ severity: "critical", service: "checkout", category: "application" });
    // The warning tier fires in Prometheus too...
    const firing = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/alerts`)).json()) as { data: { alerts: unknown[] } };
    const tiers = (firing.data.alerts as { labels: Record<string, string>; state: string }[])
      .filter((a) => a.labels.alertname === "HighErrorRate" && a.state === "firing")
      .map((a) => a.labels.severity)
      .sort();
    expect(tiers).toEqual(["critical", "warning"]);
    // ...and is still inhibited after its route's group_wait (2 s) and more have passed.
    await new Promise((r) => setTimeout(r, 4000));
    expect(deliveries.filter((x) => x.alerts.some((a) => a.labels.alertname === "HighErrorRate" && a.labels.severity === "warning"))).toEqual([]);
  });

  it(`ServiceDown pages through the critical route within ${LATENCY_BOUND_MS} ms of firing; the time from the target going down is measured`, async () => {
    expect(arrived("/webhook", "ServiceDown")).toBeUndefined();
    ordersUp = false;
    ordersDownAt = Date.now();
    const page = await waitFor("ServiceDown at the webhook", () => arrived("/webhook", "ServiceDown", "critical"), 30_000, 10);
    const alert = page.alerts.find((a) => a.labels.alertname === "ServiceDown")!;
    expect(alert.labels).toMatchObject({ job: "orders", service: "orders", severity: "critical", category: "availability" });

    const api = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/alerts`)).json()) as { data: { alerts: unknown[] } };
    const inProm = (api.data.alerts as { labels: Record<string, string>; state: string; activeAt: string }[]).find(
      (a) => a.labels.alertname === "ServiceDown" && a.labels.job === "orders",
    )!;
    expect(inProm.state).toBe("firing");
    const firedAt = Date.parse(inProm.activeAt);
    const firingToWebhook = page.at - firedAt;
    const downToPage = page.at - ordersDownAt;
    const figures = { firingToWebhookMs: firingToWebhook, targetDownToPageMs: downToPage, scrapeIntervalS: 1, evaluationIntervalS: 1, criticalGroupWaitS: 1 };
    writeFileSync(join(__dirname, "..", "..", ".alert-path.json"), JSON.stringify(figures, null, 2) + "\n");
    console.log(
      `alert path (scrape and evaluation every 1 s, critical group_wait 1 s, ServiceDown for: 0): firing in Prometheus → webhook ${firingToWebhook} ms; target down → page ${downToPage} ms`,
    );
    expect(firingToWebhook).toBeGreaterThanOrEqual(0);
    expect(firingToWebhook).toBeLessThan(LATENCY_BOUND_MS);
    expect(downToPage).toBeGreaterThan(firingToWebhook);
    expect(downToPage).toBeLessThan(LATENCY_BOUND_MS + 2000);
  });
});
