/**
 * The whole pack over every resource the real program (index.ts) registers under mocks, for dev and
 * prod with their policy config files: no mandatory violation. Then deliberately broken variants of
 * the recorded prod stack (a retention removed, a label dropped, an image set to :latest, ...): each
 * adds exactly the expected violations, by policy name and message.
 */
import type { PolicyResource } from "@pulumi/policy";
import { parse, stringify } from "yaml";
import devConfig from "../../policies/config/dev.json";
import prodConfig from "../../policies/config/prod.json";
import { prodOptions, synthesize, type Synthesis } from "../helpers/mocks";
import { asPolicyResources, type PackConfig, type PackViolation, runPack } from "./pack";

let dev: Synthesis;
let prod: Synthesis;

beforeAll(async () => {
  dev = await synthesize({ stack: "dev" });
  prod = await synthesize(prodOptions());
}, 60_000);

const show = (vs: PackViolation[]) => vs.map((v) => `${v.enforcementLevel} ${v.policy} [${v.resource}] ${v.message}`);

describe("the real program passes the pack", () => {
  test("dev: no violation under policies/config/dev.json", async () => {
    const vs = await runPack(asPolicyResources(dev.resources), devConfig as PackConfig);
    expect(show(vs)).toEqual([]);
  });

  test("prod: no violation under policies/config/prod.json", async () => {
    const vs = await runPack(asPolicyResources(prod.resources), prodConfig as PackConfig);
    expect(show(vs)).toEqual([]);
  });

  test("without a config file (`pulumi preview --policy-pack policies`), dev and prod pass too", async () => {
    expect(show(await runPack(asPolicyResources(dev.resources), {}))).toEqual([]);
    expect(show(await runPack(asPolicyResources(prod.resources), {}))).toEqual([]);
  });

  test("every policy that applies to the program has something to check", () => {
    const types = new Set(prod.resources.map((r) => r.type));
    for (const t of [
      "kubernetes:apps/v1:StatefulSet",
      "kubernetes:apps/v1:DaemonSet",
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:policy/v1:PodDisruptionBudget",
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    ]) {
      expect(types).toContain(t);
    }
    // The in-cluster Grafana's dashboards live in provisioning ConfigMaps, one per folder.
    const dashboardFolders = prod.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata?.annotations?.["observability-stack/grafana-folder-uid"]);
    expect(dashboardFolders.map((r) => r.inputs.metadata.annotations["observability-stack/grafana-folder-uid"]).sort()).toEqual([
      "obs-applications",
      "obs-business",
      "obs-observability",
      "obs-platform",
    ]);
  });
});

/** Clone a stack's resources, change them, and return the violations the change adds. */
/** The unchanged stack's violations, per stack and config, computed once. */
const baselines = new Map<Synthesis, Map<PackConfig, Promise<PackViolation[]>>>();

async function broken(s: Synthesis, config: PackConfig, change: (rs: PolicyResource[]) => void): Promise<PackViolation[]> {
  const perStack = baselines.get(s) ?? new Map<PackConfig, Promise<PackViolation[]>>();
  baselines.set(s, perStack);
  if (!perStack.has(config)) perStack.set(config, runPack(asPolicyResources(s.resources), config));
  const baseline = await perStack.get(config)!;
  const rs = asPolicyResources(JSON.parse(JSON.stringify(s.resources)));
  change(rs);
  const after = await runPack(rs, config);
  const key = (v: PackViolation) => `${v.policy}|${v.resource}|${v.message}`;
  const before = new Set(baseline.map(key));
  return after.filter((v) => !before.has(key(v)));
}

/** The mandatory violations a change to the prod stack adds. */
async function brokenProd(change: (rs: PolicyResource[]) => void): Promise<{ policy: string; resource: string; message: string }[]> {
  const added = await broken(prod, prodConfig as PackConfig, change);
  return added.filter((v) => v.enforcementLevel === "mandatory").map(({ policy, resource, message }) => ({ policy, resource, message }));
}

/** The one recorded resource of a type whose app.kubernetes.io/name is `app`. */
function find(rs: PolicyResource[], type: string, app: string): PolicyResource {
  const found = rs.filter((r) => r.type === type && r.props.metadata?.labels?.["app.kubernetes.io/name"] === app);
  if (found.length === 0) throw new Error(`no ${type} of ${app}: ${rs.filter((r) => r.type === type).map((r) => r.name).join(", ")}`);
  return found[0];
}

