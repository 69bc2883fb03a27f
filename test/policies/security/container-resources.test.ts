import { containerResources } from "../../../policies/security/container-resources";
import { prometheus, container0 } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("container-resources", () => {
  test("compliant", () => assertResourceViolations(containerResources, resourceArgs(prometheus()), []));
  test("no limits", () => {
    const f = prometheus();
    delete container0(f).resources.limits;
    return assertResourceViolations(containerResources, resourceArgs(f), ['container "prometheus" has no resources.limits.cpu, resources.limits.memory']);
  });
  test("an init container without requests", () => {
    const f = prometheus();
    f.props.spec.template.spec = { ...f.props.spec.template.spec, initContainers: [{ name: "init-chown", image: "busybox:1.37.0", resources: { limits: { cpu: "100m", memory: "64Mi" } } }] } as typeof f.props.spec.template.spec;
    return assertResourceViolations(containerResources, resourceArgs(f), ['init container "init-chown" has no resources.requests.cpu, resources.requests.memory']);
  });
});
