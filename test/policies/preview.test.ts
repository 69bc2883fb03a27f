/**
 * During a preview some values are unknown (computed from resources not created yet), and the engine
 * hands policies props through a proxy that throws on reading one. A resource policy that needs an
 * unknown value is reported by the engine as "can't run during preview" (advisory); a stack policy
 * must not let one unknown field of one resource silence it, nor count an unknown as a missing one.
 */
import { lokiRetention } from "../../policies/retention/loki-retention";
import { s3BucketLifecycle } from "../../policies/retention/s3-bucket-lifecycle";
import { telemetryRetentionConfigured } from "../../policies/retention/telemetry-retention-configured";
import { podDisruptionBudgets } from "../../policies/availability/pod-disruption-budgets";
import { configMap, container, labels, lokiConfig, prometheus, workload } from "./fixtures";
import { assertNoStackViolations, policyResource, resourceArgs, runResourcePolicy, stackArgs, type StackFixture } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy");

/** A fixture as the engine presents it in a preview: its props behind the unknown-checking proxy. */
const inPreview = <T extends { props: Record<string, any> }>(f: T): T => ({ ...f, props: proxy.unknownCheckingProxy(f.props) });

test("a resource policy reading an unknown value throws the engine's UnknownValueError", async () => {
  const f = lokiConfig();
  f.props.data = proxy.unknownObjectValue;
  await expect(runResourcePolicy(lokiRetention, resourceArgs(inPreview(f)))).rejects.toThrow("can't be known during preview");
});

test("telemetry-retention-configured does not count unknown ConfigMap data as missing", async () => {
  const sts = workload("StatefulSet", "elasticsearch", [container("elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:8.19.2")]);
  const cm = configMap("elasticsearch", {}, "elasticsearch-bootstrap");
  cm.props.data = proxy.unknownObjectValue;
  await assertNoStackViolations(telemetryRetentionConfigured, stackArgs([inPreview(sts), inPreview(cm)]));
});

test("s3-bucket-lifecycle links a lifecycle whose bucket id is unknown through the engine's property dependencies", async () => {
  const bucket = policyResource(inPreview({ type: "aws:s3/bucket:Bucket", name: "obs-loki-chunks", props: { forceDestroy: false, id: proxy.unknownStringValue } }));
  const lifecycle: StackFixture = {
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    name: "obs-loki-chunks-lifecycle",
    props: { bucket: proxy.unknownStringValue, rules: [{ status: "Enabled", filter: {}, expiration: { days: 30 } }] },
    propertyDependencies: { bucket: [bucket] },
  };
  await assertNoStackViolations(s3BucketLifecycle, stackArgs([inPreview(lokiConfig()), bucket, policyResource(inPreview(lifecycle))]));
});

test("pod-disruption-budgets is not silenced by an unknown name elsewhere in the stack", async () => {
  const job = { type: "kubernetes:batch/v1:Job", name: "es-bootstrap", props: { metadata: { name: proxy.unknownStringValue, labels: labels("elasticsearch-bootstrap") }, spec: {} } };
  const pdb = {
    type: "kubernetes:policy/v1:PodDisruptionBudget",
    name: "prometheus-pdb",
    props: { metadata: { name: "prometheus", namespace: "observability" }, spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } } },
  };
  await assertNoStackViolations(podDisruptionBudgets, stackArgs([inPreview(job), inPreview(prometheus()), inPreview(pdb)]));
});
