// A PARALLEL parent: its body launches the branches (at most MAX at a time), fires ON_ANY_DONE and
// ON_ANY_FAIL as branches settle, cancels siblings once the outcome is decided when asked to, and
// joins; its handlers (ON_ALL_DONE, ON_ANY_FAIL if not yet fired, ON_ALL_SETTLED, FINALLY) run after.

import type { ErrorInfo, ExecutionDocument, JoinPolicy, StateReason } from './document';
import type { Documents } from './documents';
import { RecordedFailure, StopRequest } from './errors';
import { Describe, isFailedState, runChain, runEach } from './procedure';
import type { Run, RunStrategy } from './run';
import type { Bindings, BodyContext, BranchOutcome, HandlerContext, ParallelSpec } from './spec';
import * as t from './transitions';
import type { Settlement } from './transitions';

export function joinPolicyOf(spec: ParallelSpec): JoinPolicy {
  return (spec.onAnyDone?.length ?? 0) > 0 && (spec.onAllDone?.length ?? 0) === 0 ? 'ANY' : 'ALL';
}

/** Branch ids derive from the parent's, so a recovering engine finds every branch without a query. */
export function branchIds(parentId: string, count: number): string[] {
  const width = Math.max(4, String(Math.max(0, count - 1)).length);
  return Array.from({ length: count }, (_, i) => `${parentId}-${String(i).padStart(width, '0')}`);
}

function outcomeOf(doc: ExecutionDocument | null): BranchOutcome {
  if (doc === null) return { status: 'FAILED', error: 'the branch was abandoned by this kernel' };
  if (doc.status === 'COMPLETED') return { status: 'COMPLETED', value: doc.result };
  return { status: doc.status, error: doc.error ?? doc.error_info?.message ?? doc.state };
}

function failureInfo(doc: ExecutionDocument | null): ErrorInfo {
  return (
    doc?.error_info ?? {
      type: 'WORKER_LOST',
      message: 'a branch was abandoned by this kernel',
      line: null,
      procedure: doc?.procedure_name ?? null,
    }
  );
}

/** Why the branches are stopped when the parent is: its timeout, a shutdown, a user's CANCEL. */
function stopReasonOf(reason: unknown): StateReason {
  if (reason instanceof StopRequest) return reason.kind === 'timeout_error' ? 'TIMEOUT' : reason.stateReason ?? 'CANCELLED_BY_USER';
  return 'CANCELLED_BY_USER';
}

export interface ParallelHost {
  readonly documents: Documents;
  actor(): t.Actor;
  describeError: Describe;
  reportError(err: unknown, executionId: string): void;
}

export class ParallelStrategy implements RunStrategy {
  readonly hasHandlers = true;
  private readonly policy: JoinPolicy;
  private readonly outcomes: (BranchOutcome | undefined)[];
  private readonly handlerErrors: ErrorInfo[] = [];
  private anyFailFired = false;

  /** `branches` are this engine's branch runs; empty when the parent was taken over from a dead engine. */
  constructor(
    private readonly spec: ParallelSpec,
    private readonly branches: Run[],
    private readonly host: ParallelHost,
  ) {
    this.policy = joinPolicyOf(spec);
    this.outcomes = new Array(branches.length).fill(undefined);
  }

