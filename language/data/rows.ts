// Between script values and the store: ES|QL rows become DOCUMENTs (column name -> value, dates as DATE),
// script values become ES|QL parameters and document sources. A rows array remembers the result it came
// from, so a cell whose value it is renders as ES|QL's own table.
import type { EsqlResult, Source } from '../store/store';
import { Doc, Value, fromJson, isDoc, toJsonable, toText } from '../values';
import { isNumeric, normalizeWhole } from '../long-integers';

const RESULT = Symbol('esqlResult');

type RowsArray = Doc[] & { [RESULT]?: EsqlResult };

const DATE_TYPES = new Set(['date', 'date_nanos', 'datetime']);

function cell(v: unknown, isDate: boolean): Value {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => cell(x, isDate));
  if (isDate && (typeof v === 'string' || typeof v === 'number')) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? String(v) : d;
  }
  if (typeof v === 'bigint') return normalizeWhole(v); // a long past 2^53, exact
  if (typeof v === 'object') return fromJson(v);
  return v as Value;
}

/** The rows of a result as documents; the array keeps the result for table rendering. */
export function rowsOf(result: EsqlResult): Doc[] {
  const dates = result.columns.map((c) => DATE_TYPES.has(c.type));
  const names = result.columns.map((c) => c.name);
  const rows: RowsArray = result.values.map((r) => {
    const d: Doc = {};
    for (let i = 0; i < names.length; i++) d[names[i]] = cell(r[i], dates[i]);
    return d;
  });
  Object.defineProperty(rows, RESULT, { value: result, enumerable: false });
  return rows;
}

/** The ES|QL result a rows array came from (undefined once it has been copied or changed in length). */
export function esqlResultOf(v: Value): EsqlResult | undefined {
  if (!Array.isArray(v)) return undefined;
  const r = (v as RowsArray)[RESULT];
  return r && r.values.length === v.length ? r : undefined;
}

/** The first column of the first row (for `DECLARE n NUMBER FROM ... | STATS ...`), or NULL. */
export function firstValue(result: EsqlResult): Value {
  if (result.values.length === 0 || result.columns.length === 0) return null;
  return rowsOf(result)[0][result.columns[0].name];
}

/** A script value as an ES|QL parameter value: scalars as they are, dates as dates, documents as JSON text. */
export function paramValue(v: Value): unknown {
  if (v === null || v === undefined) return null;
  if (isNumeric(v) || typeof v === 'string' || typeof v === 'boolean' || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(paramValue);
  return toText(v);
}

/** A DOCUMENT (or MAP) as a document source for the store. */
export function sourceOf(v: Value, what: string): Source {
  if (!isDoc(v) && !(v instanceof Map)) throw new TypeError(`${what} must be a DOCUMENT, got ${v === null ? 'NULL' : typeof v}`);
  return toJsonable(v) as Source;
}
