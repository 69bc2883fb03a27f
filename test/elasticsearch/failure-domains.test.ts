/**
 * Elasticsearch's failure domains: allocation awareness by zone (the zone read from the node's label
 * at pod start), and rolling restarts that wait for the cluster's health. The shell scripts run for
 * real, with bash and curl, against test doubles: a stand-in Elasticsearch health endpoint and a
 * stand-in Kubernetes API on 127.0.0.1.
 */
import { execFile } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, chmodSync } from "fs";
import { createServer, type IncomingMessage, type Server } from "http";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";
import { READY_MARKER, ZONE_FILE, elasticsearchYml, readinessScript, startCommand, startStatus, zoneScript } from "../../components/elasticsearch/config-file";
import { byKind, defaultsFor, one, render } from "../helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const CR = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const CRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";

/** Runs a bash script; resolves with its exit code and output (never rejects on a non-zero exit). */
function bash(script: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", script], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** A test double on 127.0.0.1: answers with `handle`, records each request. */
async function standIn(handle: (req: IncomingMessage) => { status: number; body?: string }) {
  const requests: { url: string; authorization?: string }[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", authorization: req.headers.authorization });
    const r = handle(req);
    res.writeHead(r.status, { "Content-Type": "application/json" });
    res.end(r.body ?? "{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { port, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const RANK = { red: 0, yellow: 1, green: 2 } as const;
type Health = keyof typeof RANK;

describe("readiness: a starting node waits for the cluster's health, a started one only for itself", () => {
  let dir: string;
  let es: Awaited<ReturnType<typeof standIn>>;
  /** The stand-in cluster's health; `down`: the node does not answer. */
  let health: Health;
  let down: boolean;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "es-readiness-"));
    // Stand-in for Elasticsearch's _cluster/health: wait_for_status with a timeout answers 408
    // while the status is worse than asked, as Elasticsearch does.
    es = await standIn((req) => {
      if (down) return { status: 503 };
      const u = new URL(req.url ?? "/", "http://x");
      if (u.pathname !== "/_cluster/health") return { status: 404 };
      const want = u.searchParams.get("wait_for_status") as Health | null;
      if (want && RANK[health] < RANK[want]) return { status: 408, body: JSON.stringify({ status: health, timed_out: true }) };
      return { status: 200, body: JSON.stringify({ status: health, timed_out: false }) };
    });
  });
  afterAll(async () => {
    await es.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    rmSync(join(dir, "marker"), { force: true });
    es.requests.length = 0;
    down = false;
  });
  const probe = (status: "green" | "yellow", extra: Record<string, string> = {}) =>
    bash(readinessScript({ startStatus: status }), { ES_PROBE_PORT: String(es.port), ES_PROBE_MARKER: join(dir, "marker"), ...extra });

  test.each(["red", "yellow"] as const)("first start, cluster %s: not ready, no marker", async (h) => {
    health = h;
    const r = await probe("green");
    expect([r.code, existsSync(join(dir, "marker"))]).toEqual([1, false]);
    expect(r.out).toContain("the cluster is not green yet: this node is ready once it is");
    expect(es.requests.map((q) => q.url)).toEqual(["/_cluster/health?wait_for_status=green&timeout=1s"]);
  });

  test("first start, cluster green: ready, and the marker is left", async () => {
    health = "green";
    expect((await probe("green")).code).toBe(0);
    expect(existsSync(join(dir, "marker"))).toBe(true);
  });

  test("once ready, a yellow or red cluster keeps the node ready: only its local health is asked", async () => {
    health = "green";
    expect((await probe("green")).code).toBe(0);
    for (const h of ["yellow", "red"] as const) {
      health = h;
      expect([h, (await probe("green")).code]).toEqual([h, 0]);
    }
    expect(es.requests.map((q) => q.url)).toEqual(["/_cluster/health?wait_for_status=green&timeout=1s", "/_cluster/health?local=true", "/_cluster/health?local=true"]);
  });

  test("once ready, a node that does not answer is not ready", async () => {
    health = "green";
    await probe("green");
    down = true;
    const r = await probe("green");
    expect(r.code).toBe(1);
    expect(r.out).toContain(`the node does not answer at http://127.0.0.1:${es.port}`);
  });

  test("a single node waits for yellow only", async () => {
    health = "yellow";
    expect((await probe("yellow")).code).toBe(0);
    expect(startStatus({ replicas: 1 })).toBe("yellow");
    expect(startStatus({ replicas: 3 })).toBe("green");
  });

  test("credentials go as basic auth, quotes and backslashes intact; no credentials, no header", async () => {
    health = "green";
    await probe("green");
    expect(es.requests[0].authorization).toBeUndefined();
    const password = 'p"a\\ss:w0rd';
    rmSync(join(dir, "marker"), { force: true });
    expect((await probe("green", { ES_PROBE_USERNAME: "probe", ES_PROBE_PASSWORD: password })).code).toBe(0);
    expect(es.requests[1].authorization).toBe(`Basic ${Buffer.from(`probe:${password}`).toString("base64")}`);
  });

  test("the password may come from a file (ES_PROBE_PASSWORD_FILE), as the secured stack mounts it", async () => {
    health = "green";
    const password = 'f"i\\le:pw';
    writeFileSync(join(dir, "password"), password);
    rmSync(join(dir, "marker"), { force: true });
    const before = es.requests.length;
    expect((await probe("green", { ES_PROBE_USERNAME: "elastic", ES_PROBE_PASSWORD_FILE: join(dir, "password") })).code).toBe(0);
    expect(es.requests[before].authorization).toBe(`Basic ${Buffer.from(`elastic:${password}`).toString("base64")}`);
    rmSync(join(dir, "marker"), { force: true });
    expect((await probe("green", { ES_PROBE_USERNAME: "elastic", ES_PROBE_PASSWORD_FILE: join(dir, "missing") })).code).not.toBe(0);
    expect(existsSync(join(dir, "marker"))).toBe(false);
  });

  test("the scheme is a parameter: https against this plain-http double fails", async () => {
    health = "green";
    expect((await probe("green", { ES_PROBE_SCHEME: "https", ES_PROBE_CACERT: join(dir, "none.crt") })).code).not.toBe(0);
    expect(existsSync(join(dir, "marker"))).toBe(false);
  });
});