  body(ctx: BodyContext): Promise<unknown> {
    const runs = this.branches;
    const n = runs.length;
    const max = Math.max(1, Math.floor(this.spec.max ?? n));
    const handlerCalls: Promise<void>[] = [];
    const results: unknown[] = new Array(n).fill(null);
    const launched = new Set<number>();
    let next = 0;
    let running = 0;
    let settledCount = 0;
    let stopped = false;
    let firstFailure: ErrorInfo | null = null;
    let firstSuccess: { value: unknown } | null = null;
    const hctx: HandlerContext = { executionId: ctx.executionId, signal: ctx.signal, print: ctx.print };

    return new Promise((resolve, reject) => {
      const launchMore = () => {
        while (!stopped && running < max && next < n) {
          const i = next++;
          launched.add(i);
          running++;
          runs[i].launch().catch((err) => this.host.reportError(err, runs[i].id));
        }
      };
      const stop = (reason: StateReason) => {
        if (stopped) return;
        stopped = true;
        runs.forEach((run, i) => {
          if (this.outcomes[i] === undefined) run.cancel(reason, false).catch((err) => this.host.reportError(err, run.id));
        });
      };
      const onAbort = () => stop(stopReasonOf(ctx.signal.reason));
      ctx.signal.addEventListener('abort', onAbort, { once: true });

      const join = () => {
        ctx.signal.removeEventListener('abort', onAbort);
        if (ctx.signal.aborted) return reject(ctx.signal.reason);
        if (this.policy === 'ANY') {
          if (firstSuccess) return resolve(firstSuccess.value);
        } else if (this.outcomes.every((o) => o?.status === 'COMPLETED')) {
          return resolve(results);
        }
        const cancelled = this.outcomes.find((o) => o?.status === 'CANCELLED');
        reject(
          new RecordedFailure(
            firstFailure ?? {
              type: 'cancelled',
              message: cancelled?.error ?? 'no branch completed',
              line: null,
              procedure: null,
            },
          ),
        );
      };

      runs.forEach((run, i) => {
        run.settled.then((doc) => {
          if (launched.has(i)) running--;
          const outcome = outcomeOf(doc);
          this.outcomes[i] = outcome;
          settledCount++;
          if (outcome.status === 'COMPLETED') {
            results[i] = outcome.value;
            if (!firstSuccess) {
              firstSuccess = { value: outcome.value };
              handlerCalls.push(runEach(this.spec.onAnyDone, { result: outcome.value }, hctx, this.host.describeError, this.handlerErrors));
              if (this.policy === 'ANY' && this.spec.cancelSiblings) stop('SIBLING_CANCELLED');
            }
          } else if (outcome.status === 'FAILED' && !firstFailure) {
            firstFailure = failureInfo(doc);
            this.anyFailFired = (this.spec.onAnyFail?.length ?? 0) > 0;
            const bindings: Bindings = { error: firstFailure.message, error_info: firstFailure, results: [...results] };
            handlerCalls.push(runEach(this.spec.onAnyFail, bindings, hctx, this.host.describeError, this.handlerErrors));
            if (this.policy === 'ALL' && this.spec.cancelSiblings) stop('SIBLING_CANCELLED');
          }
          ctx.progress((settledCount / n) * 100, `${settledCount}/${n} branches settled`).catch(() => undefined);
          launchMore();
          if (settledCount === n) Promise.all(handlerCalls).then(join, reject);
        });
      });
      if (n === 0) join();
      launchMore();
    });
  }

  async handle(doc: ExecutionDocument, ctx: HandlerContext): Promise<Settlement> {
    const outcomes = this.branches.length > 0 || doc.branch_count === 0 ? this.settledOutcomes() : await this.recoverOutcomes(doc);
    const results = outcomes.map((o) => (o.status === 'COMPLETED' ? o.value : null));
    const handlerErrors = [...this.handlerErrors];
    let handlerResult: unknown = null;
    let handlerFailure: ErrorInfo | null = null;
    if (doc.state === 'COMPLETED' && outcomes.every((o) => o.status === 'COMPLETED')) {
      ({ handlerResult, failure: handlerFailure } = await runChain(
        this.spec.onAllDone,
        doc.result,
        (r) => ({ result: r, results }),
        ctx,
        this.host.describeError,
      ));
    }
    const failure = handlerFailure ?? (isFailedState(doc) ? doc.error_info : null);
    if (failure && !this.anyFailFired) {
      await runEach(this.spec.onAnyFail, { error: failure.message, error_info: failure, results }, ctx, this.host.describeError, handlerErrors);
    }
    await runEach(this.spec.onAllSettled, { outcomes, results }, ctx, this.host.describeError, handlerErrors);
    await runEach(this.spec.finally, {}, ctx, this.host.describeError, handlerErrors);
    return { handlerResult, handlerFailure, handlerErrors };
  }

  private settledOutcomes(): BranchOutcome[] {
    return this.outcomes.map((o) => o ?? { status: 'CANCELLED', error: 'the branch never settled' });
  }

  /** The parent was taken over: read every branch, closing the unfinished ones as LOST. */
  private async recoverOutcomes(parent: ExecutionDocument): Promise<BranchOutcome[]> {
    const ids = branchIds(parent.execution_id, parent.branch_count ?? 0);
    return Promise.all(
      ids.map(async (id) => {
        const stored = await this.host.documents.read(id);
        if (!stored) return { status: 'FAILED' as const, error: `branch ${id} is missing` };
        const outcome = await this.host.documents.update(stored, (d) => t.markBranchLost(d, this.host.actor()));
        return outcomeOf(outcome.current?.doc ?? null);
      }),
    );
  }
}
