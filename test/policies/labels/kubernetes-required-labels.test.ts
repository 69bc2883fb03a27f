import { kubernetesRequiredLabels } from "../../../policies/labels/kubernetes-required-labels";
import { configMap, jaegerCleaner, labels, prometheus } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

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
