import { stringify } from "yaml";
import { elasticsearchSecurity } from "../../policies/security/elasticsearch-security";
import { securityYml } from "../../components/elasticsearch/config";
import { containerResources } from "../../policies/security/container-resources";
import { grafanaDatasourceSecrets } from "../../policies/security/grafana-datasource-secrets";
import { grafanaSecureAuth } from "../../policies/security/grafana-secure-auth";
import { noHostAccess } from "../../policies/security/no-host-access";
import { noPrivilegedContainers } from "../../policies/security/no-privileged-containers";
import { noSecretEnvLiterals } from "../../policies/security/no-secret-env-literals";
import { noSecretsInConfigmaps } from "../../policies/security/no-secrets-in-configmaps";
import { noUnpinnedImages } from "../../policies/security/no-unpinned-images";
import { configMap, container, type Fixture, jaegerCleaner, lokiConfig, prometheus, workload } from "./fixtures";
import { assertResourceViolations, resourceArgs } from "./helpers";

const c0 = (f: Fixture): Record<string, any> => f.props.spec.template.spec.containers[0];

describe("no-unpinned-images", () => {
  test("compliant: exact tag", () => assertResourceViolations(noUnpinnedImages, resourceArgs(prometheus()), []));
  test("compliant: digest", () => {
    const f = prometheus();
    c0(f).image = `quay.io/prometheus/prometheus@sha256:${"a".repeat(64)}`;
    return assertResourceViolations(noUnpinnedImages, resourceArgs(f), []);
  });
  test(":latest", () => {
    const f = prometheus();
    c0(f).image = "quay.io/prometheus/prometheus:latest";
    return assertResourceViolations(noUnpinnedImages, resourceArgs(f), ['container "prometheus" image "quay.io/prometheus/prometheus:latest" uses the floating tag "latest"; pin an exact version']);
  });
  test("no tag (a registry port is not a tag)", () => {
    const f = prometheus();
    c0(f).image = "registry.local:5000/prometheus";
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
});

describe("container-resources", () => {
  test("compliant", () => assertResourceViolations(containerResources, resourceArgs(prometheus()), []));
  test("no limits", () => {
    const f = prometheus();
    delete c0(f).resources.limits;
    return assertResourceViolations(containerResources, resourceArgs(f), ['container "prometheus" has no resources.limits.cpu, resources.limits.memory']);
  });
  test("an init container without requests", () => {
    const f = prometheus();
    f.props.spec.template.spec = { ...f.props.spec.template.spec, initContainers: [{ name: "init-chown", image: "busybox:1.37.0", resources: { limits: { cpu: "100m", memory: "64Mi" } } }] } as typeof f.props.spec.template.spec;
    return assertResourceViolations(containerResources, resourceArgs(f), ['init container "init-chown" has no resources.requests.cpu, resources.requests.memory']);
  });
});

describe("no-privileged-containers", () => {
  test("compliant: non-root, no escalation", () => assertResourceViolations(noPrivilegedContainers, resourceArgs(prometheus()), []));
  test("privileged", () => {
    const f = prometheus();
    c0(f).securityContext.privileged = true;
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "prometheus" is privileged']);
  });
  test("privilege escalation", () => {
    const f = prometheus();
    c0(f).securityContext.allowPrivilegeEscalation = true;
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "prometheus" allows privilege escalation']);
  });
  test("a dangerous capability", () => {
    const f = prometheus();
    c0(f).securityContext.capabilities = { add: ["SYS_ADMIN", "NET_BIND_SERVICE"] };
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "prometheus" adds the capabilities SYS_ADMIN']);
  });
  test("root", () => {
    const f = prometheus();
    c0(f).securityContext.runAsUser = 0;
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "prometheus" runs as root (runAsUser 0)']);
  });
  test("nothing says non-root", () => {
    const f = workload("Deployment", "grafana", [{ ...container("grafana", "docker.io/grafana/grafana:13.2.3"), securityContext: {} }], {}, { securityContext: {} });
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), ['container "grafana" may run as root; set runAsNonRoot: true or a non-zero runAsUser']);
  });
  test("the pod's runAsNonRoot covers its containers", () => {
    const f = workload("Deployment", "grafana", [{ ...container("grafana", "docker.io/grafana/grafana:13.2.3"), securityContext: {} }], {}, { securityContext: { runAsNonRoot: true } });
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f), []);
  });
  test("a declared root exception", () => {
    const f = prometheus();
    c0(f).securityContext.runAsUser = 0;
    return assertResourceViolations(noPrivilegedContainers, resourceArgs(f, { rootAllowed: ["prometheus"] }), []);
  });
});

