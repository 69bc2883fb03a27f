/** The pure validators behind loadConfig: cron fields, names and reserved domains, quantities, scalars, ignored keys. */
import { z } from "zod";
import { coerceScalars } from "../../components/config/coerce";
import { esCronProblems } from "../../components/config/cron";
import { closest, editDistance, ignoredKeys } from "../../components/config/ignored-keys";
import { dns1123Subdomain, hostOf, reservedDomainOf } from "../../components/config/names";
import { cpuQuantity, memoryQuantity, quantityMi, quantityMilli } from "../../components/config/quantities";

describe("esCronProblems", () => {
  it.each([
    "0 30 1 * * ?",
    "0 0 2 ? * SUN",
    "0 0/15 * * * ?",
    "*/10 * * * * ?",
    "0 0 12 L * ?",
    "0 0 12 15W * ?",
    "0 0 12 ? * 6#3",
    "0 0 12 ? * 5L",
    "0 0 1 ? JAN-MAR MON-FRI",
    "0 15,45 8-18 ? * MON,WED,FRI 2030",
    "59 59 23 31 12 ? 2099",
  ])("accepts %s", (expr) => {
    expect(esCronProblems(expr)).toEqual([]);
  });

  it.each([
    ["60 0 1 * * ?", 'seconds field "60" is out of range; allowed: 0-59'],
    ["0 0 1 0 * ?", 'day-of-month field "0" is out of range; allowed: 1-31, ?, L, LW or nW'],
    ["0 0 1 ? * 8", 'day-of-week field "8" is out of range; allowed: 1-7 or SUN-SAT, ?, nL or n#k'],
    ["0 0 1 ? * MON#6", 'day-of-week field "MON#6" is out of range (the n-th weekday of a month is 1-5)'],
    ["0 0 1 ? FOO *", 'month field "FOO" is not a value, range or increment; allowed: 1-12 or JAN-DEC'],
    ["0 0/0 1 * * ?", 'minutes field "0/0" has an increment out of range (1-59)'],
    ["0 0 1 * * ? 1969", 'year field "1969" is out of range; allowed: 1970-2099'],
    ["? 0 1 * * ?", 'seconds field "?" may not be ?'],
    ["0 0 1 ? * ?", 'day-of-month "?" and day-of-week "?": exactly one of them must be ?'],
    ["0 0 1 1,,2 * ?", 'day-of-month field "1,,2" has an empty list element'],
    ["0 0 1 * *", "has 5 fields; allowed: 6 or 7"],
  ])("refuses %s", (expr, problem) => {
    expect(esCronProblems(expr).join("\n")).toContain(problem);
  });
});

describe("names and reserved domains", () => {
  it("takes the host of URLs, e-mail addresses and host:port", () => {
    expect(hostOf("https://Runbooks.Example.COM/x")).toBe("runbooks.example.com");
    expect(hostOf("oncall@school.test")).toBe("school.test");
    expect(hostOf("smtp.relay.internal:587")).toBe("smtp.relay.internal");
  });

  it.each([
    ["https://runbooks.example.com/x", "example.com"],
    ["oncall@example.net", "example.net"],
    ["a@b.example.org", "example.org"],
    ["https://grafana.corp.example", "example"],
    ["edu@school.test", "test"],
    ["am@mail.invalid", "invalid"],
    ["localhost:25", "localhost"],
    ["smtp.localhost:25", "localhost"],
    ["127.0.0.1:25", "localhost"],
    ["https://example.com./x", "example.com"],
  ])("%s is under the reserved %s", (address, domain) => {
    expect(reservedDomainOf(address)).toBe(domain);
  });

  it.each(["oncall@platform.internal", "https://runbooks.example-corp.com/x", "smtp.examples.com:587", "a@notexample.com", "https://test.io/"])("%s is a real address", (address) => {
    expect(reservedDomainOf(address)).toBeUndefined();
  });

  it("a StorageClass name is an RFC 1123 subdomain", () => {
    for (const ok of ["gp3", "fast.ssd-1", "a".repeat(63)]) expect(dns1123Subdomain.safeParse(ok).success).toBe(true);
    for (const bad of ["Fast_SSD", ".gp3", "gp3.", "-gp3", "a".repeat(254), ""]) expect(dns1123Subdomain.safeParse(bad).success).toBe(false);
  });
});