const containerOf = (r: PolicyResource, name: string) => r.props.spec.template.spec.containers.find((c: { name: string }) => c.name === name);

describe("deliberately broken prod stacks give the expected violations", () => {
  test("Prometheus retention removed", async () => {
    let name = "";
    const added = await brokenProd((rs) => {
      const sts = find(rs, "kubernetes:apps/v1:StatefulSet", "prometheus");
      name = sts.name;
      const c = containerOf(sts, "prometheus");
      c.args = c.args.filter((a: string) => !a.startsWith("--storage.tsdb.retention.time"));
    });
    expect(added).toEqual([{ policy: "prometheus-retention", resource: name, message: 'container "prometheus" has no --storage.tsdb.retention.time; set it (allowed: 15 to 90 days)' }]);
  });

  test("Loki retention turned off", async () => {
    let name = "";
    const added = await brokenProd((rs) => {
      const cm = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && typeof r.props.data?.["loki.yaml"] === "string")!;
      name = cm.name;
      cm.props.data["loki.yaml"] = cm.props.data["loki.yaml"].replace("retention_enabled: true", "retention_enabled: false");
    });
    expect(added).toEqual([{ policy: "loki-retention", resource: name, message: "loki.yaml: compactor.retention_enabled is not true; without it Loki never deletes logs" }]);
  });

  test("audit logs kept one year instead of seven", async () => {
    let name = "";
    const added = await brokenProd((rs) => {
      const cm = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && typeof r.props.data?.["ilm-audit.json"] === "string")!;
      name = cm.name;
      const ilm = JSON.parse(cm.props.data["ilm-audit.json"]);
      ilm.policy.phases.delete.min_age = "365d";
      cm.props.data["ilm-audit.json"] = JSON.stringify(ilm);
    });
    expect(added).toEqual([{ policy: "elasticsearch-ilm-retention", resource: name, message: 'ilm-audit.json: delete phase min_age "365d" is 365 days; allowed: at least 2555 days' }]);
  });

  test("a label dropped from a pod template", async () => {
    let name = "";
    const added = await brokenProd((rs) => {
      const sts = find(rs, "kubernetes:apps/v1:StatefulSet", "alertmanager");
      name = sts.name;
      delete sts.props.spec.template.metadata.labels.team;
    });
    expect(added).toEqual([{ policy: "kubernetes-required-labels", resource: name, message: 'spec.template.metadata.labels: missing "team"' }]);
  });

  test("an image set to :latest", async () => {
    let name = "";
    const added = await brokenProd((rs) => {
      const d = find(rs, "kubernetes:apps/v1:Deployment", "grafana");
      name = d.name;
      containerOf(d, "grafana").image = "docker.io/grafana/grafana:latest";
    });
    expect(added).toEqual([
      { policy: "no-unpinned-images", resource: name, message: 'container "grafana" image "docker.io/grafana/grafana:latest" uses the floating tag "latest"; pin an exact version' },
    ]);
  });

  test("a StatefulSet registered without protect", async () => {
    let name = "";
    const added = await brokenProd((rs) => {
      const sts = find(rs, "kubernetes:apps/v1:StatefulSet", "elasticsearch");
      name = sts.name;
      sts.opts.protect = false;
    });
    expect(added).toEqual([{ policy: "persistent-storage", resource: name, message: 'StatefulSet of "elasticsearch" is not protected; register it with protect: true' }]);
  });

  test("the Loki bucket expiring before Loki's retention", async () => {
    let name = "";
    const added = await brokenProd((rs) => {
      const bucket = rs.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name.includes("loki-chunks"))!;
      name = bucket.name;
      const lifecycle = rs.find((r) => r.type.includes("bucketLifecycleConfiguration") && r.props.bucket === bucket.props.id)!;
      lifecycle.props.rules[0].expiration = { days: 7 };
    });
    expect(added).toEqual([{ policy: "s3-bucket-lifecycle", resource: name, message: `bucket "${name}" expires objects after 7 days but loki keeps 30 days; allowed: 30 to 31 days` }]);
  });

  test("the AWS provider's defaultTags without CostCenter", async () => {
    const added = await brokenProd((rs) => {
      // The engine hands each resource its provider's inputs: change what every AWS resource carries.
      for (const r of rs) {
        if (!r.provider || r.provider.type !== "pulumi:providers:aws") continue;
        const dt = JSON.parse(r.provider.props.defaultTags);
        delete dt.tags.CostCenter;
        r.provider = { ...r.provider, props: { ...r.provider.props, defaultTags: JSON.stringify(dt) } };
      }
    });
    const taggable = prod.resources.filter((r) => ["aws:s3/bucket:Bucket", "aws:iam/role:Role", "aws:kms/key:Key", "aws:sns/topic:Topic"].includes(r.type)).map((r) => r.name);
    expect(taggable.length).toBeGreaterThan(0);
    expect(added).toEqual(taggable.map((name) => ({ policy: "aws-required-tags", resource: name, message: "missing tags CostCenter; set them in the AWS provider's defaultTags" })));
  });

  test("an alert without its runbook", async () => {
    let name = "";
    let alert = "";
    let file = "";
    const added = await brokenProd((rs) => {
      const cm = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && Object.keys(r.props.data ?? {}).some((k) => k.endsWith(".rules.yaml") && r.props.data[k].includes("alert:")))!;
      name = cm.name;
      file = Object.keys(cm.props.data).find((k) => k.endsWith(".rules.yaml") && cm.props.data[k].includes("alert:"))!;
      const doc = parse(cm.props.data[file]);
      const group = doc.groups.find((g: { rules: { alert?: string }[] }) => g.rules.some((r) => r.alert));
      const rule = group.rules.find((r: { alert?: string }) => r.alert);
      alert = `group "${group.name}", alert "${rule.alert}"`;
      delete rule.annotations.runbook_url;
      cm.props.data[file] = stringify(doc);
    });
    expect(added).toEqual([{ policy: "prometheus-alert-rule-metadata", resource: name, message: `${file}, ${alert}: no runbook_url annotation` }]);
  });

  test("a version label in a selector", async () => {
    let name = "";
    const added = await brokenProd((rs) => {
      const d = find(rs, "kubernetes:apps/v1:Deployment", "grafana");
      name = d.name;
      d.props.spec.selector.matchLabels["app.kubernetes.io/version"] = "13.2.3";
    });
    expect(added).toEqual([
      {
        policy: "stable-immutable-labels",
        resource: name,
        message: 'spec.selector.matchLabels has "app.kubernetes.io/version"; a selector cannot change, so every release would need a new workload',
      },
    ]);
  });

  test("a dashboard without tags", async () => {
    let name = "";
    let title = "";
    const added = await brokenProd((rs) => {
      const cm = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.props.metadata?.annotations?.["observability-stack/grafana-folder-uid"] === "obs-platform")!;
      name = cm.name;
      const file = Object.keys(cm.props.data).sort()[0];
      const json = JSON.parse(cm.props.data[file]);
      title = json.title;
      json.tags = [];
      cm.props.data[file] = JSON.stringify(json);
    });
    expect(added).toEqual([{ policy: "grafana-dashboard-metadata", resource: name, message: `dashboard "${title}" has no tags` }]);
  });

  test("an S3 secret key written into Loki's config", async () => {
    let name = "";
    let line = 0;
    const added = await brokenProd((rs) => {
      const cm = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && typeof r.props.data?.["loki.yaml"] === "string")!;
      name = cm.name;
      const doc = parse(cm.props.data["loki.yaml"]);
      doc.storage_config = { ...doc.storage_config, aws: { ...doc.storage_config?.aws, secret_access_key: "AbCdEf0123456789" } };
      cm.props.data["loki.yaml"] = stringify(doc);
      line = cm.props.data["loki.yaml"].split("\n").findIndex((l: string) => l.includes("secret_access_key")) + 1;
    });
    expect(added).toEqual([
      { policy: "no-secrets-in-configmaps", resource: name, message: `data "loki.yaml": line ${line} sets "secret_access_key" to a literal; put it in a Secret and reference it` },
    ]);
  });
});

