// Rich rendering of values for hosts: a MIME bundle with `text/plain` always, an HTML table (and a text table)
// for arrays of documents, JSON for documents; cards and a narrow table for executions (async/cards.ts). Big values
// are shown truncated (DISPLAY_LIMITS): a 2,000,000-element array or 100,000 rows would otherwise send tens of
// megabytes to the frontend.
import type { MimeBundle } from './contract';
import { Value, Doc, isDoc, toText, toJsonable, toCellText } from './values';
import { stringifyExact } from './exact-json';
import { esqlResultOf } from './data/rows';
import { formatText, formatHtml } from './esql/format';
import type { EsqlResult } from './store/store';
import { escapeHtml } from './html';
import { executionCard, executionsTable, isExecutionDocument, isExecutionRows } from './async/cards';

/** What a display shows of a big value; the rest is counted in a "... N more" line. Documented in README. */
export const DISPLAY_LIMITS = {
  /** Rows of a table (documents, ES|QL answers). */
  rows: 1000,
  /** Elements of an array. */
  elements: 1000,
  /** Characters of any one text or JSON rendering. */
  chars: 1_000_000,
} as const;


export function isTable(v: Value): v is Doc[] {
  return Array.isArray(v) && v.length > 0 && v.every((r) => isDoc(r));
}

export function tableColumns(rows: Doc[]): string[] {
  const cols: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) { seen.add(k); cols.push(k); }
  return cols;
}

export function textTable(rows: Doc[]): string {
  const cols = tableColumns(rows);
  const cells = rows.map((r) => cols.map((c) => (c in r ? toCellText(r[c]) : '')));
  const widths = cols.map((c, i) => cells.reduce((w, row) => Math.max(w, row[i].length), c.length));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join(' | ').trimEnd();
  return [line(cols), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)].join('\n');
}

export function htmlTable(rows: Doc[]): string {
  const cols = tableColumns(rows);
  const head = cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${cols.map((c) => `<td>${c in r ? escapeHtml(toCellText(r[c])) : ''}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The line under a truncated display: how many are not shown and how many there are. */
export function moreLine(shown: number, total: number, unit: string): string {
  return `... ${total - shown} more ${unit} (${total} ${unit} in all; the first ${shown} shown)`;
}

/** Text cut to DISPLAY_LIMITS.chars, with a line saying how much was left out. */
function capText(text: string): string {
  const max = DISPLAY_LIMITS.chars;
  return text.length <= max ? text : `${text.slice(0, max)}\n${moreLine(max, text.length, 'characters')}`;
}

function withNote(bundle: { 'text/plain': string; 'text/html': string }, note: string | null): MimeBundle {
  if (!note) return bundle;
  return { 'text/plain': `${bundle['text/plain']}\n${note}`, 'text/html': `${bundle['text/html']}\n<p>${escapeHtml(note)}</p>` };
}

function esqlBundle(result: EsqlResult): MimeBundle {
  const total = result.values.length;
  const shown = total > DISPLAY_LIMITS.rows ? { ...result, values: result.values.slice(0, DISPLAY_LIMITS.rows) } : result;
  const note = shown === result ? null : moreLine(DISPLAY_LIMITS.rows, total, 'rows');
  return withNote({ 'text/plain': formatText(shown).replace(/\n$/, ''), 'text/html': formatHtml(shown) }, note);
}

/** An array's text: its JSON, the first DISPLAY_LIMITS.elements elements of a longer one. */
function arrayText(v: Value[]): string {
  const max = DISPLAY_LIMITS.elements;
  if (v.length <= max) return toText(v);
  return `${toText(v.slice(0, max)).slice(0, -1)}, ...]\n${moreLine(max, v.length, 'elements')}`;
}

/** The MIME bundle for a value shown as a cell result or by DISPLAY. */
export function toMimeBundle(v: Value): MimeBundle {
  // execution documents and EXECUTIONS rows: a card and a narrow table instead of ~70 lines of JSON
  if (isDoc(v)) {
    const doc = toJsonable(v) as Record<string, unknown>;
    if (isExecutionDocument(doc)) return executionCard(doc, Date.now());
  }
  // (the first row decides cheaply before a big table is converted)
  if (isTable(v) && isExecutionRows([toJsonable(v[0]) as Record<string, unknown>])) {
    const rows = v.map((r) => toJsonable(r) as Record<string, unknown>);
    if (isExecutionRows(rows)) {
      const shown = rows.length > DISPLAY_LIMITS.rows ? rows.slice(0, DISPLAY_LIMITS.rows) : rows;
      const table = executionsTable(shown, Date.now()) as { 'text/plain': string; 'text/html': string };
      return withNote(table, shown === rows ? null : moreLine(shown.length, rows.length, 'rows'));
    }
  }
  // rows straight from an ES|QL query render as ES|QL's own table (column types, Elasticsearch's text format)
  const esql = esqlResultOf(v);
  const bundle = esql ? esqlBundle(esql) : plainBundle(v);
  const text = bundle['text/plain'];
  if (typeof text === 'string' && text.length > DISPLAY_LIMITS.chars) {
    // too big even after the row and element limits (long strings, wide documents): cut the text, drop the rest
    return { 'text/plain': capText(text) };
  }
  return bundle;
}

function plainBundle(v: Value): MimeBundle {
  if (isTable(v)) {
    const rows = v.length > DISPLAY_LIMITS.rows ? v.slice(0, DISPLAY_LIMITS.rows) : v;
    const note = rows === v ? null : moreLine(rows.length, v.length, 'rows');
    return withNote({ 'text/plain': textTable(rows), 'text/html': htmlTable(rows) }, note);
  }
  if (isDoc(v) || v instanceof Map) {
    const json = toJsonable(v);
    const text = stringifyExact(json, 2);
    return text.length > DISPLAY_LIMITS.chars ? { 'text/plain': text } : { 'text/plain': text, 'application/json': json };
  }
  if (Array.isArray(v)) return { 'text/plain': arrayText(v) };
  return { 'text/plain': toText(v) };
}
