import { s3BucketLifecycle } from "../../../policies/retention/s3-bucket-lifecycle";
import { configMap, lokiConfig, elasticsearchConfig, thanosCompactor } from "../fixtures";
import { assertNoStackViolations, assertStackViolations, clone, policyResource, stackArgs } from "../helpers";

describe("s3-bucket-lifecycle", () => {
  const provider = { defaultTags: JSON.stringify({ tags: { Environment: "prod" } }) };
  const bucket = (name: string) => ({ type: "aws:s3/bucket:Bucket", name, props: { forceDestroy: false, id: `${name}-id`, bucket: `${name}-bucket` }, providerProps: provider });
  const lifecycle = (name: string, bucketRef: string, expiration: Record<string, unknown>) => ({
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    name: `${name}-lifecycle`,
    props: { bucket: bucketRef, rules: [{ id: "retention", status: "Enabled", filter: {}, expiration, noncurrentVersionExpiration: { noncurrentDays: 7 } }] },
  });
  const slm = configMap("elasticsearch", { "slm-policy.json": JSON.stringify({ schedule: "0 30 1 * * ?", retention: { expire_after: "30d", min_count: 5, max_count: 50 } }) }, "es-bootstrap");
  const compliant = () => [
    lokiConfig(),
    bucket("obs-loki-chunks"),
    lifecycle("obs-loki-chunks", "obs-loki-chunks-id", { days: 30 }),
    bucket("obs-loki-ruler"),
    lifecycle("obs-loki-ruler", "obs-loki-ruler-id", { expiredObjectDeleteMarker: true }),
    bucket("obs-es-snapshots"),
    lifecycle("obs-es-snapshots", "obs-es-snapshots-id", { expiredObjectDeleteMarker: true }),
    slm,
  ];
  const urn = (name: string) => `urn:pulumi:test::observability-stack::aws:s3/bucket:Bucket::${name}`;

  test("compliant: Loki chunks expire with Loki's 30 days, snapshots by SLM, ruler files never", () => assertNoStackViolations(s3BucketLifecycle, stackArgs(compliant())));
  test("a telemetry bucket without an expiration", async () => {
    const r = compliant();
    r.splice(2, 1);
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      { message: 'bucket "obs-loki-chunks" has no enabled lifecycle rule with an expiration; its objects would be kept forever', urn: urn("obs-loki-chunks") },
    ]);
  });
  test("an expiration that does not match the store's retention", async () => {
    const r = compliant();
    r[2] = lifecycle("obs-loki-chunks", "obs-loki-chunks-id", { days: 7 });
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      { message: 'bucket "obs-loki-chunks" expires objects after 7 days but loki keeps 30 days; allowed: 30 to 31 days', urn: urn("obs-loki-chunks") },
    ]);
  });
  test("a disabled rule does not count", async () => {
    const r = clone(compliant());
    (r[2].props as { rules: { status: string }[] }).rules[0].status = "Disabled";
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      { message: 'bucket "obs-loki-chunks" has no enabled lifecycle rule with an expiration; its objects would be kept forever', urn: urn("obs-loki-chunks") },
    ]);
  });
  test("the engine's property dependency links a lifecycle whose bucket id is unknown", async () => {
    const r = compliant();
    const b = policyResource(r[1]);
    const l = policyResource({ ...r[2], props: { ...r[2].props, bucket: undefined }, propertyDependencies: { bucket: [b] } });
    await assertNoStackViolations(s3BucketLifecycle, stackArgs([r[0], b, l, ...r.slice(3)]));
  });
  test("snapshots expired by age", async () => {
    const r = compliant();
    r[6] = lifecycle("obs-es-snapshots", "obs-es-snapshots-id", { days: 30 });
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      {
        message: 'bucket "obs-es-snapshots" holds snapshots but expires objects after 30 days; incremental snapshots share files, so only the SLM retention may delete them',
        urn: urn("obs-es-snapshots"),
      },
    ]);
  });
  test("snapshots without an SLM retention", async () => {
    const r = compliant();
    r.pop();
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      { message: 'bucket "obs-es-snapshots" holds snapshots but no slm-policy.json sets retention.expire_after; snapshots would be kept forever', urn: urn("obs-es-snapshots") },
    ]);
  });
  test("snapshots kept longer than the shortest-kept log class", async () => {
    const r = compliant();
    r[7] = configMap(
      "elasticsearch",
      { ...elasticsearchConfig().props.data, "slm-policy.json": JSON.stringify({ retention: { expire_after: "400d" } }) },
      "es-bootstrap",
    );
    await assertStackViolations(s3BucketLifecycle, stackArgs(r), [
      {
        message: 'bucket "obs-es-snapshots": the SLM retention keeps snapshots 400 days, longer than the 365 days "application" logs are kept; deleted logs would live on in snapshots',
        urn: urn("obs-es-snapshots"),
      },
    ]);
  });
  test("a Store tag names the store of a bucket the name rules do not know", async () => {
    const tagged = { ...bucket("obs-archive"), props: { ...bucket("obs-archive").props, tags: { Store: "loki" } } };
    await assertStackViolations(s3BucketLifecycle, stackArgs([lokiConfig(), tagged, lifecycle("obs-archive", "obs-archive-bucket", { days: 365 })]), [
      { message: 'bucket "obs-archive" expires objects after 365 days but loki keeps 30 days; allowed: 30 to 31 days', urn: urn("obs-archive") },
    ]);
  });
  test("an SLM retention above maxDays", () =>
    assertStackViolations(s3BucketLifecycle, stackArgs(compliant(), { maxDays: 20 }), [
      { message: 'bucket "obs-es-snapshots": the SLM retention keeps snapshots 30 days; allowed: at most 20 days', urn: urn("obs-es-snapshots") },
    ]));
  test("a bucket of no known store is bounded by maxDays only", async () => {
    await assertNoStackViolations(s3BucketLifecycle, stackArgs([bucket("obs-archive"), lifecycle("obs-archive", "obs-archive-bucket", { days: 3653 })]));
    await assertStackViolations(s3BucketLifecycle, stackArgs([bucket("obs-archive"), lifecycle("obs-archive", "obs-archive-bucket", { days: 4000 })]), [
      { message: 'bucket "obs-archive" expires objects after 4000 days; allowed: at most 3653 days', urn: urn("obs-archive") },
    ]);
  });
  describe("the Thanos bucket", () => {
    const thanos = (days: number) => [thanosCompactor(), bucket("obs-thanos"), lifecycle("obs-thanos", "obs-thanos-id", { days })];
    test("compliant: blocks expire with the Compactor's longest retention (1 h resolution, 365 days)", () => assertNoStackViolations(s3BucketLifecycle, stackArgs(thanos(365))));
    test("an expiration shorter than the Compactor's longest retention", () =>
      assertStackViolations(s3BucketLifecycle, stackArgs(thanos(180)), [
        { message: 'bucket "obs-thanos" expires objects after 180 days but thanos keeps 365 days; allowed: 365 to 366 days', urn: urn("obs-thanos") },
      ]));
    test("a Thanos bucket without a lifecycle", () =>
      assertStackViolations(s3BucketLifecycle, stackArgs(thanos(365).slice(0, 2)), [
        { message: 'bucket "obs-thanos" has no enabled lifecycle rule with an expiration; its objects would be kept forever', urn: urn("obs-thanos") },
      ]));
  });
});
