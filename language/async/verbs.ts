// `EXECUTION(x) | VERB` as one call: the value a script sees (plain JSON) for the statement and the expression
// forms alike, and the run a RETRY launched (the caller shows its live display). STATUS is always a document,
// so `(EXECUTION(x) | STATUS).status` works for a name nobody knows: its status is NOT_FOUND or EXPIRED.

import type { ExecutionHandle, StatusView } from './api';
import { waitValue } from './api';
import type { ExecutionEngine } from './engine';
import { isExecutionId } from './ids';

export type Verb =
  | { op: 'STATUS' }
  | { op: 'WAIT'; timeoutMs?: number; everyMs?: number }
  | { op: 'CANCEL'; force?: boolean }
  | { op: 'RETRY' }
  | { op: 'COMPLETE'; value: unknown }
  | { op: 'FAIL'; message: string }
  | { op: 'PING' }
  | { op: 'RESULT' }
  | { op: 'HISTORY' };

/** STATUS of a name or id that names no execution (any more). */
export interface LookupDocument {
  execution_id: string | null;
  track_name: string | null;
  status: 'NOT_FOUND' | 'EXPIRED';
  state: 'NOT_FOUND' | 'EXPIRED';
}

export interface VerbOutcome {
  /** What the verb evaluates to, as plain JSON. */
  value: unknown;
  /** RETRY started this run: show its live display. */
  launched?: ExecutionHandle;
}

/** STATUS as a value: the execution document, or a LookupDocument whose status says NOT_FOUND or EXPIRED. */
export async function statusDocument(engine: ExecutionEngine, target: string): Promise<StatusView | LookupDocument> {
  const found = await engine.status(target);
  if (typeof found !== 'string') return found;
  const byId = isExecutionId(target);
  return { execution_id: byId ? target : null, track_name: byId ? null : target, status: found, state: found };
}

/**
 * Runs one verb on the execution named by `target` (a track name or an execution id). Verbs other than STATUS
 * throw ExecutionError (`execution_not_found`, `execution_expired`, ...) as the engine does; `signal` ends a
 * WAIT early (its reason is thrown) without touching the execution.
 */
export async function runVerb(engine: ExecutionEngine, target: string, verb: Verb, options: { signal?: AbortSignal } = {}): Promise<VerbOutcome> {
  switch (verb.op) {
    case 'STATUS':
      return { value: await statusDocument(engine, target) };
    case 'WAIT':
      return { value: waitValue(await engine.wait(target, { timeoutMs: verb.timeoutMs, everyMs: verb.everyMs, signal: options.signal })) };
    case 'CANCEL':
      return { value: (await engine.cancel(target, { force: verb.force })).document };
    case 'RETRY': {
      const launched = await engine.retry(target);
      return { value: launched, launched };
    }
    case 'COMPLETE':
      return { value: (await engine.complete(target, verb.value)).document };
    case 'FAIL':
      return { value: (await engine.fail(target, verb.message)).document };
    case 'PING':
      return { value: (await engine.ping(target)).document };
    case 'RESULT':
      return { value: await engine.result(target) };
    case 'HISTORY':
      return { value: await engine.history(target) };
  }
}
