/**
 * The security scan of the rendered manifests (./manifests.ts) with checkov, and its exceptions
 * file (security/checkov-exceptions.yaml): run checkov offline and bounded, read its findings, and
 * compare them with the exceptions. test/security/checkov.test.ts and the benchmark use it.
 */
import { spawn } from "child_process";
import { existsSync, readFileSync } from "fs";
import { basename, join } from "path";
import YAML from "yaml";
import { ENVIRONMENTS, type Manifest, type ManifestEnvironment, resourceId } from "./manifests";
import { REPO } from "./tools";

export const CHECKOV = join(REPO, ".tools", "bin", "checkov");
export const EXCEPTIONS_FILE = join(REPO, "security", "checkov-exceptions.yaml");

/** The failure message when checkov is not installed. */
export const MISSING_CHECKOV =
  `checkov not found at .tools/bin/checkov: install it with \`bash scripts/setup.sh\` (which \`npm run check\` runs first) ` +
  `or only it with \`bash tools/build.sh checkov\` (needs Python 3.11 or newer; about a minute the first time, cached after)`;

export interface Finding {
  check: string;
  /** checkov's title of the check. */
  name: string;
  /** "Kind/namespace/name" (or "Kind/name" when cluster-scoped), as manifests.ts names objects. */
  resource: string;
  env: ManifestEnvironment;
}

export interface ScanResult {
  findings: Finding[];
  /** checkov's summary: passed, failed, parsing_errors, resource_count, checkov_version. */
  summary: Record<string, unknown>;
  /** Files checkov could not parse (none, or objects went unscanned). */
  parsingErrors: string[];
  seconds: number;
}

/**
 * The environment checkov runs in: no call out of the machine. It downloads nothing from its
 * vendor's platform (--skip-download, BC_SKIP_MAPPING), skips its check for a newer release, and any
 * HTTP(S) request it would still make goes to a proxy address where nothing listens, so it fails at
 * once instead of leaving the machine.
 */
export function checkovEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(BC_API_KEY|PRISMA_|CKV_|CHECKOV_|BC_)/.test(k)) delete env[k];
  return {
    ...env,
    BC_SKIP_MAPPING: "TRUE",
    CKV_SKIP_PACKAGE_UPDATE_CHECK: "true",
    CKV_VALIDATE_SECRETS: "false",
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
    https_proxy: "http://127.0.0.1:9",
    http_proxy: "http://127.0.0.1:9",
    NO_PROXY: "",
    no_proxy: "",
    LOG_LEVEL: "WARNING",
  };
}

/** The arguments of the scan of a directory of rendered manifests. */
export function checkovArgs(dir: string): string[] {
  // --soft-fail: exit 0 with findings, so a non-zero exit means checkov itself failed.
  return ["-d", dir, "--framework", "kubernetes", "-o", "json", "--quiet", "--soft-fail", "--skip-download"];
}

/**
 * Run checkov over DIR (DIR/<env>.yaml per environment), killed with its process group after
 * `timeoutMs`. Rejects when checkov is missing, times out, exits non-zero or prints no report.
 */
export function runCheckov(dir: string, manifests: Partial<Record<ManifestEnvironment, Manifest[]>>, timeoutMs = 180_000): Promise<ScanResult> {
  if (!existsSync(CHECKOV)) return Promise.reject(new Error(MISSING_CHECKOV));
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    // Its own process group: a timeout kills checkov and every worker it forked.
    const child = spawn(CHECKOV, checkovArgs(dir), { cwd: dir, env: checkovEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const tail = stderr.split("\n").slice(-30).join("\n");
      if (timedOut) return reject(new Error(`checkov did not finish within ${timeoutMs / 1000} s and was killed\n${tail}`));
      if (code !== 0) return reject(new Error(`checkov exited with ${code ?? signal}\n${tail}`));
      try {
        resolve({ ...parseReport(stdout, manifests), seconds });
      } catch (e) {
        reject(new Error(`${(e as Error).message}\nstderr:\n${tail}`));
      }
    });
  });
}

