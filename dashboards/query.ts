/**
 * A small, loose parser of the PromQL and LogQL the dashboards hold, for the dashboard checks in
 * dashboards/lint.ts. Our own code: it stands in for the Prometheus and Loki parsers that Grafana's
 * dashboard linter linked (Loki's is AGPL-licensed, and the toolchain builds no AGPL module: see
 * test/tools/licences.test.ts).
 *
 * "Loose" means: it knows the grammar (selectors and matchers, range and subquery brackets, offset
 * and @, aggregations with by/without, binary operators with bool/on/ignoring/group_left/right,
 * function calls with their argument types, LogQL stream selectors and pipelines) and rejects what
 * does not fit it, but it does not reproduce every detail of either language: no regex validation
 * of matcher values beyond JavaScript's, no check of histogram/float value types, LogQL pipeline
 * stages checked by shape only. Grafana variables are placeholders: `$__rate_interval`, `${x}`,
 * `[[x]]` stand for a duration or a number where one may go; `$x` inside a string is plain text.
 */

export type Dialect = "promql" | "logql";

export interface Matcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

/** A duration as written: a literal ("5m") or a Grafana variable ("$__rate_interval"). */
export interface Duration {
  text: string;
  variable: boolean;
}

export type ValueType = "scalar" | "string" | "vector" | "matrix" | "logs";

export type Node =
  | { kind: "number"; text: string }
  | { kind: "string"; value: string }
  | { kind: "variable"; text: string }
  | { kind: "selector"; name?: string; matchers: Matcher[]; offset?: Duration }
  /** LogQL: a stream selector and its pipeline, e.g. `{app="x"} |= "error" | json`. */
  | { kind: "logs"; matchers: Matcher[]; stages: string[] }
  | { kind: "matrix"; of: Node; range: Duration; offset?: Duration }
  | { kind: "subquery"; of: Node; range: Duration; step?: Duration; offset?: Duration }
  | { kind: "call"; func: string; args: Node[] }
  | { kind: "aggregation"; op: string; args: Node[]; by?: { without: boolean; labels: string[] } }
  | { kind: "binary"; op: string; lhs: Node; rhs: Node }
  | { kind: "unary"; op: string; of: Node }
  | { kind: "paren"; of: Node };

export class QueryError extends Error {}

// ----------------------------------------------------------------------------------------------
// Lexer

type TokKind = "ident" | "number" | "duration" | "string" | "variable" | "punct" | "op" | "eof";
interface Tok {
  kind: TokKind;
  text: string;
  pos: number;
}

