/**
 * Loki's scalable deployment (loki.mode "scalable"): the write, read and backend targets under
 * Pulumi mocks with prod's settings and placement, the file they share, and the init container that
 * fills in each pod's zone (run against a stand-in for the Kubernetes API).
 */
import { execFile } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { createServer, type Server } from "http";
import { tmpdir } from "os";
import { join } from "path";
import YAML from "yaml";
import { ZONE_PLACEHOLDER, buildLokiConfig, renderScript } from "../../components/loki/config-file";
import { byKind, defaultsFor, one, render, valueOf } from "../helpers/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const DEP = "kubernetes:apps/v1:Deployment";
const SVC = "kubernetes:core/v1:Service";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const { ctx, cfg } = defaultsFor("prod");
const S3 = { region: "eu-west-1", chunksBucket: "obs-loki-chunks", rulerBucket: "obs-loki-ruler" };

type Rendered = Awaited<ReturnType<typeof render<import("../../components/loki/component").Loki>>>;
let r: Rendered;
let yaml: string;
beforeAll(async () => {
  r = await render("prod", async (pulumi) => {
    const { Loki } = await import("../../components/loki/component");
    return new Loki("loki", { context: ctx, settings: cfg.loki, s3: pulumi.output(S3) });
  });
  yaml = (await valueOf(r.component.configYaml)) as string;
});
const pod = (type: string, name: string) => one(r.resources, type, name).inputs.spec.template;

describe("the three targets", () => {
  test("write is the StatefulSet `loki` (the monolithic one's object and claims), read a Deployment, backend a StatefulSet: three replicas each", () => {
    const write = one(r.resources, STS, "loki");
    expect(write.name).toBe("loki-statefulset");
    expect(write.inputs.spec).toMatchObject({ replicas: 3, serviceName: "loki", selector: { matchLabels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": "loki" } } });
    // Left at the default: it cannot change on an existing monolithic StatefulSet.
    expect(write.inputs.spec.podManagementPolicy).toBeUndefined();
    expect(one(r.resources, DEP, "loki-read").inputs.spec.replicas).toBe(3);
    expect(one(r.resources, STS, "loki-backend").inputs.spec).toMatchObject({ replicas: 3, serviceName: "loki-backend-headless", podManagementPolicy: "Parallel" });
    const args = (type: string, name: string) => pod(type, name).spec.containers[0].args;
    expect(args(STS, "loki")).toEqual(["-config.file=/etc/loki-rendered/loki.yaml", "-target=write", "-config.expand-env=true"]);
    expect(args(DEP, "loki-read")).toEqual(["-config.file=/etc/loki-rendered/loki.yaml", "-target=read", "-config.expand-env=true"]);
    expect(args(STS, "loki-backend")).toEqual(["-config.file=/etc/loki-rendered/loki.yaml", "-target=backend", "-config.expand-env=true"]);
  });

  test("claims: the write replicas' of loki.storageGi (data-loki-0 is the monolithic one's), the backend's of loki.backend.storageGi; all protected", () => {
    const claims = byKind(r.resources, PVC).map((c) => [c.name, c.inputs.metadata.name, c.inputs.spec.resources.requests.storage, c.protect]);
    expect(claims).toEqual([
      ["loki-data-0", "data-loki-0", "10Gi", true],
      ["loki-data-1", "data-loki-1", "10Gi", true],
      ["loki-data-2", "data-loki-2", "10Gi", true],
      ["loki-backend-data-0", "data-loki-backend-0", "10Gi", true],
      ["loki-backend-data-1", "data-loki-backend-1", "10Gi", true],
      ["loki-backend-data-2", "data-loki-backend-2", "10Gi", true],
    ]);
    expect(one(r.resources, STS, "loki").protect).toBe(true);
    expect(one(r.resources, STS, "loki-backend").protect).toBe(true);
  });

  test("each target: required anti-affinity on its own pods, zone spread, a PodDisruptionBudget of one", () => {
    for (const [type, name] of [[STS, "loki"], [DEP, "loki-read"], [STS, "loki-backend"]] as const) {
      const own = { matchLabels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": name } };
      const spec = pod(type, name).spec;
      expect([name, spec.affinity]).toEqual([name, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: own }] } }]);
      expect([name, spec.topologySpreadConstraints]).toEqual([name, [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: own }]]);
      expect([name, one(r.resources, PDB, name).inputs.spec]).toEqual([name, { maxUnavailable: 1, selector: own }]);
    }
  });

  test("distinct probes: ready is /ready, alive is the build info", () => {
    for (const [type, name] of [[STS, "loki"], [DEP, "loki-read"], [STS, "loki-backend"]] as const) {
      const c = pod(type, name).spec.containers[0];
      expect([name, c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path]).toEqual([name, "/ready", "/loki/api/v1/status/buildinfo"]);
      expect(c.env).toEqual([{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }]);
      expect(c.resources.limits["ephemeral-storage"]).toMatch(/^\d+Mi$/);
    }
  });
});