describe("no-host-access", () => {
  const nodeExporter = () =>
    workload(
      "DaemonSet",
      "node-exporter",
      [
        container("node-exporter", "quay.io/prometheus/node-exporter:v1.12.1", {
          volumeMounts: [
            { name: "proc", mountPath: "/host/proc", readOnly: true },
            { name: "sys", mountPath: "/host/sys", readOnly: true },
            { name: "root", mountPath: "/host/root", readOnly: true },
          ],
          ports: [{ containerPort: 9100, hostPort: 9100 }],
        }),
      ],
      {},
      {
        hostNetwork: true,
        hostPID: true,
        volumes: [
          { name: "proc", hostPath: { path: "/proc" } },
          { name: "sys", hostPath: { path: "/sys" } },
          { name: "root", hostPath: { path: "/" } },
        ],
      },
    );
  test("compliant: the node exporter's declared host access", () => assertResourceViolations(noHostAccess, resourceArgs(nodeExporter()), []));
  test("compliant: no host access at all", () => assertResourceViolations(noHostAccess, resourceArgs(prometheus()), []));
  test("host network for an undeclared workload", () => {
    const f = prometheus();
    (f.props.spec.template.spec as Record<string, unknown>).hostNetwork = true;
    return assertResourceViolations(noHostAccess, resourceArgs(f), ['hostNetwork is true but not declared for "prometheus"']);
  });
  test("an undeclared host path", () => {
    const f = nodeExporter();
    (f.props.spec.template.spec as any).volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } });
    return assertResourceViolations(noHostAccess, resourceArgs(f), ['volume "docker" mounts the host path /var/run/docker.sock, not declared for "node-exporter"']);
  });
  test("a declared host path mounted writable", () => {
    const f = nodeExporter();
    c0(f).volumeMounts[2].readOnly = false;
    return assertResourceViolations(noHostAccess, resourceArgs(f), ['container "node-exporter" mounts the host path / writable; mount it readOnly']);
  });
  test("hostIPC is not part of the node exporter's declaration", () => {
    const f = nodeExporter();
    (f.props.spec.template.spec as any).hostIPC = true;
    return assertResourceViolations(noHostAccess, resourceArgs(f), ['hostIPC is true but not declared for "node-exporter"']);
  });
  test("a host port without host network", () => {
    const f = prometheus();
    c0(f).ports = [{ containerPort: 9090, hostPort: 9090 }];
    return assertResourceViolations(noHostAccess, resourceArgs(f), ['container "prometheus" binds host port 9090, not declared for "prometheus"']);
  });
});

describe("no-secrets-in-configmaps", () => {
  test("compliant: Loki's config", () => assertResourceViolations(noSecretsInConfigmaps, resourceArgs(lokiConfig()), []));
  test("compliant: references and *_file keys", () =>
    assertResourceViolations(
      noSecretsInConfigmaps,
      resourceArgs(configMap("grafana", { "datasources.yaml": "password: ${ES_PASSWORD}\nbearer_token_file: /var/run/secrets/token\nbasicAuthPassword: $__file{/etc/secrets/pw}\n" })),
      [],
    ));
  test("a password in a config file", () =>
    assertResourceViolations(noSecretsInConfigmaps, resourceArgs(configMap("elasticsearch", { "es.yaml": "xpack.security.enabled: true\nelastic_password: hunter2\n" })), [
      'data "es.yaml": line 2 sets "elastic_password" to a literal; put it in a Secret and reference it',
    ]));
  test("an Alertmanager config with a Slack webhook in a ConfigMap", () =>
    assertResourceViolations(
      noSecretsInConfigmaps,
      resourceArgs(configMap("alertmanager", { "alertmanager.yml": "global:\n  slack_api_url: https://hooks.slack.com/services/T000/B000/XXXX\n" })),
      ['data "alertmanager.yml": line 2 holds a Slack webhook URL; put it in a Secret and reference it'],
    ));
  test("a PagerDuty routing key", () =>
    assertResourceViolations(noSecretsInConfigmaps, resourceArgs(configMap("alertmanager", { "alertmanager.yml": "receivers:\n- pagerduty_configs:\n  - routing_key: 0123456789abcdef\n" })), [
      'data "alertmanager.yml": line 3 sets "routing_key" to a literal; put it in a Secret and reference it',
    ]));
  test("a secret-named plain key", () =>
    assertResourceViolations(noSecretsInConfigmaps, resourceArgs(configMap("grafana", { ADMIN_PASSWORD: "admin" })), ['data "ADMIN_PASSWORD" looks like a credential; put it in a Secret']));
  test("credentials in a URL", () =>
    assertResourceViolations(noSecretsInConfigmaps, resourceArgs(configMap("fluent-bit", { "fluent-bit.conf": "[OUTPUT]\n    Name es\n    URL https://elastic:changeme@elasticsearch:9200\n" })), [
      'data "fluent-bit.conf": line 3 holds credentials in a URL; put it in a Secret and reference it',
    ]));
});

