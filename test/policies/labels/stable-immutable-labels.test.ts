import { stableImmutableLabels } from "../../../policies/labels/stable-immutable-labels";
import { labels, prometheus } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

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
