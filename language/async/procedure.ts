// The handlers of a procedure pipeline (ON_DONE chain, ON_FAIL, FINALLY) and of a PARALLEL branch (none).

import type { ErrorInfo, ExecutionDocument } from './document';
import type { RunStrategy } from './run';
import type { Bindings, Body, BodyContext, Handler, HandlerContext, ProcedureSpec } from './spec';
import type { Settlement } from './transitions';

export type Describe = (err: unknown, procedure: string | null) => ErrorInfo;

const FAILED_STATES = new Set(['FAILED', 'TIMED_OUT', 'LOST']);

/** Runs handlers whose failure does not change the outcome (ON_FAIL, FINALLY, ...); collects their errors. */
export async function runEach(handlers: Handler[] | undefined, bindings: Bindings, ctx: HandlerContext, describe: Describe, errors: ErrorInfo[]): Promise<void> {
  for (const handler of handlers ?? []) {
    // This kernel lost the run (lease taken over, engine halted): the new owner decides what remains.
    if (ctx.signal.aborted) return;
    try {
      await handler.run(bindings, ctx);
    } catch (err) {
      errors.push(describe(err, handler.name));
    }
  }
}

/**
 * ON_DONE-style chain: each handler's non-null return replaces `@result` for the next; a failure stops the
 * chain. `handlerResult` is the last non-null return (null when no handler returned a value).
 */
export async function runChain(
  handlers: Handler[] | undefined,
  start: unknown,
  bindingsFor: (result: unknown) => Bindings,
  ctx: HandlerContext,
  describe: Describe,
): Promise<{ handlerResult: unknown; failure: ErrorInfo | null }> {
  let result = start;
  let handlerResult: unknown = null;
  for (const handler of handlers ?? []) {
    if (ctx.signal.aborted) break;
    try {
      const returned = await handler.run(bindingsFor(result), ctx);
      if (returned !== null && returned !== undefined) result = handlerResult = returned;
    } catch (err) {
      return { handlerResult, failure: describe(err, handler.name) };
    }
  }
  return { handlerResult, failure: null };
}

export function isFailedState(doc: ExecutionDocument): boolean {
  return FAILED_STATES.has(doc.state);
}

export class ProcedureStrategy implements RunStrategy {
  readonly hasHandlers: boolean;

  constructor(private readonly spec: ProcedureSpec, private readonly describe: Describe) {
    this.hasHandlers = [spec.onDone, spec.onFail, spec.finally].some((h) => (h?.length ?? 0) > 0);
  }

  body(ctx: BodyContext): Promise<unknown> {
    return this.spec.body(ctx);
  }

  /** COMPLETED: the ON_DONE chain. FAILED, TIMED_OUT, LOST (or a failing ON_DONE): ON_FAIL. Always: FINALLY. */
  async handle(doc: ExecutionDocument, ctx: HandlerContext): Promise<Settlement> {
    const handlerErrors: ErrorInfo[] = [];
    let handlerResult: unknown = null;
    let handlerFailure: ErrorInfo | null = null;
    if (doc.state === 'COMPLETED') {
      ({ handlerResult, failure: handlerFailure } = await runChain(this.spec.onDone, doc.result, (r) => ({ result: r }), ctx, this.describe));
    }
    const failure = handlerFailure ?? (isFailedState(doc) ? doc.error_info : null);
    if (failure) await runEach(this.spec.onFail, { error: failure.message, error_info: failure }, ctx, this.describe, handlerErrors);
    await runEach(this.spec.finally, {}, ctx, this.describe, handlerErrors);
    return { handlerResult, handlerFailure, handlerErrors };
  }
}

export class BranchStrategy implements RunStrategy {
  readonly hasHandlers = false;

  constructor(private readonly run: Body) {}

  body(ctx: BodyContext): Promise<unknown> {
    return this.run(ctx);
  }

  async handle(): Promise<Settlement> {
    return { handlerResult: null, handlerFailure: null, handlerErrors: [] };
  }
}