interface CheckovFailure {
  check_id: string;
  check_name: string;
  resource: string;
  file_path: string;
}

/**
 * The findings of checkov's JSON report: one report (one framework), or a list of them. An
 * environment is its file's name (dev.yaml, prod.yaml); a resource is named as manifests.ts names
 * it, found by checkov's "Kind.namespace.name" (a Pod checkov derives from a workload's template
 * is the workload's finding).
 */
export function parseReport(stdout: string, manifests: Partial<Record<ManifestEnvironment, Manifest[]>>): Omit<ScanResult, "seconds"> {
  const text = stdout.trim();
  if (!text.startsWith("{") && !text.startsWith("[")) throw new Error(`checkov printed no JSON report:\n${text.slice(0, 2000)}`);
  const parsed = JSON.parse(text);
  const reports: any[] = Array.isArray(parsed) ? parsed : [parsed];
  const findings: Finding[] = [];
  const parsingErrors: string[] = [];
  let summary: Record<string, unknown> = {};
  for (const report of reports) {
    if (report.check_type && report.check_type !== "kubernetes") continue;
    summary = report.summary ?? {};
    parsingErrors.push(...(report.results?.parsing_errors ?? []));
    for (const f of (report.results?.failed_checks ?? []) as CheckovFailure[]) {
      const env = basename(f.file_path).replace(/\.ya?ml$/, "") as ManifestEnvironment;
      if (!ENVIRONMENTS.includes(env)) throw new Error(`checkov reported ${f.check_id} in ${f.file_path}, which is no environment's file`);
      findings.push({ check: f.check_id, name: f.check_name, resource: objectOf(f.resource, manifests[env] ?? []), env });
    }
  }
  return { findings: dedupe(findings), summary, parsingErrors };
}

/** The rendered object checkov's resource names ("Kind.namespace.name"; "Pod.<ns>.<workload>.<labels...>" for a template's pods). */
function objectOf(checkovResource: string, manifests: Manifest[]): string {
  const exact = manifests.find((m) => `${m.kind}.${m.namespace || "default"}.${m.name}` === checkovResource || `${m.kind}.${m.name}` === checkovResource);
  if (exact) return resourceId(exact);
  if (checkovResource.startsWith("Pod.")) {
    const rest = checkovResource.slice("Pod.".length);
    const workload = manifests.find((m) => WORKLOAD_KINDS.has(m.kind) && (rest === `${m.namespace}.${m.name}` || rest.startsWith(`${m.namespace}.${m.name}.`)));
    if (workload) return resourceId(workload);
  }
  // Unknown to the renderer: shown as checkov names it (it can only be a new finding).
  return checkovResource;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"]);

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) seen.set(`${f.check}|${f.resource}|${f.env}`, f);
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...seen.values()].sort((a, b) => cmp(a.check, b.check) || cmp(a.resource, b.resource) || cmp(a.env, b.env));
}

// --- The exceptions file -----------------------------------------------------------------------

export interface CheckovException {
  check: string;
  /** "Kind/namespace/name" or "Kind/name"; `*` matches any run of characters within one segment. */
  resources: string[];
  environments: ManifestEnvironment[];
  reason: string;
}

const ENTRY_KEYS = ["check", "resources", "environments", "reason"];

