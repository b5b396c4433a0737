// Decides which leading plan steps (above a scan) the store runs itself (the push_to_scan rule). Only what
// gives exactly the engine's answer is pushed: comparisons of single-valued fields with constants, ORDER BY on
// single-valued fields, LIMIT, and COUNT/SUM/AVG/MIN/MAX over single-valued whole-number (or, for MIN/MAX, ordered) fields grouped by plain fields.
// Types and constants are the typed tree's (plan/typed.ts): nothing here types an expression.
import type { Order, TypedStats, UnaryPlan } from './plan/logical';
import { TypedExpr } from './plan/typed';
import { CatalogField, PushAgg, PushFilter, PushSort, PushValue, ScanRequest } from './catalog';
import { EvalFailure } from './errors';
import { ExprCompiler } from './compile';
import { DataType, esqlTypeOf, isNumeric, isString } from './types';

type Row = unknown[];

/** A pushed STATS output: a column of the store's row, or an average from its sum and count columns. */
export type AggregateOutput = { at: number } | { sum: number; count: number };

/** The STATS rows from the store's group rows (group values first, then the aggregates): outputs, then groups. */
export function* finishAggregate(rows: Iterable<Row>, outputs: AggregateOutput[], groups: number): Iterable<Row> {
  for (const row of rows) {
    const out = outputs.map((o) => {
      if ('at' in o) return row[o.at];
      const n = row[o.count] as number;
      return n ? Number(row[o.sum]) / n : null;
    });
    for (let g = 0; g < groups; g++) out.push(row[g]);
    yield out;
  }
}

export interface PushdownPlan {
  request: Pick<ScanRequest, 'filter' | 'sort' | 'limit' | 'aggregate'>;
  /** The plan steps the scan already does (they leave the plan). */
  consumed: Set<UnaryPlan>;
  /** When STATS is pushed: how each STATS output is read from the store's group rows. */
  outputs?: AggregateOutput[];
}

const PUSHABLE_TYPES = new Set<DataType>(['integer', 'long', 'double', 'keyword', 'text', 'boolean', 'date']);

/** What of `steps` (the plan above a scan of `fields`, source side first) the store can do itself. */
export function planPushdown(steps: UnaryPlan[], fields: CatalogField[], compiler: ExprCompiler, aggregate = true): PushdownPlan {
  const fieldByName = new Map(fields.map((f) => [f.name, f]));
  // current column name -> source field it still holds unchanged
  let names = new Map<string, CatalogField>(fields.map((f) => [f.name, f]));
  // current column name -> numeric expression over source fields (EVAL results the store can compute)
  let values = new Map<string, TypedValue>();
  const filters: PushFilter[] = [];
  let sort: PushSort[] | undefined;
  let limit: number | undefined;
  const consumed = new Set<UnaryPlan>();
  const plan: PushdownPlan = { request: {}, consumed };
  const field = (name: string): CatalogField | null => {
    const f = names.get(name);
    if (!f || f.multiValued || !PUSHABLE_TYPES.has(esqlTypeOf(f.type)) || !fieldByName.has(f.name)) return null;
    return f;
  };
  const sortKeys = (orders: Order[]): PushSort[] | null => {
    const keys: PushSort[] = [];
    for (const o of orders) {
      const f = o.expr.kind === 'column' ? field(o.expr.name) : null;
      if (!f) return null;
      keys.push({ field: f.name, desc: o.desc, nullsFirst: o.nullsFirst });
    }
    return keys;
  };
  loop:
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    switch (step.kind) {
      case 'filter': {
        if (limit !== undefined) break loop;
        const f = translate(step.condition, field, compiler, values);
        if (!f) break loop;
        filters.push(f);
        consumed.add(step);
        break;
      }
      case 'order_by': case 'top_n': {
        if (limit !== undefined) break loop;
        const keys = sortKeys(step.orders);
        if (!keys) break loop;
        sort = keys;
        if (step.kind === 'top_n') limit = step.count;
        consumed.add(step);
        break;
      }
      case 'limit':
        limit = limit === undefined ? step.count : Math.min(limit, step.count);
        break; // the limit step stays: harmless, and it ends the stream early
      case 'eval':
        for (const f of step.fields) {
          const v = translateValue(f.expr, field, values, compiler) ?? dateBucket(f.expr, field);
          names.delete(f.name);
          if (v) values.set(f.name, v);
          else values.delete(f.name);
        }
        break;
      case 'project': {
        // Each output column holds what its source column held.
        const nextNames = new Map<string, CatalogField>();
        const nextValues = new Map<string, TypedValue>();
        for (const c of step.columns) {
          const f = names.get(c.source);
          const v = values.get(c.source);
          if (f) nextNames.set(c.name, f);
          if (v) nextValues.set(c.name, v);
        }
        names = nextNames;
        values = nextValues;
        break;
      }
      case 'aggregate': {
        if (limit !== undefined || sort || !aggregate) break loop;
        const agg = translateStats(step.command, field, values);
        if (!agg) break loop;
        plan.request.aggregate = agg.request;
        plan.outputs = agg.outputs;
        for (let k = 0; k <= i; k++) consumed.add(steps[k]);
        break loop;
      }
      default:
        break loop;
    }
  }
  if (filters.length) plan.request.filter = filters.length === 1 ? filters[0] : { op: 'and', args: filters };
  if (sort && !plan.request.aggregate) plan.request.sort = sort;
  if (limit !== undefined && !plan.request.aggregate) plan.request.limit = limit;
  return plan;
}