describe("enforcement differs per environment", () => {
  test("a label dropped in dev is advisory; in prod it is mandatory", async () => {
    const drop = (rs: PolicyResource[]) => {
      const sts = find(rs, "kubernetes:apps/v1:StatefulSet", "prometheus");
      delete sts.props.metadata.labels.environment;
    };
    const inDev = await broken(dev, devConfig as PackConfig, drop);
    const inProd = await broken(prod, prodConfig as PackConfig, drop);
    expect(inDev.map((v) => [v.policy, v.enforcementLevel, v.message])).toEqual([["kubernetes-required-labels", "advisory", 'metadata.labels: missing "environment"']]);
    expect(inProd.map((v) => [v.policy, v.enforcementLevel, v.message])).toEqual([["kubernetes-required-labels", "mandatory", 'metadata.labels: missing "environment"']]);
  });

  test("an image set to :latest is mandatory in dev too", async () => {
    const added = await broken(dev, devConfig as PackConfig, (rs) => {
      containerOf(find(rs, "kubernetes:apps/v1:StatefulSet", "loki"), "loki").image = "docker.io/grafana/loki:latest";
    });
    expect(added.map((v) => [v.policy, v.enforcementLevel])).toEqual([["no-unpinned-images", "mandatory"]]);
  });
});

