// Renders an ES|QL result as ES|QL's `format=txt` table and as an HTML table.
import type { EsqlResult } from '../store/store';
import { DataType, javaDouble } from './types';
import { escapeHtml } from '../html';

function cellText(v: unknown, type: string): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[' + v.map((x) => cellText(x, type)).join(', ') + ']';
  if (type === 'double' && typeof v === 'number') return javaDouble(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const MIN_COLUMN_WIDTH = 15;

/**
 * Elasticsearch's text format: each column at least 15 wide, headers centred, cells left-aligned, `|` between
 * columns and a `-`/`+` rule under the header.
 */
export function formatText(result: EsqlResult): string {
  const headers = result.columns.map((c) => c.name);
  const rows = result.values.map((row) => row.map((v, i) => cellText(v, result.columns[i].type as DataType)));
  const widths = headers.map((h, i) => Math.max(MIN_COLUMN_WIDTH, h.length, ...rows.map((r) => r[i].length)));
  const centred = headers.map((h, i) => {
    const left = Math.floor((widths[i] - h.length) / 2);
    return (' '.repeat(left) + h).padEnd(widths[i]);
  });
  const out = [centred.join('|'), widths.map((w) => '-'.repeat(w)).join('+'),
    ...rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('|'))];
  return out.join('\n') + '\n';
}


/** HTML table with the column types in the header's title attributes, numbers right-aligned. */
export function formatHtml(result: EsqlResult): string {
  const numeric = result.columns.map((c) => ['integer', 'long', 'unsigned_long', 'double'].includes(c.type));
  const head = result.columns.map((c) => `<th title="${escapeHtml(c.type)}">${escapeHtml(c.name)}</th>`).join('');
  const body = result.values.map((row) => '<tr>' + row.map((v, i) => {
    const style = numeric[i] ? ' style="text-align: right"' : '';
    return `<td${style}>${escapeHtml(cellText(v, result.columns[i].type))}</td>`;
  }).join('') + '</tr>').join('\n');
  return `<table class="esql-result">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
