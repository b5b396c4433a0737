// Index mappings as the embedded store keeps them: a flat list of leaf fields (dotted names), each with its
// Elasticsearch type, plus the rules Elasticsearch applies when it maps a field dynamically and when it turns
// a `_source` value into the value a query reads (doc values: sorted multivalues, float precision, ...).
import { StoreError } from './store';
import { normalizeLong } from '../esql/types';
import { parseIp } from '../esql/functions/ip-address';

/** The 16 bytes of an IP address (IPv4 as IPv4-mapped IPv6), or null; leading zeros read as decimal. */
const ipBytesOrNull = (text: string): number[] | null => parseIp(text, 'decimal');

export interface FieldInfo {
  /** Dotted field name as queries see it (`languages.long`). */
  name: string;
  /** Elasticsearch mapping type (`keyword`, `text`, `long`, `float`, `date`, ...). */
  type: string;
  /** Path in the flattened `_source` the value comes from (differs from `name` for multi-fields). */
  sourcePath: string;
  scalingFactor?: number;
  ignoreAbove?: number;
  /** A `constant_keyword`'s `value`: what every document reads, whether or not its source has the field. */
  constantValue?: string;
  /**
   * A text field with a plain keyword multi-field: Elasticsearch reads its values from that field's doc values
   * (sorted, deduplicated) when it holds them all, i.e. none is longer than its `ignore_above` (Infinity: none).
   */
  keywordIgnoreAbove?: number;
}

/** Reads an Elasticsearch `mappings` object (`{properties: {...}}`) into leaf fields. */
export function fieldsFromMappings(mappings: Record<string, unknown> | undefined): FieldInfo[] {
  const out: FieldInfo[] = [];
  const props = (mappings?.properties ?? {}) as Record<string, Record<string, unknown>>;
  walkProperties(props, '', out);
  return out;
}

function walkProperties(props: Record<string, Record<string, unknown>>, prefix: string, out: FieldInfo[]): void {
  for (const [key, def] of Object.entries(props)) {
    const name = prefix + key;
    const type = (def.type as string | undefined) ?? 'object';
    if (type === 'object' || type === 'nested') {
      walkProperties((def.properties ?? {}) as Record<string, Record<string, unknown>>, name + '.', out);
      continue;
    }
    if (type === 'alias') continue;
    const parent = leaf(name, type, name, def);
    out.push(parent);
    const subFields = (def.fields ?? {}) as Record<string, Record<string, unknown>>;
    if (type === 'text' || type === 'match_only_text') {
      const kw = Object.values(subFields).find((d) => (d.type ?? 'keyword') === 'keyword' && d.normalizer === undefined);
      if (kw) parent.keywordIgnoreAbove = typeof kw.ignore_above === 'number' ? kw.ignore_above : Infinity;
    }
    for (const [sub, subDef] of Object.entries(subFields)) {
      out.push(leaf(`${name}.${sub}`, (subDef.type as string) ?? 'keyword', name, subDef));
    }
  }
}

function leaf(name: string, type: string, sourcePath: string, def: Record<string, unknown>): FieldInfo {
  const f: FieldInfo = { name, type, sourcePath };
  if (typeof def.scaling_factor === 'number') f.scalingFactor = def.scaling_factor;
  if (typeof def.ignore_above === 'number') f.ignoreAbove = def.ignore_above;
  if (type === 'constant_keyword' && typeof def.value === 'string') f.constantValue = def.value;
  return f;
}

/** Mapping settings that are not fields: `dynamic` per object path ('' is the root) and disabled objects. */
export interface MappingRules {
  dynamic: Record<string, 'true' | 'false' | 'strict' | 'runtime'>;
  /** Objects with `enabled: false`: kept in `_source`, never mapped. */
  disabled: string[];
}

export function rulesFromMappings(mappings: Record<string, unknown> | undefined): MappingRules {
  const rules: MappingRules = { dynamic: {}, disabled: [] };
  const walk = (def: Record<string, unknown>, path: string): void => {
    if (def.dynamic !== undefined) rules.dynamic[path] = String(def.dynamic) as MappingRules['dynamic'][string];
    if (path && def.enabled === false) {
      rules.disabled.push(path);
      return;
    }
    const props = (def.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, v] of Object.entries(props)) {
      const type = v.type as string | undefined;
      if (type === undefined || type === 'object' || type === 'nested') walk(v, path ? `${path}.${k}` : k);
    }
  };
  walk(mappings ?? {}, '');
  return rules;
}

