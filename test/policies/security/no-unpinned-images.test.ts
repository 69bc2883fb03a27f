import { noUnpinnedImages } from "../../../policies/security/no-unpinned-images";
import { jaegerCleaner, prometheus, container0 } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("no-unpinned-images", () => {
  test("compliant: exact tag", () => assertResourceViolations(noUnpinnedImages, resourceArgs(prometheus()), []));
  test("compliant: digest", () => {
    const f = prometheus();
    container0(f).image = `quay.io/prometheus/prometheus@sha256:${"a".repeat(64)}`;
    return assertResourceViolations(noUnpinnedImages, resourceArgs(f), []);
  });
  test(":latest", () => {
    const f = prometheus();
    container0(f).image = "quay.io/prometheus/prometheus:latest";
    return assertResourceViolations(noUnpinnedImages, resourceArgs(f), ['container "prometheus" image "quay.io/prometheus/prometheus:latest" uses the floating tag "latest"; pin an exact version']);
  });
  test("no tag (a registry port is not a tag)", () => {
    const f = prometheus();
    container0(f).image = "registry.local:5000/prometheus";
    return assertResourceViolations(noUnpinnedImages, resourceArgs(f), ['container "prometheus" image "registry.local:5000/prometheus" has no tag; pin an exact version']);
  });
  test("init containers and CronJobs too", () => {
    const f = jaegerCleaner();
    f.props.spec.jobTemplate.spec.template.spec.containers[0].image = "jaegertracing/jaeger-es-index-cleaner";
    return assertResourceViolations(noUnpinnedImages, resourceArgs(f), ['container "index-cleaner" image "jaegertracing/jaeger-es-index-cleaner" has no tag; pin an exact version']);
  });
  test("digest required by config", () =>
    assertResourceViolations(noUnpinnedImages, resourceArgs(prometheus(), { requireDigest: true }), [
      'container "prometheus" image "quay.io/prometheus/prometheus:v3.16.0" has no digest; pin it with @sha256:...',
    ]));
  test("no image", () => {
    const f = prometheus();
    delete container0(f).image;
    return assertResourceViolations(noUnpinnedImages, resourceArgs(f), ['container "prometheus" has no image']);
  });
});