describe("quantities", () => {
  it("converts CPU and memory", () => {
    expect([quantityMilli("250m"), quantityMilli("1"), quantityMilli("0.5"), quantityMilli("128")]).toEqual([250, 1000, 500, 128000]);
    expect([quantityMi("1024Ki"), quantityMi("512Mi"), quantityMi("2Gi"), quantityMi("1Ti")]).toEqual([1, 512, 2048, 1048576]);
  });

  it("accepts the bounds and refuses zero, too little and more than a node", () => {
    for (const ok of ["1m", "128", "128000m", "0.001"]) expect([ok, cpuQuantity.safeParse(ok).success]).toEqual([ok, true]);
    for (const bad of ["0", "0m", "0.0001", "128001m", "129", "-1", "1.5m"]) expect([bad, cpuQuantity.safeParse(bad).success]).toEqual([bad, false]);
    for (const ok of ["16Mi", "16384Ki", "1Ti", "1024Gi"]) expect([ok, memoryQuantity.safeParse(ok).success]).toEqual([ok, true]);
    for (const bad of ["0Mi", "15Mi", "1025Gi", "2Ti", "1GB", "512"]) expect([bad, memoryQuantity.safeParse(bad).success]).toEqual([bad, false]);
  });
});

describe("coerceScalars", () => {
  const schema = z.object({ name: z.string(), days: z.number(), on: z.boolean(), list: z.array(z.object({ job: z.string() })), free: z.record(z.string(), z.string()) });

  it("gives strings where the schema wants strings, numbers and booleans where it wants them", () => {
    expect(coerceScalars(schema, { name: 2024, days: "30", on: "false", list: [{ job: 7 }], free: { a: 1 }, other: 5 })).toEqual({
      name: "2024",
      days: 30,
      on: false,
      list: [{ job: "7" }],
      free: { a: "1" },
      other: 5,
    });
  });

  it("leaves what is not the text of a number or boolean for the schema to refuse", () => {
    expect(coerceScalars(schema, { name: { a: 1 }, days: "30d", on: "yes" })).toEqual({ name: { a: 1 }, days: "30d", on: "yes" });
  });
});

describe("ignored keys", () => {
  it("edit distance and the closest key", () => {
    expect(editDistance("observabilty-stack", "observability-stack")).toBe(1);
    expect(closest("retention", ["retentionDays", "storageGi"])).toBe("retentionDays");
    expect(closest("storageGB", ["retentionDays", "storageGi"])).toBe("storageGi");
    expect(closest("zzz", ["retentionDays", "storageGi"])).toBeUndefined();
  });

  it("a misspelled project name is an error naming the key the stack reads", () => {
    expect(ignoredKeys(["observabilty-stack:aws.region", "Observability_Stack:team", "observability-stak:team"], "observability-stack").errors).toEqual([
      'observabilty-stack:aws.region: ignored, "observabilty-stack" is not this project\'s name; the stack reads observability-stack:aws.region',
      'Observability_Stack:team: ignored, "Observability_Stack" is not this project\'s name; the stack reads observability-stack:team',
      'observability-stak:team: ignored, "observability-stak" is not this project\'s name; the stack reads observability-stack:team',
    ]);
  });

  it("provider keys the stack configures itself are errors naming its key; other provider keys are warnings", () => {
    const f = ignoredKeys(["aws:region", "aws:defaultTags", "grafana:auth", "aws:profile", "kubernetes:context", "pulumi:template"], "observability-stack");
    expect(f.errors).toEqual([
      "aws:region: ignored, the stack does not read it; set observability-stack:aws.region instead, and remove aws:region",
      "aws:defaultTags: ignored, the stack does not read it; set observability-stack:team and observability-stack:costCenter (the stack's tags) instead, and remove aws:defaultTags",
      "grafana:auth: ignored, the stack does not read it; set the secret observability-stack:grafanaToken instead, and remove grafana:auth",
    ]);
    expect(f.warnings).toEqual([
      "aws:profile: ignored, the stack does not read it: the stack builds its AWS provider from observability-stack:aws.* and takes credentials from the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)",
    ]);
  });
});
