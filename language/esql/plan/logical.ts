// The logical plan: one node per step of a query, each with its resolved output schema. Nodes hold data only
// (typed expressions as the analyser resolved them — typed.ts —, resolved names, numbers): no closures, so
// rules can rewrite them and EXPLAIN can print them. The physical layer (physical.ts) turns a plan into row operators.
import { Command } from '../ast';
import { TypedExpr, TypedField } from './typed';
import { Column } from '../compile';
import { CatalogField, ScanRequest } from '../catalog';
import { DataType } from '../types';
import { Span } from '../errors';
import type { AggregateOutput } from '../pushdown';

type Row = unknown[];

export interface Order {
  expr: TypedExpr;
  desc: boolean;
  nullsFirst: boolean;
}

/** What the store does itself while scanning (set by the push-to-scan rule). */
export interface PushedWork {
  request: Pick<ScanRequest, 'filter' | 'sort' | 'limit' | 'aggregate'>;
  /** A pushed STATS: how each output is read from the store's group rows. */
  outputs?: AggregateOutput[];
}

interface Base {
  schema: Column[];
  span: Span;
}

/** FROM: the indices and the fields (and metadata) the store reads. */
export interface Scan extends Base {
  kind: 'scan';
  indices: string[];
  fields: CatalogField[];
  pushed?: PushedWork;
}

/** ROW and SHOW: rows known at analysis. */
export interface Local extends Base {
  kind: 'local';
  rows: Row[];
}

interface Unary extends Base {
  child: Plan;
}

/** A constant condition is folded: `condition.constant`. */
export interface Filter extends Unary { kind: 'filter'; condition: TypedExpr }
/** `added`: the columns the EVAL produces, in output order (they replace same-named input columns). */
export interface Eval extends Unary { kind: 'eval'; fields: TypedField[]; added: Column[] }
/** STATS and INLINE STATS as written, their groupings, aggregates and filters typed. */
export type TypedStats<K extends 'stats' | 'inline_stats'> = Omit<Command & { kind: K }, 'aggs' | 'groups'> &
  { aggs: { field: TypedField; filter?: TypedExpr }[]; groups: TypedField[] };
export interface Aggregate extends Unary { kind: 'aggregate'; command: TypedStats<'stats'> }
export interface InlineStats extends Unary { kind: 'inline_stats'; command: TypedStats<'inline_stats'>; added: Column[] }
export interface OrderBy extends Unary { kind: 'order_by'; orders: Order[] }
export interface Limit extends Unary { kind: 'limit'; count: number; implicit?: boolean }
/** SORT directly followed by LIMIT: keeps only the top rows while sorting. */
export interface TopN extends Unary { kind: 'top_n'; orders: Order[]; count: number }
/** KEEP, DROP and RENAME resolved: each output column names the input column it reads. */
export interface Project extends Unary { kind: 'project'; from: 'keep' | 'drop' | 'rename'; columns: { source: string; name: string }[] }
export interface Extract extends Unary { kind: 'dissect' | 'grok'; command: Command & { kind: 'dissect' | 'grok' }; input: TypedExpr; added: Column[] }
export interface MvExpand extends Unary { kind: 'mv_expand'; column: string }
export interface LookupJoin extends Unary { kind: 'lookup_join'; command: Command & { kind: 'lookup_join' }; index: string; added: Column[] }

export type UnaryPlan = Filter | Eval | Aggregate | InlineStats | OrderBy | Limit | TopN | Project | Extract | MvExpand | LookupJoin;
export type Plan = Scan | Local | UnaryPlan;

export function isUnary(p: Plan): p is UnaryPlan {
  return 'child' in p;
}

/** The plan as a list from its source (first) to its root (last): ES|QL plans here are one chain. */
export function toChain(plan: Plan): Plan[] {
  const out: Plan[] = [];
  for (let p: Plan | undefined = plan; p; p = isUnary(p) ? p.child : undefined) out.push(p);
  return out.reverse();
}

/** Rebuilds a plan from a chain (source first), recomputing each node's schema from its new child. */
export function fromChain(chain: Plan[]): Plan {
  let plan = chain[0];
  for (const node of chain.slice(1)) plan = withChild(node as UnaryPlan, plan);
  return plan;
}

/** `node` over a new child, with its schema derived again (no analysis: the node's own columns are kept). */
export function withChild(node: UnaryPlan, child: Plan): Plan {
  return { ...node, child, schema: outputOf(node, child.schema) } as Plan;
}

/** A unary node's output schema given its input's. */
export function outputOf(node: UnaryPlan, input: Column[]): Column[] {
  switch (node.kind) {
    case 'filter': case 'order_by': case 'limit': case 'top_n':
      return input;
    case 'aggregate':
      return node.schema;
    case 'eval': case 'inline_stats': case 'dissect': case 'grok': case 'lookup_join':
      return replaceColumns(input, node.added);
    case 'project': {
      const byName = new Map(input.map((c) => [c.name, c]));
      return node.columns.map(({ source, name }) => {
        const c = byName.get(source);
        if (!c) throw new Error(`plan: ${node.from} reads [${source}], which its input does not have`);
        return c.name === name ? c : { ...c, name };
      });
    }
    case 'mv_expand':
      // The expanded column is no longer one value for every row.
      return input.map((c) => (c.name === node.column ? { name: c.name, type: c.type === 'text' ? 'keyword' as DataType : c.type } : c));
  }
}

/** Input columns not named by `added`, then `added` (how EVAL, GROK, INLINE STATS and joins place columns). */
export function replaceColumns(input: Column[], added: Column[]): Column[] {
  const names = new Set(added.map((c) => c.name));
  return [...input.filter((c) => !names.has(c.name)), ...added];
}

/** Two schemas are the same when names and types match in order. */
export function sameSchema(a: Column[], b: Column[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i].name && c.type === b[i].type);
}

export function schemaText(columns: Column[]): string {
  return columns.map((c) => `${c.name}:${c.type}`).join(', ');
}