const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|us|µs|ns|s|m|h|d|w|y))+/;
const NUMBER_RE = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_:]*/;
const VARIABLE_RE = /^(?:\$\{[^}]+\}|\$[A-Za-z0-9_]+|\[\[[^[\]]+\]\])/;
const OPS = ["|=", "|~", "!=", "!~", "=~", "==", "<=", ">=", "|", "=", "<", ">", "+", "-", "*", "/", "%", "^", "@"];

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    const rest = src.slice(i);
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      let value = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && c !== "`") {
          if (j + 1 >= src.length) break;
          value += src[j + 1];
          j += 2;
          continue;
        }
        if (src[j] === "\n" && c !== "`") throw new QueryError(`unterminated string at ${i}`);
        value += src[j++];
      }
      if (j >= src.length) throw new QueryError(`unterminated string at ${i}`);
      toks.push({ kind: "string", text: value, pos: i });
      i = j + 1;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = VARIABLE_RE.exec(rest))) {
      toks.push({ kind: "variable", text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = DURATION_RE.exec(rest)) && !/^[A-Za-z0-9_]/.test(rest.slice(m[0].length))) {
      toks.push({ kind: "duration", text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = NUMBER_RE.exec(rest))) {
      toks.push({ kind: "number", text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ((m = IDENT_RE.exec(rest))) {
      toks.push({ kind: "ident", text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ("(){}[],".includes(c)) {
      toks.push({ kind: "punct", text: c, pos: i });
      i++;
      continue;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (op) {
      toks.push({ kind: "op", text: op, pos: i });
      i += op.length;
      continue;
    }
    if (c === ":") {
      toks.push({ kind: "punct", text: c, pos: i });
      i++;
      continue;
    }
    throw new QueryError(`unexpected character '${c}' at ${i}`);
  }
  toks.push({ kind: "eof", text: "", pos: src.length });
  return toks;
}

// ----------------------------------------------------------------------------------------------
// Languages

type Arg = "v" | "m" | "s" | "str" | "logs-m";
interface Signature {
  args: Arg[];
  /** How many of the trailing args may be left out. */
  optional?: number;
  /** The last arg may repeat. */
  variadic?: boolean;
  returns: ValueType;
}

const v1: Signature = { args: ["v"], returns: "vector" };
const m1: Signature = { args: ["m"], returns: "vector" };
const date: Signature = { args: ["v"], optional: 1, returns: "vector" };

/** PromQL functions (Prometheus 3.x, stable ones) and their argument types. */
const PROMQL_FUNCTIONS: Record<string, Signature> = {
  abs: v1, absent: v1, absent_over_time: m1, acos: v1, acosh: v1, asin: v1, asinh: v1, atan: v1, atanh: v1,
  avg_over_time: m1, ceil: v1, changes: m1, clamp: { args: ["v", "s", "s"], returns: "vector" },
  clamp_max: { args: ["v", "s"], returns: "vector" }, clamp_min: { args: ["v", "s"], returns: "vector" },
  cos: v1, cosh: v1, count_over_time: m1, day_of_month: date, day_of_week: date, day_of_year: date,
  days_in_month: date, deg: v1, delta: m1, deriv: m1, exp: v1, floor: v1, histogram_avg: v1, histogram_count: v1,
  histogram_fraction: { args: ["s", "s", "v"], returns: "vector" }, histogram_quantile: { args: ["s", "v"], returns: "vector" },
  histogram_stddev: v1, histogram_stdvar: v1, histogram_sum: v1, hour: date, idelta: m1, increase: m1, irate: m1,
  label_join: { args: ["v", "str", "str", "str"], variadic: true, returns: "vector" },
  label_replace: { args: ["v", "str", "str", "str", "str"], returns: "vector" },
  last_over_time: m1, ln: v1, log10: v1, log2: v1, max_over_time: m1, min_over_time: m1, minute: date, month: date,
  pi: { args: [], returns: "scalar" }, predict_linear: { args: ["m", "s"], returns: "vector" }, present_over_time: m1,
  quantile_over_time: { args: ["s", "m"], returns: "vector" }, rad: v1, rate: m1, resets: m1,
  round: { args: ["v", "s"], optional: 1, returns: "vector" }, scalar: { args: ["v"], returns: "scalar" }, sgn: v1,
  sin: v1, sinh: v1, sort: v1, sort_by_label: { args: ["v", "str"], variadic: true, returns: "vector" },
  sort_by_label_desc: { args: ["v", "str"], variadic: true, returns: "vector" }, sort_desc: v1, sqrt: v1,
  stddev_over_time: m1, stdvar_over_time: m1, sum_over_time: m1, tan: v1, tanh: v1, time: { args: [], returns: "scalar" },
  timestamp: v1, vector: { args: ["s"], returns: "vector" }, year: date,
};

/** PromQL aggregation operators; the ones that take a parameter first. */
const PROMQL_AGGREGATIONS: Record<string, { param?: "s" | "str" }> = {
  sum: {}, min: {}, max: {}, avg: {}, group: {}, stddev: {}, stdvar: {}, count: {},
  count_values: { param: "str" }, bottomk: { param: "s" }, topk: { param: "s" }, quantile: { param: "s" },
};

const lm1: Signature = { args: ["logs-m"], returns: "vector" };
/** LogQL range aggregations over a log range (`count_over_time({…}[5m])`) and the scalar/vector helpers. */
const LOGQL_FUNCTIONS: Record<string, Signature> = {
  count_over_time: lm1, rate: lm1, bytes_over_time: lm1, bytes_rate: lm1, absent_over_time: lm1,
  sum_over_time: lm1, avg_over_time: lm1, max_over_time: lm1, min_over_time: lm1, first_over_time: lm1,
  last_over_time: lm1, stdvar_over_time: lm1, stddev_over_time: lm1, rate_counter: lm1,
  quantile_over_time: { args: ["s", "logs-m"], returns: "vector" },
  label_replace: { args: ["v", "str", "str", "str", "str"], returns: "vector" },
  vector: { args: ["s"], returns: "vector" },
};
const LOGQL_AGGREGATIONS: Record<string, { param?: "s" | "str" }> = {
  sum: {}, min: {}, max: {}, avg: {}, stddev: {}, stdvar: {}, count: {}, sort: {}, sort_desc: {},
  bottomk: { param: "s" }, topk: { param: "s" }, approx_topk: { param: "s" },
};
/** LogQL `| stage` keywords other than a label filter. */
const LOGQL_STAGES = new Set(["json", "logfmt", "regexp", "pattern", "unpack", "line_format", "label_format", "unwrap", "drop", "keep", "decolorize"]);

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "atan2"]);
const COMPARISON = new Set(["==", "!=", "<=", "<", ">=", ">"]);
/** Binary operator precedence, low to high. */
const PRECEDENCE: string[][] = [["or"], ["and", "unless"], ["==", "!=", "<=", "<", ">=", ">"], ["+", "-"], ["*", "/", "%", "atan2"], ["^"]];

// ----------------------------------------------------------------------------------------------
// Parser

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly dialect: Dialect,
  ) {}

  private get t(): Tok {
    return this.toks[this.i];
  }
  /** The current token's kind, not narrowed by earlier checks (the parser moves on between them). */
  private kind(): TokKind {
    return this.toks[this.i].kind;
  }
  private peek(n = 1): Tok {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)];
  }
  private is(text: string, kind?: TokKind): boolean {
    return this.t.text === text && (kind ? this.t.kind === kind : this.t.kind === "punct" || this.t.kind === "op" || this.t.kind === "ident");
  }
  private next(): Tok {
    return this.toks[this.i++];
  }
  private fail(what: string): never {
    const t = this.t;
    throw new QueryError(`${what}, found ${t.kind === "eof" ? "end of input" : `'${t.text}'`} at ${t.pos}`);
  }
  private expect(text: string): Tok {
    if (!this.is(text)) this.fail(`expected '${text}'`);
    return this.next();
  }

  parseAll(): Node {
    if (this.t.kind === "eof") throw new QueryError("empty query");
    const n = this.expr(0);
    if (this.kind() !== "eof") this.fail("unexpected input after the expression");
    return n;
  }

  private expr(level: number): Node {
    if (level >= PRECEDENCE.length) return this.unary();
    let lhs = this.expr(level + 1);
    for (;;) {
      const op = this.t.text;
      if (!PRECEDENCE[level].includes(op) || !(this.t.kind === "op" || this.t.kind === "ident")) return lhs;
      this.next();
      this.binaryModifiers(COMPARISON.has(op));
      // ^ is right-associative.
      const rhs = op === "^" ? this.expr(level) : this.expr(level + 1);
      lhs = { kind: "binary", op, lhs, rhs };
    }
  }

  private binaryModifiers(comparison: boolean): void {
    if (comparison && this.is("bool", "ident")) this.next();
    if (this.is("on", "ident") || this.is("ignoring", "ident")) {
      this.next();
      this.labelList();
      if (this.is("group_left", "ident") || this.is("group_right", "ident")) {
        this.next();
        if (this.is("(")) this.labelList();
      }
    }
  }

  private labelList(): string[] {
    this.expect("(");
    const labels: string[] = [];
    while (!this.is(")")) {
      if (this.t.kind !== "ident" && this.t.kind !== "string") this.fail("expected a label name");
      labels.push(this.next().text);
      if (!this.is(",")) break;
      this.next();
    }
    this.expect(")");
    return labels;
  }

  private unary(): Node {
    if (this.is("-", "op") || this.is("+", "op")) {
      const op = this.next().text;
      return { kind: "unary", op, of: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private duration(): Duration {
    const t = this.t;
    if (t.kind === "duration") return { text: this.next().text, variable: false };
    if (t.kind === "variable") return { text: this.next().text, variable: true };
    if (t.kind === "number" && /^\d+$/.test(t.text)) return { text: this.next().text, variable: false };
    return this.fail("expected a duration");
  }

  private postfix(n: Node): Node {
    for (;;) {
      if (this.is("[", "punct")) {
        this.next();
        const range = this.duration();
        if (this.is(":", "punct")) {
          this.next();
          const step = this.is("]") ? undefined : this.duration();
          this.expect("]");
          n = { kind: "subquery", of: n, range, step };
          continue;
        }
        this.expect("]");
        if (n.kind === "selector" && !n.offset) n = { kind: "matrix", of: n, range };
        else if (n.kind === "logs") n = { kind: "matrix", of: n, range };
        else if (n.kind === "paren" && this.dialect === "logql" && n.of.kind === "logs") n = { kind: "matrix", of: n.of, range };
        else throw new QueryError(`a range [${range.text}] may only follow a selector (use a subquery [${range.text}:] otherwise)`);
        continue;
      }
      if (this.is("offset", "ident")) {
        this.next();
        const neg = this.is("-", "op") ? (this.next(), true) : false;
        const d = this.duration();
        const offset = { text: (neg ? "-" : "") + d.text, variable: d.variable };
        if (n.kind === "selector" || n.kind === "matrix" || n.kind === "subquery") n = { ...n, offset };
        else throw new QueryError("offset may only follow a selector, a range or a subquery");
        continue;
      }
      if (this.is("@", "op") && this.dialect === "promql") {
        this.next();
        if (this.is("start", "ident") || this.is("end", "ident")) {
          this.next();
          this.expect("(");
          this.expect(")");
        } else if (this.t.kind === "number" || this.t.kind === "variable") this.next();
        else this.fail("expected a timestamp after @");
        continue;
      }
      return n;
    }
  }

  private primary(): Node {
    const t = this.t;
    if (t.kind === "number") return { kind: "number", text: this.next().text };
    if (t.kind === "duration") this.fail("unexpected duration outside a range");
    if (t.kind === "string") return { kind: "string", value: this.next().text };
    if (t.kind === "variable") return { kind: "variable", text: this.next().text };
    if (this.is("(", "punct")) {
      this.next();
      const of = this.expr(0);
      this.expect(")");
      return { kind: "paren", of };
    }
    if (this.is("{", "punct")) return this.dialect === "logql" ? this.logSelector() : this.selector(undefined);
    if (t.kind === "ident") {
      const name = t.text;
      const lower = name.toLowerCase();
      if (this.dialect === "promql" && (lower === "inf" || lower === "nan")) return { kind: "number", text: this.next().text };
      const aggs = this.dialect === "promql" ? PROMQL_AGGREGATIONS : LOGQL_AGGREGATIONS;
      const funcs = this.dialect === "promql" ? PROMQL_FUNCTIONS : LOGQL_FUNCTIONS;
      if (name in aggs && (this.peek().text === "(" || this.peek().text === "by" || this.peek().text === "without")) return this.aggregation(name);
      if (this.peek().text === "(" && this.peek().kind === "punct") {
        if (!(name in funcs)) throw new QueryError(`unknown function '${name}'`);
        return this.call(name, funcs[name]);
      }
      if (KEYWORDS.has(name)) this.fail("unexpected keyword");
      if (this.dialect === "logql") this.fail("expected a stream selector '{…}'");
      this.next();
      return this.selector(name);
    }
    return this.fail("expected an expression");
  }

  private matchers(): Matcher[] {
    this.expect("{");
    const out: Matcher[] = [];
    while (!this.is("}")) {
      const label = this.t;
      if (label.kind !== "ident" && label.kind !== "string") this.fail("expected a label name");
      this.next();
      if (label.kind === "string" && (this.is(",") || this.is("}"))) {
        // Prometheus 3: a quoted metric name alone, {"my.metric"}.
        out.push({ label: "__name__", op: "=", value: label.text });
      } else {
        if (!(this.t.kind === "op" && ["=", "!=", "=~", "!~"].includes(this.t.text))) this.fail(`expected a matcher operator after '${label.text}'`);
        const op = this.next().text as Matcher["op"];
        if (this.kind() !== "string") this.fail(`expected a quoted value for '${label.text}'`);
        const value = this.next().text;
        if (op === "=~" || op === "!~") {
          try {
            anchored(value);
          } catch {
            throw new QueryError(`invalid regular expression in ${label.text}${op}"${value}"`);
          }
        }
        out.push({ label: label.text, op, value });
      }
      if (!this.is(",")) break;
      this.next();
    }
    this.expect("}");
    return out;
  }

  private selector(name: string | undefined): Node {
    const matchers = this.is("{", "punct") ? this.matchers() : [];
    const metric = name ?? matchers.find((m) => m.label === "__name__" && m.op === "=")?.value;
    if (!metric && !matchers.some((m) => !matchesEmpty(m))) {
      throw new QueryError("a selector needs a metric name or a matcher that does not match the empty string");
    }
    return { kind: "selector", name: metric, matchers: matchers.filter((m) => !(name === undefined && m.label === "__name__" && m.value === metric)) };
  }

  private logSelector(): Node {
    const matchers = this.matchers();
    if (matchers.length === 0) throw new QueryError("a stream selector needs at least one matcher");
    if (!matchers.some((m) => !matchesEmpty(m))) {
      throw new QueryError("a stream selector needs at least one equality or regex matcher that does not match the empty string");
    }
    const stages: string[] = [];
    for (;;) {
      const t = this.t;
      if (t.kind === "op" && ["|=", "|~", "!=", "!~"].includes(t.text)) {
        this.next();
        const filter = this.lineFilterValue(t.text);
        stages.push(filter);
        while (this.is("or", "ident")) {
          this.next();
          stages.push(this.lineFilterValue("or"));
        }
        continue;
      }
      if (t.kind === "op" && t.text === "|") {
        this.next();
        stages.push(this.pipelineStage());
        continue;
      }
      return { kind: "logs", matchers, stages };
    }
  }

  private lineFilterValue(op: string): string {
    if (this.t.kind === "string") return `${op} "${this.next().text}"`;
    if (this.is("ip", "ident") && this.peek().text === "(") {
      this.next();
      this.expect("(");
      if (this.kind() !== "string") this.fail("expected a quoted address in ip()");
      const v = this.next().text;
      this.expect(")");
      return `${op} ip("${v}")`;
    }
    return this.fail(`expected a quoted string after '${op}'`);
  }

  /** One `| …` stage: a parser, a formatter, unwrap/drop/keep, or a label filter expression. */
  private pipelineStage(): string {
    const t = this.t;
    if (t.kind !== "ident") this.fail("expected a pipeline stage after '|'");
    if (LOGQL_STAGES.has(t.text)) {
      const stage = this.next().text;
      const parts = [stage];
      // The stage's arguments: strings, identifiers, `=`, commas, parens (unwrap duration(x)).
      while (this.t.kind !== "eof" && !(this.t.kind === "op" && ["|", "|=", "|~", "!~"].includes(this.t.text)) && !this.is("[") && !this.is(")")) {
        if (this.is("(")) {
          this.next();
          parts.push(`(${this.t.text})`);
          this.next();
          this.expect(")");
          continue;
        }
        if (this.t.kind === "op" && this.t.text === "!=") break;
        parts.push(this.next().text);
      }
      if (["regexp", "pattern", "line_format"].includes(stage) && parts.length < 2) throw new QueryError(`'${stage}' needs a quoted argument`);
      if (stage === "unwrap" && parts.length < 2) throw new QueryError("'unwrap' needs a label");
      return parts.join(" ");
    }
    // A label filter: label op value, joined by and/or/",", possibly parenthesised.
    const parts: string[] = [];
    const one = () => {
      if (this.is("(")) {
        this.next();
        one();
        while (this.is("and", "ident") || this.is("or", "ident") || this.is(",")) {
          parts.push(this.next().text);
          one();
        }
        this.expect(")");
        return;
      }
      if (this.t.kind !== "ident") this.fail("expected a label filter");
      const label = this.next().text;
      const op = this.t;
      if (!(op.kind === "op" && ["=", "!=", "=~", "!~", "==", ">", ">=", "<", "<="].includes(op.text))) this.fail(`expected a comparison after '${label}'`);
      this.next();
      const value = this.t;
      if (!["string", "number", "duration", "variable"].includes(value.kind)) this.fail(`expected a value after '${label} ${op.text}'`);
      this.next();
      parts.push(`${label} ${op.text} ${value.kind === "string" ? JSON.stringify(value.text) : value.text}`);
    };
    one();
    while (this.is("and", "ident") || this.is("or", "ident") || this.is(",")) {
      parts.push(this.next().text);
      one();
    }
    return parts.join(" ");
  }

  private grouping(): { without: boolean; labels: string[] } | undefined {
    if (this.is("by", "ident") || this.is("without", "ident")) {
      const without = this.next().text === "without";
      return { without, labels: this.labelList() };
    }
    return undefined;
  }

  private aggregation(op: string): Node {
    this.next();
    let by = this.grouping();
    this.expect("(");
    const args = this.args();
    this.expect(")");
    by = by ?? this.grouping();
    const spec = (this.dialect === "promql" ? PROMQL_AGGREGATIONS : LOGQL_AGGREGATIONS)[op];
    const want = spec.param ? 2 : 1;
    if (args.length !== want) throw new QueryError(`${op} takes ${want} argument${want > 1 ? "s" : ""}, got ${args.length}`);
    if (spec.param) checkArg(op, args[0], spec.param);
    checkArg(op, args[args.length - 1], "v");
    return { kind: "aggregation", op, args, by };
  }

  private args(): Node[] {
    const args: Node[] = [];
    while (!this.is(")")) {
      args.push(this.expr(0));
      if (!this.is(",")) break;
      this.next();
    }
    return args;
  }

  private call(func: string, sig: Signature): Node {
    this.next();
    this.expect("(");
    const args = this.args();
    this.expect(")");
    const min = sig.args.length - (sig.optional ?? 0);
    if (args.length < min || (!sig.variadic && args.length > sig.args.length)) {
      throw new QueryError(`${func}() takes ${min === sig.args.length ? sig.args.length : `${min} to ${sig.args.length}`} argument(s), got ${args.length}`);
    }
    args.forEach((a, i) => checkArg(func, a, sig.args[Math.min(i, sig.args.length - 1)]));
    // A LogQL range aggregation can also take a grouping after it: `sum_over_time(… | unwrap x [1m]) by (a)`.
    if (this.dialect === "logql" && sig.args.includes("logs-m")) this.grouping();
    return { kind: "call", func, args };
  }
}

/**
 * A matcher's RE2 regex as an anchored JavaScript RegExp, near enough for these checks: RE2's inline
 * flags (`(?i)`, `(?s)`), which JavaScript does not take, become the RegExp's flags.
 */
function anchored(re2: string): RegExp {
  let flags = "";
  const body = re2.replace(/\(\?([imsU]+)\)/g, (_, f: string) => {
    for (const x of f) if ((x === "i" || x === "s") && !flags.includes(x)) flags += x;
    return "";
  });
  return new RegExp(`^(?:${body})$`, flags);
}

function matchesEmpty(m: Matcher): boolean {
  // A Grafana variable stands for a value chosen at query time: treated as non-empty.
  if (/\$|\[\[/.test(m.value)) return m.op === "!=" || m.op === "!~";
  switch (m.op) {
    case "=":
      return m.value === "";
    case "!=":
      return m.value !== "";
    case "=~":
      return anchored(m.value).test("");
    case "!~":
      return !anchored(m.value).test("");
  }
}

/** The value type of an expression. */
export function typeOf(n: Node): ValueType {
  switch (n.kind) {
    case "number":
    case "variable":
      return "scalar";
    case "string":
      return "string";
    case "selector":
      return "vector";
    case "logs":
      return "logs";
    case "matrix":
    case "subquery":
      return "matrix";
    case "call":
      return (PROMQL_FUNCTIONS[n.func] ?? LOGQL_FUNCTIONS[n.func])?.returns ?? "vector";
    case "aggregation":
      return "vector";
    case "unary":
    case "paren":
      return typeOf(n.of);
    case "binary": {
      const [l, r] = [typeOf(n.lhs), typeOf(n.rhs)];
      for (const [side, t] of [["left", l], ["right", r]] as const) {
        if (t !== "scalar" && t !== "vector") throw new QueryError(`binary '${n.op}' needs scalars or instant vectors, the ${side} side is a ${t === "matrix" ? "range vector" : t}`);
      }
      if (["and", "or", "unless"].includes(n.op) && (l !== "vector" || r !== "vector")) throw new QueryError(`'${n.op}' is only defined between instant vectors`);
      return l === "scalar" && r === "scalar" ? "scalar" : "vector";
    }
  }
}

function checkArg(func: string, arg: Node, want: Arg): void {
  const got = typeOf(arg);
  const ok =
    want === "v" ? got === "vector" : want === "m" ? got === "matrix" : want === "s" ? got === "scalar" : want === "str" ? got === "string" : arg.kind === "matrix" && arg.of.kind === "logs";
  if (!ok) {
    const names: Record<Arg, string> = { v: "instant vector", m: "range vector", s: "scalar", str: "string", "logs-m": "log range ({…}[range])" };
    const gotName = got === "matrix" ? "range vector" : got === "vector" ? "instant vector" : got === "logs" ? "log stream" : got;
    throw new QueryError(`${func}: expected ${names[want]}, got ${gotName}`);
  }
}

/** Parse a PromQL or LogQL expression; throws QueryError with the reason. */
export function parseQuery(expr: string, dialect: Dialect): Node {
  const n = new Parser(lex(expr), dialect).parseAll();
  typeOf(n);
  if (dialect === "logql" && n.kind !== "logs" && typeOf(n) === "logs") throw new QueryError("unexpected log stream");
  return n;
}

/** Every node of an expression, each with its ancestors (nearest last). */
export function walk(n: Node, visit: (node: Node, parents: Node[]) => void, parents: Node[] = []): void {
  visit(n, parents);
  const inner = [...parents, n];
  switch (n.kind) {
    case "matrix":
    case "subquery":
    case "unary":
    case "paren":
      walk(n.of, visit, inner);
      break;
    case "call":
    case "aggregation":
      for (const a of n.args) walk(a, visit, inner);
      break;
    case "binary":
      walk(n.lhs, visit, inner);
      walk(n.rhs, visit, inner);
      break;
    default:
      break;
  }
}

/** A selector as PromQL prints it: `name{label="value", …}`. */
export function selectorText(n: Extract<Node, { kind: "selector" }>): string {
  const m = n.matchers.map((x) => `${x.label}${x.op}${JSON.stringify(x.value)}`).join(", ");
  return `${n.name ?? ""}${m || !n.name ? `{${m}}` : ""}`;
}
