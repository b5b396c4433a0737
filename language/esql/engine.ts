// The embedded ES|QL engine: parse -> analyse (names, types, functions; all failures collected) -> push the
// exact part (filters, order, limit, simple aggregations over single-valued fields) into the store's scan ->
// run the remaining operators over the row stream in JavaScript.
import { Command, Expr, Query, exprChildren } from './ast';
import { parseQuery } from './parse';
import { EsqlError, EvalFailure, Failure, lineColumn } from './errors';
import { pushFiltersBelowJoins, sortBeforeJoinWarnings } from './join';
import { Column, ExprCompiler, Warnings } from './compile';
import { FunctionRegistry } from './registry';
import { defineScalarFunctions } from './functions';
import { DataType, UnionValue, esqlTypeOf, toResponseValue } from './types';
import { CatalogField, EsqlCatalog, METADATA_FIELDS, ScanRequest } from './catalog';
import { Operator, analyzeCommand, limit } from './commands';
import { planPushdown } from './pushdown';
import { bucketCompile } from './bucket';
import { tryColumnar } from './compute/columnar';
import type { EsqlResult } from '../store/store';

export const DEFAULT_LIMIT = 1000;
/** Elasticsearch's `esql.query.result_truncation_max_size`: a larger LIMIT is capped to it. */
export const MAX_LIMIT = 10000;
export const ESQL_VERSION = '9.1.0-escript';

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

interface Source {
  columns: Column[];
  /** Present for FROM: what the store must scan. */
  scan?: { indices: string[]; fields: CatalogField[]; names: string[] };
  rows?: Row[];
}

/**
 * Runs a query. The embedded executor is synchronous (a pushed-down plan over a million documents takes well
 * under a second); this entry point first lets the event loop run, so a host answering heartbeats or
 * interrupts gets its turn, and honours an already aborted signal.
 */
export async function runEsql(text: string, options: RunOptions = {}): Promise<EsqlResult> {
  await new Promise((resolve) => setImmediate(resolve));
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
  options.beforeRead?.();
  return runEsqlSync(text, options);
}

export function runEsqlSync(text: string, options: RunOptions = {}): EsqlResult {
  const query = parseQuery(text);
  numberPositionalParams(query);
  const env = {
    query: text, registry: esqlFunctions(), params: options.params ?? [], warnings: new Warnings(text),
    failures: [] as Failure[], now: options.now ?? Date.now(), timeZone: utcOrZone(query.settings.time_zone),
  };
  const catalog = options.catalog;
  const commands = pushFiltersBelowJoins(combineFilters(query.commands.slice(1)), (join) => {
    if (!catalog) return null;
    try {
      const keys = new Set(join.on.map((k) => k.pattern));
      return new Set(catalog.fields(catalog.resolveIndices([join.index])).map((f) => f.name).filter((n) => !keys.has(n)));
    } catch {
      return null;
    }
  }, (e) => readsEveryField(e, env.registry));
  // Elasticsearch always ends the plan with a limit: 1000 by default, at most 10000.
  const end = { start: text.length, end: text.length };
  if (!commands.some((c) => c.kind === 'limit')) commands.push({ kind: 'limit', span: end, count: DEFAULT_LIMIT });
  else commands.push({ kind: 'limit', span: end, count: MAX_LIMIT });
  const first = query.commands[0];
  let source = analyzeSource(first, options.catalog, env, text);
  let ops = analyzeAll(commands, source.columns, env, options.catalog);
  if (env.failures.length) throw EsqlError.verification(text, dedupeFailures(env.failures));
  for (const w of query.warnings) env.warnings.note(`parse:${w}`, w);
  const probe = new ExprCompiler({ ...env, failures: [] });
  for (const at of sortBeforeJoinWarnings(commands, (e) => { const c = probe.compile(e, []); return !!c.constant && c.constant.value === null; })) {
    const { line, column } = lineColumn(text, at.start);
    env.warnings.note(`sort-join:${at.start}`, `Line ${line}:${column}: SORT is followed by a LOOKUP JOIN which does not preserve order; add another SORT after the LOOKUP JOIN if order is required`);
  }

  let input: Iterable<Row>;
  let remaining = ops;
  // Queries the vectorised path supports run over the store's columns; the rest as below.
  const columnar = tryColumnar(commands, ops, source.columns, source.scan, options.catalog, env);
  if (columnar) {
    input = columnar.rows;
    remaining = ops.slice(columnar.consumed);
  } else if (source.scan && options.catalog) {
    // Read only the fields the query can reach; analyse again on that narrower source (same semantics).
    const needed = neededFields(commands, source.scan.fields, env.registry);
    if (needed) {
      source = narrowSource(source, needed);
      env.failures.length = 0;
      ops = analyzeAll(commands, source.columns, env, options.catalog);
    }
    const plan = planPushdown(commands, source.scan!, new ExprCompiler({ ...env, failures: [] }), !options.noAggregatePushdown);
    const unionAt = plan.aggregate ? [] : source.columns.map((c, i) => (c.union ? i : -1)).filter((i) => i >= 0);
    // Union-typed fields are read with each row's index, which says what type the value has.
    let names = source.scan!.names;
    let indexAt = names.indexOf('_index');
    const extra = unionAt.length > 0 && indexAt < 0;
    if (extra) { names = [...names, '_index']; indexAt = names.length - 1; }
    const request: ScanRequest = { indices: source.scan!.indices, columns: names, ...plan.request };
    input = options.catalog.scan(request);
    if (unionAt.length) input = tagUnionValues(input, unionAt, indexAt, extra, source.scan!.fields);
    if (plan.aggregate) input = plan.aggregate.finish(input);
    remaining = ops.filter((_op, i) => !plan.consumed.has(i));
  } else {
    input = source.rows ?? [];
  }
  let stream: Iterable<Row> = input;
  for (const op of remaining) stream = op.run(stream);
  const out: Row[] = [];
  const signal = options.signal;
  try {
    for (const row of stream) {
      out.push(row);
      if (signal && (out.length & 1023) === 0 && signal.aborted) throw signal.reason ?? new Error('aborted');
    }
  } catch (e) {
    // SQLite's SUM fails on a 64-bit overflow where ES|QL answers null with a warning: aggregate here instead.
    if (!options.noAggregatePushdown && /integer overflow/i.test((e as Error).message)) {
      return runEsqlSync(text, { ...options, noAggregatePushdown: true });
    }
    throw e;
  }
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
  const columns = ops.length ? ops[ops.length - 1].columns : source.columns;
  return {
    columns: columns.map((c) => ({ name: c.name, type: c.type })),
    values: out.map((row) => columns.map((c, i) => toResponseValue(normalize(row[i]), c.type, options.exactLongs))),
    warnings: env.warnings.list(),
  };
}

