import { awsRequiredTags } from "../../policies/labels/aws-required-tags";
import { DASHBOARD_FOLDER_ANNOTATION, grafanaDashboardMetadata } from "../../policies/labels/grafana-dashboard-metadata";
import { DASHBOARD_FOLDER_ANNOTATION as COMPONENT_ANNOTATION } from "../../components/grafana/component";
import { kubernetesRequiredLabels } from "../../policies/labels/kubernetes-required-labels";
import { prometheusAlertRuleMetadata } from "../../policies/labels/prometheus-alert-rule-metadata";
import { prometheusRuleCardinality } from "../../policies/labels/prometheus-rule-cardinality";
import { singleEnvironment } from "../../policies/labels/single-environment";
import { stableImmutableLabels } from "../../policies/labels/stable-immutable-labels";
import { alertRule, configMap, jaegerCleaner, labels, prometheus, ruleFile } from "./fixtures";
import { assertNoStackViolations, assertResourceViolations, assertStackViolations, resourceArgs, stackArgs } from "./helpers";

describe("kubernetes-required-labels", () => {
  const PROD = { environment: "prod" };
  const sts = prometheus;

  test("compliant: object and pod template carry every label", () => assertResourceViolations(kubernetesRequiredLabels, resourceArgs(sts(), PROD), []));
  test("compliant: a ConfigMap (no pod template)", () => assertResourceViolations(kubernetesRequiredLabels, resourceArgs(configMap("loki", {}), PROD), []));
  test("a label dropped from the object", async () => {
    const f = sts();
    f.props.metadata.labels = { ...f.props.metadata.labels };
    delete f.props.metadata.labels.team;
    await assertResourceViolations(kubernetesRequiredLabels, resourceArgs(f, PROD), ['metadata.labels: missing "team"']);
  });
  test("a label dropped from the pod template", async () => {
    const f = sts();
    f.props.spec.template.metadata.labels = { ...labels("prometheus") };
    delete f.props.spec.template.metadata.labels["app.kubernetes.io/component"];
    await assertResourceViolations(kubernetesRequiredLabels, resourceArgs(f, PROD), ['spec.template.metadata.labels: missing "app.kubernetes.io/component"']);
  });
  test("a StatefulSet's claim templates are checked too (the claims are objects)", async () => {
    const f = sts();
    f.props.spec.volumeClaimTemplates[0].metadata.labels = { "app.kubernetes.io/name": "prometheus" };
    await assertResourceViolations(kubernetesRequiredLabels, resourceArgs(f, PROD), [
      'spec.volumeClaimTemplates[0] ("data").metadata.labels: missing "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by", "app.kubernetes.io/component", "environment", "team"',
    ]);
  });
  test("a CronJob's pod template is checked too", async () => {
    const f = jaegerCleaner();
    f.props.spec.jobTemplate.spec.template.metadata.labels = {} as ReturnType<typeof labels>;
    await assertResourceViolations(kubernetesRequiredLabels, resourceArgs(f, PROD), [
      'spec.jobTemplate.spec.template.metadata.labels: missing "app.kubernetes.io/name", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by", "app.kubernetes.io/component", "environment", "team"',
    ]);
  });
  test("an empty value", async () => {
    const f = configMap("loki", {});
    f.props.metadata.labels = { ...f.props.metadata.labels, team: "" };
    await assertResourceViolations(kubernetesRequiredLabels, resourceArgs(f, PROD), ['metadata.labels: "team" is empty']);
  });
  test("an invalid label value", async () => {
    const f = configMap("loki", {});
    f.props.metadata.labels = { ...f.props.metadata.labels, team: "Platform Team" };
    await assertResourceViolations(kubernetesRequiredLabels, resourceArgs(f, PROD), ['metadata.labels: "team" value "Platform Team" is not a valid label value']);
  });
  test("environment is not the stack's", () =>
    assertResourceViolations(kubernetesRequiredLabels, resourceArgs(configMap("loki", {}), { environment: "dev" }), [
      'metadata.labels: environment "prod" is not the stack\'s environment "dev"',
    ]));
  test("without a configured environment, any allowed environment", async () => {
    const f = configMap("loki", {});
    f.props.metadata.labels = { ...f.props.metadata.labels, environment: "staging" };
    await assertResourceViolations(kubernetesRequiredLabels, resourceArgs(f), ['metadata.labels: environment "staging" is not one of dev, prod']);
  });
  test("managed-by must be pulumi", async () => {
    const f = configMap("loki", {});
    f.props.metadata.labels = { ...f.props.metadata.labels, "app.kubernetes.io/managed-by": "helm" };
    await assertResourceViolations(kubernetesRequiredLabels, resourceArgs(f, PROD), ['metadata.labels: "app.kubernetes.io/managed-by" is "helm"; expected "pulumi"']);
  });
  test("no metadata at all", () =>
    assertResourceViolations(kubernetesRequiredLabels, resourceArgs({ type: "kubernetes:core/v1:Namespace", props: {} }, PROD), [
      'metadata.labels: missing "app.kubernetes.io/name", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by", "app.kubernetes.io/component", "environment", "team"',
    ]));
  test("Helm charts and patches are not objects of their own", () =>
    assertResourceViolations(kubernetesRequiredLabels, resourceArgs({ type: "kubernetes:core/v1:ConfigMapPatch", props: {} }, PROD), []));
});