/** What happens to a new field at `path`: mapped, ignored (kept in `_source` only) or refused. */
export function dynamicPolicy(rules: MappingRules, path: string): 'map' | 'ignore' | 'reject' {
  if (rules.disabled.some((d) => path === d || path.startsWith(d + '.'))) return 'ignore';
  let parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
  for (;;) {
    const setting = rules.dynamic[parent];
    if (setting !== undefined) return setting === 'false' || setting === 'runtime' ? 'ignore' : setting === 'strict' ? 'reject' : 'map';
    if (parent === '') return 'map';
    parent = parent.includes('.') ? parent.slice(0, parent.lastIndexOf('.')) : '';
  }
}

/** Back to an Elasticsearch-shaped `mappings` object (multi-fields nested under `fields`). */
export function mappingsFromFields(fields: FieldInfo[], rules: MappingRules = { dynamic: {}, disabled: [] }): Record<string, unknown> {
  const root: Record<string, any> = {};
  /** The `properties` object that holds the last part of a dotted `name` (objects on the way are created). */
  const parentOf = (name: string): { node: Record<string, any>; key: string } => {
    const parts = name.split('.');
    let node = root;
    for (const p of parts.slice(0, -1)) {
      node[p] ??= { properties: {} };
      node[p].properties ??= {};
      node = node[p].properties;
    }
    return { node, key: parts[parts.length - 1] };
  };
  for (const d of rules.disabled) {
    const { node, key } = parentOf(d);
    node[key] = { ...(node[key] ?? {}), type: 'object', enabled: false };
  }
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const f of fields) {
    if (f.sourcePath !== f.name && byName.has(f.sourcePath)) continue; // emitted under its parent
    const { node, key } = parentOf(f.name);
    const def: Record<string, unknown> = { type: f.type };
    if (f.scalingFactor !== undefined) def.scaling_factor = f.scalingFactor;
    if (f.ignoreAbove !== undefined) def.ignore_above = f.ignoreAbove;
    if (f.constantValue !== undefined) def.value = f.constantValue;
    const subs = fields.filter((s) => s.sourcePath === f.name && s.name !== f.name);
    if (subs.length) {
      def.fields = Object.fromEntries(subs.map((s) => {
        const sd: Record<string, unknown> = { type: s.type };
        if (s.ignoreAbove !== undefined) sd.ignore_above = s.ignoreAbove;
        return [s.name.slice(f.name.length + 1), sd];
      }));
    }
    node[key] = def;
  }
  const out: Record<string, unknown> = { properties: root };
  if (rules.dynamic['']) out.dynamic = rules.dynamic[''];
  return out;
}

/** Flattens a document to dotted leaf paths; arrays (also of objects) collect their leaf values. */
export function flattenSource(doc: Record<string, unknown>): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  flattenInto(out, doc, '');
  return out;
}

function flattenInto(out: Map<string, unknown[]>, value: unknown, path: string): void {
  if (value === null || value === undefined) {
    if (!out.has(path)) out.set(path, []);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0 && !out.has(path)) out.set(path, []);
    for (let i = 0; i < value.length; i++) flattenInto(out, value[i], path);
    return;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    const record = value as Record<string, unknown>;
    const prefix = path === '' ? '' : path + '.';
    for (const key of Object.keys(record)) flattenInto(out, record[key], prefix + key);
    return;
  }
  const list = out.get(path);
  if (list) list.push(value);
  else out.set(path, [value]);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** The fields Elasticsearch's dynamic mapping adds for a first value seen at `path`. */
export function dynamicFields(path: string, sample: unknown): FieldInfo[] {
  if (typeof sample === 'boolean') return [{ name: path, type: 'boolean', sourcePath: path }];
  if (typeof sample === 'number') {
    return [{ name: path, type: Number.isInteger(sample) ? 'long' : 'float', sourcePath: path }];
  }
  if (typeof sample === 'bigint') return [{ name: path, type: 'long', sourcePath: path }];
  if (sample instanceof Date) return [{ name: path, type: 'date', sourcePath: path }];
  const s = String(sample);
  if (ISO_DATE.test(s) && !Number.isNaN(parseDateMillis(s))) return [{ name: path, type: 'date', sourcePath: path }];
  return [
    { name: path, type: 'text', sourcePath: path, keywordIgnoreAbove: 256 },
    { name: `${path}.keyword`, type: 'keyword', sourcePath: path, ignoreAbove: 256 },
  ];
}

