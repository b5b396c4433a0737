// Compares an ES|QL result with a csv-spec case as Elasticsearch's CsvAssert and AssertWarnings do: column names
// in order; types (an integer column is accepted where long is expected; short/byte are integer and the float
// family double, as ES|QL reports them); values, with the expected text read as its type reads it (a float
// column's `1.7` is the float nearest 1.7); row order
// unless `ignoreOrder`; warnings: exactly the `warning:` lines (in any order), or with `warningRegex:` every
// warning returned must match one of the patterns.
import { EsqlResult } from '../../language/store/store';
import { toHalfFloat } from '../../language/store/mapping';
import { parseIp } from '../../language/esql/functions/ip-address';
import { compareVersions } from '../../language/esql/values';
import { canonicalWkt } from '../../language/esql/types';
import type { SpecCase } from './spec-reader';

/** Null when the result matches the case, else what differs first. */
export function compareResult(c: SpecCase, r: EsqlResult): string | null {
  const names = r.columns.map((x) => x.name);
  const expectedNames = c.expectedColumns.map((x) => x.name);
  if (names.join('|') !== expectedNames.join('|')) {
    return `columns [${names.join(', ')}] expected [${expectedNames.join(', ')}]`;
  }
  for (let i = 0; i < names.length; i++) {
    const want = c.expectedColumns[i].type;
    const got = r.columns[i].type;
    const widened = (want === 'long' || want === 'short' || want === 'byte') && got === 'integer' ||
      (want === 'float' || want === 'half_float' || want === 'scaled_float') && got === 'double';
    if (want !== got && !widened) return `column [${names[i]}] has type [${got}] expected [${want}]`;
  }
  const actual = r.values;
  if (actual.length !== c.expectedRows.length) {
    return `${actual.length} rows, expected ${c.expectedRows.length}` + (actual.length ? `; first: ${render(actual[0])}` : '');
  }
  const types = c.expectedColumns.map((x) => x.type);
  const rowProblem = (exp: string[], act: unknown[]): string | null => {
    for (let k = 0; k < types.length; k++) {
      if (!cellMatches(exp[k] ?? '', act[k], types[k])) return `[${names[k]}] = ${render([act[k]])} expected ${exp[k]}`;
    }
    return null;
  };
  if (c.ignoreOrder) {
    const left = [...actual];
    for (const exp of c.expectedRows) {
      const at = left.findIndex((act) => rowProblem(exp, act) === null);
      if (at < 0) return `no row matches expected [${exp.join(' | ')}]`;
      left.splice(at, 1);
    }
  } else {
    for (let i = 0; i < actual.length; i++) {
      const p = rowProblem(c.expectedRows[i], actual[i]);
      if (p) return `row ${i}: ${p}`;
    }
  }
  return compareWarnings(c, r.warnings);
}

function render(row: unknown[]): string {
  return JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

const LOCATION = /^Line \d+:\d+: /;

function compareWarnings(c: SpecCase, actual: string[]): string | null {
  if (c.warnings.length === 0 && c.warningRegexes.length > 0) {
    // The patterns are written against the HTTP header text, where quotes arrive escaped.
    const unmatched = actual.find((a) => !c.warningRegexes.some((re) => re.test(a) || re.test(a.replace(/"/g, '\\"'))));
    return unmatched === undefined ? null : `unexpected warning [${unmatched}] (matches no warningRegex)`;
  }
  const left = [...actual];
  for (const w of c.warnings) {
    // `real#[Emulated:alternative]`: Elasticsearch's own harness accepts either wording.
    const at = w.indexOf('#[Emulated:');
    const alternatives = at >= 0 ? [w.slice(0, at), w.slice(at + 11, -1)] : [w];
    // The oldest files write some warnings without their `Line L:C:` position.
    const matches = (a: string): boolean => alternatives.some((x) => a === x || (!LOCATION.test(x) && a.replace(LOCATION, '') === x));
    const found = left.findIndex(matches);
    if (found < 0) return `missing warning [${w}]; got ${JSON.stringify(actual)}`;
    left.splice(found, 1);
  }
  return left.length ? `unexpected warnings ${JSON.stringify(left)}` : null;
}

function splitMulti(cell: string): string[] | null {
  const s = cell.trim();
  if (!s.startsWith('[') || !s.endsWith(']')) return null;
  return s.slice(1, -1).split(/(?<!\\),/).map((x) => x.trim().replace(/\\,/g, ','));
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function cellMatches(expected: string, actual: unknown, type: string): boolean {
  const e = expected.trim();
  if (e.toLowerCase() === 'null' || (e === '' && type !== 'keyword' && type !== 'text')) return actual === null;
  if (actual === null) return false;
  const expectedValues = splitMulti(e) ?? [e];
  const actualValues = Array.isArray(actual) ? actual : [actual];
  if (expectedValues.length !== actualValues.length) return false;
  return expectedValues.every((x, i) => scalarMatches(unquote(x), actualValues[i], type));
}

function scalarMatches(e: string, a: unknown, type: string): boolean {
  if (a === null || a === undefined) return e === 'null';
  switch (type) {
    case 'integer': case 'long': case 'unsigned_long': case 'short': case 'byte':
      try { return BigInt(e) === BigInt(a as number | bigint); } catch { return false; }
    case 'double': case 'float': case 'half_float': case 'scaled_float': {
      const want = expectedDouble(e, type);
      return want === Number(a) || (Number.isNaN(want) && Number.isNaN(Number(a)));
    }
    case 'boolean':
      return e.toLowerCase() === String(a);
    case 'date': case 'date_nanos': {
      // Expected dates without a zone are UTC, as Elasticsearch prints them.
      const zoned = /[Zz]$|[+-]\d{2}:?\d{2}$/.test(e) || !e.includes('T') ? e : `${e}Z`;
      return Date.parse(zoned) === Date.parse(String(a));
    }
    case 'ip': {
      const x = parseIp(e, 'decimal');
      const y = parseIp(String(a), 'decimal');
      return x !== null && y !== null ? x.join('.') === y.join('.') : e === String(a);
    }
    case 'version':
      return compareVersions(e, String(a)) === 0;
    case 'geo_point': case 'geo_shape': case 'cartesian_point': case 'cartesian_shape':
      // Elasticsearch compares geometries by their binary form: spacing in the text does not count.
      return canonicalWkt(e) === canonicalWkt(String(a));
    default:
      return e === String(a);
  }
}

/** The expected text as the column's type stores it (Elasticsearch's CsvTestUtils does the same). */
function expectedDouble(e: string, type: string): number {
  const n = Number(e);
  switch (type) {
    case 'float': return Math.fround(n);
    case 'half_float': return toHalfFloat(Math.fround(n));
    default: return n;
  }
}
