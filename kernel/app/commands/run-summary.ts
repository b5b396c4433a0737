// What `escript run` says on stderr about the executions a script started, once they are done: a line per
// failure nothing handled (like an uncaught error), then one line counting them by final state.

export interface LaunchedOutcome {
  id: string;
  doc: {
    state: string;
    state_reason: string | null;
    track_name: string | null;
    procedure_name: string;
    settled_at: string | null;
    error: string | null;
    error_info: { type: string; message: string; line: number | null; procedure: string | null } | null;
  } | null;
  unhandledFailure: boolean;
}

const ORDER = ['COMPLETED', 'FAILED', 'TIMED_OUT', 'LOST', 'CANCELLED'];

export function summarise(outcomes: LaunchedOutcome[]): string[] {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  const count = (label: string) => counts.set(label, (counts.get(label) ?? 0) + 1);
  for (const { id, doc, unhandledFailure } of outcomes) {
    if (!doc) {
      count('not found');
      continue;
    }
    if (doc.settled_at === null) count('left running (their lease runs out)');
    else count(doc.state === 'CANCELLED' && doc.state_reason ? `cancelled (${doc.state_reason})` : doc.state.toLowerCase().replace('_', ' '));
    if (unhandledFailure) lines.push(`${nameOf(doc, id)} ${doc.state}, not handled: ${errorText(doc)}`);
  }
  const unhandled = outcomes.filter((o) => o.unhandledFailure).length;
  const parts = [...counts.entries()]
    .sort((a, b) => rank(a[0]) - rank(b[0]))
    .map(([label, n]) => `${n} ${label}`);
  const total = outcomes.length;
  lines.push(`${total} execution${total === 1 ? '' : 's'}: ${parts.join(', ')}${unhandled > 0 ? ` (${unhandled} failed with no handler)` : ''}`);
  return lines;
}

function rank(label: string): number {
  const i = ORDER.findIndex((s) => label.startsWith(s.toLowerCase().replace('_', ' ')));
  return i < 0 ? ORDER.length : i;
}

function nameOf(doc: NonNullable<LaunchedOutcome['doc']>, id: string): string {
  return `${doc.track_name ? `'${doc.track_name}' ` : ''}${doc.procedure_name} [${id}]`;
}

function errorText(doc: NonNullable<LaunchedOutcome['doc']>): string {
  const info = doc.error_info;
  if (!info) return doc.error ?? 'no error recorded';
  const where = [info.procedure ? `in ${info.procedure}` : '', info.line !== null ? `line ${info.line}` : ''].filter(Boolean).join(' ');
  return `${info.type}: ${info.message}${where ? ` (${where})` : ''}`;
}
