/**
 * The security settings of a stack's config (podSecurity, network.*, agentsNamespace): dev may relax
 * them, each by its own documented key; prod refuses, naming the key, before any resource exists.
 */
import { ConfigError, DEFAULTS, RawConfig, loadConfig } from "../../components/config";
import { devRaw, prodOptions, prodRaw, synthesize } from "../helpers/mocks";

function problems(r: RawConfig): string[] {
  try {
    loadConfig(r);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

test("both environments default to restricted, default-deny and a separate agents' namespace", () => {
  for (const env of ["dev", "prod"] as const) {
    expect([env, DEFAULTS[env].podSecurity, DEFAULTS[env].network.defaultDeny, DEFAULTS[env].agentsNamespace]).toEqual([env, "restricted", true, undefined]);
  }
  expect(loadConfig(prodRaw()).network).toEqual({
    defaultDeny: true,
    apiServer: { cidrs: ["0.0.0.0/0"], ports: [443, 6443] },
    nodeCidrs: ["0.0.0.0/0"],
    objectStorageCidrs: ["0.0.0.0/0"],
    receiverCidrs: ["0.0.0.0/0"],
  });
});

test("dev may relax Pod Security to baseline and turn the default-deny off", () => {
  const c = loadConfig(devRaw({ podSecurity: "baseline", network: { defaultDeny: false } }));
  expect([c.podSecurity, c.network.defaultDeny]).toEqual(["baseline", false]);
});

test("prod refuses baseline Pod Security, naming the key", () => {
  expect(problems(prodRaw({ podSecurity: "baseline" }))).toEqual([
    'observability-stack:podSecurity: "baseline" is not allowed in prod; the main namespace enforces the restricted Pod Security profile (allowed: "restricted"; dev may set "baseline")',
  ]);
});

test("prod refuses to turn the default-deny off, naming the key", () => {
  expect(problems(prodRaw({ network: { defaultDeny: false } }))).toEqual([
    "observability-stack:network.defaultDeny: false is not allowed in prod; every namespace denies the traffic its components do not need (allowed: true; dev may set false)",
  ]);
});

test("no environment may put the node agents in the main namespace", () => {
  const message =
    'observability-stack:agentsNamespace: "observability" is the main namespace; the node agents need host access, which the main namespace never admits (allowed: any other namespace; default "observability-agents")';
  expect(problems(devRaw({ agentsNamespace: "observability" }))).toEqual([message]);
  expect(problems(prodRaw({ agentsNamespace: "observability" }))).toEqual([message]);
});

test("a level that is no Pod Security level, and addresses that are no CIDRs, are refused with what is allowed", () => {
  expect(problems(devRaw({ podSecurity: "privileged", network: { nodeCidrs: ["10.0.0.0"], apiServer: { cidrs: ["10.0.0.1/32"], ports: [0] } } }))).toEqual([
    'observability-stack:podSecurity: "privileged" is not allowed; allowed values: "restricted", "baseline"',
    'observability-stack:network.apiServer.ports[0]: 0 is too small; allowed: >= 1',
    'observability-stack:network.nodeCidrs[0]: "10.0.0.0" is not a CIDR such as "10.0.0.0/16"',
  ]);
});

test("the program stops before any resource is registered, naming the key", async () => {
  let error: (Error & { registeredResources?: number }) | undefined;
  try {
    await synthesize(prodOptions({ config: { podSecurity: "baseline", network: { defaultDeny: false } } }));
  } catch (e) {
    error = e as Error & { registeredResources?: number };
  }
  expect(error?.registeredResources).toBe(0);
  expect(error?.message).toContain("observability-stack:podSecurity:");
  expect(error?.message).toContain("observability-stack:network.defaultDeny:");
});
