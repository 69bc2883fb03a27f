/**
 * The pack as the Pulumi engine runs it: `pulumi preview --policy-pack policies` has the Node.js
 * language host (or, with older CLIs, the pulumi-analyzer-policy script of policies/plugin/) run
 * @pulumi/pulumi/cmd/run-policy-pack in the pack's directory with the engine's address and ".";
 * it is resolved from there (node resolution walks up to the repository's node_modules), loads
 * policies/ through ts-node with type checking, reads policies/package.json for the version and
 * serves the analyzer over gRPC. This test starts it the same way (through the script) and then
 * speaks the engine's side of the protocol: GetAnalyzerInfo, Configure with
 * policies/config/prod.json, Analyze and AnalyzeStack.
 *
 * It compiles the pack with type checking (about five seconds, in parallel with the other test
 * files, so the suite's wall time barely moves).
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import prodConfig from "../../policies/config/prod.json";
import { ALL_POLICIES } from "../../policies/policies";
import { prometheus } from "./fixtures";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerpb = require("@pulumi/pulumi/proto/analyzer_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzergrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");

const PACK_DIR = path.join(__dirname, "../../policies");
const LEVELS: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

describe("the pack under the engine's protocol", () => {
  let child: ChildProcess;
  let client: any;

  beforeAll(async () => {
    const plugin = path.join(PACK_DIR, "plugin", "pulumi-analyzer-policy");
    child = spawn(plugin, ["127.0.0.1:0", "."], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once("data", (d) => resolve(Number(String(d).trim())));
      child.once("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
    });
    const Client = grpc.makeGenericClientConstructor(analyzergrpc.AnalyzerService, "Analyzer");
    client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 120_000);

  afterAll(() => {
    client?.close();
    child?.kill();
  });

  const call = <T>(method: string, req: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));

  test("GetAnalyzerInfo lists every policy with its config schema", async () => {
    const info: any = await call("getAnalyzerInfo", new emptyproto.Empty());
    expect(info.getName()).toBe("observability-stack");
    expect(info.getVersion()).toBe("0.1.0");
    expect(info.getSupportsconfig()).toBe(true);
    const names = info.getPoliciesList().map((p: any) => p.getName());
    expect(names).toEqual(ALL_POLICIES.map((p) => p.name));
  });

  test("Configure with prod.json, then Analyze and AnalyzeStack report what the unit tests expect", async () => {
    const configure = new analyzerpb.ConfigureAnalyzerRequest();
    for (const [name, c] of Object.entries(prodConfig)) {
      const { enforcementLevel, ...props } = c as Record<string, unknown>;
      const pc = new analyzerpb.PolicyConfig();
      pc.setEnforcementlevel(LEVELS[String(enforcementLevel)]);
      pc.setProperties(structproto.Struct.fromJavaScript(props as Record<string, structproto.JavaScriptValue>));
      configure.getPolicyconfigMap().set(name, pc);
    }
    await call("configure", configure);

    const f = prometheus();
    f.props.spec.template.spec.containers[0].image = "quay.io/prometheus/prometheus:latest";
    f.props.spec.replicas = 1;
    const req = new analyzerpb.AnalyzeRequest();
    req.setType(f.type);
    req.setName(f.name);
    req.setUrn(`urn:pulumi:prod::observability-stack::${f.type}::${f.name}`);
    req.setProperties(structproto.Struct.fromJavaScript(f.props));
    const opts = new analyzerpb.AnalyzerResourceOptions();
    opts.setProtect(true);
    req.setOptions(opts);
    const res: any = await call("analyze", req);
    const found = res.getDiagnosticsList().map((d: any) => `${d.getPolicyname()} ${d.getEnforcementlevel()} ${d.getMessage()}`);
    const desc = (name: string) => ALL_POLICIES.find((p) => p.name === name)!.description;
    expect(found).toEqual([
      `no-unpinned-images 1 ${desc("no-unpinned-images")}\ncontainer "prometheus" image "quay.io/prometheus/prometheus:latest" uses the floating tag "latest"; pin an exact version`,
      // The fixture predates ephemeral storage and liveness probes: the new rules see it too.
      `ephemeral-storage-limits 1 ${desc("ephemeral-storage-limits")}\ncontainer "prometheus" has no resources.requests.ephemeral-storage, resources.limits.ephemeral-storage`,
      `minimum-replicas 1 ${desc("minimum-replicas")}\nStatefulSet of "prometheus" runs 1 replica; allowed: at least 2`,
      `distinct-probes 1 ${desc("distinct-probes")}\ncontainer "prometheus" has no liveness probe`,
    ]);

    const stackReq = new analyzerpb.AnalyzeStackRequest();
    const r = new analyzerpb.AnalyzerResource();
    r.setType(f.type);
    r.setName(f.name);
    r.setUrn(`urn:pulumi:prod::observability-stack::${f.type}::${f.name}`);
    r.setProperties(structproto.Struct.fromJavaScript({ ...f.props, spec: { ...f.props.spec, replicas: 2 } }));
    r.setOptions(opts);
    stackReq.setResourcesList([r]);
    const stackRes: any = await call("analyzeStack", stackReq);
    expect(stackRes.getDiagnosticsList().map((d: any) => `${d.getPolicyname()} ${d.getUrn()}`)).toEqual([
      `pod-disruption-budgets urn:pulumi:prod::observability-stack::${f.type}::${f.name}`,
    ]);
  });
});
