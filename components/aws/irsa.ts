/**
 * Kubernetes side of IAM roles for service accounts (IRSA): the ServiceAccount annotations and, for
 * workloads that cannot read the token where EKS mounts it, an explicit projected token.
 */
import { STS_AUDIENCE } from "./policies";

/** The annotation the EKS pod identity webhook reads to inject a role into a ServiceAccount's pods. */
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";

/**
 * Annotations for a ServiceAccount that assumes `roleArn`: the role, and regional STS endpoints (lower
 * latency, no dependency on the global endpoint's region).
 */
export function irsaAnnotations(roleArn: string): Record<string, string> {
  return { [ROLE_ARN_ANNOTATION]: roleArn, "eks.amazonaws.com/sts-regional-endpoints": "true" };
}

/** Lifetime of a projected IRSA token, seconds; the kubelet refreshes it at 80 % of this. */
export const IRSA_TOKEN_EXPIRATION_SECONDS = 86400;

/** What a pod spec and its container need to assume a role with a projected token at a chosen path. */
export interface IrsaPodPatch {
  /** Added to the pod's volumes. */
  volumes: object[];
  /** Added to the container's volumeMounts. */
  volumeMounts: object[];
  /** Added to the container's env. */
  env: { name: string; value?: string; valueFrom?: object }[];
}

/**
 * A projected ServiceAccount token for the STS audience, mounted read-only at `mountDir/fileName`, and
 * the environment the AWS SDKs read for web-identity credentials (role, token file, regional STS).
 * Independent of the EKS webhook: the volume and mount names do not collide with the ones it injects.
 */
export function irsaPodPatch(opts: { roleArn: string; region: string; mountDir: string; fileName: string; volumeName: string }): IrsaPodPatch {
  return {
    volumes: [
      {
        name: opts.volumeName,
        projected: {
          sources: [{ serviceAccountToken: { audience: STS_AUDIENCE, expirationSeconds: IRSA_TOKEN_EXPIRATION_SECONDS, path: opts.fileName } }],
        },
      },
    ],
    volumeMounts: [{ name: opts.volumeName, mountPath: opts.mountDir, readOnly: true }],
    env: [
      { name: "AWS_ROLE_ARN", value: opts.roleArn },
      { name: "AWS_WEB_IDENTITY_TOKEN_FILE", value: `${opts.mountDir}/${opts.fileName}` },
      // The pod name in CloudTrail instead of a random session name.
      { name: "AWS_ROLE_SESSION_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "AWS_REGION", value: opts.region },
      { name: "AWS_STS_REGIONAL_ENDPOINTS", value: "regional" },
    ],
  };
}
