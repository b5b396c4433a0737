// Store and ES|QL failures as script errors: `esql_error` for a query Elasticsearch (or the embedded engine)
// rejects, with its `line L:C` moved into the cell's coordinates when the query is written in the script;
// `store_error` (or the store's own type, e.g. `version_conflict`) for everything else. Never a crash.
import type { Span, SourceText } from '../ast';
import { ScriptError, positionOf } from '../errors';
import { EsqlError, withParseHint } from '../esql/errors';
import { StoreError, VersionConflictError } from '../store/store';
import type { PreparedQuery } from './query-text';

/** Where a query's text sits in the script: its first character's offset in `source`. */
export interface QueryOrigin {
  readonly source: SourceText;
  readonly start: number;
  readonly prepared: PreparedQuery;
}

const LINE_COLUMN = /line (\d+):(\d+):/gi;

export function dataError(e: unknown, span: Span | undefined, origin?: QueryOrigin): ScriptError {
  if (e instanceof ScriptError) {
    if (!e.span) e.span = span;
    return e;
  }
  if (e instanceof EsqlError || isEsqlType(e)) return esqlError(e as Error, span, origin);
  if (e instanceof VersionConflictError) return new ScriptError('version_conflict', e.message, span);
  if (e instanceof StoreError) {
    const err = new ScriptError('store_error', e.type === 'store_error' ? e.message : `${e.type}: ${e.message}`, span);
    err.code = e.status ?? null;
    return err;
  }
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'RequestAbortedError')) {
    return new ScriptError('interrupted', 'execution interrupted', span);
  }
  return new ScriptError('store_error', e instanceof Error ? e.message : String(e), span);
}

function isEsqlType(e: unknown): boolean {
  return e instanceof StoreError && /^(verification|parsing)_exception$/.test(e.type);
}

/**
 * `line 1:23: Unknown column [x]` -> the script error points at that column of the query inside the cell; a
 * single problem loses Elasticsearch's `Found 1 problem` wrapper. Queries built at run time (EXECUTE IMMEDIATE)
 * keep the query's own positions and point at the statement.
 */
function esqlError(e: Error, span: Span | undefined, origin?: QueryOrigin): ScriptError {
  // the cluster's parser says what ours says, without the hint
  let message = withParseHint(e.message);
  const single = /^Found 1 problem\n(line \d+:\d+: [\s\S]*)$/.exec(message);
  if (single) message = single[1];
  if (!origin) return new ScriptError('esql_error', message, span);
  let first: number | undefined;
  message = message.replace(LINE_COLUMN, (_all, l: string, c: string) => {
    const offset = origin.start + originalOffset(origin.prepared, offsetIn(origin.prepared.text, Number(l), Number(c)));
    first ??= offset;
    const p = positionOf(origin.source, offset);
    return `line ${p.line}:${p.column}:`;
  });
  if (first === undefined) return new ScriptError('esql_error', message, span);
  // the position is in the error's span; keep only the words after the first `line L:C:`
  const lead = /^line \d+:\d+: /.exec(message);
  if (lead) message = message.slice(lead[0].length);
  return new ScriptError('esql_error', message, { source: origin.source, start: first, end: first + 1 });
}

function offsetIn(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) break;
    offset = nl + 1;
  }
  return Math.min(offset + column - 1, text.length);
}

function originalOffset(p: PreparedQuery, offset: number): number {
  return p.sourceOffset[Math.max(0, Math.min(offset, p.sourceOffset.length - 1))];
}
