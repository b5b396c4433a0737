// Executions at a glance, for values shown in a cell: an execution document (STATUS, WAIT that did not complete,
// CANCEL, ...) becomes a compact card (name, state, times, progress, result or error) with the whole document
// one click away in an HTML <details> and whole in `application/json`; rows of EXECUTIONS become a narrow table.
// The values themselves stay whole documents: only their display changes.
import type { MimeBundle } from '../contract';
import { escapeHtml } from '../html';
import { STATE_COLOURS, formatDuration, renderHtml, renderPlain } from './render';
import { stringifyExact } from '../exact-json';

type Json = Record<string, unknown>;

/** A document that describes one execution (or a STATUS lookup that found none). */
export function isExecutionDocument(doc: Json): boolean {
  return typeof doc.execution_id === 'string' || (doc.execution_id === null && typeof doc.track_name === 'string')
    ? typeof doc.status === 'string' && typeof doc.state === 'string'
    : false;
}

/** Rows that carry the execution columns EXECUTIONS returns. */
export function isExecutionRows(rows: Json[]): boolean {
  return rows.length > 0 && rows.every((r) => typeof r.execution_id === 'string' && 'procedure_name' in r && typeof r.state === 'string');
}

// Fields a lookup document (NOT_FOUND, EXPIRED) or a projection may lack, so the renderers see a whole shape.
const DEFAULTS: Json = {
  execution_id: '', track_name: null, procedure_name: '', state_reason: null, attempt: 1, max_attempts: 1,
  created_at: null, started_at: null, completed_at: null, settled_at: null, duration_ms: null,
  progress: { percent: null, message: null }, result: null, handler_result: null, error: null, error_info: null, output: [],
};

/** `HH:MM:SS` (UTC) for today, the date too otherwise. */
export function shortTime(iso: unknown, now: number): string {
  if (typeof iso !== 'string' && !(iso instanceof Date)) return '-';
  const d = new Date(iso as string);
  if (Number.isNaN(d.getTime())) return String(iso);
  const text = d.toISOString();
  return text.slice(0, 10) === new Date(now).toISOString().slice(0, 10) ? text.slice(11, 19) : `${text.slice(0, 10)} ${text.slice(11, 19)}`;
}

function timesLine(doc: Json, now: number): string {
  const parts = [`created ${shortTime(doc.created_at, now)}`];
  if (doc.started_at) parts.push(`started ${shortTime(doc.started_at, now)}`);
  if (doc.completed_at) parts.push(`finished ${shortTime(doc.completed_at, now)}`);
  return `${parts.join(' · ')} UTC`;
}

export function executionCard(doc: Json, now: number): MimeBundle {
  // a lookup that found nothing (NOT_FOUND, EXPIRED) has no run to describe: one line says so
  if (doc.execution_id === null || doc.status === 'NOT_FOUND' || doc.status === 'EXPIRED') {
    const who = typeof doc.track_name === 'string' ? `'${doc.track_name}'` : String(doc.execution_id);
    const line = `${who} ${String(doc.status)}`;
    return { 'text/plain': line, 'text/html': `<code>${escapeHtml(line)}</code>`, 'application/json': doc };
  }
  const whole: Json = { ...DEFAULTS, ...doc };
  whole.execution_id ??= '';
  if (!whole.procedure_name) whole.procedure_name = String(whole.track_name ?? whole.execution_id ?? '');
  const shown = whole as Parameters<typeof renderPlain>[0];
  const options = { now, lines: 3 };
  const times = timesLine(whole, now);
  const full = stringifyExact(doc, 2);
  const html =
    `<div class="escript-card" style="display:inline-block;border:1px solid #d1d5db;border-radius:6px;padding:6px 10px;max-width:720px">` +
    renderHtml(shown, options) +
    `<div style="color:#6b7280;font-family:monospace;font-size:90%">${escapeHtml(times)}</div>` +
    `<details><summary style="cursor:pointer;color:#6b7280">execution document</summary>` +
    `<pre style="max-height:24em;overflow:auto">${escapeHtml(full)}</pre></details></div>`;
  return { 'text/plain': `${renderPlain(shown, options)}\n${times}`, 'text/html': html, 'application/json': doc };
}

const COLUMNS = ['track', 'procedure', 'state', 'started', 'took', 'progress', 'id'] as const;

function rowCells(r: Json, now: number): Record<(typeof COLUMNS)[number], string> {
  const percent = (r.progress as { percent?: unknown } | null)?.percent ?? r.progress;
  const id = String(r.execution_id);
  return {
    track: r.track_name == null ? '' : String(r.track_name),
    procedure: String(r.procedure_name ?? ''),
    state: String(r.state) + (r.state_reason ? ` (${String(r.state_reason)})` : ''),
    started: shortTime(r.started_at ?? r.created_at, now),
    took: typeof r.duration_ms === 'number' ? formatDuration(r.duration_ms) : '-',
    progress: typeof percent === 'number' ? `${Math.round(percent)}%` : '',
    // UUIDv7 ids share their leading (time) digits: the random tail tells runs apart
    id: id.length > 14 ? `…${id.slice(-12)}` : id,
  };
}

export function executionsTable(rows: Json[], now: number): MimeBundle {
  const cells = rows.map((r) => rowCells(r, now));
  const widths = COLUMNS.map((c) => Math.max(c.length, ...cells.map((row) => row[c].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  const plain = [line([...COLUMNS]), ...cells.map((row) => line(COLUMNS.map((c) => row[c])))].join('\n');
  const head = COLUMNS.map((c) => `<th style="text-align:left">${c}</th>`).join('');
  const body = cells.map((row, i) => {
    const colour = STATE_COLOURS[String(rows[i].state)] ?? '#374151';
    const td = (c: (typeof COLUMNS)[number]) =>
      c === 'state' ? `<td style="color:${colour};font-weight:bold">${escapeHtml(row.state)}</td>`
      : c === 'id' ? `<td title="${escapeHtml(String(rows[i].execution_id))}"><code>${escapeHtml(row.id)}</code></td>`
      : `<td>${escapeHtml(row[c])}</td>`;
    return `<tr>${COLUMNS.map(td).join('')}</tr>`;
  }).join('');
  return {
    'text/plain': plain,
    'text/html': `<table class="escript-executions" style="white-space:nowrap"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
  };
}
