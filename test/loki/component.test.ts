/**
 * The Loki component under Pulumi mocks: every Kubernetes object it registers, with real values.
 * Mocks are set before the component is imported; an unmocked invoke fails the test.
 */
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { DEFAULTS } from "../../components/config";
import type { StackContext } from "../../components/common";
import { REQUIRED_LABELS } from "../../components/labels";
import { IMAGES } from "../../components/versions";
import type { RecordedResource } from "../helpers/mocks";
import { recordingMocks, valueOf } from "../helpers/mocks";

/** Every resource registered, recorded by the shared mocks (set in beforeAll, before the import). */
let recorded: RecordedResource[] = [];

/** Wait until every registration has completed. */
const settle = () => (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();


function context(env: "dev" | "prod", namespace = DEFAULTS[env].namespace): StackContext {
  const d = DEFAULTS[env];
  return { namespace, environment: env, team: d.team, storageClassName: "gp3", persistence: d.persistence };
}

const byName = (prefix: string) => recorded.filter((r) => r.name.startsWith(prefix));
const one = (prefix: string, type: string) => {
  const found = byName(prefix).filter((r) => r.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type} under ${prefix}, found ${found.length}`);
  return found[0];
};

describe("Loki component", () => {
  let mod: typeof import("../../components/loki/component");
  const outputs: Record<string, unknown> = {};

  beforeAll(async () => {
    recorded = await recordingMocks(pulumi, "test");
    mod = await import("../../components/loki/component");
    const devLoki = new mod.Loki("loki-dev", { context: context("dev"), settings: DEFAULTS.dev.loki });
    // Prod's settings, monolithic: what an existing prod stack ran before the scalable mode.
    const monoLoki = new mod.Loki("loki-mono", {
      context: context("prod"),
      settings: { ...DEFAULTS.prod.loki, mode: "monolithic" },
      s3: pulumi.output({ region: "eu-west-1", chunksBucket: "obs-loki-chunks", rulerBucket: "obs-loki-ruler" }),
      serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": pulumi.output("arn:aws:iam::123456789012:role/obs-loki") },
    });
    // Same as dev but a longer retention: only the config differs.
    new mod.Loki("loki-dev2", { context: context("dev"), settings: { ...DEFAULTS.dev.loki, retentionDays: 14 } });
    outputs.url = await valueOf(devLoki.url);
    outputs.pushUrl = await valueOf(devLoki.pushUrl);
    outputs.host = await valueOf(devLoki.host);
    outputs.prodConfig = await valueOf(monoLoki.configYaml);
    outputs.port = devLoki.port;
    outputs.scrape = devLoki.scrapeTarget;
    await settle();
  });

  test("registers exactly its objects, each named after the component", () => {
    const types = byName("loki-dev-")
      .map((r) => r.type)
      .sort();
    expect(types).toEqual([
      "kubernetes:apps/v1:StatefulSet",
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    ]);
    expect(recorded.filter((r) => r.type === "observability:index:Loki").map((r) => r.name).sort()).toEqual(["loki-dev", "loki-dev2", "loki-mono"]);
  });

  test("standard labels on every object and on the pod template", () => {
    for (const r of byName("loki-dev-")) {
      for (const l of REQUIRED_LABELS) expect([r.name, l, r.inputs.metadata.labels[l]]).toEqual([r.name, l, expect.any(String)]);
      expect(r.inputs.metadata.labels["app.kubernetes.io/name"]).toBe("loki");
      expect(r.inputs.metadata.labels["app.kubernetes.io/version"]).toBe(IMAGES.loki.tag);
      expect(r.inputs.metadata.labels.environment).toBe("dev");
      expect(r.inputs.metadata.namespace).toBe("observability");
    }
    const tpl = one("loki-dev-", "kubernetes:apps/v1:StatefulSet").inputs.spec.template;
    for (const l of REQUIRED_LABELS) expect(tpl.metadata.labels[l]).toEqual(expect.any(String));
  });

  test("ConfigMap: labelled name=loki, one key loki.yaml holding the built config", () => {
    const cm = one("loki-dev-", "kubernetes:core/v1:ConfigMap");
    expect(cm.inputs.metadata.name).toBe("loki-dev-config");
    expect(cm.inputs.metadata.labels["app.kubernetes.io/name"]).toBe("loki");
    expect(Object.keys(cm.inputs.data)).toEqual(["loki.yaml"]);
    const conf = YAML.parse(cm.inputs.data["loki.yaml"]);
    expect(conf.limits_config.retention_period).toBe("168h");
    expect(conf.compactor.retention_enabled).toBe(true);
    expect(conf.compactor.delete_request_store).toBe("filesystem");
  });

  test("StatefulSet: one monolithic replica, pinned image, non-root, read-only root, probes on /ready", () => {
    const sts = one("loki-dev-", "kubernetes:apps/v1:StatefulSet").inputs;
    expect(sts.metadata.name).toBe("loki-dev");
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe("loki-dev");
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.image).toBe("docker.io/grafana/loki:3.7.8");
    expect(c.args).toEqual(["-config.file=/etc/loki/loki.yaml", "-target=all"]);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(c.ports).toEqual([
      { name: "http-metrics", containerPort: 3100 },
      { name: "grpc", containerPort: 9095 },
    ]);
    for (const p of [c.readinessProbe, c.startupProbe]) expect(p.httpGet).toEqual({ path: "/ready", port: "http-metrics" });
    // Alive is not ready: a ring or WAL problem (/ready failing) must not restart Loki.
    expect(c.livenessProbe.httpGet).toEqual({ path: "/loki/api/v1/status/buildinfo", port: "http-metrics" });
    // Dev keeps its data in a 10Gi emptyDir: it and the 1Gi /tmp count in the ephemeral-storage
    // limit (256Mi + 11264Mi), a quarter of them requested.
    expect(c.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "2880Mi" }, limits: { cpu: "500m", memory: "512Mi", "ephemeral-storage": "11520Mi" } });
    expect(c.volumeMounts).toEqual([
      { name: "config", mountPath: "/etc/loki", readOnly: true },
      { name: "data", mountPath: "/var/loki" },
      { name: "tmp", mountPath: "/tmp" },
    ]);
  });

  test("dev: data on a bounded emptyDir; prod: a claim of storageGi, kept on delete", () => {
    const dev = one("loki-dev-", "kubernetes:apps/v1:StatefulSet").inputs;
    expect(dev.spec.volumeClaimTemplates ?? []).toEqual([]);
    expect(dev.spec.template.spec.volumes).toContainEqual({ name: "data", emptyDir: { sizeLimit: "10Gi" } });
    const prod = one("loki-mono-", "kubernetes:apps/v1:StatefulSet").inputs;
    expect(prod.spec.volumeClaimTemplates).toHaveLength(1);
    expect(prod.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ["ReadWriteOnce"], storageClassName: "gp3", resources: { requests: { storage: "10Gi" } } });
    expect(prod.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(prod.spec.template.spec.volumes.find((v: { name: string }) => v.name === "data")).toBeUndefined();
  });

  test("the config checksum annotation is the config's sha256 and changes with the config", () => {
    const { createHash } = require("crypto") as typeof import("crypto");
    const ann = (prefix: string) => one(prefix, "kubernetes:apps/v1:StatefulSet").inputs.spec.template.metadata.annotations["checksum/config"];
    const text = one("loki-dev-", "kubernetes:core/v1:ConfigMap").inputs.data["loki.yaml"];
    expect(ann("loki-dev-")).toBe(createHash("sha256").update(text).digest("hex"));
    expect(ann("loki-dev2-")).toMatch(/^[0-9a-f]{64}$/);
    expect(ann("loki-dev2-")).not.toBe(ann("loki-dev-"));
  });

  test("Service: http-metrics 3100 and grpc 9095, selecting the pods", () => {
    const svc = one("loki-dev-", "kubernetes:core/v1:Service").inputs;
    expect(svc.metadata.name).toBe("loki-dev");
    // The StatefulSet's governing Service: headless.
    expect(svc.spec.clusterIP).toBe("None");
    expect(one("loki-dev-", "kubernetes:apps/v1:StatefulSet").inputs.spec.serviceName).toBe("loki-dev");
    expect(svc.spec.selector).toEqual({ "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": "loki-dev" });
    expect(svc.spec.ports).toEqual([
      { name: "http-metrics", port: 3100, targetPort: "http-metrics" },
      { name: "grpc", port: 9095, targetPort: "grpc" },
    ]);
  });

  test("NetworkPolicy: 3100 from Fluent Bit, Grafana and Prometheus only", () => {
    const np = one("loki-dev-", "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs;
    expect(np.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(np.spec.ingress).toEqual([
      {
        from: [
          { podSelector: { matchLabels: { "app.kubernetes.io/name": "fluent-bit" } } },
          { podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } } },
          { podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } },
        ],
        ports: [{ protocol: "TCP", port: 3100 }],
      },
    ]);
    // Out: DNS only on the filesystem store; S3 over HTTPS in prod.
    expect(np.spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
    ]);
    expect(one("loki-mono-", "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec.egress.slice(1)).toEqual([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }]);
  });

  test("prod: S3 config and the IRSA role on the ServiceAccount", () => {
    const conf = YAML.parse(outputs.prodConfig as string);
    expect(conf.common.storage.s3.bucketnames).toBe("obs-loki-chunks");
    expect(conf.common.storage.filesystem).toBeUndefined();
    expect(conf.compactor.delete_request_store).toBe("s3");
    expect(conf.limits_config.retention_period).toBe("720h");
    const sa = one("loki-mono-", "kubernetes:core/v1:ServiceAccount").inputs;
    expect(sa.metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/obs-loki" });
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(one("loki-dev-", "kubernetes:core/v1:ServiceAccount").inputs.metadata.annotations).toBeUndefined();
  });

  test("outputs: service URL, push URL, host and port, scrape target", () => {
    expect(outputs.url).toBe("http://loki-dev.observability.svc.cluster.local:3100");
    expect(outputs.pushUrl).toBe("http://loki-dev.observability.svc.cluster.local:3100/loki/api/v1/push");
    expect(outputs.host).toBe("loki-dev.observability.svc.cluster.local");
    expect(outputs.port).toBe(3100);
    expect(outputs.scrape).toEqual({ job: "loki", namespace: "observability", service: "loki-dev", portName: "http-metrics" });
  });
});
