/**
 * A component is a library on its own: importing one loads its own schema and defaults
 * (components/<component>/schema.ts), never the stack's composed schema, presets or loadConfig.
 * What a module loads is read from the module registry (require.cache) of an isolated import, so an
 * import kept only for types (erased when compiled) counts for nothing, as in the built package.
 */
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

/** The project's files (relative, `/`-separated) that importing `entry` loads. */
function loadedBy(entry: string): string[] {
  let loaded: string[] = [];
  jest.isolateModules(() => {
    require(path.join(ROOT, entry));
    loaded = Object.keys(require.cache)
      .filter((p) => p.startsWith(ROOT + path.sep) && !p.includes(`${path.sep}node_modules${path.sep}`))
      .map((p) => path.relative(ROOT, p).split(path.sep).join("/"))
      .sort();
  });
  return loaded;
}

/** The stack layer: its schema, presets, cross-field rules, messages and loadConfig. */
const STACK_LAYER = [
  "components/config.ts",
  "components/presets.ts",
  "components/config/schema.ts",
  "components/config/cross-checks.ts",
  "components/config/messages.ts",
  "components/stack.ts",
];

const COMPONENTS = [
  ["components/prometheus/component.ts", "components/prometheus/schema.ts"],
  ["components/loki/component.ts", "components/loki/schema.ts"],
  ["components/elasticsearch/component.ts", "components/elasticsearch/schema.ts"],
  ["components/log-shipper/component.ts", "components/log-shipper/schema.ts"],
  ["components/node-exporter/component.ts", "components/node-exporter/schema.ts"],
  ["components/alertmanager/component.ts", "components/alertmanager/schema.ts"],
  ["components/jaeger/component.ts", "components/jaeger/schema.ts"],
  ["components/grafana/component.ts", "components/grafana/schema.ts"],
] as const;

describe("importing one component", () => {
  it.each(COMPONENTS)("%s loads its own schema and not the stack layer", (entry, ownSchema) => {
    const loaded = loadedBy(entry);
    expect(loaded).toContain(entry);
    expect(loaded).toContain(ownSchema);
    expect(loaded.filter((f) => STACK_LAYER.includes(f))).toEqual([]);
  });

  it("the stack's config does load the stack layer (what the checks above look for is there to find)", () => {
    const loaded = loadedBy("components/config.ts");
    expect(loaded).toEqual(expect.arrayContaining(STACK_LAYER.filter((f) => f !== "components/stack.ts")));
  });
});