describe("no-secret-env-literals", () => {
  test("compliant: secretKeyRef", () => {
    const f = prometheus();
    c0(f).env = [{ name: "ELASTIC_PASSWORD", valueFrom: { secretKeyRef: { name: "es", key: "password" } } }, { name: "GF_AUTH_ANONYMOUS_ENABLED", value: "false" }];
    return assertResourceViolations(noSecretEnvLiterals, resourceArgs(f), []);
  });
  test("a literal password", () => {
    const f = prometheus();
    c0(f).env = [{ name: "ELASTIC_PASSWORD", value: "changeme" }];
    return assertResourceViolations(noSecretEnvLiterals, resourceArgs(f), ['container "prometheus": env ELASTIC_PASSWORD is a literal; use valueFrom.secretKeyRef']);
  });
  test("a webhook URL whatever the name", () => {
    const f = prometheus();
    c0(f).env = [{ name: "NOTIFY", value: "https://hooks.slack.com/services/T000/B000/XXXX" }];
    return assertResourceViolations(noSecretEnvLiterals, resourceArgs(f), ['container "prometheus": env NOTIFY holds a Slack webhook URL as a literal; use valueFrom.secretKeyRef']);
  });
  test("a path to a secret is not a secret", () => {
    const f = prometheus();
    c0(f).env = [{ name: "GF_SECURITY_ADMIN_PASSWORD__FILE", value: "/etc/secrets/admin-password" }];
    return assertResourceViolations(noSecretEnvLiterals, resourceArgs(f), []);
  });
});

describe("grafana-secure-auth", () => {
  const grafana = (env: Record<string, any>[]) => workload("Deployment", "grafana", [container("grafana", "docker.io/grafana/grafana:13.2.3", { env })]);
  const PASSWORD = { name: "GF_SECURITY_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "grafana-admin", key: "admin-password" } } };
  const ANON_OFF = { name: "GF_AUTH_ANONYMOUS_ENABLED", value: "false" };

  test("compliant: password from a Secret, anonymous off", () => assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([ANON_OFF, PASSWORD])), []));
  test("anonymous admin", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([{ name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }, { name: "GF_AUTH_ANONYMOUS_ORG_ROLE", value: "Admin" }, PASSWORD])), [
      'container "grafana": anonymous users get the Admin role',
    ]));
  test("anonymous viewers when not allowed", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([{ name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }, PASSWORD])), ['container "grafana": anonymous access is enabled']));
  test("anonymous viewers when allowed", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([{ name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }, PASSWORD]), { allowAnonymous: true }), []));
  test("the default password", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([ANON_OFF, { name: "GF_SECURITY_ADMIN_PASSWORD", value: "admin" }])), [
      'container "grafana": GF_SECURITY_ADMIN_PASSWORD is a default password',
    ]));
  test("a literal password", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([ANON_OFF, { name: "GF_SECURITY_ADMIN_PASSWORD", value: "s3cr3t-but-literal" }])), [
      'container "grafana": GF_SECURITY_ADMIN_PASSWORD is a literal; use valueFrom.secretKeyRef',
    ]));
  test("no password at all", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(grafana([ANON_OFF])), [
      'container "grafana": no admin password from a Secret (GF_SECURITY_ADMIN_PASSWORD via secretKeyRef); Grafana would start with admin/admin',
    ]));
  test("grafana.ini in a ConfigMap", () =>
    assertResourceViolations(grafanaSecureAuth, resourceArgs(configMap("grafana", { "grafana.ini": "[auth.anonymous]\nenabled = true\norg_role = Admin\n[security]\nadmin_password = admin\n" })), [
      "grafana.ini: anonymous users get the Admin role",
      "grafana.ini: [security] admin_password is a literal; use $__file{...} or GF_SECURITY_ADMIN_PASSWORD from a Secret",
    ]));
});