describe("the ring and the Services", () => {
  test("memberlist: a headless Service over every member, published before they are ready", () => {
    const m = one(r.resources, SVC, "loki-memberlist").inputs.spec;
    expect(m).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true, selector: { "app.kubernetes.io/name": "loki", "observability-stack/loki-ring": "loki" } });
    expect(m.ports[0]).toEqual({ name: "memberlist", port: 7946, targetPort: "memberlist", protocol: "TCP" });
    for (const [type, name] of [[STS, "loki"], [DEP, "loki-read"], [STS, "loki-backend"]] as const) {
      expect(pod(type, name).metadata.labels["observability-stack/loki-ring"]).toBe("loki");
      // Not in the workload's selector: the write target's stays the monolithic one's.
      expect(one(r.resources, type, name).inputs.spec.selector.matchLabels["observability-stack/loki-ring"]).toBeUndefined();
    }
  });

  test("pushes to loki-write, queries to loki-read, scraping over every pod", async () => {
    expect(await valueOf(r.component.host)).toBe("loki-write.observability.svc.cluster.local");
    expect(await valueOf(r.component.pushUrl)).toBe("http://loki-write.observability.svc.cluster.local:3100/loki/api/v1/push");
    expect(await valueOf(r.component.url)).toBe("http://loki-read.observability.svc.cluster.local:3100");
    expect(r.component.scrapeTarget).toEqual({ job: "loki", namespace: "observability", service: "loki-memberlist", portName: "http-metrics" });
    const services = byKind(r.resources, SVC).map((s) => [s.inputs.metadata.name, s.inputs.spec.clusterIP ?? "ClusterIP", s.inputs.spec.selector["app.kubernetes.io/instance"] ?? "*"]);
    expect(services.sort()).toEqual([
      ["loki", "None", "loki"],
      ["loki-backend", "ClusterIP", "loki-backend"],
      ["loki-backend-headless", "None", "loki-backend"],
      ["loki-memberlist", "None", "*"],
      ["loki-read", "ClusterIP", "loki-read"],
      ["loki-write", "ClusterIP", "loki"],
    ]);
  });

  test("network policies: clients per target, the ring between members, S3 out", () => {
    const ring = { podSelector: { matchLabels: { "app.kubernetes.io/name": "loki", "observability-stack/loki-ring": "loki" } } };
    const pods = (app: string) => ({ podSelector: { matchLabels: { "app.kubernetes.io/name": app } } });
    const ringRules = [
      { from: [ring], ports: [{ protocol: "TCP", port: 7946 }, { protocol: "UDP", port: 7946 }] },
      { from: [ring], ports: [{ protocol: "TCP", port: 9095 }, { protocol: "TCP", port: 3100 }] },
    ];
    const http = [{ protocol: "TCP", port: 3100 }];
    const np = (name: string) => one(r.resources, NP, name).inputs.spec;
    // The context names no agents' namespace: Fluent Bit is taken to be in the policy's own.
    expect(np("loki").ingress).toEqual([{ from: [pods("fluent-bit"), pods("prometheus")], ports: http }, ...ringRules]);
    expect(np("loki-read").ingress).toEqual([{ from: [pods("grafana"), pods("prometheus")], ports: http }, ...ringRules]);
    expect(np("loki-backend").ingress).toEqual([{ from: [pods("prometheus")], ports: http }, ...ringRules]);
    for (const name of ["loki", "loki-read", "loki-backend"]) {
      expect(np(name).egress.slice(1)).toEqual([
        { to: [ring], ports: [{ protocol: "TCP", port: 7946 }, { protocol: "UDP", port: 7946 }] },
        { to: [ring], ports: [{ protocol: "TCP", port: 9095 }, { protocol: "TCP", port: 3100 }] },
        { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
      ]);
    }
  });

  test("the zone init container reads only nodes, with a token of its own", () => {
    const cr = one(r.resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "observability-loki-node-zone");
    expect(cr.inputs.rules).toEqual([{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }]);
    const spec = pod(STS, "loki").spec;
    expect(spec.automountServiceAccountToken).toBe(false);
    const init = spec.initContainers[0];
    expect(init.name).toBe("render-config");
    expect(init.volumeMounts.map((m: { name: string }) => m.name)).toEqual(["config", "rendered", "api-token"]);
    expect(spec.containers[0].volumeMounts.map((m: { name: string }) => m.name)).toEqual(["rendered", "data", "tmp"]);
  });
});

