// The SQL of a scan: what the ES|QL engine pushes down (columns, filter, sort, limit, aggregation) as one SELECT
// over an index's table, or over a UNION ALL of several. Pushed-down arithmetic that overflows reports the row
// through the SQL function `esql_fail(id)`, which calls back into the running scan.
import type Database from 'better-sqlite3';
import { METADATA_FIELDS, PushFilter, PushValue, ScanRequest } from '../../esql/catalog';
import { IndexMeta } from './index-metadata';

interface ScanSql {
  text: string;
  params: unknown[];
  /** Failure callbacks this statement may call: release them (releaseFailureSinks) when the scan ends. */
  sinks: number[];
}

/** Failure callbacks of the running scans, called from SQL through `esql_fail(id)`. */
const failureSinks = new Map<number, () => void>();
let nextSinkId = 1;

/** Makes `esql_fail(id)` callable from this connection's SQL. */
export function registerFailureFunction(db: Database.Database): void {
  db.function('esql_fail', { deterministic: false }, (id: unknown) => {
    failureSinks.get(Number(id))?.();
    return null;
  });
}

/** The callbacks behind `ids` (for a scan run on another thread, whose esql_fail reports the id back). */
export function failureSinksOf(ids: number[]): Map<number, () => void> {
  return new Map(ids.flatMap((id) => { const f = failureSinks.get(id); return f ? [[id, f] as const] : []; }));
}

export function releaseFailureSinks(ids: number[]): void {
  for (const id of ids) failureSinks.delete(id);
}

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/**
 * `cancelPoints`: the SQL calls `esql_alive()` (a JavaScript function of the scan thread) every 4,096th row of a
 * single table, so that terminating that thread takes effect inside a long GROUP BY or ORDER BY, not after it.
 */