type FieldLookup = (name: string) => CatalogField | null;

/** The store-side value for comparing a field of `fieldType` with a constant, or undefined if not exact. */
function storeValue(fieldType: DataType, c: TypedExpr): number | string | undefined {
  if (!c.constant) return undefined;
  const v = c.constant.value;
  if (v === null || Array.isArray(v) || typeof v === 'bigint') return undefined;
  if (isNumeric(fieldType) && isNumeric(c.type) && typeof v === 'number') return v;
  if (isString(fieldType) && isString(c.type)) return String(v);
  if (fieldType === 'boolean' && c.type === 'boolean') return v ? 1 : 0;
  // (a string compared with a date is already a date constant: implicit casting is the analyser's)
  if (fieldType === 'date' && c.type === 'date' && typeof v === 'number') return v;
  return undefined;
}

const FLIP: Record<string, '==' | '!=' | '<' | '<=' | '>' | '>='> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

interface TypedValue {
  value: PushValue;
  type: 'integer' | 'long' | 'double' | 'date';
}

const DAY_MS = 86400000;

/**
 * DATE_TRUNC(interval, date) or BUCKET(date, interval) over a single-valued date field, when the interval is a
 * fixed number of milliseconds (durations, days, weeks starting on Monday). Months and years stay in JavaScript.
 */
function dateBucket(e: TypedExpr, field: FieldLookup): TypedValue | null {
  if (e.kind !== 'call' || (e.name !== 'date_trunc' && e.name !== 'bucket' && e.name !== 'auto_bucket') || e.args.length !== 2) return null;
  const [dateArg, intervalArg] = e.name === 'date_trunc' ? [e.args[1], e.args[0]] : [e.args[0], e.args[1]];
  if (dateArg.kind !== 'column') return null;
  const f = field(dateArg.name);
  if (!f || esqlTypeOf(f.type) !== 'date') return null;
  if (!intervalArg.constant) return null;
  const v = intervalArg.constant.value as { kind?: string; ms?: number; months?: number; days?: number } | null;
  if (!v || typeof v !== 'object') return null;
  let unit: number;
  let offset = 0;
  if (v.kind === 'duration' && (v.ms ?? 0) > 0) unit = v.ms!;
  else if (v.kind === 'period' && !v.months && (v.days ?? 0) > 0) {
    unit = v.days! * DAY_MS;
    if (v.days === 7) offset = 4 * DAY_MS; // weeks start on Monday (1970-01-05)
    else if (v.days !== 1) return null;
  } else return null;
  return { value: { kind: 'trunc', value: { kind: 'field', field: f.name }, unit, offset }, type: 'date' };
}

/** A numeric expression the store can compute exactly (fields, constants, + - * with overflow checks). */
function translateValue(e: TypedExpr, field: FieldLookup, values: Map<string, TypedValue>, compiler: ExprCompiler): TypedValue | null {
  if (e.constant) {
    const v = e.constant.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || (e.type !== 'integer' && e.type !== 'long' && e.type !== 'double')) return null;
    return { value: { kind: 'const', value: v, double: e.type === 'double' }, type: e.type };
  }
  switch (e.kind) {
    case 'column': {
      const computed = values.get(e.name);
      if (computed) return computed;
      const f = field(e.name);
      if (!f) return null;
      const t = esqlTypeOf(f.type);
      return t === 'integer' || t === 'long' || t === 'double' ? { value: { kind: 'field', field: f.name }, type: t } : null;
    }
    case 'binary': {
      if (e.op !== '+' && e.op !== '-' && e.op !== '*') return null;
      const l = translateValue(e.left, field, values, compiler);
      const r = l && translateValue(e.right, field, values, compiler);
      const type = e.type;
      if (!l || !r || l.type === 'date' || r.type === 'date' || (type !== 'integer' && type !== 'long' && type !== 'double')) return null;
      const ctx = compiler.context(e);
      const message = type === 'double' ? null : overflowMessage(type);
      const onFailure = (): void => ctx.fail(message ?? new EvalFailure('java.lang.ArithmeticException', 'not a finite double number'));
      return { value: { kind: 'arith', op: e.op, left: l.value, right: r.value, type, onFailure }, type };
    }
    default:
      return null;
  }
}

function overflowMessage(type: 'integer' | 'long'): EvalFailure {
  return new EvalFailure('java.lang.ArithmeticException', `${type} overflow`);
}

