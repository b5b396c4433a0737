// The physical layer: an optimised logical plan lowered to the store's scan request and the row operators of
// commands.ts (closures over rows), then executed. Lowering compiles each step again over its final input
// columns; it must agree with the logical schema, and anything it cannot build is an error, never skipped.
import { Command } from '../ast';
import { Column, CompileEnv, ExprCompiler } from '../compile';
import { CatalogField, EsqlCatalog, ScanRequest } from '../catalog';
import { EvalFailure, Failure } from '../errors';
import { UnionValue, esqlTypeOf } from '../types';
import { CommandContext, Operator, analyzeCommand, limit, projectColumns } from '../commands';
import { performance } from 'perf_hooks';
import { Plan, Scan, UnaryPlan, sameSchema, schemaText, toChain } from './logical';
import { finishAggregate } from '../pushdown';

type Row = unknown[];

export interface PhysicalPlan {
  /** What the store reads (FROM), or the rows known at analysis (ROW, SHOW). */
  source: { kind: 'scan'; request: ScanRequest; scan: Scan } | { kind: 'rows'; rows: Row[]; columns: Column[] };
  operators: Operator[];
  /** The plan step each operator runs (same order). */
  steps: UnaryPlan[];
  /** The output columns. */
  columns: Column[];
}

export function lower(plan: Plan, env: CompileEnv, catalog?: EsqlCatalog): PhysicalPlan {
  const chain = toChain(plan);
  const first = chain[0];
  const failures: Failure[] = [];
  const ctx: CommandContext = {
    compiler: new ExprCompiler({ ...env, failures }),
    catalog,
    fail: (span, message) => failures.push({ span, message }),
    warn: (span, t, e: EvalFailure) => env.warnings.record(span, t, e),
  };
  let source: PhysicalPlan['source'];
  if (first.kind === 'scan') {
    source = { kind: 'scan', scan: first, request: { indices: first.indices, columns: first.fields.map((f) => f.name), ...first.pushed?.request } };
  } else if (first.kind === 'local') {
    source = { kind: 'rows', rows: first.rows, columns: first.schema };
  } else throw new Error(`physical plan: a plan starts with a source, not ${first.kind}`);
  const operators: Operator[] = [];
  let columns = first.schema;
  for (const node of chain.slice(1) as UnaryPlan[]) {
    const op = lowerStep(node, columns, ctx);
    if (!sameSchema(op.columns, node.schema)) {
      throw new Error(`physical plan: ${node.kind} gives [${schemaText(op.columns)}], its plan says [${schemaText(node.schema)}]`);
    }
    operators.push(op);
    columns = op.columns;
    if (node.kind === 'limit' || node.kind === 'top_n') ctx.afterLimit = true;
  }
  if (failures.length) throw new Error(`physical plan: ${failures.map((f) => f.message).join('; ')}`);
  return { source, operators, steps: chain.slice(1) as UnaryPlan[], columns };
}

function lowerStep(node: UnaryPlan, input: Column[], ctx: CommandContext): Operator {
  switch (node.kind) {
    case 'limit': return limit(node.count, input);
    case 'project': return projectColumns(input, node.columns, node.from);
    case 'top_n': {
      const op = analyzeCommand(commandOf(node), input, ctx) as Operator & { topN?: number };
      op.topN = node.count;
      return op;
    }
    default: return analyzeCommand(commandOf(node), input, ctx);
  }
}

/**
 * The command a step runs as (a top-N as its SORT; a projection as KEEP of its resolved names, or RENAME of
 * them): for executors that take commands, such as the row operators above.
 */
export function commandOf(node: UnaryPlan): Command {
  const { span } = node;
  switch (node.kind) {
    case 'filter': return { kind: 'where', span, condition: node.condition };
    case 'eval': return { kind: 'eval', span, fields: node.fields };
    case 'aggregate': case 'inline_stats': case 'dissect': case 'grok': case 'lookup_join': return node.command;
    case 'order_by': case 'top_n': return { kind: 'sort', span, orders: node.orders };
    case 'limit': return { kind: 'limit', span, count: node.count };
    case 'mv_expand': return { kind: 'mv_expand', span, column: { pattern: node.column, span } };
    case 'project':
      return node.from === 'rename'
        ? { kind: 'rename', span, renames: node.columns.filter((c) => c.source !== c.name).map((c) => ({ from: { pattern: c.source, span }, to: { pattern: c.name, span } })) }
        : { kind: 'keep', span, patterns: node.columns.map((c) => ({ pattern: c.name, span })) };
  }
}

