import { ephemeralStorageLimits } from "../../../policies/security/ephemeral-storage-limits";
import { container, workload } from "../fixtures";
import { assertResourceViolations, clone, resourceArgs } from "../helpers";

describe("ephemeral-storage-limits", () => {
  const withStorage = (limit: string) =>
    container("loki", "docker.io/grafana/loki:3.7.8", {
      resources: { requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" }, limits: { cpu: "1", memory: "512Mi", "ephemeral-storage": limit } },
      volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    });
  const loki = (limit = "1280Mi", sizeLimit: string | null = "1Gi") =>
    workload("StatefulSet", "loki", [withStorage(limit)], {}, { volumes: [{ name: "tmp", emptyDir: sizeLimit ? { sizeLimit } : {} }] });

  test("compliant: requests and limits, the emptyDir within them", () => assertResourceViolations(ephemeralStorageLimits, resourceArgs(loki()), []));

  test("no ephemeral-storage at all", () => {
    const f = loki();
    f.props.spec.template.spec.containers[0].resources = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } };
    return assertResourceViolations(ephemeralStorageLimits, resourceArgs(f), ['container "loki" has no resources.requests.ephemeral-storage, resources.limits.ephemeral-storage']);
  });

  test("an init container without a limit", () => {
    const f = loki();
    f.props.spec.template.spec.initContainers = [{ ...clone(withStorage("1Gi")), name: "init", resources: { requests: { "ephemeral-storage": "64Mi" } } }];
    return assertResourceViolations(ephemeralStorageLimits, resourceArgs(f), ['init container "init" has no resources.limits.ephemeral-storage']);
  });

  test("an emptyDir without a sizeLimit", () =>
    assertResourceViolations(ephemeralStorageLimits, resourceArgs(loki("1280Mi", null)), ['emptyDir volume "tmp" has no sizeLimit']));

  test("emptyDirs larger than the limits", () =>
    assertResourceViolations(ephemeralStorageLimits, resourceArgs(loki("512Mi", "2Gi")), [
      "the emptyDir volumes (2048Mi) exceed the containers' ephemeral-storage limits (512Mi); the kubelet would evict the pod before they fill",
    ]));
});
