import { readFileSync, readdirSync, existsSync } from "fs";
import { join } from "path";
import { IMAGES, OWN_TOOLS, PYTHON_TOOLS, TOOLS } from "../components/versions";

const REPO = join(__dirname, "..");

function required(folder: string, module: string): string {
  const gomod = readFileSync(join(REPO, "tools", folder, "go.mod"), "utf8");
  const m = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[./]/g, "\\$&")}\\s+(v\\S+)`, "m").exec(gomod);
  if (!m) throw new Error(`tools/${folder}/go.mod does not require ${module}`);
  return m[1];
}

describe("pinned versions", () => {
  it.each(Object.entries(TOOLS))("%s: tools/ go.mod pins the version of versions.ts", (_name, t) => {
    expect(required(t.folder, t.module)).toBe(t.version);
  });

  it.each(Object.entries(PYTHON_TOOLS))("%s: tools/ requirements.txt and build.sh pin the version of versions.ts", (_name, t) => {
    const pins = readFileSync(join(REPO, "tools", t.folder, "requirements.txt"), "utf8")
      .split("\n")
      .map((l) => l.replace(/#.*$/, "").trim())
      .filter(Boolean);
    expect(pins).toContain(`${t.package}==${t.version}`);
    // Every package is pinned exactly: the install resolves nothing (build.sh installs with --no-deps).
    expect(pins.filter((p) => !/^[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!-]+$/.test(p))).toEqual([]);
    expect(readFileSync(join(REPO, "tools", t.folder, "build.sh"), "utf8")).toContain(`version=${t.version}\n`);
  });

  it("the Pulumi CLI is the engine of the npm SDK in package.json", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    expect(TOOLS.pulumi.version).toBe(`v${pkg.dependencies["@pulumi/pulumi"]}`);
  });

  it("the kubernetes provider plugin is the release of the npm SDK in package.json", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    expect(TOOLS.kubernetesSdk.version).toBe(`v${pkg.dependencies["@pulumi/kubernetes"]}`);
    expect(readFileSync(join(REPO, "tools", "kubernetes", "build.sh"), "utf8")).toContain(`version=${pkg.dependencies["@pulumi/kubernetes"]}\n`);
  });

  it("every tools/ folder is pinned in TOOLS or PYTHON_TOOLS or is our own code", () => {
    const folders = readdirSync(join(REPO, "tools"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(REPO, "tools", d.name, "build.sh")))
      .map((d) => d.name)
      .sort();
    const known = new Set<string>([...Object.values(TOOLS).map((t) => t.folder), ...Object.values(PYTHON_TOOLS).map((t) => t.folder), ...OWN_TOOLS]);
    expect(folders.filter((f) => !known.has(f))).toEqual([]);
  });

  it("Jaeger's tool is the deployed image: module v1.(minor+63) is release v2.minor", () => {
    const [, minor] = /^2\.(\d+)\.0$/.exec(IMAGES.jaeger.tag)!;
    expect(TOOLS.jaeger.version).toBe(`v1.${Number(minor) + 63}.0`);
  });

  it("every image is pinned to an exact version, never a floating tag", () => {
    for (const [name, i] of Object.entries(IMAGES)) {
      expect([name, i.tag]).toEqual([name, expect.stringMatching(/^v?\d+\.\d+\.\d+$/)]);
    }
  });
});
