/**
 * The toolchain builds no AGPL-licensed Go module, directly or as a dependency: no tools/<folder>/go.mod
 * may require (or replace in) a module under a known AGPL module path, and no go.sum may record the
 * source of one. Deploying those projects' container images is fine; building their code is not.
 *
 * The deny-list is by module path on path-segment boundaries, so Apache-licensed neighbours such as
 * github.com/grafana/pyroscope-go, github.com/minio/minio-go and github.com/grafana/grafana-plugin-sdk-go
 * are not caught. It is conservative inside the AGPL repositories: github.com/grafana/loki/pkg/push is
 * Apache-2.0 by Loki's LICENSING.md but is caught with the rest of github.com/grafana/loki; take such
 * a module in only after checking its own licence, by naming it in ALLOWED with the reason.
 *
 * The Python tool (checkov) likewise: every package tools/<folder>/requirements.txt pins has its
 * licence recorded in tools/<folder>/licences.txt (from the installed packages' metadata; the
 * install fails when the two disagree), and none is AGPL or unknown.
 */
import { mkdtempSync, readdirSync, readFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { REPO } from "../helpers/tools";

/** Module path prefixes of AGPL-licensed Go modules. */
const AGPL_MODULES = [
  "github.com/grafana/loki",
  "github.com/grafana/grafana",
  "github.com/grafana/tempo",
  "github.com/grafana/mimir",
  "github.com/grafana/pyroscope",
  "github.com/minio/minio",
] as const;

/** Modules under a denied prefix that are not AGPL, each with the reason (none needed so far). */
const ALLOWED: Record<string, string> = {};

interface ModuleRef {
  path: string;
  version?: string;
  /** Where the file names it: require, replace (old or new side), or go.sum. */
  via: "require" | "replace" | "go.sum";
}

/** Every module a go.mod names in require and replace directives (single-line and blocks). */
function goModModules(gomod: string): ModuleRef[] {
  const out: ModuleRef[] = [];
  let block: string | undefined;
  for (const raw of gomod.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (!line) continue;
    const open = /^(\w+)\s*\($/.exec(line);
    if (open) {
      block = open[1];
      continue;
    }
    if (line === ")") {
      block = undefined;
      continue;
    }
    const single = /^(require|replace|exclude|retract|tool|go|toolchain|module|godebug|ignore)\s+(.*)$/.exec(line);
    const [directive, rest] = single && !block ? [single[1], single[2]] : [block, line];
    if (directive === "require") {
      const [path, version] = rest.split(/\s+/);
      out.push({ path, version, via: "require" });
    } else if (directive === "replace") {
      for (const side of rest.split("=>")) {
        const [path, version] = side.trim().split(/\s+/);
        // A local directory (./src, ../x) is not a module path.
        if (path && !path.startsWith(".") && !path.startsWith("/")) out.push({ path, version, via: "replace" });
      }
    }
  }
  return out;
}

/** Every module whose source a go.sum records (its `/go.mod`-only lines are version metadata, not code). */
function goSumModules(gosum: string): ModuleRef[] {
  return gosum
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([path, version]) => path && version && !version.endsWith("/go.mod"))
    .map(([path, version]) => ({ path, version, via: "go.sum" as const }));
}

/** The AGPL prefix a module path falls under, if any. */
function agplPrefix(path: string): string | undefined {
  if (path in ALLOWED) return undefined;
  return AGPL_MODULES.find((p) => path === p || path.startsWith(`${p}/`));
}

/** One line per AGPL module any tools/<folder>/go.mod or go.sum names, naming the folder and the module. */
function agplViolations(toolsDir: string): string[] {
  const out: string[] = [];
  for (const folder of readdirSync(toolsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const [file, parse] of [["go.mod", goModModules], ["go.sum", goSumModules]] as const) {
      const path = join(toolsDir, folder, file);
      if (!existsSync(path)) continue;
      for (const m of parse(readFileSync(path, "utf8"))) {
        const prefix = agplPrefix(m.path);
        if (prefix) out.push(`tools/${folder}/${file}: ${m.via} ${m.path}${m.version ? ` ${m.version}` : ""} is AGPL-licensed (${prefix})`);
      }
    }
  }
  return [...new Set(out)];
}

describe("no AGPL Go module in the toolchain", () => {
  const folders = readdirSync(join(REPO, "tools"), { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(REPO, "tools", d.name, "go.mod")));

  test("every tools/*/go.mod and go.sum is free of AGPL modules", () => {
    expect(agplViolations(join(REPO, "tools"))).toEqual([]);
  });

  test("the check read real module lists (not an empty tools/ folder)", () => {
    expect(folders.map((d) => d.name)).toEqual(expect.arrayContaining(["prometheus", "alertmanager", "jaeger", "actionlint", "pulumi", "thanos"]));
    const required = folders.flatMap((d) => goModModules(readFileSync(join(REPO, "tools", d.name, "go.mod"), "utf8")));
    expect(required.length).toBeGreaterThan(500);
    expect(required).toContainEqual({ path: "github.com/prometheus/prometheus", version: "v0.316.0", via: "require" });
    // Thanos is Apache-2.0; it builds against minio-go (Apache-2.0), never the AGPL minio server.
    expect(required).toContainEqual({ path: "github.com/thanos-io/thanos", version: "v0.42.4", via: "require" });
    expect(required.some((m) => m.path === "github.com/minio/minio-go/v7")).toBe(true);
  });
});

/** Non-comment, non-blank lines of a file. */
const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter(Boolean);

/** One line per pinned Python package of a tools folder without a recorded licence, or with an AGPL or unknown one. */
function pythonLicenceProblems(toolsDir: string, folder: string): string[] {
  const pins = lines(readFileSync(join(toolsDir, folder, "requirements.txt"), "utf8"));
  const licencesFile = join(toolsDir, folder, "licences.txt");
  const recorded = new Map<string, string>();
  for (const l of existsSync(licencesFile) ? lines(readFileSync(licencesFile, "utf8")) : []) {
    const m = /^(\S+==\S+)\s+(.+)$/.exec(l);
    if (m) recorded.set(m[1], m[2]);
  }
  const out: string[] = [];
  for (const pin of pins) {
    const licence = recorded.get(pin);
    if (!licence) out.push(`tools/${folder}/licences.txt: no licence recorded for ${pin}`);
    else if (/\bAGPL|Affero/i.test(licence)) out.push(`tools/${folder}/requirements.txt: ${pin} is AGPL-licensed (${licence})`);
    else if (/^UNKNOWN$/i.test(licence)) out.push(`tools/${folder}/requirements.txt: ${pin} has no licence in its metadata; check it by hand and record it`);
  }
  for (const pin of recorded.keys()) if (!pins.includes(pin)) out.push(`tools/${folder}/licences.txt: ${pin} is not pinned in requirements.txt`);
  return out;
}

describe("no AGPL Python package in the toolchain", () => {
  const folders = readdirSync(join(REPO, "tools"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(REPO, "tools", d.name, "requirements.txt")))
    .map((d) => d.name);

  test("every package tools/*/requirements.txt pins has a recorded licence, none AGPL", () => {
    expect(folders).toContain("checkov");
    expect(folders.flatMap((f) => pythonLicenceProblems(join(REPO, "tools"), f))).toEqual([]);
    // The check read the real list: checkov and its dependencies.
    expect(lines(readFileSync(join(REPO, "tools", "checkov", "licences.txt"), "utf8"))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^checkov==3\.3\.30\s+Apache/), expect.stringMatching(/^boto3==/)]),
    );
  });

  test("the check fails on an AGPL, unknown or unrecorded package and on a stale record", () => {
    const dir = mkdtempSync(join(tmpdir(), "licences-py-"));
    try {
      mkdirSync(join(dir, "fixture"));
      writeFileSync(join(dir, "fixture", "requirements.txt"), "# pins\nok==1.0\nbad==2.0\nodd==3.0\nnew==4.0\n");
      writeFileSync(join(dir, "fixture", "licences.txt"), "# recorded\nok==1.0  MIT License\nbad==2.0  GNU Affero General Public License v3\nodd==3.0  UNKNOWN\ngone==0.1  MIT\n");
      expect(pythonLicenceProblems(dir, "fixture")).toEqual([
        "tools/fixture/requirements.txt: bad==2.0 is AGPL-licensed (GNU Affero General Public License v3)",
        "tools/fixture/requirements.txt: odd==3.0 has no licence in its metadata; check it by hand and record it",
        "tools/fixture/licences.txt: no licence recorded for new==4.0",
        "tools/fixture/licences.txt: gone==0.1 is not pinned in requirements.txt",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the check itself", () => {
  const FIXTURE_GOMOD = [
    "// A wrapper module pinning a tool.",
    "module observability-stack/tools/fixture",
    "",
    "go 1.26.0",
    "",
    "replace github.com/minio/minio => github.com/minio/minio v0.0.0-20250101000000-abcdef123456",
    "",
    "replace (",
    "\tgithub.com/some/lib => ./src",
    ")",
    "",
    "require github.com/grafana/tempo v1.5.0",
    "",
    "require (",
    "\tgithub.com/prometheus/common v0.67.0",
    "\tgithub.com/grafana/loki/v3 v3.7.8 // indirect",
    "\tgithub.com/grafana/pyroscope-go/godeltaprof v0.1.9 // indirect",
    "\tgithub.com/minio/minio-go/v7 v7.0.99 // indirect",
    "\tgithub.com/grafana/grafana-plugin-sdk-go v0.285.0 // indirect",
    "\tgithub.com/grafana/regexp v0.0.0-20250905093917-f7b3be9d1853 // indirect",
    ")",
  ].join("\n");
  const FIXTURE_GOSUM = [
    "github.com/grafana/mimir v0.0.0-20250101000000-abcdef123456 h1:AAAA=",
    "github.com/grafana/mimir v0.0.0-20250101000000-abcdef123456/go.mod h1:BBBB=",
    "github.com/grafana/grafana/apps/dashboard v0.0.0-20260118065639-60cb766a97d6/go.mod h1:CCCC=",
  ].join("\n");

  test("reads require and replace directives, single-line and in blocks, direct and indirect", () => {
    expect(goModModules(FIXTURE_GOMOD).map((m) => `${m.via} ${m.path}`)).toEqual([
      "replace github.com/minio/minio",
      "replace github.com/minio/minio",
      "replace github.com/some/lib",
      "require github.com/grafana/tempo",
      "require github.com/prometheus/common",
      "require github.com/grafana/loki/v3",
      "require github.com/grafana/pyroscope-go/godeltaprof",
      "require github.com/minio/minio-go/v7",
      "require github.com/grafana/grafana-plugin-sdk-go",
      "require github.com/grafana/regexp",
    ]);
  });

  test("matches prefixes on path segments: the Apache-licensed client modules next to AGPL ones pass", () => {
    expect(agplPrefix("github.com/grafana/loki/v3")).toBe("github.com/grafana/loki");
    expect(agplPrefix("github.com/grafana/grafana/apps/dashboard")).toBe("github.com/grafana/grafana");
    expect(agplPrefix("github.com/grafana/pyroscope")).toBe("github.com/grafana/pyroscope");
    for (const ok of ["github.com/grafana/pyroscope-go/godeltaprof", "github.com/minio/minio-go/v7", "github.com/grafana/grafana-plugin-sdk-go", "github.com/grafana/grafana-app-sdk", "github.com/grafana/regexp", "github.com/grafana/lokifake"]) {
      expect([ok, agplPrefix(ok)]).toEqual([ok, undefined]);
    }
  });

  test("fails on a tools folder whose go.mod or go.sum names an AGPL module, naming the folder and the module", () => {
    const dir = mkdtempSync(join(tmpdir(), "licences-"));
    try {
      mkdirSync(join(dir, "fixture"));
      writeFileSync(join(dir, "fixture", "go.mod"), FIXTURE_GOMOD);
      writeFileSync(join(dir, "fixture", "go.sum"), FIXTURE_GOSUM);
      mkdirSync(join(dir, "clean"));
      writeFileSync(join(dir, "clean", "go.mod"), "module x\n\nrequire github.com/rhysd/actionlint v1.7.12\n");
      expect(agplViolations(dir)).toEqual([
        "tools/fixture/go.mod: replace github.com/minio/minio is AGPL-licensed (github.com/minio/minio)",
        "tools/fixture/go.mod: replace github.com/minio/minio v0.0.0-20250101000000-abcdef123456 is AGPL-licensed (github.com/minio/minio)",
        "tools/fixture/go.mod: require github.com/grafana/tempo v1.5.0 is AGPL-licensed (github.com/grafana/tempo)",
        "tools/fixture/go.mod: require github.com/grafana/loki/v3 v3.7.8 is AGPL-licensed (github.com/grafana/loki)",
        "tools/fixture/go.sum: go.sum github.com/grafana/mimir v0.0.0-20250101000000-abcdef123456 is AGPL-licensed (github.com/grafana/mimir)",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