function translate(e: TypedExpr, field: FieldLookup, compiler: ExprCompiler, values: Map<string, TypedValue>): PushFilter | null {
  switch (e.kind) {
    case 'logical': {
      const l = translate(e.left, field, compiler, values);
      const r = l && translate(e.right, field, compiler, values);
      return l && r ? { op: e.op, args: [l, r] } : null;
    }
    case 'not': {
      const a = translate(e.arg, field, compiler, values);
      return a ? { op: 'not', arg: a } : null;
    }
    case 'isNull': {
      const f = e.arg.kind === 'column' ? field(e.arg.name) : null;
      return f ? { op: e.negated ? 'isnotnull' : 'isnull', field: f.name } : null;
    }
    case 'column': {
      const f = field(e.name);
      return f && esqlTypeOf(f.type) === 'boolean' ? { op: 'cmp', cmp: '==', field: f.name, value: 1 } : null;
    }
    case 'binary': {
      if (!(e.op in FLIP)) return null;
      const usesComputed = (x: TypedExpr): boolean => x.kind === 'binary' || (x.kind === 'column' && values.has(x.name));
      if (usesComputed(e.left) || usesComputed(e.right)) {
        const l = translateValue(e.left, field, values, compiler);
        const r = l && translateValue(e.right, field, values, compiler);
        return l && r && l.type !== 'date' && r.type !== 'date' ? { op: 'compare', cmp: e.op as '==', left: l.value, right: r.value } : null;
      }
      let col = e.left;
      let lit = e.right;
      let op: '==' | '!=' | '<' | '<=' | '>' | '>=' = e.op as '==';
      if (col.kind !== 'column') { [col, lit] = [lit, col]; op = FLIP[op]; }
      if (col.kind !== 'column') return null;
      const f = field(col.name);
      if (!f) return null;
      const v = storeValue(esqlTypeOf(f.type), lit);
      return v === undefined ? null : { op: 'cmp', cmp: op, field: f.name, value: v };
    }
    case 'in': {
      const f = e.arg.kind === 'column' ? field(e.arg.name) : null;
      if (!f) return null;
      const values: (number | string)[] = [];
      for (const item of e.list) {
        const v = storeValue(esqlTypeOf(f.type), item);
        if (v === undefined || v === null) return null;
        values.push(v);
      }
      const inFilter: PushFilter = { op: 'in', field: f.name, values };
      return e.negated ? { op: 'not', arg: inFilter } : inFilter;
    }
    default:
      return null;
  }
}

function translateStats(cmd: TypedStats<'stats'>, field: FieldLookup, values: Map<string, TypedValue>):
  { request: NonNullable<ScanRequest['aggregate']>; outputs: AggregateOutput[] } | null {
  const groups: { value: PushValue; type: string }[] = [];
  for (const g of cmd.groups) {
    // A plain field, an EVAL result the store can compute, or a date bucket written in the BY clause.
    const computed = g.expr.kind === 'column' ? values.get(g.expr.name) : dateBucket(g.expr, field);
    if (computed) {
      groups.push({ value: computed.value, type: computed.type });
      continue;
    }
    if (g.expr.kind !== 'column') return null;
    const f = field(g.expr.name);
    if (!f || esqlTypeOf(f.type) === 'text') return null;
    groups.push({ value: { kind: 'field', field: f.name }, type: f.type });
  }
  const aggs: PushAgg[] = [];
  // For each output aggregate: how to build it from the store's columns.
  const builders: AggregateOutput[] = [];
  const names = [...cmd.aggs.map((a) => a.field.name), ...cmd.groups.map((g) => g.name)];
  if (new Set(names).size !== names.length) return null;
  for (const { field: f, filter } of cmd.aggs) {
    if (filter || f.expr.kind !== 'call') return null;
    const call = f.expr;
    const base = groups.length;
    if (call.name === 'count' && (call.star || call.args.length === 0)) {
      const k = aggs.push({ fn: 'count_star' }) - 1;
      builders.push({ at: base + k });
      continue;
    }
    if (call.args.length !== 1 || call.args[0].kind !== 'column') return null;
    const src = field(call.args[0].name);
    if (!src) return null;
    const t = esqlTypeOf(src.type);
    const whole = t === 'integer' || t === 'long';
    switch (call.name) {
      case 'count': {
        const k = aggs.push({ fn: 'count', field: src.name }) - 1;
        builders.push({ at: base + k });
        break;
      }
      case 'sum': {
        if (!whole) return null;
        const k = aggs.push({ fn: 'sum', field: src.name }) - 1;
        builders.push({ at: base + k });
        break;
      }
      case 'avg': {
        if (!whole) return null;
        const s = aggs.push({ fn: 'sum', field: src.name }) - 1;
        const c = aggs.push({ fn: 'count', field: src.name }) - 1;
        builders.push({ sum: base + s, count: base + c });
        break;
      }
      case 'min': case 'max': {
        if (!(whole || t === 'double' || t === 'date' || t === 'keyword' || t === 'boolean')) return null;
        const k = aggs.push({ fn: call.name, field: src.name }) - 1;
        builders.push({ at: base + k });
        break;
      }
      default:
        return null;
    }
  }
  return {
    request: { groups, aggs },
    outputs: builders,
  };
}
