// The physical layer: an optimised logical plan lowered to the store's scan request and the row operators of
// commands.ts (closures over rows), then executed. Lowering compiles each step again over its final input
// columns; it must agree with the logical schema, and anything it cannot build is an error, never skipped.
import { Command } from '../ast';
import { Column, CompileEnv, ExprCompiler } from '../compile';
import { CatalogField, EsqlCatalog, ScanRequest } from '../catalog';
import { EvalFailure, Failure } from '../errors';
import { UnionValue, esqlTypeOf } from '../types';
import { CommandContext, Operator, analyzeCommand, limit, projectColumns } from '../commands';
import { Plan, Scan, UnaryPlan, sameSchema, schemaText, toChain } from './logical';

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
  }
  if (failures.length) throw new Error(`physical plan: ${failures.map((f) => f.message).join('; ')}`);
  return { source, operators, steps: chain.slice(1) as UnaryPlan[], columns };
}

function lowerStep(node: UnaryPlan, input: Column[], ctx: CommandContext): Operator {
  const { span } = node;
  const command = (cmd: Command): Operator => analyzeCommand(cmd, input, ctx);
  switch (node.kind) {
    case 'filter': return command({ kind: 'where', span, condition: node.condition });
    case 'eval': return command({ kind: 'eval', span, fields: node.fields });
    case 'aggregate': case 'inline_stats': case 'dissect': case 'grok': case 'lookup_join': return command(node.command);
    case 'order_by': return command({ kind: 'sort', span, orders: node.orders });
    case 'top_n': {
      const op = command({ kind: 'sort', span, orders: node.orders }) as Operator & { topN?: number };
      op.topN = node.count;
      return op;
    }
    case 'limit': return limit(node.count, input);
    case 'project': return projectColumns(input, node.columns, node.from);
    case 'mv_expand': return command({ kind: 'mv_expand', span, column: { pattern: node.column, span } });
  }
}

/** Runs a physical plan: the scan (or rows), then each operator over the stream. */
export function execute(physical: PhysicalPlan, catalog: EsqlCatalog | undefined, signal?: AbortSignal): Row[] {
  let stream: Iterable<Row>;
  const { source } = physical;
  if (source.kind === 'scan') {
    if (!catalog) throw new Error('physical plan: a scan needs a data store');
    stream = scanRows(source.scan, source.request, catalog);
  } else stream = source.rows;
  for (const op of physical.operators) stream = op.run(stream);
  const out: Row[] = [];
  for (const row of stream) {
    out.push(row);
    if (signal && (out.length & 1023) === 0 && signal.aborted) throw signal.reason ?? new Error('aborted');
  }
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
  return out;
}

function scanRows(scan: Scan, request: ScanRequest, catalog: EsqlCatalog): Iterable<Row> {
  const finish = scan.pushed?.finish;
  // Union-typed fields are read with each row's index, which says what type the value has.
  const unionAt = request.aggregate ? [] : scan.fields.map((f, i) => (f.unionTypes ? i : -1)).filter((i) => i >= 0);
  let columns = request.columns;
  let indexAt = columns.indexOf('_index');
  const extra = unionAt.length > 0 && indexAt < 0;
  if (extra) { columns = [...columns, '_index']; indexAt = columns.length - 1; }
  let rows: Iterable<Row> = catalog.scan({ ...request, columns });
  if (unionAt.length) rows = tagUnionValues(rows, unionAt, indexAt, extra, scan.fields);
  if (finish) rows = finish(rows);
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