function normalize(v: unknown): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.length === 0 ? null : v.length === 1 ? v[0] : v;
  return v;
}

function analyzeAll(commands: Command[], columns: Column[], env: ConstructorParameters<typeof ExprCompiler>[0], catalog?: EsqlCatalog): Operator[] {
  const compiler = new ExprCompiler(env);
  const ops: Operator[] = [];
  let cols = columns;
  for (const cmd of commands) {
    const op = analyzeCommand(cmd, cols, {
      compiler,
      catalog,
      fail: (span, message) => env.failures.push({ span, message }),
      warn: (span, t, e: EvalFailure) => env.warnings.record(span, t, e),
    });
    ops.push(op);
    cols = op.columns;
  }
  // SORT directly followed by LIMIT keeps only the top rows while sorting.
  for (let i = 0; i + 1 < commands.length; i++) {
    const next = commands[i + 1];
    if (commands[i].kind === 'sort' && next.kind === 'limit' && typeof next.count === 'number') {
      (ops[i] as Operator & { topN?: number }).topN = next.count;
    }
  }
  return ops;
}

function dedupeFailures(failures: Failure[]): Failure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const k = `${f.span.start}:${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  }).sort((a, b) => a.span.start - b.span.start);
}

function analyzeSource(cmd: Command, catalog: EsqlCatalog | undefined, env: ConstructorParameters<typeof ExprCompiler>[0], text: string): Source {
  switch (cmd.kind) {
    case 'row': {
      const compiler = new ExprCompiler(env);
      const compiled = cmd.fields.map((f) => ({ name: f.name, c: compiler.compile(f.expr, []) }));
      return {
        columns: compiled.map(({ name, c }) => (c.constant ? { name, type: c.type, constant: c.constant } : { name, type: c.type })),
        rows: [compiled.map(({ c }) => normalize(c.fn([])))],
      };
    }
    case 'show':
      return {
        columns: [{ name: 'version', type: 'keyword' }, { name: 'date', type: 'keyword' }, { name: 'hash', type: 'keyword' }],
        rows: [[ESQL_VERSION, '2026-01-01T00:00:00.000Z', 'escript-embedded']],
      };
    case 'from': {
      if (!catalog) throw EsqlError.at(text, cmd.span, 'FROM needs a data store', 'verification_exception');
      let indices: string[];
      const at = { start: cmd.span.start + 5, end: cmd.span.end };
      try {
        indices = catalog.resolveIndices(cmd.sources);
      } catch (e) {
        throw EsqlError.verification(text, [{ span: at, message: (e as Error).message }]);
      }
      if (indices.length === 0) {
        throw EsqlError.verification(text, [{ span: at, message: `Unknown index [${cmd.sources.join(',')}]` }]);
      }
      const fields = catalog.fields(indices).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const columns: Column[] = fields.map((f) => (f.unionTypes
        ? { name: f.name, type: 'unsupported', union: [...new Set(Object.values(f.unionTypes).map(esqlTypeOf))] }
        : { name: f.name, type: esqlTypeOf(f.type) }));
      const names = fields.map((f) => f.name);
      for (const m of cmd.metadata) {
        if (!(m in METADATA_FIELDS)) {
          env.failures.push({ span: cmd.span, message: `unsupported metadata field [${m}]` });
          continue;
        }
        columns.push({ name: m, type: METADATA_FIELDS[m] as DataType });
        names.push(m);
        fields.push({ name: m, type: METADATA_FIELDS[m], multiValued: false });
      }
      return { columns, scan: { indices, fields, names } };
    }
    default:
      throw EsqlError.at(text, cmd.span, `mismatched input '${cmd.kind}' expecting {'from', 'row', 'show'}`, 'parsing_exception');
  }
}

function narrowSource(source: Source, needed: Set<string>): Source {
  const keep = source.scan!.names.map((n, i) => (needed.has(n) ? i : -1)).filter((i) => i >= 0);
  return {
    columns: keep.map((i) => source.columns[i]),
    scan: {
      indices: source.scan!.indices,
      fields: keep.map((i) => source.scan!.fields[i]),
      names: keep.map((i) => source.scan!.names[i]),
    },
  };
}

/** Fields a query can observe, or null when it may output all of them (no KEEP or STATS). */
function neededFields(commands: Command[], fields: CatalogField[], registry: FunctionRegistry): Set<string> | null {
  if (!commands.some((c) => c.kind === 'keep' || c.kind === 'stats')) return null;
  const names = new Set<string>();
  const patterns: string[] = [];
  let everyField = false;
  const visit = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.kind) {
      case 'column': names.add(e.name); return;
      case 'call': {
        const f = registry.lookup(e.name);
        if (f?.kind === 'scalar' && f.readsEveryField) everyField = true;
        e.args.forEach(visit);
        return;
      }
      case 'binary': case 'logical': visit(e.left); visit(e.right); return;
      case 'not': case 'neg': case 'isNull': case 'cast': visit(e.arg); return;
      case 'in': visit(e.arg); e.list.forEach(visit); return;
      case 'like': visit(e.arg); return;
      case 'interval': visit(e.amount); return;
      case 'array': e.items.forEach(visit); return;
      default: return;
    }
  };
  for (const c of commands) {
    switch (c.kind) {
      case 'where': visit(c.condition); break;
      case 'eval': c.fields.forEach((f) => visit(f.expr)); break;
      case 'stats': case 'inline_stats': c.aggs.forEach((a) => { visit(a.field.expr); visit(a.filter); }); c.groups.forEach((g) => visit(g.expr)); break;
      case 'sort': c.orders.forEach((o) => visit(o.expr)); break;
      case 'keep': case 'drop': c.patterns.forEach((p) => patterns.push(p.pattern)); break;
      case 'rename': c.renames.forEach((r) => { names.add(r.from.pattern); names.add(r.to.pattern); }); break;
      case 'dissect': case 'grok': visit(c.input); break;
      case 'mv_expand': names.add(c.column.pattern); break;
      case 'lookup_join': c.on.forEach((k) => names.add(k.pattern)); break;
      default: break;
    }
  }
  if (everyField) return null;
  const regexes = patterns.map((p) => new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$'));
  return new Set(fields.map((f) => f.name).filter((n) => names.has(n) || regexes.some((r) => r.test(n))));
}

/** Adjacent WHEREs become one AND (Elasticsearch's CombineFilters), so every condition sees every row. */
function combineFilters(commands: Command[]): Command[] {
  const out: Command[] = [];
  for (const c of commands) {
    const prev = out[out.length - 1];
    if (c.kind === 'where' && prev?.kind === 'where') {
      out[out.length - 1] = {
        kind: 'where', span: prev.span,
        condition: { kind: 'logical', op: 'and', left: prev.condition, right: c.condition, span: prev.condition.span, text: `(${prev.condition.text}) AND (${c.condition.text})` },
      };
    } else out.push(c);
  }
  return out;
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

export { limit };

/** True when `e` calls a function that reads fields it does not name (KQL, QSTR). */
function readsEveryField(e: Expr, registry: FunctionRegistry): boolean {
  if (e.kind === 'call') {
    const f = registry.lookup(e.name);
    if (f?.kind === 'scalar' && f.readsEveryField) return true;
  }
  return exprChildren(e).some((c) => readsEveryField(c, registry));
}

/** The query's zone, or undefined for UTC (the common case keeps the fast UTC paths). */
function utcOrZone(zone: string | undefined): string | undefined {
  return zone === undefined || /^(Z|UTC|GMT|[+-]00:?00)$/i.test(zone) ? undefined : zone;
}

/** Wraps each union-typed value with its index's type (and drops the `_index` column read only for that). */
function* tagUnionValues(rows: Iterable<Row>, at: number[], indexAt: number, drop: boolean, fields: CatalogField[]): Iterable<Row> {
  const types = at.map((i) => new Map(Object.entries(fields[i].unionTypes ?? {}).map(([index, t]) => [index, esqlTypeOf(t)])));
  for (const row of rows) {
    const index = String(row[indexAt]);
    at.forEach((i, k) => {
      const v = row[i];
      if (v !== null && v !== undefined) row[i] = new UnionValue(types[k].get(index) ?? 'unsupported', v);
    });
    if (drop) row.length = indexAt;
    yield row;
  }
}
