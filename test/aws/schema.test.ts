import { ConfigError, loadConfig } from "../../components/config";
import { awsDefaults, awsProblems, oidcIssuerFromArn } from "../../components/aws/schema";
import { ISSUER, OIDC_ARN, devRaw, prodRaw } from "./fixtures";

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("aws config", () => {
  it("is off in dev and on in prod", () => {
    expect(loadConfig(devRaw()).aws.enabled).toBe(false);
    expect(loadConfig(prodRaw()).aws).toEqual({ ...awsDefaults.prod, oidcProviderArn: OIDC_ARN, oidcProviderUrl: ISSUER });
  });

  it("fails a prod config without the OIDC settings, naming both keys and what to set", () => {
    const problems = problemsOf(() => loadConfig(prodRaw({})));
    expect(problems).toEqual([
      expect.stringMatching(
        /^observability-stack:aws\.oidcProviderArn: missing; required when aws\.enabled is true \(the ARN of the cluster's IAM OIDC provider, e\.g\. "arn:aws:iam::123456789012:oidc-provider\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/EXAMPLE"/,
      ),
      'observability-stack:aws.oidcProviderUrl: missing; required when aws.enabled is true (the cluster\'s OIDC issuer without https://, e.g. "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE")',
    ]);
  });

  it("accepts dev without OIDC settings (AWS is off there)", () => {
    expect(() => loadConfig(devRaw())).not.toThrow();
  });

  it("rejects an issuer that is not the one of the provider ARN", () => {
    const problems = problemsOf(() => loadConfig(prodRaw({ aws: { oidcProviderArn: OIDC_ARN, oidcProviderUrl: "oidc.eks.eu-west-1.amazonaws.com/id/OTHER" } })));
    expect(problems).toEqual([
      `observability-stack:aws.oidcProviderUrl: "oidc.eks.eu-west-1.amazonaws.com/id/OTHER" does not match aws.oidcProviderArn; allowed: "${ISSUER}" (the trust policy's condition keys must name the provider the role trusts)`,
    ]);
  });

  it("rejects a malformed provider ARN through the schema", () => {
    const problems = problemsOf(() => loadConfig(prodRaw({ aws: { oidcProviderArn: "arn:aws:iam::12:role/x", oidcProviderUrl: ISSUER } })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^observability-stack:aws\.oidcProviderArn: "arn:aws:iam::12:role\/x" is not (a valid )?an IAM OIDC provider ARN \(arn:aws:iam::<account>:oidc-provider\/<issuer>\)$/,
    );
  });

  it("rejects snapshots kept longer than the shortest log retention, and min above max", () => {
    const aws = { oidcProviderArn: OIDC_ARN, oidcProviderUrl: ISSUER, snapshots: { expireAfterDays: 400, minCount: 60, maxCount: 50 } };
    expect(problemsOf(() => loadConfig(prodRaw({ aws })))).toEqual([
      "observability-stack:aws.snapshots.minCount: 60 is larger than aws.snapshots.maxCount (50); allowed: <= 50",
      "observability-stack:aws.snapshots.expireAfterDays: 400 keeps snapshots longer than the application logs' retention (elasticsearch.logClasses.application.deleteAfterDays = 365); allowed: <= 365",
    ]);
  });

  it("reports nothing for a disabled section, whatever it holds", () => {
    const cfg = loadConfig(devRaw());
    expect(awsProblems({ ...cfg, aws: { ...cfg.aws, snapshots: { ...cfg.aws.snapshots, minCount: 99, maxCount: 1 } } })).toEqual([]);
  });

  it("reads the issuer out of a provider ARN", () => {
    expect(oidcIssuerFromArn(OIDC_ARN)).toBe(ISSUER);
    expect(oidcIssuerFromArn("arn:aws:iam::123456789012:role/x")).toBeUndefined();
  });
});