describe("the scalable file", () => {
  test("memberlist ring, replication factor 3, zone-aware, S3, the read path on the backend", () => {
    const c = YAML.parse(yaml);
    expect(c.common).toMatchObject({
      replication_factor: 3,
      instance_addr: "${POD_IP}",
      ring: { kvstore: { store: "memberlist" }, zone_awareness_enabled: true, instance_availability_zone: ZONE_PLACEHOLDER },
      compactor_address: "http://loki-backend.observability.svc.cluster.local:3100",
      storage: { s3: { bucketnames: "obs-loki-chunks", region: "eu-west-1" } },
    });
    expect(c.memberlist).toEqual({ join_members: ["dns+loki-memberlist.observability.svc.cluster.local:7946"], bind_port: 7946, advertise_port: 7946, left_ingesters_timeout: "30s" });
    expect(c.frontend.scheduler_address).toBe("loki-backend-headless.observability.svc.cluster.local:9095");
    expect(c.frontend_worker.scheduler_address).toBe("loki-backend-headless.observability.svc.cluster.local:9095");
    expect(c.storage_config.tsdb_shipper.index_gateway_client.server_address).toBe("dns+loki-backend-headless.observability.svc.cluster.local:9095");
    expect(c.schema_config.configs).toEqual([{ from: "2025-01-01", store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "index_", period: "24h" } }]);
  });

  test("an S3-compatible endpoint: path-style, for the chunks and the rules", () => {
    const c = buildLokiConfig(cfg.loki, {
      storage: { type: "s3", region: "garage", chunksBucket: "c", rulerBucket: "r", endpoint: "objects.storage.internal:9000", insecure: true },
    }) as Record<string, any>;
    for (const s3 of [c.common.storage.s3, c.ruler.storage.s3]) expect(s3).toMatchObject({ endpoint: "objects.storage.internal:9000", s3forcepathstyle: true, insecure: true });
  });

  test("never on the filesystem store", () => {
    const sc = { memberlistHost: "m", backendHeadlessHost: "b", backendHost: "b", replicationFactor: 3, zoneAware: true };
    expect(() => buildLokiConfig(cfg.loki, { storage: { type: "filesystem" }, scalable: sc })).toThrow("Loki's scalable deployment needs object storage");
  });
});

describe("each pod's zone, filled in by the init container", () => {
  let dir: string;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "loki-zone-"));
    writeFileSync(join(dir, "token"), "T");
    writeFileSync(join(dir, "ca.crt"), "");
    writeFileSync(join(dir, "in.yaml"), yaml);
    server = createServer((req, res) => {
      const name = (req.url ?? "").replace(/^\/api\/v1\/nodes\//, "");
      const zones: Record<string, string> = { "node-a": "zone-a", "node-1": "1" };
      res.writeHead(zones[name] ? 200 : 404, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ metadata: { name, labels: { "topology.kubernetes.io/zone": zones[name] } } }));
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((ok) => server.close(() => ok()));
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (node: string) =>
    new Promise<{ code: number; conf?: Record<string, any> }>((resolve) => {
      const out = join(dir, `${node}.yaml`);
      const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_NAME: node, KUBE_API: `http://127.0.0.1:${port}`, TOKEN_DIR: dir, OUT: join(dir, `${node}.zone`), CONFIG_IN: join(dir, "in.yaml"), CONFIG_OUT: out };
      execFile("bash", ["-c", renderScript({ zoneAware: true, zoneLabel: "topology.kubernetes.io/zone", zoneRequired: false })], { env, timeout: 20_000 }, (err) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        let conf: Record<string, any> | undefined;
        try {
          conf = YAML.parse(readFileSync(out, "utf8"));
        } catch {
          conf = undefined;
        }
        resolve({ code, conf });
      });
    });

  test("the node's zone in place of the placeholder; the rest of the file unchanged", async () => {
    const { code, conf } = await run("node-a");
    expect(code).toBe(0);
    expect(conf!.common.ring.instance_availability_zone).toBe("zone-a");
    expect({ ...conf, common: { ...conf!.common, ring: { ...conf!.common.ring, instance_availability_zone: ZONE_PLACEHOLDER } } }).toEqual(YAML.parse(yaml));
  });
  test("a zone that looks like a number stays a string", async () => {
    const { conf } = await run("node-1");
    expect(conf!.common.ring.instance_availability_zone).toBe("1");
  });
  test("an API error leaves no file and fails the pod's start", async () => {
    const { code, conf } = await run("missing-node");
    expect([code === 0, conf]).toEqual([false, undefined]);
  });
});
