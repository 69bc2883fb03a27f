import { singleEnvironment } from "../../../policies/labels/single-environment";
import { configMap, labels, prometheus } from "../fixtures";
import { assertNoStackViolations, assertStackViolations, stackArgs } from "../helpers";

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
