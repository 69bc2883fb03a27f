import { DASHBOARD_FOLDER_ANNOTATION, grafanaDashboardMetadata } from "../../../policies/labels/grafana-dashboard-metadata";
import { DASHBOARD_FOLDER_ANNOTATION as COMPONENT_ANNOTATION } from "../../../components/grafana/component";
import { assertResourceViolations, resourceArgs } from "../helpers";

describe("grafana-dashboard-metadata", () => {
  const dashboard = (json: Record<string, unknown>, folder: unknown = "observability-folder-uid") =>
    resourceArgs({ type: "grafana:oss/dashboard:Dashboard", name: "node-exporter", props: { configJson: JSON.stringify(json), folder } });
  const json = { uid: "node-exporter", title: "Node exporter", tags: ["infrastructure", "observability"], panels: [] };

  test("compliant: tags and a folder", () => assertResourceViolations(grafanaDashboardMetadata, dashboard(json), []));
  test("no tags", () => assertResourceViolations(grafanaDashboardMetadata, dashboard({ ...json, tags: [] }), ['dashboard "Node exporter" has no tags']));
  test("no folder", () =>
    assertResourceViolations(grafanaDashboardMetadata, dashboard(json, null), ['dashboard "Node exporter" is not in a folder; set folder to a Folder\'s uid']));
  test("configJson that is not JSON", () =>
    assertResourceViolations(grafanaDashboardMetadata, resourceArgs({ type: "grafana:oss/dashboard:Dashboard", props: { configJson: "{", folder: "f" } }), [
      expect.stringMatching(/^configJson is not valid JSON: /) as unknown as string,
    ]));

  describe("dashboard files in a provisioning ConfigMap", () => {
    const configMap = (data: Record<string, string>, annotations: Record<string, string> = { [DASHBOARD_FOLDER_ANNOTATION]: "obs-platform" }) =>
      resourceArgs({ type: "kubernetes:core/v1:ConfigMap", name: "grafana-dashboards-platform", props: { metadata: { name: "grafana-dashboards-platform", annotations }, data } });
    test("the annotation is the one the Grafana component writes", () => expect(DASHBOARD_FOLDER_ANNOTATION).toBe(COMPONENT_ANNOTATION));
    test("compliant: tags and a folder", () => assertResourceViolations(grafanaDashboardMetadata, configMap({ "node-exporter.json": JSON.stringify(json) }), []));
    test("no tags", () =>
      assertResourceViolations(grafanaDashboardMetadata, configMap({ "node-exporter.json": JSON.stringify({ ...json, tags: [] }) }), ['dashboard "Node exporter" has no tags']));
    test("an empty folder annotation", () =>
      assertResourceViolations(grafanaDashboardMetadata, configMap({ "node-exporter.json": JSON.stringify(json) }, { [DASHBOARD_FOLDER_ANNOTATION]: "" }), [
        `dashboard "Node exporter" is not in a folder; set the ${DASHBOARD_FOLDER_ANNOTATION} annotation to a folder's uid`,
      ]));
    test("a file that is not JSON", () =>
      assertResourceViolations(grafanaDashboardMetadata, configMap({ "broken.json": "{" }), [expect.stringMatching(/^data "broken.json" is not valid JSON: /) as unknown as string]));
    test("a ConfigMap without the annotation is not a dashboard folder", () =>
      assertResourceViolations(grafanaDashboardMetadata, configMap({ "x.json": JSON.stringify({ title: "x" }) }, {}), []));
  });
});
