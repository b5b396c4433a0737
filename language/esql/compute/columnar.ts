// The vectorised path for queries on one index of a store that keeps columns: runs the longest leading part of
// the plan it supports (WHERE, EVAL, KEEP / DROP / RENAME, SORT, LIMIT, top-N, then possibly one STATS) over
// blocks and hands the resulting rows to the row operators for the rest. Anything it cannot do exactly as the row
// engine does — an unsupported expression, an operator meeting a multivalue, a row that would warn — gives
// undefined, and the row engine runs the whole query as before. Multivalues are output as lists, sorted by
// their smallest / largest value, aggregated value by value and grouped into each of their values' groups.
// The work yields between pages and passes over the rows: cells run it in slices (slices.ts).
import { Expr, columnsOf } from '../ast';
import { Column, CompileEnv, ExprCompiler } from '../compile';
import { TypedCall, TypedExpr } from '../plan/typed';
import type { Operator } from '../commands';
import { EsqlCatalog, METADATA_FIELDS } from '../catalog';
import { Plan, Scan, TypedStats, UnaryPlan, toChain } from '../plan/logical';
import { optimize } from '../plan/optimize';
import { RULES, pushToScan } from '../plan/rules';
import { lower } from '../plan/physical';
import { DataType, Duration, Period, isString } from '../types';
import { truncateDate } from '../values';
import { Bail, Block, ColumnNeeded, NumberBlock, Selection, SnapshotChanged, allPositions, valueAt } from './blocks';
import { LayoutColumn, VecContext, VecExpr, compileVector } from './expressions';
import { AggFn, AggInput, GroupInput, hashAggregate } from './aggregate';
import { SortKey, sortSelection } from './topn';
import { FunctionSinks } from './functions';
import { keepTrueInto, runPaged } from './pages';
import { Steps, runInSlices, runNow } from './slices';

type Row = unknown[];

let enabled = true;
let pagesEnabled = true;
/** Turns paged execution of the leading steps off (the bench measures both ways). */
export function setPagesEnabled(on: boolean): void {
  pagesEnabled = on;
}
/** Turns the vectorised path off (the differential test and the bench run the row engine on the same data). */
export function setColumnarEnabled(on: boolean): void {
  enabled = on;
}

/** How often the path ran (and how many commands it took) or handed the query back: tests check it ran. */
export const columnarCounters = { runs: 0, commands: 0, declined: 0, bailed: 0, pages: 0, fusedRuns: 0 };

/**
 * The plan optimised for this path, per analysed plan: a query whose analysis is kept (plan/cache.ts) is not
 * optimised again. Without the push into SQLite these rules read only the plan, the query's length and the
 * function table, all the same for the same analysed plan.
 */
const optimizedPlans = new WeakMap<Plan, Plan>();

/** A query the vectorised path may run: its optimised physical plan and the index its scan reads. */
interface ColumnarPlan {
  scan: Scan;
  physical: ReturnType<typeof lower>;
}

/**
 * The rows of an analysed query, computed by the vectorised path for as many leading steps as it supports and
 * by the row operators for the rest; undefined when it does not apply (then `execute` runs the usual plan).
 * The plan is optimised with every rule but the push into SQLite, so its steps stay steps here.
 */
export function tryColumnar(analysed: Plan, env: CompileEnv, catalog: EsqlCatalog | undefined, signal?: AbortSignal): Row[] | undefined {
  if (!catalog) return undefined;
  const planned = columnarPlan(analysed, env, catalog);
  if (!planned) return undefined;
  return runNow(runColumnar(planned, catalog, env, false), signal);
}

/**
 * The same rows as tryColumnar, computed in ~10 ms slices with turns of the event loop between them (between
 * pages, between passes over the rows). A store that builds columns in slices builds those the plan's
 * expressions read first, in one pass; a run that still reaches an unbuilt column stops, the store builds it,
 * and the run starts again. An abort rejects with the signal's reason at the next slice.
 */
