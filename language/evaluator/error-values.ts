// Errors as the evaluator handles them: anything thrown becomes a ScriptError, and CATCH and SAVE EXCEPTIONS
// see them as documents.
import type * as A from '../ast';
import { ScriptError, positionOf } from '../errors';
import type { Doc, Value } from '../values';
import type { Runtime } from './runtime';
import { engineLimitError } from '../limits';

export function asScriptError(e: unknown, span: A.Span | undefined): ScriptError {
  if (e instanceof ScriptError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new ScriptError('stack_overflow', 'maximum recursion depth exceeded', span);
  }
  const limit = engineLimitError(e, span);
  if (limit) return limit;
  return new ScriptError('runtime_error', e instanceof Error ? e.message : String(e), span);
}

export function errorDocument(e: ScriptError): Doc {
  const p = e.position;
  return {
    message: e.message,
    code: e.code as Value,
    type: e.kind,
    line: p ? p.line : null,
    column: p ? p.column : null,
    procedure: e.frames.length ? e.frames[0].name : null,
    stack: e.frames.map((fr) => {
      const at = fr.span ? positionOf(fr.span.source, fr.span.start) : undefined;
      return at ? `${fr.name} (line ${at.line}:${at.column})` : fr.name;
    }),
    stack_trace: e.report().traceback.join('\n'),
    cause: null,
  };
}

export function bulkError(e: unknown, index: number, element: Value, span: A.Span, rt: Runtime, base: number): Doc {
  const err = asScriptError(e, span);
  rt.unwindTo(err, base);
  if (err.kind === 'interrupted') throw err;
  // `error` is the reference's name for the message (its bulk-operations page reads bulk_errors[i]['error']).
  return { index, element, error: err.message, message: err.message, type: err.kind, code: err.code as Value };
}
