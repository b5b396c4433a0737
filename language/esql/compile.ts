// Expression analysis and compilation: resolves names, types and functions against the input columns, and
// turns each expression into a closure over a row. Failures are collected (not thrown) so that a query
// reports all of its problems at once, as Elasticsearch does.
import { COMPARISONS, ComparisonOp, Expr, SAMPLE_CALL, comparisonHolds, exprChildren, withChildren } from './ast';
import { TypedExpr, typing } from './plan/typed';
import { Failure, MV_FAILURE, Span, lineColumn } from './errors';
import { BuildContext, Compiled, FunctionRegistry, ScalarFunction } from './registry';
import { DataType, Duration, Period, TYPE_ALIASES, UnionValue, isDate, isNumeric, isString, normalizeLong, INT_MAX, INT_MIN } from './types';
import { addInterval, checkInt, comparatorFor, longOp, makeInterval, toDateNanos, toDatetime } from './values';
import { coerceNumber, noText, standardEvaluator, widenNumeric } from './functions';
import { combineDisjunctions } from './disjunctions';
import { dropSubsumedEqualities } from './propagate-equals';
import { arithmeticImpl } from './arithmetic';
import { didYouMean } from './names';
import { Warnings } from './warnings';
import { likeRegex, rlikeRegex } from './functions/patterns';

export { didYouMean };

export interface Column {
  name: string;
  type: DataType;
  /** Set when every row holds this value (a ROW field, an EVAL of a constant): references fold to it. */
  constant?: { value: unknown };
  /** A union-typed field: the ES|QL types of its indices; its values are UnionValues that only a conversion reads. */
  union?: DataType[];
  /**
   * A field of the FROM, unchanged: before any LIMIT, Elasticsearch runs a WHERE comparison of it with a
   * constant as a Lucene query (see ExprCompiler.compileFilter).
   */
  indexed?: boolean;
  /** Set on a source field no expression may read: the rest of "Cannot use field [x] ..." (unusable-fields.ts). */
  unusable?: string;
}

type Row = unknown[];

export interface CompileEnv {
  query: string;
  registry: FunctionRegistry;
  params: unknown[];
  warnings: Warnings;
  failures: Failure[];
  now: number;
  /** `SET time_zone`: date functions read and print local times in it (absent: UTC). */
  timeZone?: string;
}

/** Hook used by STATS: turns an aggregate call into a reference to its result slot. */
export type AggregateHook = (call: Expr & { kind: 'call' }) => Compiled | null;

const DUMMY: Compiled = { type: 'null', fn: () => null, text: '' };

export class ExprCompiler {
  private positional = 0;
  /** Each parse node's typed node, as last compiled (the analyser reads them into the plan). */
  private readonly typedNodes = new WeakMap<Expr, TypedExpr>();
  /** Anonymous parameters keep the position they first took, however often their node is compiled. */
  private readonly positions = new WeakMap<Expr, number>();

  constructor(readonly env: CompileEnv) {}

  /**
   * The typed node of `e` as compiled over `columns`: the one this compiler made, else `e` compiled now
   * (for its type only: failures it meets are not recorded).
   */
  typed(e: Expr, columns: Column[]): TypedExpr {
    const known = this.typedNodes.get(e);
    if (known) return known;
    const failures = this.env.failures.length;
    try {
      return this.compile(e, columns).node!;
    } finally {
      this.env.failures.length = failures;
    }
  }

  /** `e` reads as `as` (an expression the command rewrote before compiling it). */
  typedAs(e: Expr, as: Expr): void {
    const t = this.typedNodes.get(as);
    if (t && e !== as) this.typedNodes.set(e, { ...t, text: e.text, span: e.span });
  }

  fail(span: Span, message: string): Compiled {
    this.env.failures.push({ span, message });
    return { ...DUMMY, type: 'unsupported' };
  }

  /** True while compiling the AND/OR/comparison spine of a WHERE condition (the part Lucene would run). */
  private inFilterQuery = false;

  compile(e: Expr, columns: Column[], aggregate?: AggregateHook): Compiled {
    const outer = this.inFilterQuery;
    if (e.kind !== 'logical' && !(e.kind === 'binary' && COMPARISONS.has(e.op))) this.inFilterQuery = false;
    try {
      const c = this.compileInner(e, columns, aggregate);
      const node = this.bind(e, c, columns);
      this.typedNodes.set(e, node);
      return { ...c, text: e.text, node, source: e };
    } finally {
      this.inFilterQuery = outer;
    }
  }