describe("aws-required-tags", () => {
  const TAGS = { Environment: "prod", Team: "platform", CostCenter: "engineering", ManagedBy: "pulumi" };
  const provider = (tags: Record<string, string>) => ({ region: "eu-west-1", defaultTags: JSON.stringify({ tags }) });
  const bucket = (props: Record<string, unknown> = { forceDestroy: false }, tags = TAGS) => ({ type: "aws:s3/bucket:Bucket", props, providerProps: provider(tags) });
  const PROD = { environment: "prod" };

  test("compliant: tags from the provider's defaultTags", () => assertResourceViolations(awsRequiredTags, resourceArgs(bucket(), PROD), []));
  test("compliant: the resource's own tags", () =>
    assertResourceViolations(awsRequiredTags, resourceArgs({ type: "aws:iam/role:Role", props: { tags: TAGS } }, PROD), []));
  test("a tag missing", async () => {
    const { CostCenter: _, ...rest } = TAGS;
    await assertResourceViolations(awsRequiredTags, resourceArgs(bucket(undefined, rest as typeof TAGS), PROD), [
      "missing tags CostCenter; set them in the AWS provider's defaultTags",
    ]);
  });
  test("no provider tags at all", () =>
    assertResourceViolations(awsRequiredTags, resourceArgs({ type: "aws:kms/key:Key", props: {} }, PROD), [
      "missing tags Environment, Team, CostCenter, ManagedBy; set them in the AWS provider's defaultTags",
    ]));
  test("an empty tag", () => assertResourceViolations(awsRequiredTags, resourceArgs(bucket({ tags: { Team: "" } }), PROD), ["tag Team is empty"]));
  test("the wrong environment", () =>
    assertResourceViolations(awsRequiredTags, resourceArgs(bucket(undefined, { ...TAGS, Environment: "dev" }), PROD), ['tag Environment is "dev", not the stack\'s environment "prod"']));
  test("resources that take no tags are skipped", () =>
    assertResourceViolations(awsRequiredTags, resourceArgs({ type: "aws:s3/bucketVersioning:BucketVersioning", props: { bucket: "b" } }, PROD), []));
});

