// The csv-spec harness: reads Elasticsearch's `*.csv-spec` files and their datasets (`data/*.csv`, header
// cells `name:type`), runs each case on a fresh embedded store, and compares as Elasticsearch's own suite
// does: column names, types (integer accepted for long), values, row order unless `ignoreOrder:true`, warnings.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EmbeddedStore } from '../../language/store/embedded';
import { EsqlResult } from '../../language/store/store';
import { TYPE_ALIASES } from '../../language/esql/types';
import { matchIndices } from '../../language/esql/catalog';

export interface SpecCase {
  file: string;
  name: string;
  line: number;
  query: string;
  expectedColumns: { name: string; type: string }[];
  expectedRows: string[][];
  warnings: string[];
  warningRegexes: RegExp[];
  ignoreOrder: boolean;
  /** Set when the case is not meant to run (`-Ignore` suffix in the name). */
  ignored: boolean;
}

export type Outcome = { status: 'passed' } | { status: 'failed'; message: string } | { status: 'skipped'; message: string };

/** Every case of every `*.csv-spec` file of `dir`, in file and then text order. */
export function loadSpecCases(dir: string): SpecCase[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv-spec')).sort();
  return files.flatMap((f) => parseSpecFile(path.join(dir, f)));
}

export function parseSpecFile(file: string): SpecCase[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const cases: SpecCase[] = [];
  let i = 0;
  const isComment = (l: string): boolean => l.trim().startsWith('//') || l.trim().startsWith('#');
  while (i < lines.length) {
    const header = lines[i].trim();
    // `#` lines between cases are comments too
    if (header === '' || isComment(lines[i])) { i++; continue; }
    const nameLine = i + 1;
    const name = header.split('#')[0].trim();
    i++;
    // options before the query (required_capability: ..., skip_flattened_rewrite: ..., request_stored: ...)
    while (i < lines.length && /^[a-z_]+:\s/.test(lines[i].trim()) && !/^(from|row|show)\b/i.test(lines[i].trim())) i++;
    const queryLines: string[] = [];
    while (i < lines.length) {
      const l = lines[i++];
      if (isComment(l)) continue;
      if (l.trim().endsWith(';')) {
        queryLines.push(l.replace(/;\s*$/, ''));
        break;
      }
      queryLines.push(l);
    }
    const query = queryLines.join('\n').trim();
    const warnings: string[] = [];
    const warningRegexes: RegExp[] = [];
    let ignoreOrder = false;
    let expectedColumns: SpecCase['expectedColumns'] | null = null;
    const expectedRows: string[][] = [];
    while (i < lines.length) {
      const raw = lines[i++];
      const l = raw.trim();
      if (l.startsWith(';')) break;
      if (l === '' || isComment(raw)) continue;
      if (expectedColumns === null) {
        if (l.startsWith('warning:')) { warnings.push(unescapeWarning(l.slice('warning:'.length))); continue; }
        if (l.startsWith('warningRegex:')) { warningRegexes.push(new RegExp(l.slice('warningRegex:'.length).trim().replace(/%25/g, '%'))); continue; }
        if (l.startsWith('ignoreOrder:')) { ignoreOrder = l.slice('ignoreOrder:'.length).trim() === 'true'; continue; }
        expectedColumns = splitCells(l).map((cell) => {
          const at = cell.lastIndexOf(':');
          const colName = cell.slice(0, at).trim();
          const t = cell.slice(at + 1).trim().toLowerCase();
          return { name: colName, type: TYPE_ALIASES[t] ?? t };
        });
        continue;
      }
      expectedRows.push(splitCells(raw));
    }
    cases.push({
      file: path.basename(file), name, line: nameLine, query, expectedColumns: expectedColumns ?? [], expectedRows,
      warnings, warningRegexes, ignoreOrder, ignored: /-ignore$/i.test(name),
    });
  }
  return cases;
}