  /**
   * A WHERE condition. Its comparisons of an indexed field with a constant are Lucene queries in Elasticsearch,
   * which only look at a multivalued document when one of its values matches: then the document is dropped
   * with the multivalue warning; a document none of whose values match is dropped without one.
   */
  compileFilter(e: Expr, columns: Column[]): Compiled {
    this.inFilterQuery = true;
    try {
      return this.compile(e, columns);
    } finally {
      this.inFilterQuery = false;
    }
  }

  /** The typed node of `e` compiled as `c`: its children's typed nodes (compiled just before it) and its typing. */
  private bind(e: Expr, c: Compiled, columns: Column[]): TypedExpr {
    const kids = exprChildren(e).map((k) => this.typed(k, columns));
    const node = { ...withChildren(e, kids), ...typing(c.type, c.constant) } as TypedExpr;
    // (a typed node compiled again keeps only what this compile decided)
    if (!c.constant) delete node.constant;
    if (node.kind === 'call') {
      const f = this.env.registry.lookup(node.name);
      if (f) node.function = f;
    }
    return node;
  }

  /** A compiled operand now read as another type or value (implicit casting): its typed node says so too. */
  private retyped(from: Compiled, to: Compiled): Compiled {
    const node = from.source && this.typedNodes.get(from.source);
    if (node) {
      const retyped = { ...node, ...typing(to.type, to.constant) } as TypedExpr;
      if (!to.constant) delete retyped.constant;
      this.typedNodes.set(from.source!, retyped);
      return { ...to, node: retyped, source: from.source };
    }
    return to;
  }

  private compileInner(e: Expr, columns: Column[], agg?: AggregateHook): Compiled {
    switch (e.kind) {
      case 'literal':
        return constant(e.value, e.literalType as DataType, e.text);
      case 'param':
        return this.param(e);
      case 'column': {
        let i = -1;
        for (let k = columns.length - 1; k >= 0; k--) if (columns[k].name === e.name) { i = k; break; }
        if (i < 0) return this.fail(e.span, `Unknown column [${e.name}]${didYouMean(e.name, columns.map((c) => c.name))}`);
        if (columns[i].unusable) return this.fail(e.span, `Cannot use field [${e.name}] ${columns[i].unusable}`);
        const type = columns[i].type;
        // Elasticsearch propagates foldable ROW and EVAL values into later expressions (PropagateEvalFoldables).
        const known = columns[i].constant;
        if (known) return { ...constant(known.value, type, e.text), column: true };
        return { type, fn: (row) => row[i], text: e.text, ...(columns[i].indexed ? { indexed: true } : {}) };
      }
      case 'array':
        return this.array(e);
      case 'interval': {
        const amount = this.compile(e.amount, columns);
        const n = amount.constant?.value;
        if (typeof n !== 'number' || !Number.isInteger(n)) return this.fail(e.span, `Interval amount must be a whole number, found [${e.amount.text}]`);
        const iv = makeInterval(n, e.unit);
        if (!iv) return this.fail(e.span, `Unexpected temporal unit: '${e.unit}'`);
        return constant(iv.value, iv.type, e.text);
      }
      case 'neg':
        return this.negate(e, this.compile(e.arg, columns, agg));
      case 'not': {
        const a = this.compile(e.arg, columns, agg);
        if (a.type !== 'boolean' && a.type !== 'null' && a.type !== 'unsupported') {
          return this.fail(e.span, `argument of [${e.text}] must be [boolean], found value [${a.text}] type [${a.type}]`);
        }
        const ctx = this.context(e);
        return this.foldable([a], { type: 'boolean', text: e.text, fn: (row) => {
          const v = a.fn(row);
          if (v === null || v === undefined) return null;
          if (Array.isArray(v)) { ctx.fail(MV_FAILURE()); return null; }
          return !v;
        } });
      }
      case 'logical': {
        const failures = this.env.failures.length;
        const l = this.compile(e.left, columns, agg);
        const r = this.compile(e.right, columns, agg);
        if (e.op === 'or' && !e.combined) {
          // The parts' typed nodes say which are constants, foldable and ips (an aggregate inside is not compiled twice).
          const typed = (x: Expr): TypedExpr => this.typed(x, columns);
          const narrowed = agg ? e : dropSubsumedEqualities(e, { constant: (x) => typed(x).constant });
          const rewritten = narrowed !== e || agg ? narrowed : combineDisjunctions(e, {
            foldable: (x) => !!typed(x).constant,
            isIp: (x) => typed(x).type === 'ip',
          });
          if (rewritten !== e) {
            // The rewritten OR reports its own failures (worded after its parts).
            this.env.failures.length = failures;
            return this.compile(rewritten, columns, agg);
          }
        }
        return this.logical(e, l, r);
      }
      case 'isNull': {
        const a = this.compile(e.arg, columns, agg);
        const neg = e.negated;
        return this.foldable([a], { type: 'boolean', text: e.text, fn: (row) => {
          const v = a.fn(row);
          return (v === null || v === undefined) !== neg;
        } });
      }
      case 'binary':
        return this.binary(e, this.compile(e.left, columns, agg), this.compile(e.right, columns, agg));
      case 'in':
        return this.inList(e, this.compile(e.arg, columns, agg), e.list.map((x) => this.compile(x, columns, agg)));
      case 'like':
        return this.like(e, this.compile(e.arg, columns, agg), e.patterns.map((p) => this.compile(p, columns)));
      case 'cast': {
        const fn = castFunction(e.to);
        const f = fn ? this.env.registry.lookup(fn) as ScalarFunction : undefined;
        return (f && this.unionConversion(f, e, e.arg, columns)) ?? this.cast(e, this.compile(e.arg, columns, agg));
      }
      case 'call':
        return this.call(e, columns, agg);
    }
  }

