// Plans as text: one line per node, the root first and each input indented below it (`\_`), with the node's
// key arguments in brackets and its output columns after `->`. Used by EXPLAIN and by the tests. The typed form
// (`EXPLAIN TYPED`) prints each expression with the type of every node of it (typed.ts `typedText`).
import { Column } from '../compile';
import { PushFilter, PushValue, ScanRequest } from '../catalog';
import { Order, Plan, Scan, UnaryPlan, toChain } from './logical';
import { TypedExpr, typedText } from './typed';
import { PhysicalPlan } from './physical';

export function explainLogical(plan: Plan, columns = true, types = false): string {
  const text = types ? typedText : (e: TypedExpr) => e.text;
  return tree(toChain(plan).map((p) => `${label(p, text)}${columns ? ` -> ${columnList(p.schema)}` : ''}`));
}

type ExprText = (e: TypedExpr) => string;

export function explainPhysical(physical: PhysicalPlan, columns = true): string {
  const { source } = physical;
  const lines = [source.kind === 'scan'
    ? `ScanExec[${source.request.indices.join(',')}; columns=${source.request.columns.join(',')}${requestText(source.request)}]${columns ? ` -> ${columnList(source.scan.schema)}` : ''}`
    : `LocalSourceExec[${source.rows.length} row${source.rows.length === 1 ? '' : 's'}]${columns ? ` -> ${columnList(source.columns)}` : ''}`];
  physical.steps.forEach((step, i) => {
    const op = physical.operators[i] as { topN?: number };
    const name = label(step, (e) => e.text).replace(/\[/, 'Exec[');
    lines.push(`${name}${op.topN !== undefined && step.kind !== 'top_n' ? ` topN=${op.topN}` : ''}${columns ? ` -> ${columnList(physical.operators[i].columns)}` : ''}`);
  });
  return tree(lines);
}

/** Source first in, root first out, each line one level deeper than its parent. */
function tree(sourceFirst: string[]): string {
  return [...sourceFirst].reverse().map((line, depth) => (depth === 0 ? line : `${'  '.repeat(depth - 1)}\\_${line}`)).join('\n');
}

function columnList(columns: Column[]): string {
  return `[${columns.map((c) => `${c.name}:${c.type}`).join(', ')}]`;
}

function label(p: Plan, text: ExprText): string {
  switch (p.kind) {
    case 'scan': return `Scan[${p.indices.join(',')}${scanText(p)}]`;
    case 'local': return `LocalRelation[${p.rows.length} row${p.rows.length === 1 ? '' : 's'}]`;
    default: return unaryLabel(p, text);
  }
}

function unaryLabel(p: UnaryPlan, text: ExprText): string {
  // A field named after its expression is printed once (`COUNT(*)`), unless types are printed.
  const named = (name: string, e: TypedExpr): string => (name === text(e) ? name : `${name} = ${text(e)}`);
  switch (p.kind) {
    case 'filter': return `Filter[${text(p.condition)}]`;
    case 'eval': return `Eval[${p.fields.map((f) => `${f.name} = ${text(f.expr)}`).join(', ')}]`;
    case 'aggregate': case 'inline_stats': {
      const c = p.command;
      const aggs = c.aggs.map((a) => `${named(a.field.name, a.field.expr)}${a.filter ? ` WHERE ${text(a.filter)}` : ''}`);
      const groups = c.groups.map((g) => named(g.name, g.expr));
      return `${p.kind === 'aggregate' ? 'Aggregate' : 'InlineStats'}[${aggs.join(', ')}${groups.length ? ` BY ${groups.join(', ')}` : ''}]`;
    }
    case 'order_by': return `OrderBy[${orderText(p.orders, text)}]`;
    case 'top_n': return `TopN[${orderText(p.orders, text)}; ${p.count}]`;
    case 'limit': return `Limit[${p.count}${p.implicit ? ', implicit' : ''}]`;
    case 'project': return `Project[${p.columns.map((c) => (c.source === c.name ? c.name : `${c.source} AS ${c.name}`)).join(', ')}]`;
    case 'dissect': case 'grok': return `${p.kind === 'dissect' ? 'Dissect' : 'Grok'}[${text(p.input)}, ${JSON.stringify(p.command.pattern)}]`;
    case 'mv_expand': return `MvExpand[${p.column}]`;
    case 'lookup_join': return `LookupJoin[${p.index} ON ${p.command.condition?.text ?? p.command.on.map((k) => k.pattern).join(', ')}]`;
  }
}

function orderText(orders: Order[], text: ExprText): string {
  return orders.map((o) => `${text(o.expr)} ${o.desc ? 'DESC' : 'ASC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
}

function scanText(p: Scan): string {
  return `; fields=${p.fields.map((f) => f.name).join(',')}${p.pushed ? requestText(p.pushed.request) : ''}`;
}

function requestText(r: Partial<ScanRequest>): string {
  const parts: string[] = [];
  if (r.filter) parts.push(`filter=${filterText(r.filter)}`);
  if (r.sort) parts.push(`sort=${r.sort.map((s) => `${s.field} ${s.desc ? 'DESC' : 'ASC'}${s.nullsFirst ? ' NULLS FIRST' : ''}`).join(',')}`);
  if (r.limit !== undefined) parts.push(`limit=${r.limit}`);
  if (r.aggregate) {
    const aggs = r.aggregate.aggs.map((a) => `${a.fn}(${a.field ?? '*'})`).join(',');
    const groups = r.aggregate.groups.map((g) => valueText(g.value)).join(',');
    parts.push(`aggregate=${aggs}${groups ? ` BY ${groups}` : ''}`);
  }
  return parts.map((p) => `; ${p}`).join('');
}

function filterText(f: PushFilter): string {
  switch (f.op) {
    case 'and': case 'or': return `(${f.args.map(filterText).join(` ${f.op.toUpperCase()} `)})`;
    case 'not': return `NOT ${filterText(f.arg)}`;
    case 'cmp': return `${f.field} ${f.cmp} ${JSON.stringify(f.value)}`;
    case 'compare': return `${valueText(f.left)} ${f.cmp} ${valueText(f.right)}`;
    case 'isnull': return `${f.field} IS NULL`;
    case 'isnotnull': return `${f.field} IS NOT NULL`;
    case 'in': return `${f.field} IN (${f.values.map((v) => JSON.stringify(v)).join(', ')})`;
  }
}

function valueText(v: PushValue): string {
  switch (v.kind) {
    case 'field': return v.field;
    case 'const': return String(v.value);
    case 'arith': return `(${valueText(v.left)} ${v.op} ${valueText(v.right)})`;
    case 'trunc': return `trunc(${valueText(v.value)}, ${v.unit}ms${v.offset ? ` +${v.offset}ms` : ''})`;
  }
}
