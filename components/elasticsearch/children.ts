/** What the Elasticsearch component's children share. */
import * as pulumi from "@pulumi/pulumi";

/**
 * Options for the Kubernetes objects of a child component of Elasticsearch. Before the bootstrap Job,
 * the exporter and Kibana were components of their own, their objects were children of the
 * Elasticsearch component itself: the alias keeps that URN, so an existing stack moves each object
 * under its new parent instead of replacing it (a replaced Service or Deployment would be deleted and
 * created again). Only when the component has a parent: on its own there is no former URN to keep.
 */
export function formerParentOptions(self: pulumi.Resource, opts?: pulumi.ComponentResourceOptions): pulumi.CustomResourceOptions {
  return { parent: self, ...(opts?.parent ? { aliases: [{ parent: opts.parent }] } : {}) };
}
