/**
 * A team's own program with two of the library's components in its existing namespace `team-a`:
 * a Prometheus, and a Grafana that shows it. Grafana's datasource is built from Prometheus's URL,
 * which derives from Prometheus's Service: Grafana's provisioning waits for that Service. Everything
 * else is defaulted.
 *
 *   import { Grafana, Prometheus, prometheusDatasource } from "observability-stack";
 *
 * (Here through a relative import: the repository type-checks and runs it under mocks in CI.)
 */
import { Grafana, Prometheus, allDashboards, prometheusDatasource } from "../../components";

const placement = { namespace: "team-a", team: "team-a" };

export const prometheus = new Prometheus("metrics", placement);

export const grafana = new Grafana("dashboards", {
  ...placement,
  datasources: prometheus.url.apply((url) => [prometheusDatasource(url)]),
  // The platform dashboards (nodes and Kubernetes): all they need is Prometheus.
  dashboards: allDashboards().filter((d) => d.folder === "platform"),
});

export const urls = { prometheus: prometheus.url, grafana: grafana.url };
export const grafanaAdminPassword = grafana.adminPassword;
