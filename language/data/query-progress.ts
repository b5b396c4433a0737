// A long ES|QL query on a cluster shows how it is doing in the cell, updated in place (like an execution's live
// display): elapsed time and what the cluster reports. Nothing is shown for a query that ends before its first
// progress report, i.e. one that finished within the async threshold. Every query a script sends goes through
// `runShownQuery`, whatever form sent it (a cell's query, FOR, a cursor, EXECUTE IMMEDIATE, ESQL_QUERY called or
// passed as a value, in a routine or not), so each shows the same line on the output of the code that runs it.
import type { MimeBundle, Output } from '../contract';
import type { EsqlProgress, EsqlResult } from '../store/store';
import type { Services } from '../evaluator/runtime';
import { ScriptError } from '../errors';
import { runQuery } from './services';

let displays = 0;

export function progressText(p: EsqlProgress): string {
  const parts = [`ES|QL ${p.running ? 'running' : 'done'} ${(p.elapsedMs / 1000).toFixed(1)} s`];
  if (p.documentsFound !== undefined) parts.push(`${p.documentsFound} documents found`);
  if (p.valuesLoaded !== undefined) parts.push(`${p.valuesLoaded} values loaded`);
  const c = p.clusters;
  if (c && c.total !== undefined) {
    parts.push(`clusters: ${c.successful ?? 0}/${c.total} done` + (c.running ? `, ${c.running} running` : '') +
      (c.partial ? `, ${c.partial} partial` : '') + (c.skipped ? `, ${c.skipped} skipped` : '') + (c.failed ? `, ${c.failed} failed` : ''));
  }
  parts.push(`(async id ${p.id})`);
  return parts.join(', ');
}

/** An `onProgress` that writes to `out`: the first report creates the display, later ones update it. */
export function progressDisplay(out: Output): { onProgress: (p: EsqlProgress) => void; interrupted: () => void } {
  let id: string | undefined;
  let last: EsqlProgress | undefined;
  const bundle = (text: string): MimeBundle => ({ 'text/plain': text });
  return {
    onProgress(p) {
      last = p;
      if (!id) {
        id = `escript-esql-progress-${process.pid}-${++displays}`;
        out.display(bundle(progressText(p)), id);
      } else out.updateDisplay(bundle(progressText(p)), id);
    },
    interrupted() {
      if (id && last) out.updateDisplay(bundle(`ES|QL interrupted after ${(last.elapsedMs / 1000).toFixed(1)} s (async id ${last.id} deleted)`), id);
    },
  };
}

/**
 * Runs a query on the session's store with its progress on `out` and its warnings printed as WARN; an interrupt
 * marks the line (the store has deleted the cluster's query) and fails as `interrupted`.
 */
export async function runShownQuery(services: Services, out: Output, text: string, params: unknown[], signal: AbortSignal): Promise<EsqlResult> {
  const progress = progressDisplay(out);
  let result: EsqlResult;
  try {
    result = await runQuery(services, text, params, signal, { onProgress: progress.onProgress });
  } catch (e) {
    if (!signal.aborted) throw e;
    progress.interrupted();
    throw new ScriptError('interrupted', 'execution interrupted');
  }
  for (const w of result.warnings) out.print(w, 'WARN');
  return result;
}
