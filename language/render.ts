// Rich rendering of values for hosts: a MIME bundle with `text/plain` always, an HTML table (and a text table)
// for arrays of documents, JSON for documents.
import type { MimeBundle } from './contract';
import { Value, Doc, isDoc, toText, toJsonable, toCellText } from './values';
import { esqlResultOf } from './data/rows';
import { formatText, formatHtml } from './esql/format';
import { escapeHtml } from './html';


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
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
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

/** The MIME bundle for a value shown as a cell result or by DISPLAY. */
export function toMimeBundle(v: Value): MimeBundle {
  // rows straight from an ES|QL query render as ES|QL's own table (column types, Elasticsearch's text format)
  const esql = esqlResultOf(v);
  if (esql) return { 'text/plain': formatText(esql).replace(/\n$/, ''), 'text/html': formatHtml(esql) };
  if (isTable(v)) return { 'text/plain': textTable(v), 'text/html': htmlTable(v) };
  if (isDoc(v) || v instanceof Map) return { 'text/plain': JSON.stringify(toJsonable(v), null, 2), 'application/json': toJsonable(v) };
  return { 'text/plain': toText(v) };
}