const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Parses a date as Elasticsearch's default `strict_date_optional_time||epoch_millis` does (UTC unless told; a
 * space instead of `T` is not accepted). */
export function parseDateMillis(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  const s = String(value).trim();
  const canonical = s.length === 24 ? canonicalIsoMillis(s) : -1;
  if (canonical >= 0) return canonical;
  if (CANONICAL_ISO.test(s)) return Date.parse(s); // what toISOString() writes: the engine's own parser is exact
  if (/^-?\d+$/.test(s)) return Number(s);
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  let ms = Date.UTC(+y, mo ? +mo - 1 : 0, d ? +d : 1, h ? +h : 0, mi ? +mi : 0, se ? +se : 0,
    frac ? Math.trunc(+(frac + '00').slice(0, 3)) : 0);
  if (y.length === 4 && +y < 100) ms = new Date(ms).setUTCFullYear(+y);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60000;
  }
  return ms;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` from 1970 on, every part in range, read digit by digit (a bulk load's dates, and
 * ~3x cheaper than a regular expression and Date.parse); -1 for anything else, which Date.parse reads as before.
 */
function canonicalIsoMillis(s: string): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return -1;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const milli = digits(s, 20, 3);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
    minute > 59 || second < 0 || second > 59 || milli < 0) return -1;
  // Date.parse rolls a day past the month's end over (February 30th is March 1st), as Date.UTC does
  return Date.UTC(year, month - 1, day, hour, minute, second, milli);
}

/** The number written by `n` decimal digits at `at`; -1 when one is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const f32 = new Float32Array(1);

/** Rounds to the nearest IEEE half-precision value (Elasticsearch's `half_float`). */
export function toHalfFloat(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const abs = Math.abs(x);
  if (abs >= 65520) return x > 0 ? Infinity : -Infinity;
  const exp = Math.max(Math.floor(Math.log2(abs)), -14);
  const step = 2 ** (exp - 10);
  let q = abs / step;
  const r = Math.floor(q);
  const diff = q - r;
  q = diff > 0.5 || (diff === 0.5 && r % 2 === 1) ? r + 1 : r;
  return Math.sign(x) * q * step;
}

/**
 * Turns the `_source` values of one field into what a query reads: typed, converted (float precision, dates as
 * epoch millis, booleans), with multivalues sorted as doc values are (keywords also deduplicated).
 * Throws a `document_parsing_exception` when a value does not fit the type, as Elasticsearch refuses the document.
 */
export function docValues(field: FieldInfo, values: unknown[], id: string | undefined): unknown[] {
  if (field.constantValue !== undefined) return [field.constantValue];
  const out: unknown[] = [];
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const c = convertOne(field, v);
    if (c === undefined) continue;
    if (c === INVALID) throw unparsable(field, v, id);
    out.push(c);
  }
  if (out.length > 1) {
    const viaKeyword = field.keywordIgnoreAbove !== undefined && out.every((v) => String(v).length <= field.keywordIgnoreAbove!);
    sortDocValues(viaKeyword ? 'keyword' : field.type, out);
  }
  return out;
}

/**
 * `columnValue(docValues(...)).value` without the lists for the common single value: what a bulk load pays per
 * field. A BLOB (multivalue, whole number beyond 2^53) is the only Buffer it returns.
 */
export function columnOf(field: FieldInfo, values: unknown[], id: string | undefined): unknown {
  if (values.length === 1) return columnOfValue(field, values[0], id);
  return columnValue(docValues(field, values, id)).value;
}

/** `columnOf` of a field with one value in `_source` (undefined: none), without a list for it. */
export function columnOfValue(field: FieldInfo, v: unknown, id: string | undefined): unknown {
  if (v !== null && v !== undefined && field.constantValue === undefined) {
    const c = convertOne(field, v);
    if (c === INVALID) throw unparsable(field, v, id);
    if (c === undefined) return null;
    if (typeof c !== 'bigint') return c;
  }
  return columnValue(docValues(field, v === undefined ? [] : [v], id)).value;
}

/** Elasticsearch refuses a document whose value does not fit the field's type. */
function unparsable(field: FieldInfo, v: unknown, id: string | undefined): StoreError {
  return new StoreError(
    `failed to parse field [${field.name}] of type [${field.type}] in document with id '${id ?? ''}'. ` +
      `Preview of field's value: '${typeof v === 'object' ? JSON.stringify(v) : String(v)}'`,
    'document_parsing_exception', 400);
}

