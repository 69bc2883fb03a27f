/**
 * npm run render:manifests -- --out DIR [--env dev|prod]
 *
 * Writes the Kubernetes manifests of the dev and prod configurations, as the program registers them
 * under the Pulumi mocks, to DIR/dev.yaml and DIR/prod.yaml (one document per object): what the
 * security scan (test/security/checkov.test.ts) reads. Secret values are placeholders. Each
 * environment is synthesised in a fresh process, as the program runs once per process.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../test/helpers/program";
import { ENVIRONMENTS, type ManifestEnvironment, manifestsOf, optionsFor, writeManifests } from "../test/helpers/manifests";

function usage(problem: string): never {
  console.error(`render:manifests: ${problem}\nusage: npm run render:manifests -- --out DIR [--env ${ENVIRONMENTS.join("|")}]`);
  process.exit(2);
}

function parseArgs(argv: string[]): { out: string; envs: ManifestEnvironment[]; child: boolean } {
  let out: string | undefined;
  const envs: ManifestEnvironment[] = [];
  let child = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") out = argv[++i];
    else if (a === "--env") {
      const env = argv[++i] as ManifestEnvironment;
      if (!ENVIRONMENTS.includes(env)) usage(`unknown environment ${JSON.stringify(env)}`);
      envs.push(env);
    } else if (a === "--child") child = true;
    else usage(`unknown argument ${JSON.stringify(a)}`);
  }
  if (!out) usage("--out DIR is required");
  return { out: path.resolve(out), envs: envs.length ? envs : [...ENVIRONMENTS], child };
}

/** Synthesise one environment in this process and write its file. */
async function renderOne(out: string, env: ManifestEnvironment): Promise<void> {
  const s = await runProgram(pulumi, optionsFor(env), () => import("../index"));
  const manifests = manifestsOf(s.resources);
  const file = writeManifests(out, env, manifests);
  console.log(`${env}: ${manifests.length} objects -> ${file}`);
}

async function main() {
  const { out, envs, child } = parseArgs(process.argv.slice(2));
  if (child) return renderOne(out, envs[0]);
  for (const env of envs) {
    execFileSync(process.execPath, [require.resolve("tsx/cli"), __filename, "--child", "--env", env, "--out", out], { stdio: "inherit" });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