/** Warnings travel in HTTP headers: quotes arrive escaped and `%` percent-encoded. */
function unescapeWarning(s: string): string {
  return s.replace(/\\"/g, '"').replace(/%25/g, '%');
}

/** Splits a `|`-separated line; `"..."` quotes protect separators. */
function splitCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === '|' && !quoted) { cells.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

// ---- datasets -----------------------------------------------------------------------------------------

/** Parses one CSV line (double-quote quoting) into raw cells. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
      continue;
    }
    if (ch === '"') { quoted = true; continue; }
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) { cells.push(cur); cur = ''; continue; }
    cur += ch;
  }
  cells.push(cur);
  return cells;
}

function cellValue(raw: string): unknown {
  const s = raw.trim();
  if (s === '') return null;
  if (s.startsWith('[') && s.endsWith(']')) {
    const inner = s.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((x) => x.trim());
  }
  return s;
}

/** Loads `DIR/data/*.csv` into a fresh embedded store in a temporary file. */
export async function openSpecStore(dir: string): Promise<{ store: EmbeddedStore; datasets: string[]; close(): Promise<void> }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-spec-'));
  const store = new EmbeddedStore(path.join(tmp, 'store.db'), { exactLongs: true });
  const dataDir = path.join(dir, 'data');
  const datasets: string[] = [];
  if (fs.existsSync(dataDir)) {
    for (const file of fs.readdirSync(dataDir).filter((f) => f.endsWith('.csv')).sort()) {
      const index = path.basename(file, '.csv');
      await loadCsvDataset(store, index, fs.readFileSync(path.join(dataDir, file), 'utf8'));
      datasets.push(index);
    }
  }
  return {
    store, datasets,
    async close() {
      await store.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export async function loadCsvDataset(store: EmbeddedStore, index: string, text: string): Promise<void> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('//'));
  const header = csvCells(lines[0]).map((h) => {
    const [name, type = 'keyword'] = h.trim().split(':').map((x) => x.trim());
    return { name, type };
  });
  const properties: Record<string, unknown> = {};
  for (const h of header) {
    properties[h.name] = h.type === 'scaled_float' ? { type: h.type, scaling_factor: 100 } : { type: h.type };
  }
  await store.createIndex(index, { mappings: { properties } });
  const items = lines.slice(1).map((line) => {
    const cells = csvCells(line);
    const doc: Record<string, unknown> = {};
    header.forEach((h, i) => {
      const v = cellValue(cells[i] ?? '');
      if (v !== null) doc[h.name] = v;
    });
    return { doc };
  });
  const result = await store.bulk(index, items);
  if (result.errors) {
    const bad = result.items.find((it) => 'error' in it) as { error: { reason: string } };
    throw new Error(`loading ${index}: ${bad.error.reason}`);
  }
}

// ---- running and comparing ----------------------------------------------------------------------------

/** Index patterns a case reads (a leading FROM, LOOKUP JOIN targets), or [] for ROW / SHOW. */
function sourcePatterns(query: string): string[] {
  const out: string[] = [];
  const m = /^\s*from\s+(.+?)(?:\s+metadata\b.*)?(?:\||$)/is.exec(query);
  if (m) out.push(...m[1].split(',').map((s) => s.trim()).filter((s) => s && !s.startsWith('-')));
  for (const j of query.matchAll(/\|\s*lookup\s+join\s+([^\s|]+)/gi)) out.push(j[1]);
  return out;
}

/** ENRICH reads a policy built from another dataset; the harness has no policies, so such cases are skipped. */
function usesEnrichPolicy(query: string): boolean {
  return /\|\s*enrich\s/i.test(query);
}

export async function runSpecCase(store: EmbeddedStore, datasets: string[], c: SpecCase): Promise<Outcome> {
  if (c.ignored) return { status: 'skipped', message: 'marked -Ignore' };
  const missing = sourcePatterns(c.query).filter((p) => matchIndices(datasets, [p]).indices.length === 0);
  if (missing.length) return { status: 'skipped', message: `dataset not present: ${missing.join(', ')}` };
  if (usesEnrichPolicy(c.query)) return { status: 'skipped', message: 'enrich policy not present' };
  let result: EsqlResult;
  try {
    result = await store.esql(c.query);
  } catch (e) {
    return { status: 'failed', message: `error: ${(e as Error).message.replace(/\n/g, ' ')}` };
  }
  const problem = compareResult(c, result);
  return problem ? { status: 'failed', message: problem } : { status: 'passed' };
}

export function compareResult(c: SpecCase, r: EsqlResult): string | null {
  const names = r.columns.map((x) => x.name);
  const expectedNames = c.expectedColumns.map((x) => x.name);
  if (names.join('|') !== expectedNames.join('|')) {
    return `columns [${names.join(', ')}] expected [${expectedNames.join(', ')}]`;
  }
  for (let i = 0; i < names.length; i++) {
    const want = c.expectedColumns[i].type;
    const got = r.columns[i].type;
    // ES|QL widens: an integer may stand for long, short or byte; a double for the float family.
    const widened = (want === 'long' || want === 'short' || want === 'byte') && got === 'integer' ||
      (want === 'float' || want === 'half_float' || want === 'scaled_float') && got === 'double';
    if (want !== got && !widened) {
      return `column [${names[i]}] has type [${got}] expected [${want}]`;
    }
  }
  const actual = r.values.map((row) => row.map((v) => v));
  if (actual.length !== c.expectedRows.length) {
    return `${actual.length} rows, expected ${c.expectedRows.length}` + (actual.length ? `; first: ${render(actual[0])}` : '');
  }
  const types = c.expectedColumns.map((x) => x.type);
  const rowMatches = (exp: string[], act: unknown[]): string | null => {
    for (let k = 0; k < types.length; k++) {
      if (!cellMatches(exp[k] ?? '', act[k], types[k])) return `[${names[k]}] = ${render([act[k]])} expected ${exp[k]}`;
    }
    return null;
  };
  if (c.ignoreOrder) {
    const left = [...actual];
    for (const exp of c.expectedRows) {
      const at = left.findIndex((act) => rowMatches(exp, act) === null);
      if (at < 0) return `no row matches expected [${exp.join(' | ')}]`;
      left.splice(at, 1);
    }
  } else {
    for (let i = 0; i < actual.length; i++) {
      const p = rowMatches(c.expectedRows[i], actual[i]);
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
  const left = [...actual];
  for (const w of c.warnings) {
    // `real#[Emulated:alternative]`: Elasticsearch's own harness accepts either wording.
    const alternatives = w.includes('#[Emulated:') ? [w.slice(0, w.indexOf('#[Emulated:')), w.slice(w.indexOf('#[Emulated:') + 11, -1)] : [w];
    const matches = (a: string): boolean => alternatives.some((x) => a === x || (!LOCATION.test(x) && a.replace(LOCATION, '') === x));
    const at = left.findIndex(matches);
    if (at < 0) return `missing warning [${w}]; got ${JSON.stringify(actual)}`;
    left.splice(at, 1);
  }
  for (const re of c.warningRegexes) {
    // The regexes are written against the HTTP header text, where quotes arrive escaped.
    const at = left.findIndex((a) => re.test(a) || re.test(a.replace(/"/g, '\\"')));
    if (at < 0) return `no warning matches /${re.source}/; got ${JSON.stringify(actual)}`;
    left.splice(at, 1);
  }
  if (left.length) return `unexpected warnings ${JSON.stringify(left)}`;
  return null;
}

function splitMulti(cell: string): string[] | null {
  const s = cell.trim();
  if (!s.startsWith('[') || !s.endsWith(']')) return null;
  const inner = s.slice(1, -1);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of inner) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) { out.push(cur.trim()); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function cellMatches(expected: string, actual: unknown, type: string): boolean {
  const e = expected.trim();
  if (e === 'null' || (e === '' && type !== 'keyword' && type !== 'text')) return actual === null;
  const multi = type === 'keyword' || type === 'text' ? (e.startsWith('[') ? splitMulti(e) : null) : splitMulti(e);
  const expectedValues = multi ?? [e];
  const actualValues = Array.isArray(actual) ? actual : [actual];
  if (actual === null) return false;
  if (expectedValues.length !== actualValues.length) return false;
  return expectedValues.every((x, i) => scalarMatches(unquote(x), actualValues[i], type));
}

function scalarMatches(e: string, a: unknown, type: string): boolean {
  if (a === null || a === undefined) return e === 'null';
  switch (type) {
    case 'integer': case 'long': case 'unsigned_long': case 'short': case 'byte':
      try { return BigInt(e) === BigInt(a as number | bigint); } catch { return false; }
    case 'double': case 'float': case 'half_float': case 'scaled_float':
      return Number(e) === Number(a) || (Number.isNaN(Number(e)) && Number.isNaN(Number(a)));
    case 'boolean':
      return e.toLowerCase() === String(a);
    case 'date': case 'date_nanos': {
      // Expected dates without a zone are UTC, as Elasticsearch prints them.
      const zoned = /[Zz]$|[+-]\d{2}:?\d{2}$/.test(e) || !e.includes('T') ? e : `${e}Z`;
      return Date.parse(zoned) === Date.parse(String(a));
    }
    default:
      return e === String(a);
  }
}
