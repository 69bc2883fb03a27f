/**
 * promtool and amtool must be the versions we deploy, or the rule and routing tests prove the wrong
 * thing: the pinned Go modules (tools/<name>/go.mod) and the built binaries are checked against IMAGES.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { IMAGES } from "../../components/versions";
import { REPO, run, tool } from "./helpers";

/** The version of `module` that a tool's go.mod requires. */
function requiredVersion(toolDir: string, module: string): string {
  const gomod = readFileSync(join(REPO, "tools", toolDir, "go.mod"), "utf8");
  const m = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/\./g, "\\.")}\\s+(v\\S+)`, "m").exec(gomod);
  if (!m) throw new Error(`tools/${toolDir}/go.mod does not require ${module}`);
  return m[1];
}

/** Prometheus v3.X.Y is published as Go module v0.3XX.Y (minor zero-padded to two digits). */
function prometheusModuleVersion(imageTag: string): string {
  const m = /^v3\.(\d+)\.(\d+)$/.exec(imageTag);
  if (!m) throw new Error(`not a Prometheus v3 tag: ${imageTag}`);
  return `v0.3${m[1].padStart(2, "0")}.${m[2]}`;
}

describe("pinned tool versions match the deployed images", () => {
  it("maps Prometheus tags to module versions", () => {
    expect(prometheusModuleVersion("v3.16.0")).toBe("v0.316.0");
    expect(prometheusModuleVersion("v3.5.2")).toBe("v0.305.2");
  });

  it(`tools/prometheus pins the module of Prometheus ${IMAGES.prometheus.tag}`, () => {
    expect(requiredVersion("prometheus", "github.com/prometheus/prometheus")).toBe(prometheusModuleVersion(IMAGES.prometheus.tag));
  });

  it(`tools/alertmanager pins Alertmanager ${IMAGES.alertmanager.tag}`, () => {
    expect(requiredVersion("alertmanager", "github.com/prometheus/alertmanager")).toBe(IMAGES.alertmanager.tag);
  });

  it("a missing tool fails with the command that builds it", () => {
    expect(() => tool("promtool", "/nonexistent")).toThrow("promtool not found: run tools/build.sh prometheus");
    expect(() => tool("amtool", "/nonexistent")).toThrow("amtool not found: run tools/build.sh alertmanager");
  });

  it("the built promtool and amtool report those versions", () => {
    expect(run(tool("promtool"), ["--version"])).toMatch(new RegExp(`^promtool, version ${IMAGES.prometheus.tag.slice(1).replace(/\./g, "\\.")} `));
    expect(run(tool("amtool"), ["--version"])).toMatch(new RegExp(`^amtool, version ${IMAGES.alertmanager.tag.slice(1).replace(/\./g, "\\.")} `));
  });
});