const INVALID = Symbol('invalid');

const WHOLE_LIMITS: Record<string, [bigint, bigint]> = {
  integer: [-2147483648n, 2147483647n], short: [-32768n, 32767n], byte: [-128n, 127n],
  long: [-(2n ** 63n), 2n ** 63n - 1n], unsigned_long: [0n, 2n ** 64n - 1n],
};

function convertOne(field: FieldInfo, v: unknown): unknown {
  switch (field.type) {
    case 'keyword': case 'wildcard': case 'constant_keyword': case 'version': {
      const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
      if (field.ignoreAbove !== undefined && s.length > field.ignoreAbove) return undefined;
      return s;
    }
    case 'text': case 'match_only_text':
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'long': case 'integer': case 'short': case 'byte': case 'unsigned_long': {
      const [lo, hi] = WHOLE_LIMITS[field.type];
      if (typeof v === 'number' && Number.isSafeInteger(v)) return v < lo || v > hi ? INVALID : v; // the common case
      // Whole numbers stay exact: digits are read as BigInt, a result beyond 2^53 stays a bigint.
      let b: bigint;
      if (typeof v === 'bigint') b = v;
      else if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) b = BigInt(v.trim());
      else {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
        if (!Number.isFinite(n)) return INVALID;
        b = BigInt(Math.trunc(n));
      }
      if (b < lo || b > hi) return INVALID;
      return normalizeLong(b);
    }
    case 'double': case 'float': case 'half_float': case 'scaled_float': {
      // a bigint is a whole number read exactly (past 2^53); Elasticsearch takes it as the nearest double
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) return INVALID;
      if (field.type === 'float') { f32[0] = n; return f32[0]; }
      if (field.type === 'half_float') return toHalfFloat(n);
      if (field.type === 'scaled_float') {
        // Stored as the long nearest n * factor (Java's Math.round saturates at the long range), read back / factor.
        const sf = field.scalingFactor ?? 100;
        return Math.min(Math.max(Math.round(n * sf), -9223372036854775808), 9223372036854775807) / sf;
      }
      return n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (v === 'true') return 1;
      if (v === 'false' || v === '') return 0;
      return INVALID;
    case 'date': case 'date_nanos': {
      const ms = parseDateMillis(v);
      return Number.isNaN(ms) ? INVALID : ms;
    }
    case 'ip':
      return typeof v === 'string' && ipBytesOrNull(v.trim()) ? v.trim() : INVALID;
    default:
      return typeof v === 'object' ? JSON.stringify(v) : v;
  }
}

function sortDocValues(type: string, out: unknown[]): void {
  switch (type) {
    case 'text': case 'match_only_text':
      return; // read from _source: the order given
    case 'ip':
      // Doc values order IPs by their 16-byte form (IPv4 mapped into IPv6), deduplicated.
      out.sort((a, b) => compareIpText(String(a), String(b)));
      dedupeSorted(out);
      return;
    case 'keyword': case 'wildcard': case 'constant_keyword': case 'version': {
      out.sort((a, b) => compareUtf8(String(a), String(b)));
      dedupeSorted(out);
      return;
    }
    default:
      out.sort((a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0));
  }
}

/**
 * The column value for a field's doc values: null, a scalar, or a BLOB with the JSON list when the value is
 * multivalued or a whole number beyond 2^53 (kept exact as a decimal string). BLOBs are never pushed down.
 */
export function columnValue(values: unknown[]): { value: unknown; blob: boolean } {
  if (values.length === 0) return { value: null, blob: false };
  if (values.length === 1 && typeof values[0] !== 'bigint') return { value: values[0], blob: false };
  return { value: Buffer.from(JSON.stringify(values, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))), blob: true };
}

function dedupeSorted(out: unknown[]): void {
  let w = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[w - 1]) out[w++] = out[i];
  out.length = w;
}

function compareIpText(a: string, b: string): number {
  const x = ipBytesOrNull(a);
  const y = ipBytesOrNull(b);
  if (!x || !y) return compareUtf8(a, b);
  for (let i = 0; i < 16; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** Byte-wise UTF-8 order, which is how Lucene orders terms (differs from UTF-16 order for astral characters). */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const sx = x >= 0xd800 && x <= 0xdfff;
      const sy = y >= 0xd800 && y <= 0xdfff;
      if (sx !== sy) return sx ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}
