import { readFileSync, readdirSync, existsSync } from "fs";
import { join } from "path";
import { IMAGES, OWN_TOOLS, TOOLS } from "../components/versions";

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

  it("the Pulumi CLI is the engine of the npm SDK in package.json", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    expect(TOOLS.pulumi.version).toBe(`v${pkg.dependencies["@pulumi/pulumi"]}`);
  });

  it("the kubernetes provider plugin is the release of the npm SDK in package.json", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    expect(TOOLS.kubernetesSdk.version).toBe(`v${pkg.dependencies["@pulumi/kubernetes"]}`);
    expect(readFileSync(join(REPO, "tools", "kubernetes", "build.sh"), "utf8")).toContain(`version=${pkg.dependencies["@pulumi/kubernetes"]}\n`);
  });

  it("every tools/ folder is pinned in TOOLS or is our own code", () => {
    const folders = readdirSync(join(REPO, "tools"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(REPO, "tools", d.name, "build.sh")))
      .map((d) => d.name)
      .sort();
    const known = new Set<string>([...Object.values(TOOLS).map((t) => t.folder), ...OWN_TOOLS]);
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
