/**
 * A scanner we did not write: checkov (pinned in tools/checkov, installed by scripts/setup.sh) over
 * the rendered Kubernetes manifests of dev and prod. Every finding is fixed or listed with its
 * reason in security/checkov-exceptions.yaml; a new finding fails, and so does an exception that no
 * longer matches a finding. checkov runs offline, killed after a timeout, in a temporary directory
 * removed afterwards. Without checkov the test fails and says how to install it.
 */
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { PYTHON_TOOLS } from "../../components/versions";
import { PROD_SECRETS, synthesize } from "../helpers/mocks";
import { ENVIRONMENTS, type Manifest, type ManifestEnvironment, SECRET_PLACEHOLDER, manifestsOf, optionsFor, toYaml, writeManifests } from "../helpers/manifests";
import { type Finding, type ScanResult, compare, describeFinding, loadExceptions, matchesResource, parseExceptions, parseReport, runCheckov } from "../helpers/checkov";

/** Bound of one checkov run (it takes about 10 s on a loaded two-core machine). */
const CHECKOV_TIMEOUT_MS = 180_000;

const manifests = {} as Record<ManifestEnvironment, Manifest[]>;
let scan: ScanResult | undefined;
let scanError: Error | undefined;
let dir: string | undefined;

beforeAll(async () => {
  for (const env of ENVIRONMENTS) manifests[env] = manifestsOf((await synthesize(optionsFor(env))).resources);
  dir = mkdtempSync(join(tmpdir(), "checkov-"));
  for (const env of ENVIRONMENTS) writeManifests(dir, env, manifests[env]);
  try {
    scan = await runCheckov(dir, manifests, CHECKOV_TIMEOUT_MS);
  } catch (e) {
    scanError = e as Error;
  }
}, CHECKOV_TIMEOUT_MS + 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The scan's result; a missing checkov, a timeout or a crash fails each test that needs it. */
function scanned(): ScanResult {
  if (scanError) throw scanError;
  return scan!;
}

describe("the rendered manifests", () => {
  it("hold every Kubernetes object of each environment, named", () => {
    for (const env of ENVIRONMENTS) {
      expect(manifests[env].length).toBeGreaterThan(50);
      const kinds = new Set(manifests[env].map((m) => m.kind));
      for (const k of ["Namespace", "StatefulSet", "Deployment", "DaemonSet", "Service", "ConfigMap", "Secret", "NetworkPolicy", "ClusterRole"]) expect([env, kinds.has(k)]).toEqual([env, true]);
    }
  });

  it("hold no secret value: secrets render as placeholders of the same shape", () => {
    for (const env of ENVIRONMENTS) {
      const text = toYaml(manifests[env]);
      for (const v of [...Object.values(PROD_SECRETS), "generated-grafana-admin-password"]) expect([env, text.includes(v)]).toEqual([env, false]);
      const secrets = manifests[env].filter((m) => m.kind === "Secret");
      expect(secrets.length).toBeGreaterThan(0);
      for (const s of secrets) {
        const data = { ...((s.object.stringData as object) ?? {}) } as Record<string, unknown>;
        for (const [k, v] of Object.entries(data)) expect([s.name, k, v]).toEqual([s.name, k, SECRET_PLACEHOLDER]);
      }
      // The Secrets' keys stay, so a workload's secretKeyRef still finds its key.
      expect(secrets.find((s) => s.name === "grafana-admin")?.object.stringData).toHaveProperty("admin-password", SECRET_PLACEHOLDER);
    }
  });
});

describe("checkov over dev and prod", () => {
  it("scans every rendered object: no parsing error", () => {
    const s = scanned();
    expect(s.parsingErrors).toEqual([]);
    expect(s.summary.checkov_version).toBe(PYTHON_TOOLS.checkov.version);
    expect(Number(s.summary.resource_count)).toBeGreaterThanOrEqual(ENVIRONMENTS.reduce((n, env) => n + manifests[env].length, 0));
    expect(Number(s.summary.passed)).toBeGreaterThan(1000);
  });

  it("finds nothing that security/checkov-exceptions.yaml does not list with its reason", () => {
    const { exceptions } = loadExceptions();
    const { unexcepted } = compare(scanned().findings, exceptions);
    if (unexcepted.length > 0) {
      throw new Error(
        `${unexcepted.length} new checkov finding(s): fix them, or add each to security/checkov-exceptions.yaml with its reason\n` +
          unexcepted.map((f) => `  ${describeFinding(f)}`).join("\n"),
      );
    }
  });

  it("every exception still matches a finding (remove the ones a fix made stale)", () => {
    const { stale } = compare(scanned().findings, loadExceptions().exceptions);
    expect(stale).toEqual([]);
  });
});

describe("the exceptions file", () => {
  it("every entry names a check, its resources and environments, and gives a reason", () => {
    expect(loadExceptions().problems).toEqual([]);
    expect(loadExceptions().exceptions.length).toBeGreaterThan(0);
  });
});

describe("the comparison itself", () => {
  const f = (check: string, resource: string, env: ManifestEnvironment): Finding => ({ check, name: `title of ${check}`, resource, env });

  it("matches resources by segment, `*` within one segment only", () => {
    expect(matchesResource("Job/observability/elasticsearch-bootstrap-*", "Job/observability/elasticsearch-bootstrap-2ef9e44f00")).toBe(true);
    expect(matchesResource("*/*/*", "Deployment/observability/grafana")).toBe(true);
    expect(matchesResource("*/*/*", "ClusterRole/prometheus")).toBe(false);
    expect(matchesResource("Deployment/observability/grafana", "Deployment/observability/grafana-x")).toBe(false);
    expect(matchesResource("Deployment/*", "Deployment/observability/grafana")).toBe(false);
    expect(matchesResource("Deployment/obs.rvability/grafana", "Deployment/observability/grafana")).toBe(false);
  });

  it("reports each new finding and each stale exception, per resource and environment", () => {
    const { exceptions, problems } = parseExceptions(
      [
        "exceptions:",
        "  - check: CKV_K8S_8",
        "    resources: [StatefulSet/observability/prometheus, StatefulSet/observability/alertmanager]",
        "    environments: [dev, prod]",
        "    reason: \"Fixed by probes, pending: the sidecar has no liveness probe.\"",
      ].join("\n"),
    );
    expect(problems).toEqual([]);
    const findings = [
      f("CKV_K8S_8", "StatefulSet/observability/prometheus", "dev"),
      f("CKV_K8S_8", "StatefulSet/observability/prometheus", "prod"),
      f("CKV_K8S_8", "StatefulSet/observability/alertmanager", "dev"),
      f("CKV_K8S_8", "StatefulSet/observability/loki", "dev"),
      f("CKV_K8S_9", "StatefulSet/observability/prometheus", "dev"),
    ];
    const { unexcepted, stale } = compare(findings, exceptions);
    expect(unexcepted.map(describeFinding)).toEqual([
      'CKV_K8S_8 "title of CKV_K8S_8": StatefulSet/observability/loki (dev)',
      'CKV_K8S_9 "title of CKV_K8S_9": StatefulSet/observability/prometheus (dev)',
    ]);
    expect(stale).toEqual([
      "exception #1: CKV_K8S_8 StatefulSet/observability/alertmanager (prod) matches no finding any more: remove it (or its environment) from security/checkov-exceptions.yaml",
    ]);
  });

  it("refuses an entry without a reason, with an unknown key or environment, or listed twice", () => {
    const { problems } = parseExceptions(
      [
        "exceptions:",
        "  - check: CKV_K8S_8",
        "    resources: [StatefulSet/observability/prometheus]",
        "    environments: [dev]",
        "  - check: CKV_K8S_8",
        "    resources: [StatefulSet/observability/prometheus]",
        "    environments: [dev, staging]",
        "    reasons: typo of the key",
        "  - check: K8S_8",
        "    resources: [prometheus]",
        "    environments: [prod]",
        "    reason: '   '",
      ].join("\n"),
    );
    expect(problems).toEqual([
      "exception #1 (CKV_K8S_8): needs a `reason` (why it is not fixed, or what fixes it)",
      "exception #2 (CKV_K8S_8): unknown key `reasons` (keys: check, resources, environments, reason)",
      "exception #2 (CKV_K8S_8): `environments` must list some of dev, prod",
      "exception #2 (CKV_K8S_8): needs a `reason` (why it is not fixed, or what fixes it)",
      "exception #3 (K8S_8): `check` must be a checkov Kubernetes check id such as CKV_K8S_8 or CKV2_K8S_6",
      'exception #3 (K8S_8): resource "prometheus" is not Kind/namespace/name or Kind/name',
      "exception #3 (K8S_8): needs a `reason` (why it is not fixed, or what fixes it)",
      "exception #2 (CKV_K8S_8): StatefulSet/observability/prometheus in dev is already listed by exception #1",
    ]);
  });

  it("reads checkov's report: environment from the file, a template's Pod as its workload", () => {
    const job: Manifest = { kind: "Job", apiVersion: "batch/v1", namespace: "observability", name: "elasticsearch-bootstrap-2ef9e44f00", object: {} };
    const role: Manifest = { kind: "ClusterRole", apiVersion: "rbac.authorization.k8s.io/v1", namespace: "", name: "observability-prometheus", object: {} };
    const report = {
      check_type: "kubernetes",
      results: {
        failed_checks: [
          { check_id: "CKV2_K8S_6", check_name: "NetworkPolicy", resource: "Pod.observability.elasticsearch-bootstrap-2ef9e44f00.app.kubernetes.io/name-elasticsearch-bootstrap", file_path: "/dev.yaml" },
          { check_id: "CKV_K8S_40", check_name: "High UID", resource: "Job.observability.elasticsearch-bootstrap-2ef9e44f00", file_path: "/dev.yaml" },
          { check_id: "CKV_K8S_49", check_name: "Wildcards", resource: "ClusterRole.default.observability-prometheus", file_path: "/prod.yaml" },
        ],
      },
      summary: { passed: 1, failed: 3, parsing_errors: 0, resource_count: 2, checkov_version: "3.3.30" },
    };
    expect(parseReport(JSON.stringify(report), { dev: [job], prod: [role] }).findings).toEqual([
      { check: "CKV2_K8S_6", name: "NetworkPolicy", resource: "Job/observability/elasticsearch-bootstrap-2ef9e44f00", env: "dev" },
      { check: "CKV_K8S_40", name: "High UID", resource: "Job/observability/elasticsearch-bootstrap-2ef9e44f00", env: "dev" },
      { check: "CKV_K8S_49", name: "Wildcards", resource: "ClusterRole/observability-prometheus", env: "prod" },
    ]);
    expect(() => parseReport("Traceback (most recent call last):", {})).toThrow(/printed no JSON report/);
  });
});
