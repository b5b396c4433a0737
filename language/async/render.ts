// An execution document as a MIME bundle for its live display: `text/plain` always, `text/html` with
// name, procedure, state, elapsed time, a progress bar, the recent PRINT lines and the result or error.

import type { MimeBundle } from '../contract';
import { msOf } from './clock';
import type { ExecutionDocument } from './document';
import { escapeHtml } from '../html';
import { stringifyExact } from '../exact-json';

type Renderable = Omit<ExecutionDocument, 'status'> & { status: string };

export interface RenderOptions {
  /** Milliseconds since the epoch, for the elapsed time of a run that has not finished. */
  now: number;
  /** How many of the last PRINT lines to show (default 10). */
  lines?: number;
}

export const STATE_COLOURS: Record<string, string> = {
  PENDING: '#6b7280',
  RETRY_SCHEDULED: '#b45309',
  RUNNING: '#2563eb',
  CANCEL_REQUESTED: '#b45309',
  COMPLETED: '#15803d',
  FAILED: '#b91c1c',
  TIMED_OUT: '#b91c1c',
  LOST: '#b91c1c',
  CANCELLED: '#6b7280',
};

export function elapsedMs(doc: Renderable, now: number): number | null {
  if (doc.duration_ms !== null && doc.completed_at !== null) return doc.duration_ms;
  const start = msOf(doc.started_at);
  return start === null ? null : Math.max(0, now - start);
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return minutes < 60 ? `${minutes} min ${seconds} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function json(value: unknown): string {
  try {
    return stringifyExact(value, 2) ?? 'null';
  } catch {
    return String(value);
  }
}


function stateLabel(doc: Renderable): string {
  const reason = doc.state_reason ? ` (${doc.state_reason})` : '';
  const attempt = doc.max_attempts > 1 ? `, attempt ${doc.attempt}/${doc.max_attempts}` : '';
  const status = doc.status.startsWith('RUNNING (') ? ` ${doc.status.slice('RUNNING '.length)}` : '';
  return `${doc.state}${reason}${attempt}${status}`;
}

function outcomeText(doc: Renderable): string | null {
  if (doc.status === 'COMPLETED' && doc.settled_at !== null) {
    const handled = doc.handler_result != null ? `\nhandler_result: ${json(doc.handler_result)}` : '';
    return `result: ${json(doc.result)}${handled}`;
  }
  if (doc.error) return `error: ${doc.error_info?.type ? `[${doc.error_info.type}] ` : ''}${doc.error}`;
  return null;
}

export function renderPlain(doc: Renderable, options: RenderOptions): string {
  const title = doc.track_name ? `'${doc.track_name}' ` : '';
  const percent = doc.progress?.percent;
  const progress = percent != null ? ` ${Math.round(percent)}%${doc.progress.message ? ` ${doc.progress.message}` : ''}` : '';
  const lines = [`${title}${doc.procedure_name} [${doc.execution_id}] ${stateLabel(doc)}${progress} ${formatDuration(elapsedMs(doc, options.now))}`];
  for (const line of (doc.output ?? []).slice(-(options.lines ?? 10))) lines.push(`  ${line}`);
  const outcome = outcomeText(doc);
  if (outcome) lines.push(outcome);
  return lines.join('\n');
}

export function renderHtml(doc: Renderable, options: RenderOptions): string {
  const colour = STATE_COLOURS[doc.state] ?? '#374151';
  const percent = doc.progress?.percent;
  const bar =
    percent != null
      ? `<div style="background:#e5e7eb;border-radius:3px;height:8px;width:240px;margin:4px 0">` +
        `<div style="background:${colour};height:8px;border-radius:3px;width:${Math.round(percent)}%"></div></div>` +
        `<div style="font-size:90%">${Math.round(percent)}%${doc.progress.message ? ` ${escapeHtml(doc.progress.message)}` : ''}</div>`
      : '';
  const prints = (doc.output ?? []).slice(-(options.lines ?? 10));
  const output = prints.length > 0 ? `<pre style="margin:4px 0">${escapeHtml(prints.join('\n'))}</pre>` : '';
  const outcome = outcomeText(doc);
  const outcomeHtml = outcome ? `<pre style="margin:4px 0;color:${doc.error ? '#b91c1c' : 'inherit'}">${escapeHtml(outcome)}</pre>` : '';
  const name = doc.track_name ? `<b>${escapeHtml(doc.track_name)}</b> ` : '';
  return (
    `<div class="escript-execution" data-execution-id="${escapeHtml(doc.execution_id)}" style="font-family:monospace">` +
    `<div>${name}${escapeHtml(doc.procedure_name)} <span style="color:${colour};font-weight:bold">${escapeHtml(stateLabel(doc))}</span> ` +
    `<span style="color:#6b7280">${formatDuration(elapsedMs(doc, options.now))} · ${escapeHtml(doc.execution_id)}</span></div>` +
    bar +
    output +
    outcomeHtml +
    `</div>`
  );
}

export function renderExecution(doc: Renderable, options: RenderOptions): MimeBundle {
  return { 'text/plain': renderPlain(doc, options), 'text/html': renderHtml(doc, options) };
}
