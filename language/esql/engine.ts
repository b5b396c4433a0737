// The embedded ES|QL engine, a driver over the stages in plan/: parse -> analyse into a logical plan (names,
// types, functions; all failures collected) -> optimize with the ordered rules (plan/rules.ts: implicit limit,
// combined filters, top-N, pruned fields, work pushed into the store's scan) -> lower to row operators
// (plan/physical.ts) -> execute. `EXPLAIN query` prints the plans instead of running them. A repeated query's
// analysis is reused (plan/cache.ts); the last two stages are made only when the row engine runs.
import { Command, Expr, Query } from './ast';
import { parseQuery } from './parse';
import { EsqlError, lineColumn } from './errors';
import { sortBeforeJoinWarnings } from './join';
import { CompileEnv, ExprCompiler } from './compile';
import { Warnings } from './warnings';
import { FunctionRegistry } from './registry';
import { defineScalarFunctions } from './functions';
import { toResponseValue } from './types';
import { EsqlCatalog } from './catalog';
import { bucketCompile } from './bucket';
import { tryColumnar, tryColumnarAsync } from './compute/columnar';
import { Plan } from './plan/logical';
import { analyse, normalize } from './plan/analyse';
import { Optimized, optimize } from './plan/optimize';
import { PhysicalPlan, execute, executeAsync, lower } from './plan/physical';
import { explainLogical, explainPhysical } from './plan/explain';
import { RecordingCatalog, planCacheFor } from './plan/cache';
import type { EsqlResult } from '../store/store';

let registry: FunctionRegistry | null = null;

/** The ES|QL function table (one instance, built on first use). */
export function esqlFunctions(): FunctionRegistry {
  if (!registry) {
    registry = new FunctionRegistry();
    defineScalarFunctions(registry);
    registry.define({
      kind: 'scalar', name: 'bucket', aliases: ['auto_bucket', 'bin'], category: 'grouping', minArgs: 2, maxArgs: 4, compileCall: bucketCompile,
      signature: 'BUCKET(field, span | buckets, [from, to]) -> type of field',
      doc: 'Rounds dates or numbers down to buckets of a span, or of a size chosen to give about `buckets` buckets between from and to.', resolve: () => 'unsupported',
    });
  }
  return registry;
}

export interface RunOptions {
  catalog?: EsqlCatalog;
  params?: unknown[];
  signal?: AbortSignal;
  /** Fixed clock for NOW() (tests). */
  now?: number;
  /** Keep whole numbers beyond 2^53 exact, as bigints (by default they are numbers, as a JSON client reads them). */
  exactLongs?: boolean;
  /** Run STATS in JavaScript even when the store could aggregate (used to recover from an SQL overflow). */
  noAggregatePushdown?: boolean;
  /** Called just before the query reads (the embedded store commits its open batch: no uncommitted rows). */
  beforeRead?: () => void;
}

type Row = unknown[];

/**
 * Runs a query without holding the event loop for long (heartbeats and interrupts get their turns): the rows
 * are pulled in ~10 ms slices, a big blocking scan runs on the store's scan thread, and an abort of `signal`
 * ends it with the signal's reason. The rows are those of runEsqlSync.
 */
export async function runEsql(text: string, options: RunOptions = {}): Promise<EsqlResult> {
  await new Promise((resolve) => setImmediate(resolve));
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
  options.beforeRead?.();
  const explain = explainPrefix(text);
  const stages = plan(explain.queryText, options);
  if (explain.found) return explainResult(stages, explain.typed);
  let rows: Row[];
  try {
    // Queries the vectorised path supports run over the store's columns (compute/); the rest in slices.
    rows = await tryColumnarAsync(stages.analysed, stages.env, options.catalog, options.signal) ?? await executeAsync(stages.physical, options.catalog, options.signal);
  } catch (e) {
    if (retryWithoutPushdown(e, options)) return runEsql(text, { ...options, noAggregatePushdown: true, beforeRead: undefined });
    throw e;
  }
  return result(stages, rows, options);
}

export function runEsqlSync(text: string, options: RunOptions = {}): EsqlResult {
  const explain = explainPrefix(text);
  const stages = plan(explain.queryText, options);
  if (explain.found) return explainResult(stages, explain.typed);
  let rows: Row[];
  try {
    // Queries the vectorised path supports run over the store's columns (compute/); the rest as planned.
    rows = tryColumnar(stages.analysed, stages.env, options.catalog, options.signal) ?? execute(stages.physical, options.catalog, options.signal);
  } catch (e) {
    if (retryWithoutPushdown(e, options)) return runEsqlSync(text, { ...options, noAggregatePushdown: true });
    throw e;
  }
  return result(stages, rows, options);
}

/** EXPLAIN is blanked out rather than cut off, so that positions in messages still point into the cell. */
function explainPrefix(text: string): { found: boolean; typed: boolean; queryText: string } {
  const explain = /^\s*explain\s+(typed\s+)?/i.exec(text);
  return { found: !!explain, typed: !!explain?.[1], queryText: explain ? ' '.repeat(explain[0].length) + text.slice(explain[0].length) : text };
}