describe("prometheus-alert-rule-metadata", () => {
  const args = (rules: Record<string, any>[]) => resourceArgs(ruleFile(rules));
  const where = 'loki.rules.yaml, group "loki.alerts", alert "LokiDown"';

  test("compliant alert", () => assertResourceViolations(prometheusAlertRuleMetadata, args([alertRule()]), []));
  test("recording rules need no annotations", () => assertResourceViolations(prometheusAlertRuleMetadata, args([{ record: "job:up:sum", expr: "sum by (job) (up)" }]), []));
  test("no severity", () =>
    assertResourceViolations(prometheusAlertRuleMetadata, args([alertRule({ labels: { category: "infrastructure" } })]), [`${where}: no severity label; allowed: critical, warning, info`]));
  test("an unknown severity", () =>
    assertResourceViolations(prometheusAlertRuleMetadata, args([alertRule({ labels: { severity: "page" } })]), [`${where}: severity "page" is not one of critical, warning, info`]));
  for (const a of ["summary", "description", "runbook_url"]) {
    test(`no ${a} annotation`, () => {
      const r = alertRule();
      delete r.annotations[a as keyof typeof r.annotations];
      return assertResourceViolations(prometheusAlertRuleMetadata, args([r]), [`${where}: no ${a} annotation`]);
    });
  }
  test("runbook_url that is not a URL", () => {
    const r = alertRule();
    r.annotations.runbook_url = "see the wiki";
    return assertResourceViolations(prometheusAlertRuleMetadata, args([r]), [`${where}: runbook_url "see the wiki" is not an http(s) URL`]);
  });
  test("a PrometheusRule object is checked the same way", () =>
    assertResourceViolations(
      prometheusAlertRuleMetadata,
      resourceArgs({ type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule", props: { spec: { groups: [{ name: "g", rules: [alertRule({ labels: {} })] }] } } }),
      ['PrometheusRule, group "g", alert "LokiDown": no severity label; allowed: critical, warning, info'],
    ));
  test("Grafana-managed alert rules are checked the same way", () =>
    assertResourceViolations(
      prometheusAlertRuleMetadata,
      resourceArgs({
        type: "grafana:alerting/ruleGroup:RuleGroup",
        props: {
          name: "learning",
          folderUid: "business",
          rules: [{ name: "LowCompletion", labels: { severity: "page" }, annotations: alertRule().annotations, data: [{ refId: "A", model: JSON.stringify({ expr: "avg(completion_rate) < 0.5" }) }] }],
        },
      }),
      ['Grafana rule group "learning", group "learning", alert "LowCompletion": severity "page" is not one of critical, warning, info'],
    ));
  test("ConfigMaps of other apps are not rule files", () =>
    assertResourceViolations(prometheusAlertRuleMetadata, resourceArgs(configMap("loki", { "x.rules.yaml": "groups: [{name: g, rules: [{alert: A, expr: up}]}]" })), []));
});

describe("prometheus-rule-cardinality", () => {
  const args = (rules: Record<string, any>[]) => resourceArgs(ruleFile(rules));
  test("compliant: aggregated labels only", () =>
    assertResourceViolations(prometheusRuleCardinality, args([alertRule({ expr: "sum by (course_id) (rate(student_progress_total[5m])) > 0" })]), []));
  test("grouping by student_id", () =>
    assertResourceViolations(prometheusRuleCardinality, args([alertRule({ expr: "sum by (student_id) (rate(submissions_total[5m])) > 10" })]), [
      'loki.rules.yaml, group "loki.alerts", alert "LokiDown": expr uses the high-cardinality label student_id',
    ]));
  test("a recording rule keeping user_id", () =>
    assertResourceViolations(prometheusRuleCardinality, args([{ record: "user:actions:rate5m", expr: "sum by (user_id) (rate(user_actions_total[5m]))" }]), [
      'loki.rules.yaml, group "loki.alerts", record "user:actions:rate5m": expr uses the high-cardinality label user_id',
    ]));
  test("a rule label or an annotation template", () =>
    assertResourceViolations(
      prometheusRuleCardinality,
      args([alertRule({ labels: { severity: "info", user_id: "x" }, annotations: { ...alertRule().annotations, summary: "user {{ $labels.user_id }} is slow" } })]),
      [
        'loki.rules.yaml, group "loki.alerts", alert "LokiDown": sets the high-cardinality label user_id',
        'loki.rules.yaml, group "loki.alerts", alert "LokiDown": annotations template the high-cardinality label user_id',
      ],
    ));
  test("a Grafana-managed alert grouping by student_id", () =>
    assertResourceViolations(
      prometheusRuleCardinality,
      resourceArgs({
        type: "grafana:alerting/ruleGroup:RuleGroup",
        props: { name: "learning", rules: [{ name: "Stuck", labels: { severity: "info" }, data: [{ refId: "A", model: { expr: "max by (student_id) (stuck_seconds) > 3600" } }] }] },
      }),
      ['Grafana rule group "learning", group "learning", alert "Stuck": expr uses the high-cardinality label student_id'],
    ));
  test("a longer identifier that contains the name is fine", () =>
    assertResourceViolations(prometheusRuleCardinality, args([alertRule({ expr: "count(distinct_user_id_total) > 0" })]), []));
});

describe("grafana-dashboard-metadata", () => {
  const dashboard = (json: Record<string, unknown>, folder: unknown = "observability-folder-uid") =>
    resourceArgs({ type: "grafana:oss/dashboard:Dashboard", name: "node-exporter", props: { configJson: JSON.stringify(json), folder } });
  const json = { uid: "node-exporter", title: "Node exporter", tags: ["infrastructure", "observability"], panels: [] };

  test("compliant: tags and a folder", () => assertResourceViolations(grafanaDashboardMetadata, dashboard(json), []));
  test("no tags", () => assertResourceViolations(grafanaDashboardMetadata, dashboard({ ...json, tags: [] }), ['dashboard "Node exporter" has no tags']));
  test("no folder", () =>
    assertResourceViolations(grafanaDashboardMetadata, dashboard(json, null), ['dashboard "Node exporter" is not in a folder; set folder to a Folder\'s uid']));
  test("configJson that is not JSON", () =>
    assertResourceViolations(grafanaDashboardMetadata, resourceArgs({ type: "grafana:oss/dashboard:Dashboard", props: { configJson: "{", folder: "f" } }), [
      expect.stringMatching(/^configJson is not valid JSON: /) as unknown as string,
    ]));

  describe("dashboard files in a provisioning ConfigMap", () => {
    const configMap = (data: Record<string, string>, annotations: Record<string, string> = { [DASHBOARD_FOLDER_ANNOTATION]: "obs-platform" }) =>
      resourceArgs({ type: "kubernetes:core/v1:ConfigMap", name: "grafana-dashboards-platform", props: { metadata: { name: "grafana-dashboards-platform", annotations }, data } });
    test("the annotation is the one the Grafana component writes", () => expect(DASHBOARD_FOLDER_ANNOTATION).toBe(COMPONENT_ANNOTATION));
    test("compliant: tags and a folder", () => assertResourceViolations(grafanaDashboardMetadata, configMap({ "node-exporter.json": JSON.stringify(json) }), []));
    test("no tags", () =>
      assertResourceViolations(grafanaDashboardMetadata, configMap({ "node-exporter.json": JSON.stringify({ ...json, tags: [] }) }), ['dashboard "Node exporter" has no tags']));
    test("an empty folder annotation", () =>
      assertResourceViolations(grafanaDashboardMetadata, configMap({ "node-exporter.json": JSON.stringify(json) }, { [DASHBOARD_FOLDER_ANNOTATION]: "" }), [
        `dashboard "Node exporter" is not in a folder; set the ${DASHBOARD_FOLDER_ANNOTATION} annotation to a folder's uid`,
      ]));
    test("a file that is not JSON", () =>
      assertResourceViolations(grafanaDashboardMetadata, configMap({ "broken.json": "{" }), [expect.stringMatching(/^data "broken.json" is not valid JSON: /) as unknown as string]));
    test("a ConfigMap without the annotation is not a dashboard folder", () =>
      assertResourceViolations(grafanaDashboardMetadata, configMap({ "x.json": JSON.stringify({ title: "x" }) }, {}), []));
  });
});

describe("stable-immutable-labels", () => {
  test("compliant: selector and claim templates with the stable subset", () => assertResourceViolations(stableImmutableLabels, resourceArgs(prometheus()), []));
  test("a version label in the selector", () => {
    const f = prometheus();
    f.props.spec.selector.matchLabels["app.kubernetes.io/version"] = "3.16.0";
    return assertResourceViolations(stableImmutableLabels, resourceArgs(f), [
      'spec.selector.matchLabels has "app.kubernetes.io/version"; a selector cannot change, so every release would need a new workload',
    ]);
  });
  test("a version label in a claim template", () => {
    const f = prometheus();
    f.props.spec.volumeClaimTemplates[0].metadata.labels = labels("prometheus");
    return assertResourceViolations(stableImmutableLabels, resourceArgs(f), [
      'spec.volumeClaimTemplates[0] ("data") labels have "app.kubernetes.io/version"; claim templates cannot change, so every release would need a new StatefulSet',
    ]);
  });
  test("pod templates may carry the version (they roll)", () => {
    const f = prometheus();
    f.props.spec.template.metadata.labels = labels("prometheus");
    return assertResourceViolations(stableImmutableLabels, resourceArgs(f), []);
  });
});

describe("single-environment", () => {
  const bucket = (env: string) => ({
    type: "aws:s3/bucket:Bucket",
    name: "obs-loki-chunks",
    props: {},
    providerProps: { defaultTags: JSON.stringify({ tags: { Environment: env } }) },
  });
  test("compliant: one environment everywhere", () => assertNoStackViolations(singleEnvironment, stackArgs([prometheus(), configMap("loki", {}), bucket("prod")])));
  test("an AWS tag that disagrees", () =>
    assertStackViolations(singleEnvironment, stackArgs([prometheus(), configMap("loki", {}), bucket("dev")]), [
      { message: "the stack mixes environments: prod (2: prometheus, loki); dev (1: obs-loki-chunks)", urn: undefined },
    ]));
  test("a pod template that disagrees with its own object", () => {
    const f = prometheus();
    f.props.spec.template.metadata.labels = labels("prometheus", "metrics", "dev");
    return assertStackViolations(singleEnvironment, stackArgs([f]), [{ message: "the stack mixes environments: dev (1: prometheus); prod (1: prometheus)", urn: undefined }]);
  });
});