describe("start command: a new container is not ready yet, and knows its zone", () => {
  test("removes the marker, exports ZONE from the zone file, then starts the image's entrypoint with eswrapper", async () => {
    const dir = mkdtempSync(join(tmpdir(), "es-start-"));
    try {
      writeFileSync(join(dir, "marker"), "");
      writeFileSync(join(dir, "zone"), "zone-b");
      const entrypoint = join(dir, "entrypoint.sh");
      writeFileSync(entrypoint, `#!/bin/sh\necho "args=$* zone=$ZONE" >"${join(dir, "started")}"\n`);
      chmodSync(entrypoint, 0o755);
      const cmd = startCommand({ zone: true });
      expect(cmd.slice(0, 2)).toEqual(["bash", "-c"]);
      const script = cmd[2].replace(READY_MARKER, join(dir, "marker")).replace(ZONE_FILE, join(dir, "zone")).replace("/usr/local/bin/docker-entrypoint.sh", entrypoint);
      const r = await bash(script, {});
      expect([r.code, readFileSync(join(dir, "started"), "utf8").trim(), existsSync(join(dir, "marker"))]).toEqual([0, "args=eswrapper zone=zone-b", false]);
      expect(startCommand({ zone: false })[2]).toBe(`rm -f ${READY_MARKER} && exec /usr/local/bin/docker-entrypoint.sh eswrapper`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("zone: read from the node's label through the API", () => {
  let dir: string;
  let api: Awaited<ReturnType<typeof standIn>>;
  const NODES: Record<string, Record<string, string>> = {
    "kwok-node-1": { "kubernetes.io/hostname": "kwok-node-1", "topology.kubernetes.io/zone": "zone-b", "example.com/rack": "r7" },
    "bare-node": { "kubernetes.io/hostname": "bare-node" },
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "es-zone-"));
    writeFileSync(join(dir, "token"), "TOKEN-123");
    writeFileSync(join(dir, "ca.crt"), "");
    // Stand-in for the Kubernetes API's GET /api/v1/nodes/<name>, with a bearer token.
    api = await standIn((req) => {
      if (req.headers.authorization !== "Bearer TOKEN-123") return { status: 401 };
      const name = (req.url ?? "").replace(/^\/api\/v1\/nodes\//, "");
      const labels = NODES[name];
      if (!labels) return { status: 404 };
      return { status: 200, body: JSON.stringify({ kind: "Node", metadata: { name, labels, annotations: { note: '{"topology.kubernetes.io/zone":"decoy"}' } } }, null, 2) };
    });
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (node: string, opts: { zoneLabel?: string; required?: boolean } = {}) => {
    const out = join(dir, `zone-${node}`);
    rmSync(out, { force: true });
    return bash(zoneScript({ zoneLabel: opts.zoneLabel ?? "topology.kubernetes.io/zone", required: opts.required ?? false }), {
      NODE_NAME: node,
      KUBE_API: `http://127.0.0.1:${api.port}`,
      TOKEN_DIR: dir,
      OUT: out,
    }).then((r) => ({ ...r, zone: existsSync(out) ? readFileSync(out, "utf8") : undefined }));
  };

  test("the node's zone label, not a look-alike in an annotation", async () => {
    expect(await run("kwok-node-1")).toMatchObject({ code: 0, zone: "zone-b" });
    expect(api.requests.at(-1)).toEqual({ url: "/api/v1/nodes/kwok-node-1", authorization: "Bearer TOKEN-123" });
  });
  test("another zone label", async () => expect(await run("kwok-node-1", { zoneLabel: "example.com/rack" })).toMatchObject({ code: 0, zone: "r7" }));
  test("a node without the label is a zone of its own", async () => {
    const r = await run("bare-node");
    expect([r.code, r.zone]).toEqual([0, "bare-node"]);
    expect(r.out).toContain("node bare-node has no label topology.kubernetes.io/zone: it is a zone of its own");
  });
  test("with the zones named (forced awareness) a node without the label fails", async () => {
    const r = await run("bare-node", { required: true });
    expect([r.code, r.zone]).toEqual([1, undefined]);
    expect(r.out).toContain("node bare-node has no label topology.kubernetes.io/zone; placement.zones names the zones, so every node needs it");
  });
  test("an API error fails the init container", async () => expect(await run("missing-node")).toMatchObject({ code: 22, zone: undefined }));
});

describe("allocation awareness in elasticsearch.yml", () => {
  const { cfg } = defaultsFor("prod");
  test("more than one node: the zone attribute from ${ZONE}, awareness on it; forced with the zones named", () => {
    const plain = elasticsearchYml(cfg.elasticsearch, { namespace: "observability", clusterName: "c" });
    expect(plain["node.attr.zone"]).toBe("${ZONE}");
    expect(plain["cluster.routing.allocation.awareness.attributes"]).toEqual(["zone"]);
    expect(plain["cluster.routing.allocation.awareness.force.zone.values"]).toBeUndefined();
    const forced = elasticsearchYml(cfg.elasticsearch, { namespace: "observability", clusterName: "c", zones: ["zone-a", "zone-b", "zone-c"] });
    expect(forced["cluster.routing.allocation.awareness.force.zone.values"]).toEqual(["zone-a", "zone-b", "zone-c"]);
  });
  test("a single node: no awareness", () => {
    const single = elasticsearchYml({ ...cfg.elasticsearch, replicas: 1 }, { namespace: "observability", clusterName: "c", zones: ["zone-a"] });
    expect(Object.keys(single).filter((k) => k.includes("awareness") || k.startsWith("node.attr"))).toEqual([]);
  });
});

describe("the Elasticsearch StatefulSet in prod", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  let dev: Awaited<ReturnType<typeof render<any>>>;
  beforeAll(async () => {
    const p = defaultsFor("prod");
    r = await render("prod", async () => {
      const { Elasticsearch } = await import("../../components/elasticsearch/component");
      return new Elasticsearch("elasticsearch", { context: { ...p.ctx, placement: { ...p.ctx.placement!, zones: ["zone-a", "zone-b", "zone-c"] } }, settings: p.cfg.elasticsearch });
    });
    const d = defaultsFor("dev");
    dev = await render("dev", async () => {
      const { Elasticsearch } = await import("../../components/elasticsearch/component");
      return new Elasticsearch("elasticsearch", { context: d.ctx, settings: d.cfg.elasticsearch });
    });
  });

  test("required anti-affinity and zone spread, one pod at a time rolling", () => {
    const sts = one(r.resources, STS, "elasticsearch").inputs;
    const pods = { matchLabels: { "app.kubernetes.io/name": "elasticsearch", "app.kubernetes.io/instance": "elasticsearch" } };
    expect(sts.spec.template.spec.affinity.podAntiAffinity).toEqual({ requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: pods }] });
    expect(sts.spec.template.spec.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: pods }]);
    expect(sts.spec.updateStrategy).toEqual({ type: "RollingUpdate" });
  });

  test("the readiness probe is the health-gated script, waiting for green", () => {
    const c = one(r.resources, STS, "elasticsearch").inputs.spec.template.spec.containers[0];
    expect(c.readinessProbe).toEqual({
      exec: { command: ["bash", "-c", readinessScript({ startStatus: "green" })] },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(c.args).toEqual(startCommand({ zone: true }));
    const d = one(dev.resources, STS, "elasticsearch").inputs.spec.template.spec.containers[0];
    expect(d.readinessProbe.exec.command[2]).toBe(readinessScript({ startStatus: "yellow" }));
    expect(d.args).toEqual(startCommand({ zone: false }));
  });

  test("the zone init container: its own short-lived token, a role that may only get nodes, restricted", () => {
    const spec = one(r.resources, STS, "elasticsearch").inputs.spec.template.spec;
    expect(spec.automountServiceAccountToken).toBe(false);
    const zone = spec.initContainers.find((c: { name: string }) => c.name === "zone");
    expect(zone.command).toEqual(["bash", "-c", zoneScript({ zoneLabel: "topology.kubernetes.io/zone", required: true })]);
    expect(zone.env).toEqual([{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }]);
    expect(zone.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
    expect(zone.volumeMounts).toEqual([
      { name: "zone", mountPath: "/mnt/zone" },
      { name: "api-token", mountPath: "/mnt/api-token", readOnly: true },
    ]);
    // Only the init container mounts the token; the Elasticsearch container reads the zone file.
    const es = spec.containers[0];
    expect(es.volumeMounts.filter((m: { name: string }) => ["zone", "api-token"].includes(m.name))).toEqual([{ name: "zone", mountPath: "/mnt/zone", readOnly: true }]);
    const token = spec.volumes.find((v: { name: string }) => v.name === "api-token");
    expect(token.projected.sources[0]).toEqual({ serviceAccountToken: { path: "token", expirationSeconds: 600 } });
    expect(spec.volumes.some((v: { hostPath?: unknown }) => v.hostPath)).toBe(false);
    expect(one(r.resources, CR, "observability-elasticsearch-node-zone").inputs.rules).toEqual([{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }]);
    expect(one(r.resources, CRB, "observability-elasticsearch-node-zone").inputs.subjects).toEqual([{ kind: "ServiceAccount", name: "elasticsearch", namespace: "observability" }]);
    const yml = parse(one(r.resources, "kubernetes:core/v1:ConfigMap", "elasticsearch-config").inputs.data["elasticsearch.yml"]);
    expect(yml["cluster.routing.allocation.awareness.force.zone.values"]).toEqual(["zone-a", "zone-b", "zone-c"]);
  });

  test("a single node (dev): no zone reader, no role", () => {
    const spec = one(dev.resources, STS, "elasticsearch").inputs.spec.template.spec;
    expect(spec.initContainers.map((c: { name: string }) => c.name)).toEqual(["config"]);
    expect([...byKind(dev.resources, CR), ...byKind(dev.resources, CRB)]).toEqual([]);
  });
});