export function buildScanSql(metas: IndexMeta[], req: ScanRequest, cancelPoints = false): ScanSql {
  const params: unknown[] = [];
  const sinks: number[] = [];
  const wanted = new Set<string>(req.columns);
  req.sort?.forEach((s) => wanted.add(s.field));
  req.aggregate?.groups.forEach((g) => collectValueFields(g.value, wanted));
  req.aggregate?.aggs.forEach((a) => a.field && wanted.add(a.field));
  collectFilterFields(req.filter, wanted);
  const alias = new Map([...wanted].map((name, i) => [name, `f${i}`]));
  const physical = (meta: IndexMeta, name: string): string => {
    if (name === '_index') return `'${meta.name.replace(/'/g, "''")}'`;
    if (name in METADATA_FIELDS) return name === '_score' ? '0.0' : name;
    const col = meta.columns.get(name);
    return col ? quoteIdent(col) : 'NULL';
  };
  // Single index: filter against real columns so SQLite can use its indexes; several: a UNION ALL view.
  let from: string;
  let ref: (name: string) => string;
  if (metas.length === 1) {
    from = quoteIdent(metas[0].table);
    ref = (name) => physical(metas[0], name);
  } else {
    from = '(' + metas.map((m) => 'SELECT ' + ([...wanted].map((n) => `${physical(m, n)} AS ${alias.get(n)}`).join(', ') || '1') +
      ` FROM ${quoteIdent(m.table)}`).join(' UNION ALL ') + ')';
    ref = (name) => alias.get(name)!;
  }
  let text: string;
  if (req.aggregate) {
    const groups = req.aggregate.groups.map((g) => valueSql(g.value, ref, params, sinks));
    const aggs = req.aggregate.aggs.map((a) => {
      switch (a.fn) {
        case 'count_star': return 'COUNT(*)';
        case 'count': return `COUNT(${ref(a.field!)})`;
        case 'sum': return `SUM(${ref(a.field!)})`;
        case 'min': return `MIN(${ref(a.field!)})`;
        case 'max': return `MAX(${ref(a.field!)})`;
      }
    });
    text = `SELECT ${[...groups, ...aggs].join(', ') || '1'} FROM ${from}`;
  } else {
    text = `SELECT ${req.columns.map(ref).join(', ') || '1'} FROM ${from}`;
  }
  const where: string[] = [];
  if (req.filter) where.push(filterSql(req.filter, ref, params, sinks));
  if (cancelPoints && metas.length === 1) where.push('(rowid % 4096 <> 0 OR esql_alive())');
  if (where.length) text += ` WHERE ${where.join(' AND ')}`;
  if (req.aggregate && req.aggregate.groups.length) text += ` GROUP BY ${req.aggregate.groups.map((_g, i) => i + 1).join(', ')}`;
  if (req.sort?.length) {
    text += ' ORDER BY ' + req.sort.map((s) => `${ref(s.field)} ${s.desc ? 'DESC' : 'ASC'} NULLS ${s.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
  } else if (!req.aggregate && metas.length === 1) {
    text += ' ORDER BY rowid';
  }
  if (req.limit !== undefined) text += ` LIMIT ${Math.max(0, Math.floor(req.limit))}`;
  return { text, params, sinks };
}

function collectFilterFields(f: PushFilter | undefined, into: Set<string>): void {
  if (!f) return;
  switch (f.op) {
    case 'and': case 'or': f.args.forEach((a) => collectFilterFields(a, into)); return;
    case 'not': collectFilterFields(f.arg, into); return;
    case 'compare': collectValueFields(f.left, into); collectValueFields(f.right, into); return;
    default: into.add(f.field);
  }
}

function collectValueFields(v: PushValue, into: Set<string>): void {
  if (v.kind === 'field') into.add(v.field);
  else if (v.kind === 'arith') { collectValueFields(v.left, into); collectValueFields(v.right, into); }
  else if (v.kind === 'trunc') collectValueFields(v.value, into);
}

function valueSql(v: PushValue, ref: (n: string) => string, params: unknown[], sinks: number[]): string {
  switch (v.kind) {
    case 'field': return ref(v.field);
    case 'const': {
      // Inlined (the expression text is repeated in the CASE below); a double keeps its decimal point so
      // that SQLite computes in floating point as ES|QL does.
      if (!Number.isFinite(v.value)) throw new Error('non-finite constant in pushed expression');
      const text = String(v.value);
      return v.double && /^-?\d+$/.test(text) ? `${text}.0` : text;
    }
    case 'trunc': {
      // Floor, not SQLite's truncation toward zero, so that dates before 1970 round down too.
      const x = valueSql(v.value, ref, params, sinks);
      const shifted = v.offset ? `(${x} - ${v.offset})` : x;
      return `(${x} - ((${shifted} % ${v.unit}) + ${v.unit}) % ${v.unit})`;
    }
    case 'arith': {
      const left = valueSql(v.left, ref, params, sinks);
      const right = valueSql(v.right, ref, params, sinks);
      const x = `(${left} ${v.op} ${right})`;
      const id = nextSinkId++;
      failureSinks.set(id, v.onFailure);
      sinks.push(id);
      const ok = v.type === 'long' ? `typeof(${x}) = 'integer'`
        : v.type === 'integer' ? `${x} BETWEEN -2147483648 AND 2147483647`
          : `${x} BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308`;
      return `(CASE WHEN ${x} IS NULL THEN NULL WHEN ${ok} THEN ${x} ELSE esql_fail(${id}) END)`;
    }
  }
}

function filterSql(f: PushFilter, ref: (n: string) => string, params: unknown[], sinks: number[]): string {
  switch (f.op) {
    case 'and': return '(' + f.args.map((a) => filterSql(a, ref, params, sinks)).join(' AND ') + ')';
    case 'or': return '(' + f.args.map((a) => filterSql(a, ref, params, sinks)).join(' OR ') + ')';
    case 'not': return `(NOT ${filterSql(f.arg, ref, params, sinks)})`;
    case 'isnull': return `(${ref(f.field)} IS NULL)`;
    case 'isnotnull': return `(${ref(f.field)} IS NOT NULL)`;
    case 'in':
      params.push(...f.values);
      return `(${ref(f.field)} IN (${f.values.map(() => '?').join(', ')}))`;
    case 'compare': {
      const op = f.cmp === '==' ? '=' : f.cmp;
      return `(${valueSql(f.left, ref, params, sinks)} ${op} ${valueSql(f.right, ref, params, sinks)})`;
    }
    case 'cmp': {
      params.push(f.value);
      const op = f.cmp === '==' ? '=' : f.cmp;
      return `(${ref(f.field)} ${op} ?)`;
    }
  }
}