/** The entries of an exceptions file, and every problem with their form (each names the entry). */
export function parseExceptions(text: string): { exceptions: CheckovException[]; problems: string[] } {
  const doc = YAML.parse(text) ?? {};
  const problems: string[] = [];
  const list = doc.exceptions;
  if (!Array.isArray(list)) return { exceptions: [], problems: ["the file has no `exceptions:` list"] };
  const exceptions: CheckovException[] = [];
  list.forEach((e: any, i: number) => {
    const where = `exception #${i + 1}${e?.check ? ` (${e.check})` : ""}`;
    if (!e || typeof e !== "object") {
      problems.push(`${where}: not a mapping`);
      return;
    }
    for (const k of Object.keys(e)) if (!ENTRY_KEYS.includes(k)) problems.push(`${where}: unknown key \`${k}\` (keys: ${ENTRY_KEYS.join(", ")})`);
    if (typeof e.check !== "string" || !/^CKV2?_K8S_\d+$/.test(e.check)) problems.push(`${where}: \`check\` must be a checkov Kubernetes check id such as CKV_K8S_8 or CKV2_K8S_6`);
    const resources = Array.isArray(e.resources) ? e.resources : [];
    if (resources.length === 0) problems.push(`${where}: \`resources\` must list at least one Kind/namespace/name (or Kind/name)`);
    for (const r of resources) {
      if (typeof r !== "string" || !/^[^/\s]+(\/[^/\s]+){1,2}$/.test(r)) problems.push(`${where}: resource ${JSON.stringify(r)} is not Kind/namespace/name or Kind/name`);
    }
    const envs = Array.isArray(e.environments) ? e.environments : [];
    if (envs.length === 0 || envs.some((x: unknown) => !ENVIRONMENTS.includes(x as ManifestEnvironment))) {
      problems.push(`${where}: \`environments\` must list some of ${ENVIRONMENTS.join(", ")}`);
    }
    if (typeof e.reason !== "string" || e.reason.trim().length < 20) problems.push(`${where}: needs a \`reason\` (why it is not fixed, or what fixes it)`);
    exceptions.push({ check: String(e.check), resources: resources.map(String), environments: envs, reason: String(e.reason ?? "") });
  });
  // One finding, one entry: the same check, resource pattern and environment twice is a mistake.
  const seen = new Map<string, number>();
  exceptions.forEach((e, i) => {
    for (const r of e.resources) {
      for (const env of e.environments) {
        const key = `${e.check} ${r} ${env}`;
        if (seen.has(key)) problems.push(`exception #${i + 1} (${e.check}): ${r} in ${env} is already listed by exception #${seen.get(key)! + 1}`);
        else seen.set(key, i);
      }
    }
  });
  return { exceptions, problems };
}

export function loadExceptions(file = EXCEPTIONS_FILE): { exceptions: CheckovException[]; problems: string[] } {
  return parseExceptions(readFileSync(file, "utf8"));
}

/** Whether a resource pattern (segments, `*` = any run of characters within a segment) names a resource. */
export function matchesResource(pattern: string, resource: string): boolean {
  const p = pattern.split("/");
  const r = resource.split("/");
  if (p.length !== r.length) return false;
  return p.every((seg, i) => new RegExp(`^${seg.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`).test(r[i]));
}

const covers = (e: CheckovException, f: Finding) => e.check === f.check && e.environments.includes(f.env) && e.resources.some((p) => matchesResource(p, f.resource));

/** A finding as the test's messages show it. */
export function describeFinding(f: Finding): string {
  return `${f.check} "${f.name}": ${f.resource} (${f.env})`;
}

/**
 * The findings no exception covers, and the stale parts of exceptions: each resource pattern of an
 * entry must match a finding of its check in each of its environments, so a fix that lands makes
 * its exception fail until it is removed.
 */
export function compare(findings: Finding[], exceptions: CheckovException[]): { unexcepted: Finding[]; stale: string[] } {
  const unexcepted = findings.filter((f) => !exceptions.some((e) => covers(e, f)));
  const stale: string[] = [];
  exceptions.forEach((e, i) => {
    for (const pattern of e.resources) {
      for (const env of e.environments) {
        if (!findings.some((f) => f.check === e.check && f.env === env && matchesResource(pattern, f.resource))) {
          stale.push(`exception #${i + 1}: ${e.check} ${pattern} (${env}) matches no finding any more: remove it (or its environment) from security/checkov-exceptions.yaml`);
        }
      }
    }
  });
  return { unexcepted, stale };
}