  /** Marks a compiled expression constant when every input is, evaluating it once without side effects. */
  private foldable(inputs: Compiled[], c: Compiled, ctxFailed?: { failed: boolean }): Compiled {
    if (inputs.every((i) => i.constant) && !ctxFailed?.failed) {
      const probe = { failed: false };
      const value = this.withProbe(probe, () => c.fn([]));
      if (!probe.failed) return { ...c, constant: { value } };
    }
    return c;
  }

  private probe: { failed: boolean } | null = null;

  private withProbe<T>(probe: { failed: boolean }, f: () => T): T {
    const saved = this.probe;
    this.probe = probe;
    try {
      return f();
    } finally {
      this.probe = saved;
    }
  }

  /** Per-expression warning sink (suppressed while probing constants at compile time). */
  context(e: { span: Span; text: string }): BuildContext {
    const warnings = this.env.warnings;
    return {
      now: this.env.now,
      timeZone: this.env.timeZone,
      text: e.text,
      fail: (f, treatedAs) => {
        if (this.probe) { this.probe.failed = true; return; }
        warnings.record(e.span, e.text, f, treatedAs);
      },
      note: (message) => warnings.note(`note:${message}`, message),
    };
  }

  private param(e: Expr & { kind: 'param' }): Compiled {
    const params = this.env.params;
    let value: unknown;
    if (e.name !== undefined) {
      const found = params.find((p) => p !== null && typeof p === 'object' && !Array.isArray(p) && e.name! in (p as object));
      if (!found) return this.fail(e.span, `Unknown query parameter [${e.name}]`);
      value = (found as Record<string, unknown>)[e.name];
    } else {
      const index = e.index ?? this.positions.get(e) ?? ++this.positional;
      this.positions.set(e, index);
      if (index < 1 || index > params.length) {
        return this.fail(e.span, `No parameter is defined for position ${index}, did you mean any position between 1 and ${params.length}?`);
      }
      value = params[index - 1];
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
        value = Object.values(value as object)[0];
      }
    }
    if (value instanceof Date) return constant(value.getTime(), 'date', e.text);
    if (Array.isArray(value)) {
      const items = value.map((v) => paramType(v));
      const type = items.reduce<DataType>((t, i) => (t === 'null' ? i.type : widenNumeric([t, i.type]) ?? t), 'null');
      const vals = items.map((i) => i.value).filter((v) => v !== null);
      return constant(vals.length === 0 ? null : vals.length === 1 ? vals[0] : vals, type, e.text);
    }
    const { value: v, type } = paramType(value);
    return constant(v, type, e.text);
  }

  private array(e: Expr & { kind: 'array' }): Compiled {
    const items = e.items.map((i) => this.compile(i, []));
    let type: DataType = 'null';
    const whole = new Set<DataType>(['integer', 'long', 'unsigned_long']);
    if (items.some((i) => i.type === 'unsigned_long') && items.every((i) => whole.has(i.type) || i.type === 'null')) {
      const values = items.map((i) => i.constant?.value ?? null).filter((v) => v !== null);
      return constant(values.length === 1 ? values[0] : values, 'unsigned_long', e.text);
    }
    for (const it of items) {
      if (it.type === 'null') continue;
      if (type === 'null') type = it.type;
      else if (type !== it.type) {
        const w = widenNumeric([type, it.type]);
        if (!w) return this.fail(e.span, `multi-valued literal values must be of the same type, found [${type}] and [${it.type}]`);
        type = w;
      }
    }
    const values = items.map((i) => coerceNumber(i.constant?.value ?? null, i.type, type)).filter((v) => v !== null);
    return constant(values.length === 0 ? null : values.length === 1 ? values[0] : values, type, e.text);
  }

  private negate(e: Expr & { kind: 'neg' }, a: Compiled): Compiled {
    const ctx = this.context(e);
    const t = a.type;
    if (t === 'time_duration') return constant({ kind: 'duration', ms: -(a.constant?.value as Duration).ms }, t, e.text);
    if (t === 'date_period') {
      const p = a.constant?.value as Period;
      return constant({ kind: 'period', months: -p.months, days: -p.days }, t, e.text);
    }
    if (!isNumeric(t) && t !== 'null' && t !== 'unsupported') {
      return this.fail(e.span, `argument of [${e.text}] must be [numeric, date_period or time_duration], found value [${a.text}] type [${t}]`);
    }
    if (t === 'unsigned_long') return this.fail(e.span, `argument of [${e.text}] must be [numeric, date_period or time_duration], found value [${a.text}] type [${t}]`);
    const impl = (v: unknown): unknown => {
      if (t === 'integer') return checkInt(-(v as number));
      if (t === 'long') return longOp('-', 0, v, 'long');
      return -(v as number);
    };
    return this.foldable([a], { type: t, text: e.text, fn: standardEvaluator([a], ctx, ([v]) => impl(v)) });
  }

  private logical(e: Expr & { kind: 'logical' }, l: Compiled, r: Compiled): Compiled {
    for (const [side, c] of [['first', l], ['second', r]] as const) {
      if (c.type !== 'boolean' && c.type !== 'null' && c.type !== 'unsupported') {
        return this.fail(e.span, `${side} argument of [${e.text}] must be [boolean], found value [${c.text}] type [${c.type}]`);
      }
    }
    const ctx = this.context(e);
    const value = (f: (row: Row) => unknown, row: Row): unknown => {
      const v = f(row);
      if (Array.isArray(v)) { ctx.fail(MV_FAILURE()); return null; }
      return v ?? null;
    };
    const lf = l.fn;
    const rf = r.fn;
    // Both sides are always evaluated (as Elasticsearch's vectorised evaluators do), so warnings match.
    const fn = e.op === 'and'
      ? (row: Row) => {
        const a = value(lf, row);
        const b = value(rf, row);
        if (a === false || b === false) return false;
        return a === null || b === null ? null : true;
      }
      : (row: Row) => {
        const a = value(lf, row);
        const b = value(rf, row);
        if (a === true || b === true) return true;
        return a === null || b === null ? null : false;
      };
    return this.foldable([l, r], { type: 'boolean', text: e.text, fn });
  }

  /** Makes a string constant comparable with a date/ip/version operand (ES|QL's implicit casting). */
  private coerceLiteral(other: Compiled, c: Compiled, span: Span): Compiled {
    if (!c.constant || !isString(c.type)) return c;
    if (isDate(other.type)) {
      const v = c.constant.value;
      const conv = (s: unknown): number => (other.type === 'date' ? toDatetime(s, 'keyword') : toDateNanos(s, 'keyword'));
      try {
        const value = Array.isArray(v) ? v.map(conv) : v === null ? null : conv(v);
        return this.retyped(c, constant(value, other.type, c.text));
      } catch (err) {
        this.fail(span, `Cannot convert string [${String(v)}] to [${other.type === 'date' ? 'DATETIME' : 'DATE_NANOS'}], error [${(err as Error).message}]`);
        return c;
      }
    }
    if (other.type === 'ip' || other.type === 'version') return this.retyped(c, { ...c, type: other.type });
    return c;
  }

  private binary(e: Expr & { kind: 'binary' }, l0: Compiled, r0: Compiled): Compiled {
    const op = e.op;
    const ctx = this.context(e);
    if (op === '+' || op === '-' || op === '*' || op === '/' || op === '%') return this.arithmetic(e, l0, r0);
    // comparison
    const l = this.coerceLiteral(r0, l0, e.span);
    const r = this.coerceLiteral(l0, r0, e.span);
    const lt = l.type;
    const rt = r.type;
    if (lt === 'unsupported' || rt === 'unsupported') return { ...DUMMY, type: 'boolean' };
    let cmpType: DataType = lt === 'null' ? rt : lt;
    if (lt !== 'null' && rt !== 'null') {
      const compatible = lt === rt || (isNumeric(lt) && isNumeric(rt) && widenNumeric([lt, rt]) !== null) ||
        (isString(lt) && isString(rt)) || (isDate(lt) && isDate(rt));
      if (!compatible) {
        return this.fail(e.span, `first argument of [${e.text}] is [${lt}] so second argument must also be [${lt}] but was [${rt}]`);
      }
      cmpType = isNumeric(lt) && isNumeric(rt) ? (widenNumeric([lt, rt]) as DataType) : isDate(lt) ? 'date' : noText(lt);
    }
    if (lt === 'null' || rt === 'null') return constant(null, 'boolean', e.text);
    if (op === '=~') {
      if (!isString(lt)) return this.fail(e.span, `first argument of [${e.text}] must be [string], found value [${l.text}] type [${lt}]`);
      return this.foldable([l, r], { type: 'boolean', text: e.text, fn: standardEvaluator([l, r], ctx, ([a, b]) => String(a).toLowerCase() === String(b).toLowerCase()) });
    }
    const cmp = comparatorFor(cmpType);
    const test = (c: number): boolean => comparisonHolds(op as ComparisonOp, c);
    const fn = standardEvaluator([l, r], ctx, ([a, b]) => test(cmp(a, b)));
    const field = l.indexed && r.constant ? l : r.indexed && l.constant ? r : undefined;
    if (this.inFilterQuery && field && op !== '!=') {
      // As a Lucene query: a multivalued document warns only when one of its values matches.
      const k = (field === l ? r : l).constant!.value;
      const holds = field === l ? (x: unknown) => test(cmp(x, k)) : (x: unknown) => test(cmp(k, x));
      const read = field.fn;
      return {
        type: 'boolean', text: e.text,
        fn: (row) => {
          const v = read(row);
          if (!Array.isArray(v)) return fn(row);
          if (k !== null && v.some((x) => x !== null && holds(x))) ctx.fail(MV_FAILURE());
          return null;
        },
      };
    }
    return this.foldable([l, r], { type: 'boolean', text: e.text, fn });
  }

  private arithmetic(e: Expr & { kind: 'binary' }, l0: Compiled, r0: Compiled): Compiled {
    const op = e.op as '+' | '-' | '*' | '/' | '%';
    const ctx = this.context(e);
    // A string literal added to (or minus) a time interval is read as a date.
    const interval = (c: Compiled): boolean => c.type === 'time_duration' || c.type === 'date_period';
    const asDate: Compiled = { ...DUMMY, type: 'date' };
    const l = (op === '+' || op === '-') && interval(r0) ? this.coerceLiteral(asDate, l0, e.span) : l0;
    const r = op === '+' && interval(l0) ? this.coerceLiteral(asDate, r0, e.span) : r0;
    const lt = l.type;
    const rt = r.type;
    if (lt === 'unsupported' || rt === 'unsupported') return { ...DUMMY, type: 'unsupported' };
    const temporal = (t: DataType): boolean => t === 'time_duration' || t === 'date_period';
    // Date math with a null operand is null, typed as the other side.
    if ((op === '+' || op === '-') && (lt === 'null' || rt === 'null') && (isDate(lt) || isDate(rt) || temporal(lt) || temporal(rt))) {
      return constant(null, lt === 'null' ? rt : lt, e.text);
    }
    // date +/- interval (a date_nanos stays one)
    if ((op === '+' || op === '-') && (isDate(lt) && temporal(rt) || (op === '+' && temporal(lt) && isDate(rt)))) {
      const [d, iv] = isDate(lt) ? [l, r] : [r, l];
      const sign = op === '-' ? -1 : 1;
      // A date_period moves the local calendar date in the query's time zone (`SET time_zone`).
      const zone = this.env.timeZone;
      return this.foldable([l, r], { type: d.type, text: e.text, fn: standardEvaluator([d, iv], ctx, ([dv, ivv]) => addInterval(dv as number, ivv as Duration | Period, sign, zone)) });
    }
    if ((op === '+' || op === '-') && temporal(lt) && lt === rt && l.constant && r.constant) {
      const sign = op === '-' ? -1 : 1;
      if (lt === 'time_duration') return constant({ kind: 'duration', ms: (l.constant.value as Duration).ms + sign * (r.constant.value as Duration).ms }, lt, e.text);
      const a = l.constant.value as Period;
      const b = r.constant.value as Period;
      return constant({ kind: 'period', months: a.months + sign * b.months, days: a.days + sign * b.days }, lt, e.text);
    }
    const numericOrNull = (t: DataType): boolean => isNumeric(t) || t === 'null';
    if (!numericOrNull(lt) || !numericOrNull(rt)) {
      const bad = !numericOrNull(lt) ? l : r;
      const which = bad === l ? 'first' : 'second';
      const allowed = op === '+' || op === '-' ? 'date_nanos, datetime or numeric' : 'numeric';
      return this.fail(e.span, `${which} argument of [${e.text}] must be [${allowed}], found value [${bad.text}] type [${bad.type}]`);
    }
    let type: DataType;
    if (lt === 'null' && rt === 'null') type = 'null';
    else if (lt === 'null') type = rt;
    else if (rt === 'null') type = lt;
    else {
      const w = widenNumeric([lt, rt]);
      if (!w) return this.fail(e.span, `[${op}] has arguments with incompatible types [${lt}] and [${rt}]`);
      type = w;
    }
    if (type === 'null' || lt === 'null' || rt === 'null') return constant(null, type, e.text);
    const impl = arithmeticImpl(op, type);
    const lc = { ...l, fn: (row: Row) => coerceNumber(l.fn(row), lt, type) };
    const rc = { ...r, fn: (row: Row) => coerceNumber(r.fn(row), rt, type) };
    return this.foldable([l, r], { type, text: e.text, fn: standardEvaluator([lc, rc], ctx, ([a, b]) => impl(a, b)) });
  }

  private inList(e: Expr & { kind: 'in' }, arg: Compiled, list0: Compiled[]): Compiled {
    const ctx = this.context(e);
    const list = list0.map((x) => this.coerceLiteral(arg, x, e.span));
    for (const item of list) {
      if (item.type === 'null' || arg.type === 'null' || item.type === 'unsupported') continue;
      const ok = item.type === arg.type || (isNumeric(item.type) && isNumeric(arg.type)) || (isString(item.type) && isString(arg.type));
      if (!ok) {
        return this.fail(e.span, `${'first'} argument of [${e.text}] must be [${arg.type}], found value [${item.text}] type [${item.type}]`);
      }
    }
    const cmpType = isNumeric(arg.type) ? 'double' : noText(arg.type);
    const cmp = comparatorFor(cmpType);
    const neg = e.negated;
    const argFn = arg.fn;
    const fns = list.map((c) => c.fn);
    return this.foldable([arg, ...list], { type: 'boolean', text: e.text, fn: (row) => {
      const v = argFn(row);
      if (v === null || v === undefined) return null;
      if (Array.isArray(v)) { ctx.fail(MV_FAILURE()); return null; }
      let sawNull = false;
      for (const f of fns) {
        const x = f(row);
        if (x === null || x === undefined) { sawNull = true; continue; }
        if (Array.isArray(x)) { ctx.fail(MV_FAILURE()); sawNull = true; continue; }
        if (cmp(v, x) === 0) return !neg;
      }
      return sawNull ? null : neg;
    } });
  }

  private like(e: Expr & { kind: 'like' }, arg: Compiled, patterns: Compiled[]): Compiled {
    if (!isString(arg.type) && arg.type !== 'null') {
      return this.fail(e.span, `first argument of [${e.text}] must be [string], found value [${arg.text}] type [${arg.type}]`);
    }
    // Elasticsearch rewrites a pattern that matches everything (LIKE "*", RLIKE ".*") to IS NOT NULL, so the
    // negation keeps exactly the nulls.
    if (patterns.some((p) => p.constant?.value === (e.rlike ? '.*' : '*'))) {
      const argFn = arg.fn;
      const neg = e.negated;
      return this.foldable([arg], { type: 'boolean', text: e.text, fn: (row) => {
        const v = argFn(row);
        return (v !== null && v !== undefined) !== neg;
      } });
    }
    const regexes: RegExp[] = [];
    for (const p of patterns) {
      if (!p.constant || typeof p.constant.value !== 'string') return this.fail(e.span, `pattern of [${e.text}] must be a string literal`);
      regexes.push(e.rlike ? rlikeRegex(p.constant.value) : likeRegex(p.constant.value));
    }
    const ctx = this.context(e);
    const neg = e.negated;
    return this.foldable([arg], { type: 'boolean', text: e.text, fn: standardEvaluator([arg], ctx, ([s]) => regexes.some((re) => re.test(String(s))) !== neg) });
  }

  /**
   * A conversion of a union-typed field (Elasticsearch's union types): each row's value is converted from the
   * type its index maps the field to. Null when `arg` is not such a field.
   */
  private unionConversion(f: ScalarFunction, e: { span: Span; text: string }, arg: Expr, columns: Column[]): Compiled | null {
    if (arg.kind !== 'column') return null;
    let i = -1;
    for (let k = columns.length - 1; k >= 0; k--) if (columns[k].name === arg.name) { i = k; break; }
    const from = i >= 0 ? columns[i].union : undefined;
    if (!from) return null;
    const convs = new Map<DataType, Compiled>();
    for (const t of from) convs.set(t, this.applyScalar(f, e, [{ type: t, fn: (row) => row[0], text: arg.text }]));
    const all = [...convs.values()];
    const bad = all.find((c) => c.type === 'unsupported');
    if (bad) return bad;
    return {
      type: all[0].type, text: e.text,
      fn: (row) => {
        const v = row[i];
        return v instanceof UnionValue ? convs.get(v.type)!.fn([v.value]) : null;
      },
    };
  }

  private cast(e: Expr & { kind: 'cast' }, a: Compiled): Compiled {
    const target = TYPE_ALIASES[e.to];
    const name = castFunction(e.to);
    if (!name) return this.fail(e.span, `Unsupported conversion to type [${e.to.toUpperCase()}]`);
    if (a.type === target) return { ...a, text: e.text };
    const f = this.env.registry.lookup(name) as ScalarFunction;
    return this.applyScalar(f, e, [a]);
  }

  private call(e: Expr & { kind: 'call' }, columns: Column[], agg?: AggregateHook): Compiled {
    if (e.name === SAMPLE_CALL) {
      const p = e.args[0].kind === 'literal' ? e.args[0].value as number : 0;
      return { type: 'boolean', text: e.text, fn: () => Math.random() < p };
    }
    const f = this.env.registry.lookup(e.name);
    if (!f) return this.fail(e.span, `Unknown function [${e.name}]`);
    if (f.kind === 'scalar' && f.category === 'conversion' && e.args.length === 1) {
      const u = this.unionConversion(f, e, e.args[0], columns);
      if (u) return u;
    }
    if (f.kind === 'aggregate') {
      if (!agg) {
        return this.fail(e.span, `aggregate function [${e.text}] not allowed outside STATS command`);
      }
      return agg(e) ?? { ...DUMMY, type: 'unsupported' };
    }
    if (f.compileCall) return f.compileCall(e, columns, this);
    const args = e.args.map((a) => this.compile(a, columns, agg));
    if (f.name === 'case') this.warnNullArms(e, args);
    return this.applyScalar(f, e, args);
  }

  /** A CASE value that can only be null (e.g. `1 + null`) is almost certainly a mistake: Elasticsearch warns. */
  private warnNullArms(e: Expr & { kind: 'call' }, args: Compiled[]): void {
    args.forEach((a, i) => {
      const isValue = i % 2 === 1 || (i === args.length - 1 && args.length % 2 === 1);
      const node = e.args[i];
      if (!isValue || node.kind === 'literal' || !a.constant || a.constant.value !== null) return;
      const { line, column } = lineColumn(this.env.query, node.span.start);
      this.env.warnings.note(`null:${node.span.start}`, `Line ${line}:${column}: Expression [${node.text}] always evaluates to NULL.`);
    });
  }

  applyScalar(f: ScalarFunction, e: { span: Span; text: string }, args0: Compiled[]): Compiled {
    // String literals where a function takes a date are read as dates (ES|QL's implicit casting).
    const dateAt = DATE_PARAMETERS[f.name]?.(args0.length) ?? [];
    const args = args0.map((a, i) => (dateAt.includes(i) ? this.coerceLiteral({ ...DUMMY, type: 'date' }, a, e.span) : a));
    if (args.length < f.minArgs || args.length > f.maxArgs) {
      const expected = f.minArgs === f.maxArgs ? `${f.minArgs}` : `${f.minArgs}..${f.maxArgs}`;
      return this.fail(e.span, `error building [${f.name}]: expects ${f.minArgs === f.maxArgs ? 'exactly' : 'between'} ${expected.replace('..', ' and ')} argument${f.maxArgs === 1 ? '' : 's'}`);
    }
    if (args.some((a) => a.type === 'unsupported')) return { ...DUMMY, type: 'unsupported' };
    const resolved = f.resolve(args.map((a) => a.type), args);
    if (!isDataType(resolved)) return this.fail(e.span, resolved);
    const type = resolved;
    const ctx = this.context(e);
    let fn: (row: Row) => unknown;
    if (f.build) fn = f.build(args, ctx, type);
    else {
      const impl = f.impl!;
      fn = standardEvaluator(args, ctx, impl);
    }
    const c: Compiled = { type, fn, text: e.text };
    if (f.name === 'now') return { ...c, constant: { value: this.env.now } };
    return this.foldable(args, c);
  }
}

