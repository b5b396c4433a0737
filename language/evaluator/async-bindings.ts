// Which `@name`s each pipeline handler binds, and the errors that say so: `p() | ON_DONE h(@error)` fails when
// the statement is compiled, naming what ON_DONE binds and which handlers bind @error.
import type * as A from '../ast';
import { ScriptError } from '../errors';

/** What the engine passes to each kind of handler (language/async/procedure.ts, parallel.ts). */
export const HANDLER_BINDINGS: Record<string, readonly string[]> = {
  ON_DONE: ['result'],
  ON_FAIL: ['error', 'error_info'],
  FINALLY: [],
  ON_ALL_DONE: ['result', 'results'],
  ON_ANY_FAIL: ['error', 'error_info', 'results'],
  ON_ALL_SETTLED: ['outcomes', 'results'],
  ON_ANY_DONE: ['result'],
};

function names(list: readonly string[]): string {
  return list.length ? list.map((n) => `@${n}`).join(', ') : 'nothing';
}

function whereBound(name: string, handlers: readonly string[]): string {
  const by = handlers.filter((h) => HANDLER_BINDINGS[h]?.includes(name));
  if (by.length === 0) return `no handler binds @${name}`;
  const list = by.length > 1 ? `${by.slice(0, -1).join(', ')} and ${by[by.length - 1]}` : by[0];
  return `@${name} is bound in ${list}`;
}

/** The `@name` reads of a handler, not counting the handlers of pipelines nested in it (they bind their own). */
function atReads(node: unknown, out: Extract<A.Expr, { kind: 'at' }>[]): typeof out {
  if (Array.isArray(node)) {
    for (const x of node) atReads(x, out);
  } else if (node && typeof node === 'object') {
    const n = node as Record<string, unknown>;
    if (n.kind === 'at' && typeof n.name === 'string') out.push(n as Extract<A.Expr, { kind: 'at' }>);
    for (const [k, v] of Object.entries(n)) {
      if (k === 'span' || (k === 'handler' && 'op' in n) || typeof v !== 'object') continue;
      atReads(v, out);
    }
  }
  return out;
}

/** Fails (name_error, at the `@name`) when a stage's handler reads a binding its kind does not provide. */
export function checkHandlerBindings(stage: A.PipeStage, handlers: readonly string[]): void {
  const bound = HANDLER_BINDINGS[stage.op];
  if (!stage.handler || !bound) return;
  // A lambda's parameter list names what it takes (a parameter the stage does not bind is NULL, as for any
  // lambda); only its body's other reads must be bound.
  const declared = stage.handler.kind === 'lambda' ? stage.handler.params.flatMap((p) => (p.kind === 'at' ? [p.name] : [])) : [];
  const reads = atReads(stage.handler.kind === 'lambda' ? stage.handler.body : stage.handler, []);
  for (const at of reads) {
    if (bound.includes(at.name) || declared.includes(at.name)) continue;
    throw new ScriptError(
      'name_error',
      `@${at.name} is not bound in ${stage.op}: ${stage.op} binds ${names(bound)}; ${whereBound(at.name, handlers)}`,
      at.span,
    );
  }
}
