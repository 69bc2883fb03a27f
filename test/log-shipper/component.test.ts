/**
 * The LogShipper component under Pulumi mocks: every Kubernetes object it registers, with real values.
 * Mocks are set before the component is imported; an unmocked invoke fails the test.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import YAML from "yaml";
import { DEFAULTS } from "../../components/config";
import type { StackContext } from "../../components/common";
import { REQUIRED_LABELS } from "../../components/labels";
import { IMAGES } from "../../components/versions";
import type { RecordedResource } from "../helpers/mocks";
import { byKind, one as oneObject, recordingMocks, render, valueOf } from "../helpers/mocks";

/** Every resource registered, recorded by the shared mocks (set in beforeAll, before the import). */
let recorded: RecordedResource[] = [];

/** Wait until every registration has completed. */
const settle = () => (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();

const ctx: StackContext = { namespace: "observability", environment: "dev", team: "platform", persistence: DEFAULTS.dev.persistence };
const aliases = { application: "logs-application", audit: "logs-audit", security: "logs-security" };
const one = (prefix: string, type: string) => {
  const found = recorded.filter((r) => r.name.startsWith(prefix) && r.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} under ${prefix}, found ${found.length}`);
  return found[0];
};

describe("LogShipper component", () => {
  let configYaml = "";
  let scrape: unknown;

  beforeAll(async () => {
    recorded = await recordingMocks(pulumi, "test");
    const { LogShipper } = await import("../../components/log-shipper/component");
    const base = {
      context: ctx,
      settings: DEFAULTS.dev.logShipper,
      lokiHost: pulumi.output("loki.observability.svc.cluster.local"),
      lokiPort: 3100,
      elasticsearchHost: "elasticsearch.observability.svc.cluster.local",
      elasticsearchPort: 9200,
      logAliases: aliases,
    };
    const shipper = new LogShipper("fluent-bit", base);
    // Same but another Elasticsearch alias: only the config differs.
    new LogShipper("fluent-bit2", { ...base, logAliases: { ...aliases, audit: "logs-audit-v2" } });
    configYaml = await valueOf(shipper.configYaml);
    scrape = shipper.scrapeTarget;
    await settle();
  });

  const objects = () => recorded.filter((r) => r.name.startsWith("fluent-bit-"));

  test("registers exactly its objects", () => {
    expect(objects().map((r) => r.type).sort()).toEqual([
      "kubernetes:apps/v1:DaemonSet",
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
      "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    ]);
  });

  test("standard labels on every object and on the pod template", () => {
    for (const r of objects()) {
      for (const l of REQUIRED_LABELS) expect([r.name, l, r.inputs.metadata.labels[l]]).toEqual([r.name, l, expect.any(String)]);
      expect(r.inputs.metadata.labels["app.kubernetes.io/name"]).toBe("fluent-bit");
      expect(r.inputs.metadata.labels["app.kubernetes.io/version"]).toBe("4.1.1");
    }
    const tpl = one("fluent-bit-", "kubernetes:apps/v1:DaemonSet").inputs.spec.template;
    for (const l of REQUIRED_LABELS) expect(tpl.metadata.labels[l]).toEqual(expect.any(String));
  });

  test("DaemonSet: every node whatever its taints, pinned image, the config from the ConfigMap", () => {
    const ds = one("fluent-bit-", "kubernetes:apps/v1:DaemonSet").inputs;
    expect(ds.metadata.name).toBe("fluent-bit");
    const pod = ds.spec.template.spec;
    expect(pod.tolerations).toEqual([{ operator: "Exists" }]);
    expect(pod.priorityClassName).toBe("system-node-critical");
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.image).toBe(`${IMAGES.fluentBit.repository}:${IMAGES.fluentBit.tag}`);
    expect(c.image).toBe("cr.fluentbit.io/fluent/fluent-bit:4.1.1");
    expect(c.args).toEqual(["--workdir=/fluent-bit/etc", "--config=/fluent-bit/etc/conf/fluent-bit.yaml"]);
    expect(c.resources).toEqual({ requests: { cpu: "20m", memory: "64Mi", "ephemeral-storage": "64Mi" }, limits: { cpu: "200m", memory: "128Mi", "ephemeral-storage": "256Mi" } });
    expect(c.ports).toEqual([{ name: "http-metrics", containerPort: 2020 }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: "/api/v1/health", port: "http-metrics" });
    expect(c.livenessProbe.httpGet).toEqual({ path: "/", port: "http-metrics" });
  });

  test("host access: /var/log read-only, only the state dir writable", () => {
    const pod = one("fluent-bit-", "kubernetes:apps/v1:DaemonSet").inputs.spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: "config", configMap: { name: "fluent-bit-config" } },
      { name: "varlog", hostPath: { path: "/var/log", type: "Directory" } },
      { name: "state", hostPath: { path: "/var/fluent-bit/state", type: "DirectoryOrCreate" } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: "config", mountPath: "/fluent-bit/etc/conf", readOnly: true },
      { name: "varlog", mountPath: "/var/log", readOnly: true },
      { name: "state", mountPath: "/var/fluent-bit/state" },
    ]);
    // Everything the config writes is under the state dir.
    const conf = YAML.parse(configYaml);
    expect(conf.service["storage.path"].startsWith("/var/fluent-bit/state/")).toBe(true);
    expect(conf.pipeline.inputs[0].db.startsWith("/var/fluent-bit/state/")).toBe(true);
  });

  test("declared root exception: uid 0 with no capabilities, no escalation, read-only root filesystem", () => {
    const pod = one("fluent-bit-", "kubernetes:apps/v1:DaemonSet").inputs.spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostPID).toBeUndefined();
    expect(pod.containers[0].securityContext).toEqual({
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  test("ConfigMap holds fluent-bit.yaml; the pod template's checksum is its sha256 and changes with it", () => {
    const cm = one("fluent-bit-", "kubernetes:core/v1:ConfigMap").inputs;
    expect(cm.metadata.name).toBe("fluent-bit-config");
    expect(Object.keys(cm.data)).toEqual(["fluent-bit.yaml"]);
    expect(cm.data["fluent-bit.yaml"]).toBe(configYaml);
    const ann = (prefix: string) => one(prefix, "kubernetes:apps/v1:DaemonSet").inputs.spec.template.metadata.annotations["checksum/config"];
    expect(ann("fluent-bit-")).toBe(createHash("sha256").update(configYaml).digest("hex"));
    expect(ann("fluent-bit2-")).toMatch(/^[0-9a-f]{64}$/);
    expect(ann("fluent-bit2-")).not.toBe(ann("fluent-bit-"));
  });

  test("the config ships to the given Loki and Elasticsearch endpoints and aliases", () => {
    const outs = YAML.parse(configYaml).pipeline.outputs as Array<Record<string, unknown>>;
    expect(outs.map((o) => [o.name, o.host, o.port, o.index ?? null])).toEqual([
      ["loki", "loki.observability.svc.cluster.local", 3100, null],
      ["es", "elasticsearch.observability.svc.cluster.local", 9200, "logs-application"],
      ["es", "elasticsearch.observability.svc.cluster.local", 9200, "logs-audit"],
      ["es", "elasticsearch.observability.svc.cluster.local", 9200, "logs-security"],
    ]);
  });

  test("RBAC: read-only pods and namespaces, bound to the shipper's ServiceAccount", () => {
    const sa = one("fluent-bit-", "kubernetes:core/v1:ServiceAccount").inputs;
    expect(sa.automountServiceAccountToken).toBe(true);
    const role = one("fluent-bit-", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").inputs;
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] }]);
    const binding = one("fluent-bit-", "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").inputs;
    expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: sa.metadata.name, namespace: "observability" }]);
    const ds = one("fluent-bit-", "kubernetes:apps/v1:DaemonSet").inputs;
    expect(ds.spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
  });

  test("metrics: Service port http-metrics 2020, reachable from Prometheus only", () => {
    const svc = one("fluent-bit-", "kubernetes:core/v1:Service").inputs;
    expect(svc.metadata.name).toBe("fluent-bit");
    expect(svc.spec.ports).toEqual([{ name: "http-metrics", port: 2020, targetPort: "http-metrics" }]);
    expect(svc.spec.selector).toEqual({ "app.kubernetes.io/name": "fluent-bit", "app.kubernetes.io/instance": "fluent-bit" });
    const np = one("fluent-bit-", "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs;
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }], ports: [{ protocol: "TCP", port: 2020 }] }]);
    expect(scrape).toEqual({ job: "fluent-bit", namespace: "observability", service: "fluent-bit", portName: "http-metrics", metricsPath: "/api/v2/metrics/prometheus" });
  });
});

describe("LogShipper on its own, wired to a Loki and an Elasticsearch through their outputs", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  beforeAll(async () => {
    r = await render("lib", async () => {
      const { Loki } = await import("../../components/loki/component");
      const { Elasticsearch } = await import("../../components/elasticsearch/component");
      const { LogShipper } = await import("../../components/log-shipper/component");
      const placement = { namespace: "team-a" };
      const loki = new Loki("logs", placement);
      const es = new Elasticsearch("search", placement);
      return new LogShipper("shipper", { ...placement, lokiHost: loki.host, elasticsearchHost: es.host, logAliases: es.logAliases });
    });
  });

  test("objects named after it; its ClusterRole after namespace and name", () => {
    expect(byKind(r.resources, "kubernetes:apps/v1:DaemonSet").map((d) => [d.inputs.metadata.name, d.inputs.metadata.namespace])).toEqual([["shipper", "team-a"]]);
    expect(oneObject(r.resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "team-a-shipper-metadata")).toBeDefined();
    expect(r.component.scrapeTarget).toMatchObject({ job: "fluent-bit", namespace: "team-a", service: "shipper" });
  });

  test("ships to the Services' hosts on the default ports, waiting for both Services", async () => {
    const cm = oneObject(r.resources, "kubernetes:core/v1:ConfigMap", "shipper-config");
    const outputs = YAML.parse(cm.inputs.data["fluent-bit.yaml"]).pipeline.outputs as { name: string; host: string; port: number }[];
    expect(outputs.map((o) => [o.name, o.host, o.port])).toEqual([
      ["loki", "logs.team-a.svc.cluster.local", 3100],
      ["es", "search.team-a.svc.cluster.local", 9200],
      ["es", "search.team-a.svc.cluster.local", 9200],
      ["es", "search.team-a.svc.cluster.local", 9200],
    ]);
    for (const svc of ["logs", "search"]) expect(cm.dependencies.some((d) => d.endsWith(`kubernetes:core/v1:Service::${svc}-service`))).toBe(true);
    expect(r.component.workload.instance).toBe("shipper");
  });
});
