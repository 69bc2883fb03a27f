/**
 * Where the stack's traffic may go: the settings schema of the namespaces' default-deny policies and
 * of the addresses the egress rules allow (components/common.ts networkPolicy).
 */
import { z } from "zod";

/** An IPv4 or IPv6 CIDR ("10.0.0.0/16"), as a NetworkPolicy ipBlock takes it. */
const cidr = z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/, { message: 'a CIDR such as "10.0.0.0/16"' });
const port = z.number().int().min(1).max(65535);

export const networkSchema = z
  .object({
    /**
     * A NetworkPolicy in each namespace that denies all ingress and egress not allowed by a
     * component's own policy. Dev may turn it off; prod refuses that.
     */
    defaultDeny: z.boolean(),
    /**
     * Where the API server is, for the egress of what calls it (Prometheus' discovery,
     * kube-state-metrics, Fluent Bit's metadata filter). A NetworkPolicy matches the API server's
     * endpoint addresses and port after the `kubernetes` Service's translation, which no pod
     * selector can name: its control-plane addresses (CIDRs) and ports (443 on managed clusters,
     * 6443 on kubeadm ones). Default: any address, on those two ports only.
     */
    apiServer: z.object({ cidrs: z.array(cidr).min(1), ports: z.array(port).min(1) }).strict(),
    /**
     * The nodes' addresses: Prometheus scrapes each kubelet (10250) and the node exporter (a
     * host-network pod) there. Default: any address, on those two ports only.
     */
    nodeCidrs: z.array(cidr).min(1),
    /** Where object storage (S3) is, for Loki and Elasticsearch's snapshots (HTTPS, 443) when aws.enabled. Default: any address. */
    objectStorageCidrs: z.array(cidr).min(1),
    /** Where alert receivers are (Slack, PagerDuty, webhooks, the SMTP relay), for Alertmanager and Grafana. Default: any address, on the receivers' ports only. */
    receiverCidrs: z.array(cidr).min(1),
  })
  .strict();
export type NetworkSettings = z.infer<typeof networkSchema>;

/** Any address: the default where the cluster's addresses are not known (each use is limited to its ports). */
const ANY = ["0.0.0.0/0"];
export const DEFAULT_NETWORK: NetworkSettings = { defaultDeny: true, apiServer: { cidrs: ANY, ports: [443, 6443] }, nodeCidrs: ANY, objectStorageCidrs: ANY, receiverCidrs: ANY };

/** The node agents' namespace of a config: agentsNamespace, or "<namespace>-agents". */
export function agentsNamespaceOf(cfg: { namespace: string; agentsNamespace?: string }): string {
  return cfg.agentsNamespace ?? `${cfg.namespace}-agents`;
}