/** Runs a physical plan: the scan (or rows), then each operator over the stream. */
export function execute(physical: PhysicalPlan, catalog: EsqlCatalog | undefined, signal?: AbortSignal): Row[] {
  let stream = sourceRows(physical, catalog, (request) => catalog!.scan(request));
  for (const op of physical.operators) stream = op.run(stream);
  const out: Row[] = [];
  for (const row of stream) {
    out.push(row);
    if (signal && (out.length & 1023) === 0 && signal.aborted) throw signal.reason ?? new Error('aborted');
  }
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
  return out;
}

/** Operators that read their whole input before giving a row: their input is gathered in slices first. */
const BLOCKING = new Set<Operator['kind']>(['stats', 'inline_stats', 'sort']);
/** How long the JavaScript part runs before it lets the event loop take a turn. */
const SLICE_MS = 10;

/**
 * The same rows as `execute`, without holding the event loop: rows are pulled in slices of ~10 ms with a turn
 * of the event loop (and a look at `signal`) between them, and a scan that blocks before its first row runs on
 * the store's scan thread when it offers one (`scanAsync`).
 */
export async function executeAsync(physical: PhysicalPlan, catalog: EsqlCatalog | undefined, signal?: AbortSignal): Promise<Row[]> {
  const { source } = physical;
  let read: Row[] | null = null;
  if (source.kind === 'scan' && catalog?.scanAsync) {
    const request = scanRequest(source.scan, source.request);
    const pending = catalog.scanAsync(request, signal);
    if (pending) read = await pending;
  }
  let stream = sourceRows(physical, catalog, (request) => read ?? catalog!.scan(request));
  for (const op of physical.operators) {
    if (BLOCKING.has(op.kind)) stream = await drain(stream, signal);
    stream = op.run(stream);
  }
  return drain(stream, signal);
}

/** Pulls every row of `stream`, yielding to the event loop every SLICE_MS; throws once `signal` aborts. */
async function drain(stream: Iterable<Row>, signal?: AbortSignal): Promise<Row[]> {
  const aborted = (): never => { throw signal!.reason ?? new Error('aborted'); };
  if (signal?.aborted) aborted();
  if (Array.isArray(stream)) return stream as Row[];
  const out: Row[] = [];
  const it = stream[Symbol.iterator]();
  let until = performance.now() + SLICE_MS;
  for (;;) {
    const next = it.next();
    if (next.done) break;
    out.push(next.value);
    if ((out.length & 63) === 0 && performance.now() >= until) {
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) { it.return?.(); aborted(); }
      until = performance.now() + SLICE_MS;
    }
  }
  return out;
}

function sourceRows(physical: PhysicalPlan, catalog: EsqlCatalog | undefined, read: (request: ScanRequest) => Iterable<Row>): Iterable<Row> {
  const { source } = physical;
  if (source.kind === 'rows') return source.rows;
  if (!catalog) throw new Error('physical plan: a scan needs a data store');
  return scanRows(source.scan, source.request, read);
}

/** What the store is asked for: the request, plus `_index` when union-typed fields need it. */
function scanRequest(scan: Scan, request: ScanRequest): ScanRequest {
  const { columns, extra } = unionColumns(scan, request);
  return extra ? { ...request, columns } : request;
}

function unionColumns(scan: Scan, request: ScanRequest) {
  // Union-typed fields are read with each row's index, which says what type the value has.
  const unionAt = request.aggregate ? [] : scan.fields.map((f, i) => (f.unionTypes ? i : -1)).filter((i) => i >= 0);
  let columns = request.columns;
  let indexAt = columns.indexOf('_index');
  const extra = unionAt.length > 0 && indexAt < 0;
  if (extra) { columns = [...columns, '_index']; indexAt = columns.length - 1; }
  return { unionAt, columns, indexAt, extra };
}

function scanRows(scan: Scan, request: ScanRequest, read: (request: ScanRequest) => Iterable<Row>): Iterable<Row> {
  const outputs = scan.pushed?.outputs;
  const { unionAt, indexAt, extra } = unionColumns(scan, request);
  let rows: Iterable<Row> = read(scanRequest(scan, request));
  if (unionAt.length) rows = tagUnionValues(rows, unionAt, indexAt, extra, scan.fields);
  if (outputs && request.aggregate) rows = finishAggregate(rows, outputs, request.aggregate.groups.length);
  return rows;
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
