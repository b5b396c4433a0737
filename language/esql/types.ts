// ES|QL data types, how values of each type live in memory, and how they are rendered the way Elasticsearch
// renders them (ISO-8601 dates, Java's double formatting).

export type DataType =
  | 'boolean' | 'integer' | 'long' | 'unsigned_long' | 'double' | 'keyword' | 'text' | 'date' | 'date_nanos'
  | 'ip' | 'version' | 'null' | 'time_duration' | 'date_period' | 'unsupported' | 'geo_point' | 'geo_shape'
  | 'cartesian_point' | 'cartesian_shape'
  /** A function's `{"name": value}` options: only ever a constant argument. */
  | 'map';

/** A value of a union-typed field (mapped differently in the scanned indices), with the type of its index. */
export class UnionValue {
  constructor(readonly type: DataType, readonly value: unknown) {}
}

/** In memory: null, a scalar, or an array of two or more scalars (a multivalue). Longs may be bigint. */
export type Value = unknown;

export interface Duration { kind: 'duration'; ms: number }
export interface Period { kind: 'period'; months: number; days: number }

const NUMERIC: ReadonlySet<DataType> = new Set(['integer', 'long', 'unsigned_long', 'double']);

export function isNumeric(t: DataType): boolean {
  return NUMERIC.has(t);
}
export function isString(t: DataType): boolean {
  return t === 'keyword' || t === 'text';
}
/** A point in time: datetime, or date_nanos (held to the millisecond, as datetime is). */
export function isDate(t: DataType): boolean {
  return t === 'date' || t === 'date_nanos';
}
export function isWholeNumber(t: DataType): boolean {
  return t === 'integer' || t === 'long' || t === 'unsigned_long';
}

/** Mapping type -> ES|QL type (byte/short widen to integer, the float family to double). */
export function esqlTypeOf(mappingType: string): DataType {
  switch (mappingType) {
    case 'byte': case 'short': case 'integer': return 'integer';
    case 'long': return 'long';
    case 'unsigned_long': return 'unsigned_long';
    case 'float': case 'half_float': case 'scaled_float': case 'double': return 'double';
    case 'keyword': case 'wildcard': case 'constant_keyword': return 'keyword';
    case 'text': case 'match_only_text': return 'text';
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'date_nanos': return 'date_nanos';
    case 'ip': return 'ip';
    case 'version': return 'version';
    case 'geo_point': return 'geo_point';
    case 'geo_shape': return 'geo_shape';
    default: return 'unsupported';
  }
}

/** Type names accepted by `::` casts and in csv-spec headers, mapped to ES|QL types. */
export const TYPE_ALIASES: Record<string, DataType> = {
  boolean: 'boolean', bool: 'boolean', integer: 'integer', int: 'integer', i: 'integer', long: 'long', l: 'long',
  unsigned_long: 'unsigned_long', ul: 'unsigned_long', double: 'double', d: 'double', keyword: 'keyword',
  k: 'keyword', s: 'keyword', string: 'keyword', text: 'text', txt: 'text', date: 'date', datetime: 'date',
  dt: 'date', date_nanos: 'date_nanos', ip: 'ip', version: 'version', v: 'version', null: 'null',
  time_duration: 'time_duration', date_period: 'date_period', geo_point: 'geo_point', geo_shape: 'geo_shape',
  cartesian_point: 'cartesian_point', cartesian_shape: 'cartesian_shape',
  unsupported: 'unsupported',
};

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;
export const ULONG_MAX = 2n ** 64n - 1n;

/** A whole number as a JS number when exact, otherwise as a bigint. */
export function normalizeLong(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.8446744073709552E19`, `NaN`, `Infinity`. */
export function javaDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : s + '.0';
  }
  const [mant, exp] = n.toExponential().split('e');
  const m = mant.includes('.') ? mant : mant + '.0';
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/** `yyyy-MM-ddTHH:mm:ss.SSSZ` as ES|QL prints dates. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const iso = d.toISOString();
  // toISOString uses a 6-digit signed year outside 0..9999; Elasticsearch does the same shape.
  return iso;
}

/**
 * One value as the ES|QL JSON response carries it (dates as strings, everything else as JSON scalars). Whole
 * numbers beyond 2^53 become (rounded) numbers, as a JSON client reads them, unless `exactLongs` keeps them
 * as bigints.
 */
export function toResponseValue(v: Value, type: DataType, exactLongs = false): unknown {
  if (v === null || v === undefined || type === 'unsupported') return null;
  if (Array.isArray(v)) return v.map((x) => toResponseValue(x, type, exactLongs));
  switch (type) {
    case 'date': return formatDate(v as number);
    case 'date_nanos': return formatDate(v as number);
    case 'unsigned_long': case 'long': {
      if (typeof v !== 'bigint') return v;
      const n = normalizeLong(v);
      return exactLongs ? n : Number(n);
    }
    case 'geo_point': case 'geo_shape': case 'cartesian_point': case 'cartesian_shape': return canonicalWkt(String(v));
    case 'time_duration': return `${(v as Duration).ms}ms`;
    case 'date_period': return `P${(v as Period).months}M${(v as Period).days}D`;
    default: return v;
  }
}

/** Text for one scalar as ES|QL's text format and csv-spec files show it. */
const WKT_POINT = /^\s*POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$/i;

/** x (longitude) and y (latitude) of a WKT point, or null. */
export function parsePoint(wkt: string): { x: number; y: number } | null {
  const m = WKT_POINT.exec(wkt);
  if (!m) return null;
  const x = Number(m[1]);
  const y = Number(m[2]);
  return Number.isFinite(x) && Number.isFinite(y) ? { x, y } : null;
}

/** Elasticsearch's WKT for a point: `POINT (x y)`, coordinates as Java prints doubles. */
export function formatPoint(x: number, y: number): string {
  return `POINT (${javaDouble(x)} ${javaDouble(y)})`;
}

/**
 * A geometry's WKT in Elasticsearch's spelling (`POINT (0.0 0.0)`, `POLYGON ((0.0 0.0, 1.0 0.0, ...))`), or
 * null when the text is not WKT: upper-case tag, a space before each list, coordinates as Java doubles.
 */
export function normalizeWkt(wkt: string): string | null {
  const tokens = wkt.trim().match(/[A-Za-z]+|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[(),]|\S/g);
  if (!tokens || !/^[A-Za-z]+$/.test(tokens[0])) return null;
  let out = '';
  let depth = 0;
  let prev = '';
  for (const t of tokens) {
    if (/^[A-Za-z]+$/.test(t)) {
      if (t.toUpperCase() === 'EMPTY') out += (out ? ' ' : '') + 'EMPTY';
      else out += (prev === ',' ? ' ' : '') + t.toUpperCase();
    } else if (t === '(') { out += prev === '(' ? '(' : prev === ',' ? ' (' : ' ('; depth++; }
    else if (t === ')') { if (--depth < 0) return null; out += ')'; }
    else if (t === ',') out += ',';
    else {
      const n = Number(t);
      if (!Number.isFinite(n)) return null;
      out += (prev === '(' ? '' : ' ') + javaDouble(n);
    }
    prev = t;
  }
  return depth === 0 ? out : null;
}

/** A geometry's WKT in Elasticsearch's spelling (as it is when it does not parse). */
export function canonicalWkt(wkt: string): string {
  return normalizeWkt(wkt) ?? wkt;
}
