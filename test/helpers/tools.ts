/**
 * The pinned tools the tests run (built by tools/build.sh into .tools/bin) and the scratch files
 * and loopback ports they need. A missing tool fails the test with the command that builds it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { createServer } from "net";
import { tmpdir } from "os";
import { join, resolve } from "path";
import YAML from "yaml";

export const REPO = resolve(__dirname, "..", "..");

/** Each binary, and the tools/ folder that builds it. */
const BUILT_BY = {
  promtool: "prometheus",
  amtool: "alertmanager",
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  jaeger: "jaeger",
  "jaeger-es-index-cleaner": "jaeger",
  sloth: "sloth",
  checkov: "checkov",
  thanos: "thanos",
} as const;
export type PinnedBinary = keyof typeof BUILT_BY;

/** Where a pinned binary is (whether or not it is built). */
export function toolPath(name: PinnedBinary, repo: string = REPO): string {
  return join(repo, ".tools", "bin", name);
}

/** The failure message for a missing binary: it names the command that builds it. */
export function missingTool(name: PinnedBinary): string {
  return `${name} not found: run tools/build.sh ${BUILT_BY[name]}`;
}

/** Path of a pinned binary; throws (fails the test) when it is missing. */
export function tool(name: PinnedBinary, repo: string = REPO): string {
  const path = toolPath(name, repo);
  if (!existsSync(path)) throw new Error(missingTool(name));
  return path;
}

/** A temporary directory removed after the test file, and a writer of YAML files into it. */
export function scratchYaml(prefix: string): { dir: string; write(name: string, conf: object): string } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, conf) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, YAML.stringify(conf));
      return file;
    },
  };
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}
