/** Reading Jaeger v2 (OpenTelemetry collector) configs and its index-cleaner jobs. */
import { asObj } from "./k8s";
import { at } from "./parse";

/** The trace storage backends of a Jaeger v2 config: name → { kind, settings }. */
export function jaegerBackends(conf: unknown): { name: string; kind: string; settings: Record<string, any> }[] {
  const backends = asObj(at(conf, "extensions.jaeger_storage.backends")) ?? {};
  const out: { name: string; kind: string; settings: Record<string, any> }[] = [];
  for (const [name, b] of Object.entries(backends)) {
    const o = asObj(b) ?? {};
    for (const [kind, settings] of Object.entries(o)) out.push({ name, kind, settings: asObj(settings) ?? {} });
  }
  return out;
}

/** True when a container runs the given image, whatever its registry and tag. */
export function runsImage(container: Record<string, any>, image: string): boolean {
  const ref = String(container.image ?? "").split("@")[0];
  const path = ref.replace(/:[^/:]+$/, "");
  return path === image || path.endsWith(`/${image}`);
}