describe("grafana-datasource-secrets", () => {
  const ds = (jsonData: Record<string, unknown>) =>
    resourceArgs({ type: "grafana:oss/dataSource:DataSource", props: { uid: "es", type: "elasticsearch", url: "http://es:9200", jsonDataEncoded: JSON.stringify(jsonData) } });
  test("compliant: settings only", () => assertResourceViolations(grafanaDatasourceSecrets, ds({ index: "logs-*", timeField: "@timestamp", tlsSkipVerify: false }), []));
  test("a password in jsonData", () =>
    assertResourceViolations(grafanaDatasourceSecrets, ds({ index: "logs-*", basicAuthPassword: "hunter2" }), [
      "jsonData.basicAuthPassword is a credential in plain JSON; put it in secureJsonDataEncoded",
    ]));
  test("a header value holding a webhook URL, nested", () =>
    assertResourceViolations(grafanaDatasourceSecrets, ds({ headers: [{ name: "X", value: "https://hooks.slack.com/services/T0/B0/XX" }] }), [
      "jsonData.headers[0].value holds a Slack webhook URL in plain JSON; put it in secureJsonDataEncoded",
    ]));
});

describe("elasticsearch-security", () => {
  const esConfig = (yml: Record<string, unknown>) => configMap("elasticsearch", { "elasticsearch.yml": stringify({ "cluster.name": "c", ...yml }) }, "elasticsearch-config");
  const secured = securityYml(true);
  test("compliant: the component's secured elasticsearch.yml", () => assertResourceViolations(elasticsearchSecurity, resourceArgs(esConfig(secured)), []));
  test("compliant: the same settings nested", () =>
    assertResourceViolations(
      elasticsearchSecurity,
      resourceArgs(esConfig({ xpack: { security: { enabled: true, http: { ssl: { enabled: true } }, transport: { ssl: { enabled: true, verification_mode: "certificate" } } } } })),
      [],
    ));
  test("security off (what dev's elasticsearch.security.enabled false renders)", () =>
    assertResourceViolations(elasticsearchSecurity, resourceArgs(esConfig(securityYml(false))), [
      "elasticsearch.yml: xpack.security.enabled is not true; any pod that reaches Elasticsearch can read and delete every index",
    ]));
  test("security on without TLS", () =>
    assertResourceViolations(elasticsearchSecurity, resourceArgs(esConfig({ "xpack.security.enabled": true })), [
      "elasticsearch.yml: xpack.security.http.ssl.enabled is not true; passwords and logs cross the network in clear text",
      "elasticsearch.yml: xpack.security.transport.ssl.enabled is not true; the nodes replicate every index in clear text",
    ]));
  test("certificates not verified", () =>
    assertResourceViolations(elasticsearchSecurity, resourceArgs(esConfig({ ...secured, "xpack.security.transport.ssl.verification_mode": "none" })), [
      'elasticsearch.yml: xpack.security.transport.ssl.verification_mode is "none"; a peer\'s certificate is never checked',
    ]));
  test("other apps' ConfigMaps and other keys are not its business", async () => {
    await assertResourceViolations(elasticsearchSecurity, resourceArgs(configMap("loki", { "elasticsearch.yml": stringify({ "xpack.security.enabled": false }) })), []);
    await assertResourceViolations(elasticsearchSecurity, resourceArgs(configMap("elasticsearch", { "bootstrap.sh": "#!/bin/bash" }, "elasticsearch-bootstrap")), []);
  });
});
