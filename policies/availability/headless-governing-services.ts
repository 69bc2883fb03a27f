/**
 * headless-governing-services: the Service a StatefulSet names as its serviceName exists in its
 * namespace and is headless (clusterIP None).
 *
 * Severity: medium. The governing Service gives each replica its stable DNS name; a ClusterIP one
 * gives none and balances clients over replicas that hold different data. Clients that want one
 * virtual IP get a Service of their own.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { asObj, namespaceOf, objectName } from "../lib/k8s";

export const headlessGoverningServices: StackValidationPolicy = {
  name: "headless-governing-services",
  description: "The governing Service of every StatefulSet (its serviceName) exists in its namespace and is headless.",
  severity: "medium",
  configSchema: { properties: {} },
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const services = args.resources.filter((r) => r.type === "kubernetes:core/v1:Service");
    for (const sts of args.resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet")) {
      const governing = asObj(sts.props.spec)?.serviceName;
      if (typeof governing !== "string") continue;
      const name = objectName(sts.props, sts.name);
      const svc = services.find((s) => objectName(s.props, s.name) === governing && namespaceOf(s.props) === namespaceOf(sts.props));
      if (!svc) reportViolation(`StatefulSet "${name}" is governed by Service "${governing}", which the stack does not define`, sts.urn);
      else if (asObj(svc.props.spec)?.clusterIP !== "None") reportViolation(`StatefulSet "${name}" is governed by Service "${governing}", which is not headless (clusterIP "None")`, sts.urn);
    }
  },
};
