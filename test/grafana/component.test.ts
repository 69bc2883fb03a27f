/**
 * The Grafana component under mocks: on its own with only a namespace (objects named after it, every
 * default, a generated admin password kept secret), and as prod builds it (SMTP and contact-point
 * credentials only by reference, the data claim protected).
 */
import { parse } from "yaml";
import { GRAFANA_DEFAULTS } from "../../components/grafana/component";
import { byKind, defaultsFor, one, render, valueOf, PROD_SECRETS } from "../helpers/mocks";

const DEP = "kubernetes:apps/v1:Deployment";
const CM = "kubernetes:core/v1:ConfigMap";
const SECRET = "kubernetes:core/v1:Secret";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";

const env = (c: { env: { name: string; value?: string; valueFrom?: any }[] }, name: string) => c.env.find((e) => e.name === name);

describe("Grafana on its own, with only a namespace", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  beforeAll(async () => {
    r = await render("lib", async () => new (await import("../../components/grafana/component")).Grafana("ui", { namespace: "team-a" }));
  });

  test("objects named after it", () => {
    expect(one(r.resources, DEP, "ui").inputs.metadata.namespace).toBe("team-a");
    expect(one(r.resources, "kubernetes:core/v1:Service", "ui").inputs.spec.ports).toEqual([{ name: "http", port: 3000, targetPort: "http" }]);
    expect(byKind(r.resources, SECRET).map((s) => s.inputs.metadata.name)).toEqual(["ui-admin"]);
    expect(byKind(r.resources, CM).map((c) => c.inputs.metadata.name).sort()).toEqual([
      "ui-dashboard-providers",
      "ui-dashboards-applications",
      "ui-dashboards-business",
      "ui-dashboards-observability",
      "ui-dashboards-platform",
      "ui-datasources",
    ]);
  });

  test("the defaults: no datasource, a claim of the default size, the default resources, no SMTP", () => {
    expect(parse(one(r.resources, CM, "ui-datasources").inputs.data["datasources.yaml"]).datasources).toEqual([]);
    expect(one(r.resources, PVC, "ui-data").inputs.spec.resources.requests.storage).toBe(`${GRAFANA_DEFAULTS.storageGi}Gi`);
    const c = one(r.resources, DEP, "ui").inputs.spec.template.spec.containers[0];
    // Its 256Mi /tmp counted in the ephemeral-storage limit, a quarter requested.
    expect(c.resources).toEqual({
      requests: { ...GRAFANA_DEFAULTS.resources.requests, "ephemeral-storage": "128Mi" },
      limits: { ...GRAFANA_DEFAULTS.resources.limits, "ephemeral-storage": "512Mi" },
    });
    expect(env(c, "GF_SMTP_ENABLED")).toBeUndefined();
    expect(env(c, "GF_SERVER_ROOT_URL")).toBeUndefined();
    expect(env(c, "GF_AUTH_ANONYMOUS_ENABLED")?.value).toBe("false");
    // The password is a file of the mounted admin Secret, never an environment variable.
    expect(env(c, "GF_SECURITY_ADMIN_PASSWORD")).toBeUndefined();
    expect(env(c, "GF_SECURITY_ADMIN_PASSWORD__FILE")?.value).toBe("/etc/grafana-admin/admin-password");
    expect(c.volumeMounts).toContainEqual({ name: "admin", mountPath: "/etc/grafana-admin", readOnly: true });
  });

  test("URL from its Service; the generated admin password is a secret output", async () => {
    expect(await valueOf(r.component.url)).toBe("http://ui.team-a.svc.cluster.local:3000");
    expect(await valueOf(r.component.adminUser)).toBe("admin");
    expect(await valueOf(r.component.adminPassword)).toBe("generated-ui-admin-password-password");
    expect(await r.component.adminPassword.isSecret).toBe(true);
    expect(r.component.scrapeService).toEqual({ service: "ui", portName: "http" });
  });
});

describe("Grafana as prod builds it", () => {
  let r: Awaited<ReturnType<typeof render<any>>>;
  const { ctx, cfg } = defaultsFor("prod");
  beforeAll(async () => {
    r = await render("prod", async () => {
      const pulumi = await import("@pulumi/pulumi");
      const secrets = Object.fromEntries(Object.entries(PROD_SECRETS).map(([k, v]) => [k, pulumi.secret(v)]));
      return new (await import("../../components/grafana/component")).Grafana("grafana", {
        context: ctx,
        settings: cfg.grafana,
        rootUrl: "https://grafana.platform.internal",
        smtp: { host: "smtp.platform.internal:587", from: "grafana@platform.internal", user: "grafana", password: secrets.smtpPassword, requireTls: true },
        alerting: { environment: "prod", alerting: cfg.alerting, secrets },
      });
    });
  });

  test("the stack's size, protected and kept; its public URL as root_url", () => {
    const pvc = one(r.resources, PVC, "grafana-data");
    expect(pvc.inputs.spec.resources.requests.storage).toBe(`${cfg.grafana.storageGi}Gi`);
    expect([pvc.protect, pvc.retainOnDelete]).toEqual([true, true]);
    expect(env(one(r.resources, DEP, "grafana").inputs.spec.template.spec.containers[0], "GF_SERVER_ROOT_URL")?.value).toBe("https://grafana.platform.internal");
  });

  test("SMTP and contact-point credentials only in Secrets named after it, read by reference", () => {
    expect(byKind(r.resources, SECRET).map((s) => s.inputs.metadata.name).sort()).toEqual(["grafana-admin", "grafana-contact-points", "grafana-smtp"]);
    const c = one(r.resources, DEP, "grafana").inputs.spec.template.spec.containers[0];
    expect(env(c, "GF_SMTP_PASSWORD")?.valueFrom).toEqual({ secretKeyRef: { name: "grafana-smtp", key: "password" } });
    const plain = r.resources.map((x) => x.plainInputs).join("\n");
    for (const v of Object.values(PROD_SECRETS)) expect(plain).not.toContain(v);
    expect(one(r.resources, CM, "grafana-alerting").inputs.data["alerting.yaml"]).toContain("contactPoints");
  });
});
