import { formatDays, parseDurationDays, parseDurationSeconds, parsePrometheusBytes, parseQuantityBytes } from "../../policies/lib/duration";
import { imageTag } from "../../policies/security/no-unpinned-images";
import { findSecretsInText, isReference, isSecretName } from "../../policies/lib/secrets";
import { flagValue } from "../../policies/lib/k8s";
import { known } from "../../policies/lib/parse";

describe("durations as the stores write them", () => {
  test.each([
    ["30d", 30 * 86400],
    ["720h", 720 * 3600],
    ["1w", 7 * 86400],
    ["1y", 365 * 86400],
    ["1d12h", 36 * 3600],
    ["48h0m0s", 48 * 3600],
    ["1.5h", 5400],
    ["0ms", 0],
    ["0", 0],
    ["90s", 90],
  ])("%s", (text, seconds) => expect(parseDurationSeconds(text)).toBeCloseTo(seconds));
  test.each([["30days"], [""], ["d"], ["-1d"], ["1 d"]])("%p is not a duration", (text) => expect(parseDurationSeconds(text)).toBeUndefined());
  test("a number is not a duration (units are required)", () => expect(parseDurationSeconds(30)).toBeUndefined());
  test("days and their display", () => {
    expect(parseDurationDays("168h")).toBe(7);
    expect(formatDays(7)).toBe("7");
    expect(formatDays(1.5)).toBe("1.5");
  });
});

describe("sizes", () => {
  test("Prometheus sizes are base 2", () => expect(parsePrometheusBytes("170GB")).toBe(170 * 1024 ** 3));
  test("Kubernetes quantities, binary and decimal", () => {
    expect(parseQuantityBytes("200Gi")).toBe(200 * 1024 ** 3);
    expect(parseQuantityBytes("10G")).toBe(10 * 1000 ** 3);
    expect(parseQuantityBytes("lots")).toBeUndefined();
  });
});

describe("image references", () => {
  test.each([
    ["quay.io/prometheus/prometheus:v3.16.0", "v3.16.0"],
    ["registry.local:5000/prometheus", undefined],
    ["registry.local:5000/prometheus:1.2", "1.2"],
    ["busybox", undefined],
    [`busybox:1.37@sha256:${"a".repeat(64)}`, "1.37"],
  ])("%s", (image, tag) => expect(imageTag(image)).toBe(tag));
});

describe("secrets", () => {
  test.each(["password", "ELASTIC_PASSWORD", "slack_api_url", "routing_key", "client_secret", "AWS_SECRET_ACCESS_KEY", "api-key", "basicAuthPassword", "apiKey"])("%s holds a credential", (n) =>
    expect(isSecretName(n)).toBe(true),
  );
  test.each(["password_file", "GF_SECURITY_ADMIN_PASSWORD__FILE", "bearer_token_file", "secretName", "token_url", "GF_AUTH_ANONYMOUS_ENABLED", "passthrough", "bypass", "passwordFile", "tokenUrl", "secretKeyRef"])(
    "%s does not",
    (n) => expect(isSecretName(n)).toBe(false),
  );
  test.each(["${ES_PASSWORD}", "$ES_PASSWORD", "$__file{/etc/secrets/pw}", "<secret>", "", "${PW:-x}"])("%p is a reference", (v) => expect(isReference(v)).toBe(true));
  test("findings never echo the value", () => {
    const findings = findSecretsInText("auth:\n  password: hunter2\n  username: admin\n");
    expect(findings).toEqual(['line 2 sets "password" to a literal']);
    expect(findings.join()).not.toContain("hunter2");
  });
});

describe("flags", () => {
  const c = { args: ["--a=1", "--b", "2", "-c=3", "--d"] };
  test.each([
    ["--a", "1"],
    ["--b", "2"],
    ["--c", "3"],
    ["--d", ""],
    ["--e", undefined],
  ])("%s", (flag, value) => expect(flagValue(c, flag)).toBe(value));
});

describe("known()", () => {
  test("an unknown value falls back", () => expect(known(() => { throw new Error("string value at .data can't be known during preview"); }, "fallback")).toBe("fallback"));
  test("any other error is not swallowed", () => expect(() => known(() => { throw new Error("boom"); }, "fallback")).toThrow("boom"));
});
