import { noHostAccess } from "../../../policies/security/no-host-access";
import { container, prometheus, workload, container0 } from "../fixtures";
import { assertResourceViolations, resourceArgs } from "../helpers";

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
    container0(f).volumeMounts[2].readOnly = false;
    return assertResourceViolations(noHostAccess, resourceArgs(f), ['container "node-exporter" mounts the host path / writable; mount it readOnly']);
  });
  test("hostIPC is not part of the node exporter's declaration", () => {
    const f = nodeExporter();
    (f.props.spec.template.spec as any).hostIPC = true;
    return assertResourceViolations(noHostAccess, resourceArgs(f), ['hostIPC is true but not declared for "node-exporter"']);
  });
  test("a host port without host network", () => {
    const f = prometheus();
    container0(f).ports = [{ containerPort: 9090, hostPort: 9090 }];
    return assertResourceViolations(noHostAccess, resourceArgs(f), ['container "prometheus" binds host port 9090, not declared for "prometheus"']);
  });
});