/**
 * One change per policy not covered above, each against the real prod stack. Messages name the
 * changed object (OBJECT: its metadata.name) or rule group (GROUP), filled in after the change.
 */
describe("every policy bites on the real program", () => {
  const cases: [string, (rs: PolicyResource[]) => string, () => { policy: string; message: string }[]][] = [
    [
      "Alertmanager without --data.retention",
      (rs) => {
        const sts = find(rs, "kubernetes:apps/v1:StatefulSet", "alertmanager");
        const c = containerOf(sts, "alertmanager");
        c.args = c.args.filter((a: string) => !a.startsWith("--data.retention"));
        return sts.name;
      },
      () => [{ policy: "alertmanager-retention", message: 'container "alertmanager" has no --data.retention; set it (allowed: 24h to 720h)' }],
    ],
    [
      "the Jaeger index cleaner keeping 90 days",
      (rs) => {
        const cron = find(rs, "kubernetes:batch/v1:CronJob", "jaeger");
        cron.props.spec.jobTemplate.spec.template.spec.containers[0].args[0] = "90";
        return cron.name;
      },
      () => [{ policy: "jaeger-trace-retention", message: 'index cleaner (container "index-cleaner") keeps 90 days of traces; allowed: 3 to 30 days' }],
    ],
    [
      "the Jaeger index cleaner removed",
      (rs) => {
        rs.splice(rs.indexOf(find(rs, "kubernetes:batch/v1:CronJob", "jaeger")), 1);
        return find(rs, "kubernetes:apps/v1:Deployment", "jaeger").name;
      },
      () => [
        {
          policy: "telemetry-retention-configured",
          message: 'Deployment "OBJECT" stores traces in Elasticsearch but no CronJob runs jaeger-es-index-cleaner; trace indices would never be deleted',
        },
      ],
    ],
    [
      "a recording rule grouping by student_id",
      (rs) => {
        const cm = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && typeof r.props.data?.["recording.rules.yaml"] === "string")!;
        const doc = parse(cm.props.data["recording.rules.yaml"]);
        doc.groups[0].rules.push({ record: "student:submissions:rate5m", expr: "sum by (student_id) (rate(submissions_total[5m]))" });
        cm.props.data["recording.rules.yaml"] = stringify(doc);
        return cm.name;
      },
      () => [
        {
          policy: "prometheus-rule-cardinality",
          message: 'recording.rules.yaml, group "GROUP", record "student:submissions:rate5m": expr uses the high-cardinality label student_id',
        },
      ],
    ],
    [
      "an SLO objective of 1 and its page alert removed",
      (rs) => {
        const cm = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && typeof r.props.data?.["slo.rules.yaml"] === "string")!;
        const doc = parse(cm.props.data["slo.rules.yaml"]);
        const availability = doc.groups.find((g: { name: string }) => g.name === "slo.example-api.availability");
        availability.rules.find((r: { record?: string }) => r.record === "slo:objective:ratio").expr = "vector(1)";
        const alerts = doc.groups.find((g: { name: string }) => g.name === "slo.alerts");
        alerts.rules = alerts.rules.filter((r: { alert: string; labels: { severity: string } }) => !(r.alert === "AvailabilityErrorBudgetBurn" && r.labels.severity === "critical"));
        cm.props.data["slo.rules.yaml"] = stringify(doc);
        return cm.name;
      },
      () => [
        { policy: "prometheus-slo-rules", message: 'slo.rules.yaml, group "slo.example-api.availability", record "slo:objective:ratio": objective 1 is out of bounds; allowed: > 0.9 and < 0.99999' },
        {
          policy: "prometheus-slo-rules",
          message: 'slo.rules.yaml, group "slo.example-api.availability", record "slo:objective:ratio": SLO availability of example-api has no critical alert reading slo:sli_error:* {slo="availability"}',
        },
      ],
    ],
    [
      "Grafana without limits",
      (rs) => {
        const d = find(rs, "kubernetes:apps/v1:Deployment", "grafana");
        delete containerOf(d, "grafana").resources.limits;
        return d.name;
      },
      () => [
        { policy: "container-resources", message: 'container "grafana" has no resources.limits.cpu, resources.limits.memory' },
        { policy: "ephemeral-storage-limits", message: 'container "grafana" has no resources.limits.ephemeral-storage' },
      ],
    ],
    [
      "a privileged node exporter",
      (rs) => {
        const ds = find(rs, "kubernetes:apps/v1:DaemonSet", "node-exporter");
        ds.props.spec.template.spec.containers[0].securityContext.privileged = true;
        return ds.name;
      },
      () => [{ policy: "no-privileged-containers", message: 'container "node-exporter" is privileged' }],
    ],
    [
      "Grafana on the host network",
      (rs) => {
        const d = find(rs, "kubernetes:apps/v1:Deployment", "grafana");
        d.props.spec.template.spec.hostNetwork = true;
        return d.name;
      },
      () => [{ policy: "no-host-access", message: 'hostNetwork is true but not declared for "grafana"' }],
    ],
    [
      "a literal password in Grafana's environment",
      (rs) => {
        const d = find(rs, "kubernetes:apps/v1:Deployment", "grafana");
        const c = containerOf(d, "grafana");
        c.env = [...(c.env ?? []), { name: "GF_DATABASE_PASSWORD", value: "hunter2" }];
        return d.name;
      },
      () => [{ policy: "no-secret-env-literals", message: 'container "grafana": env GF_DATABASE_PASSWORD is a literal; use valueFrom.secretKeyRef' }],
    ],
    [
      "anonymous admins in Grafana",
      (rs) => {
        const d = find(rs, "kubernetes:apps/v1:Deployment", "grafana");
        const c = containerOf(d, "grafana");
        c.env = c.env.filter((e: { name: string }) => !e.name.startsWith("GF_AUTH_ANONYMOUS_"));
        c.env.push({ name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }, { name: "GF_AUTH_ANONYMOUS_ORG_ROLE", value: "Admin" });
        return d.name;
      },
      () => [{ policy: "grafana-secure-auth", message: 'container "grafana": anonymous users get the Admin role' }],
    ],
    [
      "one Alertmanager",
      (rs) => {
        const sts = find(rs, "kubernetes:apps/v1:StatefulSet", "alertmanager");
        sts.props.spec.replicas = 1;
        return sts.name;
      },
      () => [{ policy: "minimum-replicas", message: 'StatefulSet of "alertmanager" runs 1 replica; allowed: at least 3' }],
    ],
    [
      "Prometheus' PodDisruptionBudget removed",
      (rs) => {
        const i = rs.findIndex((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget" && r.props.metadata?.labels?.["app.kubernetes.io/name"] === "prometheus");
        rs.splice(i, 1);
        const sts = find(rs, "kubernetes:apps/v1:StatefulSet", "prometheus");
        return sts.name;
      },
      () => [{ policy: "pod-disruption-budgets", message: 'StatefulSet "OBJECT" (2 replicas) has no PodDisruptionBudget selecting its pods' }],
    ],
  ];

  test.each(cases)("%s", async (_, change, expected) => {
    let name = "";
    let group = "";
    let object = "";
    const added = await brokenProd((rs) => {
      name = change(rs);
      const r = rs.find((x) => x.name === name)!;
      object = r.props.metadata?.name ?? name;
      const rules = r.props.data?.["recording.rules.yaml"];
      if (rules) group = parse(rules).groups[0].name;
    });
    const want = expected().map((v) => ({
      policy: v.policy,
      resource: name,
      message: v.message.replace('"GROUP"', `"${group}"`).replace('"OBJECT"', `"${object}"`),
    }));
    expect(added).toEqual(want);
  });
});