const CAST_FUNCTIONS: Partial<Record<DataType, string>> = {
  boolean: 'to_boolean', integer: 'to_integer', long: 'to_long', double: 'to_double', keyword: 'to_string',
  text: 'to_string', date: 'to_datetime', date_nanos: 'to_date_nanos', ip: 'to_ip', version: 'to_version', unsigned_long: 'to_unsigned_long',
  date_period: 'to_dateperiod', time_duration: 'to_timeduration', geo_point: 'to_geopoint', geo_shape: 'to_geoshape',
  cartesian_point: 'to_cartesianpoint', cartesian_shape: 'to_cartesianshape',
};

/** The conversion function behind `x::type`. */
function castFunction(to: string): string | undefined {
  const target = TYPE_ALIASES[to];
  return target ? CAST_FUNCTIONS[target] : undefined;
}

/** Argument positions that take a date, per function (by argument count where it varies). */
const DATE_PARAMETERS: Record<string, (arity: number) => number[]> = {
  date_diff: () => [1, 2],
  date_trunc: () => [1],
  date_extract: () => [1],
  date_format: (n) => [n - 1],
  day_name: () => [0],
  month_name: () => [0],
};

const DATA_TYPES = new Set<string>(Object.values(TYPE_ALIASES));
function isDataType(s: string): s is DataType {
  return DATA_TYPES.has(s);
}

export function constant(value: unknown, type: DataType, text: string): Compiled {
  return { type, fn: () => value, constant: { value }, text };
}


export function paramType(v: unknown): { value: unknown; type: DataType } {
  if (v === null || v === undefined) return { value: null, type: 'null' };
  if (typeof v === 'boolean') return { value: v, type: 'boolean' };
  if (typeof v === 'bigint') return { value: normalizeLong(v), type: 'long' };
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return { value: v, type: v >= INT_MIN && v <= INT_MAX ? 'integer' : 'long' };
    return { value: v, type: 'double' };
  }
  if (v instanceof Date) return { value: v.getTime(), type: 'date' };
  return { value: typeof v === 'object' ? JSON.stringify(v) : String(v), type: 'keyword' };
}