/** SQLite's SUM fails on a 64-bit overflow where ES|QL answers null with a warning: aggregate here instead. */
function retryWithoutPushdown(e: unknown, options: RunOptions): boolean {
  return !options.noAggregatePushdown && /integer overflow/i.test((e as Error)?.message ?? '');
}

function result(stages: QueryStages, rows: Row[], options: RunOptions): EsqlResult {
  // Every rule and the lowering keep the analysed output columns (names and types; both check it).
  const columns = stages.analysed.schema;
  return {
    columns: columns.map((c) => ({ name: c.name, type: c.type })),
    values: rows.map((row) => columns.map((c, i) => toResponseValue(normalize(row[i]), c.type, options.exactLongs))),
    warnings: stages.env.warnings.list(),
  };
}

/**
 * A query through every stage up to execution: parse -> analyse -> optimize -> physical. The last two are
 * made on first use: when the vectorised path answers, the row engine's plan is never built.
 */
export interface QueryStages {
  env: CompileEnv;
  analysed: Plan;
  readonly optimized: Optimized;
  readonly physical: PhysicalPlan;
}

export function plan(text: string, options: RunOptions = {}): QueryStages {
  const params = options.params ?? [];
  const cache = planCacheFor(options.catalog);
  const makeEnv = (query: Query): CompileEnv => ({
    query: text, registry: esqlFunctions(), params, warnings: new Warnings(text),
    failures: [], now: options.now ?? Date.now(), timeZone: utcOrZone(query.settings.time_zone),
  });
  let env: CompileEnv;
  let query: Query;
  let analysed: Plan;
  const kept = cache.lookup(text, params, options.catalog);
  if (kept) {
    ({ query, analysed } = kept);
    env = makeEnv(query);
  } else {
    query = parseQuery(text);
    numberPositionalParams(query);
    env = makeEnv(query);
    const recorder = options.catalog && new RecordingCatalog(options.catalog);
    const analysis = analyse(query, env, recorder);
    if (analysis.failures.length) throw EsqlError.verification(text, analysis.failures);
    analysed = analysis.plan;
    cache.store(text, params, recorder, query, analysed, env.warnings.list().length > 0);
  }
  for (const w of query.warnings) env.warnings.note(`parse:${w}`, w);
  noteSortBeforeJoin(query.commands.slice(1), env);
  let optimized: Optimized | undefined;
  let physical: PhysicalPlan | undefined;
  return {
    env, analysed,
    get optimized() { return (optimized ??= optimize(analysed, { env, aggregatePushdown: !options.noAggregatePushdown })); },
    get physical() { return (physical ??= lower(this.optimized.plan, env, options.catalog)); },
  };
}

function noteSortBeforeJoin(commands: Command[], env: CompileEnv): void {
  const probe = new ExprCompiler({ ...env, failures: [] });
  for (const at of sortBeforeJoinWarnings(commands, (e) => { const c = probe.compile(e, []); return !!c.constant && c.constant.value === null; })) {
    const { line, column } = lineColumn(env.query, at.start);
    env.warnings.note(`sort-join:${at.start}`, `Line ${line}:${column}: SORT is followed by a LOOKUP JOIN which does not preserve order; add another SORT after the LOOKUP JOIN if order is required`);
  }
}

/**
 * EXPLAIN's answer: one `plan` column, one row per line of the three plans; EXPLAIN TYPED prints the two
 * logical plans with the type of every expression node.
 */
function explainResult(stages: QueryStages, typed = false): EsqlResult {
  const lines = [
    '== analysed logical plan ==', ...explainLogical(stages.analysed, true, typed).split('\n'),
    `== optimised logical plan (rules applied: ${stages.optimized.applied.join(', ') || 'none'}) ==`, ...explainLogical(stages.optimized.plan, true, typed).split('\n'),
    ...(typed ? [] : ['== physical plan ==', ...explainPhysical(stages.physical).split('\n')]),
  ];
  return { columns: [{ name: 'plan', type: 'keyword' }], values: lines.map((l) => [l]), warnings: stages.env.warnings.list() };
}

/** `?` parameters are numbered in text order so that any part of the query can be compiled on its own. */
function numberPositionalParams(query: Query): void {
  const found: (Expr & { kind: 'param' })[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) { node.forEach(visit); return; }
    const n = node as Record<string, unknown>;
    if (n.kind === 'param' && n.index === undefined && n.name === undefined) found.push(n as unknown as Expr & { kind: 'param' });
    for (const [k, v] of Object.entries(n)) if (k !== 'span') visit(v);
  };
  visit(query.commands);
  found.sort((a, b) => a.span.start - b.span.start).forEach((p, i) => { p.index = i + 1; });
}

/** The query's zone, or undefined for UTC (the common case keeps the fast UTC paths). */
function utcOrZone(zone: string | undefined): string | undefined {
  return zone === undefined || /^(Z|UTC|GMT|[+-]00:?00)$/i.test(zone) ? undefined : zone;
}