export async function tryColumnarAsync(analysed: Plan, env: CompileEnv, catalog: EsqlCatalog | undefined, signal?: AbortSignal): Promise<Row[] | undefined> {
  if (!catalog) return undefined;
  // Parsing and analysing took a step of their own: a turn of the event loop before optimising for this path.
  await new Promise((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
  const planned = columnarPlan(analysed, env, catalog);
  if (!planned) return undefined;
  if (!catalog.prepareColumnar) return runSliced(planned, catalog, env, false, signal);
  const index = planned.scan.indices[0];
  // The fields the plan's expressions read, and row ids if none are held, in one pass before the first run.
  const fields = new Set(fieldsRead(planned));
  await catalog.prepareColumnar(index, [...fields], signal);
  let deferBuild = true;
  for (;;) {
    try {
      return await runSliced(planned, catalog, env, deferBuild, signal);
    } catch (e) {
      if (!(e instanceof ColumnNeeded)) throw e;
      // Something a pass did not keep (a write came in meanwhile): built on the spot, as without passes.
      if (e.field === null || fields.has(e.field)) { deferBuild = false; continue; }
      fields.add(e.field);
      await catalog.prepareColumnar(index, [...fields], signal);
    }
  }
}

/** Runs in slices; when the columns changed while it paused (a write caught up), once more without pauses. */
async function runSliced(planned: ColumnarPlan, catalog: EsqlCatalog, env: CompileEnv, deferBuild: boolean, signal?: AbortSignal): Promise<Row[] | undefined> {
  try {
    return await runInSlices(runColumnar(planned, catalog, env, deferBuild), signal);
  } catch (e) {
    if (e instanceof SnapshotChanged) return runNow(runColumnar(planned, catalog, env, false), signal);
    throw e;
  }
}

/** The scan's fields that the plan's expressions read (the output alone may be read by row, unbuilt). */
function fieldsRead({ scan, physical }: ColumnarPlan): string[] {
  const names = new Set<string>();
  const add = (e: Expr | undefined): void => { if (e) for (const c of columnsOf(e)) names.add(c); };
  for (const step of physical.steps) {
    switch (step.kind) {
      case 'filter': add(step.condition); break;
      case 'eval': step.fields.forEach((f) => add(f.expr)); break;
      case 'order_by': case 'top_n': step.orders.forEach((o) => add(o.expr)); break;
      case 'aggregate':
        step.command.aggs.forEach((a) => { add(a.field.expr); add(a.filter); });
        step.command.groups.forEach((g) => add(g.expr));
        break;
      default: break;
    }
  }
  return scan.fields.map((f) => f.name).filter((f) => names.has(f));
}

function columnarPlan(analysed: Plan, env: CompileEnv, catalog: EsqlCatalog): ColumnarPlan | undefined {
  if (!enabled || !catalog.columnar) return undefined;
  const first = toChain(analysed)[0];
  if (first.kind !== 'scan' || first.indices.length !== 1) return undefined;
  if (first.schema.some((c) => c.union) || first.fields.some((f) => f.name in METADATA_FIELDS || f.unionTypes)) return undefined;
  try {
    let optimized = optimizedPlans.get(analysed);
    if (!optimized) {
      optimized = optimize(analysed, { env, aggregatePushdown: false }, RULES.filter((r) => r !== pushToScan)).plan;
      optimizedPlans.set(analysed, optimized);
    }
    const scan = toChain(optimized)[0] as Scan;
    if (scan.schema.some((c, i) => c.name !== scan.fields[i]?.name)) return undefined;
    return { scan, physical: lower(optimized, env, catalog) };
  } catch (e) {
    if (e instanceof Bail) { columnarCounters.bailed++; return undefined; }
    throw e;
  }
}

function* runColumnar({ scan, physical }: ColumnarPlan, catalog: EsqlCatalog, env: CompileEnv, deferBuild: boolean): Steps<Row[] | undefined> {
  try {
    const snap = catalog.columnar!(scan.indices[0], { deferBuild });
    if (!snap) return undefined;
    const layout: LayoutColumn[] = scan.schema.map((c, i) => {
      const field = scan.fields[i];
      let block: Block | null = null;
      return {
        name: c.name, type: c.type,
        block: () => {
          if (block) return block;
          block = snap.block(field.name);
          if (!block) throw new Bail(`no block for ${field.name}`);
          return block;
        },
        fetch: (positions) => {
          if (block || snap.built(field.name)) return null;
          return snap.fetch(field.name, positions);
        },
      };
    });
    const sinks = new FunctionSinks(env.query);
    const result = yield* run(physical.steps, physical.operators, layout, snap.length, env, sinks);
    if (!result) { columnarCounters.declined++; return undefined; }
    settleWarnings(sinks, result, physical.steps.slice(result.consumed), env);
    columnarCounters.runs++;
    columnarCounters.commands += result.consumed;
    let stream: Iterable<Row> = result.rows;
    for (const op of physical.operators.slice(result.consumed)) stream = op.run(stream);
    const rows: Row[] = [];
    for (const row of stream) {
      rows.push(row);
      if ((rows.length & 255) === 0) yield;
    }
    if (snap.unchanged && !snap.unchanged()) throw new SnapshotChanged();
    return rows;
  } catch (e) {
    if (e instanceof Bail) { columnarCounters.bailed++; return undefined; }
    throw e;
  }
}

interface Prefix {
  rows: Iterable<Row>;
  /** How many rows `rows` holds. */
  count: number;
  /** Steps (and operators) already applied: the row operators run the rest. */
  consumed: number;
  /** True when the last step applied was a STATS (it read every row before the rest runs). */
  aggregated?: boolean;
}

/**
 * Keeps the warnings function nodes recorded when they are exactly the row engine's, else Bail (the row engine
 * runs the query). The row engine pulls rows one at a time through every step, so its warnings are ours only
 * when one node warned (no interleaving to reproduce), every row it evaluated would have been pulled (no LIMIT
 * cut the rows afterwards), and the row operators after this run cannot warn in between.
 */
function settleWarnings(sinks: FunctionSinks, prefix: Prefix, rest: UnaryPlan[], env: CompileEnv): void {
  if (sinks.failing() > 0) {
    if (sinks.failing() > 1 || sinks.truncated) throw new Bail('function warnings the row engine would interleave');
    if (!prefix.aggregated) {
      for (const step of rest) {
        if (step.kind === 'limit' ? step.count < prefix.count : step.kind !== 'project') throw new Bail('function warnings before row steps');
      }
    }
  }
  for (const w of sinks.list) env.warnings.absorb(w);
}

function* run(steps: UnaryPlan[], ops: Operator[], layout0: LayoutColumn[], n: number, env: CompileEnv, sinks: FunctionSinks): Steps<Prefix | undefined> {
  const scratch = new ExprCompiler({ ...env, failures: [] });
  let layout = layout0;
  let sel: Selection = allPositions(n);
  let i = 0;
  // Leading WHERE / EVAL / KEEP steps run fused, page by page; the steps after them over whole-index blocks.
  const paged = pagesEnabled ? yield* runPaged(steps, ops, layout0, n, scratch, sameColumns, sinks) : undefined;
  if (paged) {
    ({ layout, sel } = paged);
    i = paged.consumed;
    columnarCounters.pages += paged.pages;
    if (paged.fused) columnarCounters.fusedRuns++;
  }
  loop:
  for (; i < steps.length; i++, yield) {
    const step = steps[i];
    const op = ops[i];
    const ctx: VecContext = { scratch, layout, n, sinks };
    switch (step.kind) {
      case 'filter': {
        const c = compileVector(step.condition, ctx);
        if (!c || c.type !== 'boolean') break loop;
        sel = keepTrueInto(sel, c.eval(sel), new Int32Array(sel.length));
        break;
      }
      case 'eval': {
        let next = layout;
        for (const f of step.fields) {
          const c = compileVector(f.expr, { scratch, layout: next, n, sinks });
          if (!c) break loop;
          const block = valuesOf(c, sel);
          next = [...next.filter((l) => l.name !== f.name), { name: f.name, type: c.type, block: () => block }];
        }
        if (!sameColumns(next, op.columns)) break loop;
        layout = next;
        break;
      }
      case 'project': {
        const byName = new Map(layout.map((l) => [l.name, l]));
        if (byName.size !== layout.length) break loop;
        const next = step.columns.map(({ source, name }) => {
          const l = byName.get(source);
          return l && { ...l, name };
        });
        if (!sameColumns(next as LayoutColumn[], op.columns)) break loop;
        layout = next as LayoutColumn[];
        break;
      }
      case 'order_by': case 'top_n': {
        const keys: SortKey[] = [];
        for (const o of step.orders) {
          const c = compileVector(o.expr, ctx);
          if (!c) break loop;
          keys.push({ block: valuesOf(c, sel), type: c.type, desc: o.desc, nullsFirst: o.nullsFirst });
        }
        sel = sortSelection(sel, keys, step.kind === 'top_n' ? step.count : Infinity);
        break;
      }
      case 'limit':
        if (sel.length > step.count) {
          if (sinks.failing() > 0) sinks.truncated = true;
          sel = sel.slice(0, Math.max(0, step.count));
        }
        break;
      case 'aggregate': {
        const rows = yield* stats(step.command, op, { scratch, layout, n, sinks }, sel, env);
        if (!rows) break loop;
        return { rows, count: rows.length, consumed: i + 1, aggregated: true };
      }
      default:
        break loop;
    }
  }
  if (i === 0) return undefined;
  if (!sameColumns(layout, ops[i - 1].columns)) return undefined;
  return { rows: materialize(layout, sel), count: sel.length, consumed: i };
}

function sameColumns(layout: LayoutColumn[], columns: Column[]): boolean {
  return layout.length === columns.length && layout.every((l, k) => l && l.name === columns[k].name && l.type === columns[k].type);
}

/** Few output rows read unbuilt columns by row instead of building them (the first query stays cheap). */
const FETCH_LIMIT = 10000;

function materialize(layout: LayoutColumn[], sel: Selection): Iterable<Row> {
  // Everything is read now, so that a field that cannot be read falls back before any row is handed over.
  const fetched = layout.map((l) => (sel.length <= FETCH_LIMIT && l.fetch ? l.fetch(sel) : null));
  const blocks = layout.map((l, j) => (fetched[j] ? null : l.block()));
  const booleans = layout.map((l) => l.type === 'boolean');
  return (function* rows() {
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
      const pos = sel[k];
      const row = new Array(blocks.length);
      for (let j = 0; j < blocks.length; j++) {
        const b = blocks[j];
        row[j] = b ? valueAt(b, pos, booleans[j]) : fetched[j]![k];
      }
      yield row;
    }
  })();
}

const AGGS: Record<string, AggFn> = { count: 'count', sum: 'sum', avg: 'avg', min: 'min', max: 'max' };

/** STATS with plain aggregates (no per-aggregate WHERE) and no shadowed names, or null. */
function* stats(cmd: TypedStats<'stats'>, op: Operator, ctx: VecContext, sel: Selection, env: CompileEnv): Steps<Row[] | null> {
  const names = [...cmd.aggs.map((a) => a.field.name), ...cmd.groups.map((g) => g.name)];
  if (new Set(names).size !== names.length) return null;
  if (op.columns.length !== names.length || op.columns.some((c, k) => c.name !== names[k])) return null;
  const groups: GroupInput[] = [];
  for (const [k, g] of cmd.groups.entries()) {
    const group = groupBlock(g.expr, ctx, sel, env);
    if (!group) return null;
    const outType = group.type === 'text' ? 'keyword' : group.type;
    if (outType !== op.columns[cmd.aggs.length + k].type) return null;
    groups.push(group);
  }
  const aggs: AggInput[] = [];
  for (const [k, a] of cmd.aggs.entries()) {
    const e = a.field.expr;
    if (a.filter || e.kind !== 'call') return null;
    const def = e.function;
    const fn = def?.kind === 'aggregate' ? AGGS[def.name] : undefined;
    if (!fn) return null;
    const want = op.columns[k].type;
    if (fn === 'count' && (e.star || e.args.length === 0)) {
      if (want !== 'long') return null;
      aggs.push({ fn: 'count_star' });
      continue;
    }
    if (e.args.length !== 1) return null;
    const arg = compileVector(e.args[0], ctx);
    if (!arg) return null;
    if (!aggregateType(fn, arg.type, want)) return null;
    aggs.push({ fn, block: valuesOf(arg, sel), argType: arg.type });
  }
  const { keys, results } = yield* hashAggregate(groups, aggs, sel);
  return results.map((r, g) => [...r, ...keys[g]]);
}

/** True when the vectorised aggregate gives the row engine's result type for this argument type. */
function aggregateType(fn: AggFn, arg: DataType, want: DataType): boolean {
  const numeric = arg === 'integer' || arg === 'long' || arg === 'double';
  switch (fn) {
    case 'count': return want === 'long';
    case 'sum': return numeric && want === (arg === 'double' ? 'double' : 'long');
    case 'avg': return numeric && want === 'double';
    default: return (numeric || arg === 'date' || arg === 'boolean' || isString(arg)) && want === (arg === 'text' ? 'keyword' : arg);
  }
}

/** A grouping's values: BUCKET(field, span) computed here, any other supported expression as compiled. */
function groupBlock(e: TypedExpr, ctx: VecContext, sel: Selection, env: CompileEnv): GroupInput | null {
  if (e.kind === 'call' && e.function?.name === 'bucket') return bucket(e, ctx, sel, env);
  const c = compileVector(e, ctx);
  if (!c) return null;
  return { block: valuesOf(c, sel), type: c.type };
}

/** A column's block with its multivalues, for the operators that read them (SORT, STATS); else the values. */
function valuesOf(c: VecExpr, sel: Selection): Block {
  return c.evalValues ? c.evalValues(sel) : c.eval(sel);
}

function bucket(e: TypedCall, ctx: VecContext, sel: Selection, env: CompileEnv): GroupInput | null {
  if (e.args.length !== 2) return null;
  const rowType = e.type;
  const field = compileVector(e.args[0], ctx);
  const span = e.args[1];
  if (!field || !span.constant) return null;
  const src = field.eval(sel);
  if (src.kind !== 'number') return null;
  const out = new Float64Array(ctx.n);
  const block: NumberBlock = { kind: 'number', values: out, nulls: src.nulls };
  if (field.type === 'date' && rowType === 'date' && (span.type === 'time_duration' || span.type === 'date_period')) {
    const interval = span.constant.value as Duration | Period;
    const zone = env.timeZone;
    if (interval.kind === 'duration' && zone === undefined && interval.ms > 0) {
      const unit = interval.ms;
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; out[i] = Math.floor(src.values[i] / unit) * unit; }
      block.step = unit;
    } else {
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const i = sel[k];
        if (src.nulls && src.nulls[i]) continue;
        try {
          out[i] = truncateDate(src.values[i], interval, zone);
        } catch {
          throw new Bail('BUCKET failed');
        }
      }
    }
    return { block, type: 'date' };
  }
  if ((field.type === 'integer' || field.type === 'long' || field.type === 'double') && rowType === 'double' && typeof span.constant.value === 'number') {
    const s = span.constant.value;
    if (!(s > 0) || !Number.isFinite(s)) return null;
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; out[i] = Math.floor(src.values[i] / s) * s; }
    return { block, type: 'double' };
  }
  return null;
}

