// Taking over what dead kernels left, and retention: a run whose owner stopped renewing its lease is claimed
// (compare-and-set on the lease), marked LOST, and its handlers run at most once here (or the stored pipeline is
// retried); runs past their retention are deleted. Safe to run from several kernels at once.
import { isoAt } from './clock';
import type { Clock } from './clock';
import type { ExecutionDocument } from './document';
import type { Versioned } from './documents';
import { ExecutionError } from './errors';
import type { ExecutionLookup } from './lookups';
import { ParallelHost, ParallelStrategy } from './parallel';
import { ProcedureStrategy } from './procedure';
import * as q from './queries';
import type { ExecutionEvent, Run, RunStrategy } from './run';
import { isParallelSpec, PipelineSpec, ResolvePipeline } from './spec';
import * as t from './transitions';
import type { SweepReport } from './api';

export interface TakeoverDeps {
  /** The engine: documents, actor, error description; also the host of a PARALLEL taken over. */
  readonly host: ParallelHost & { readonly clock: Clock; emit(event: ExecutionEvent): void };
  readonly find: ExecutionLookup;
  /** Compiles a stored pipeline again (RETRY, a run taken over); without it a taken-over run only settles. */
  readonly resolve?: ResolvePipeline;
  /** Whether this engine runs the execution (its own runs are never taken over). */
  runsHere(id: string): boolean;
  /** Starts tracking a run in this engine. */
  adopt(stored: Versioned, strategy: RunStrategy): Run;
}

export class Takeover {
  constructor(private readonly deps: TakeoverDeps) {}

  /** Takes over runs whose owner stopped renewing and deletes runs past their retention. */
  async sweep(): Promise<SweepReport> {
    const { host, find } = this.deps;
    const recovered = await this.recoverStale();
    const nowIso = isoAt(host.clock.now());
    let expired = 0;
    for (const id of await find.queryIds(q.expiredQuery(), [nowIso])) {
      const stored = await host.documents.read(id);
      if (stored && find.isExpired(stored.doc) && (await host.documents.remove(stored))) expired++;
    }
    return { recovered, expired };
  }

  /** Takes over every run whose lease expired (the lease watch calls this as the earliest known lease runs out). */
  async recoverStale(): Promise<number> {
    const { host, find } = this.deps;
    await host.documents.ensureIndices();
    let recovered = 0;
    for (const id of await find.queryIds(q.staleLeaseQuery(), [isoAt(host.clock.now())])) {
      if (this.deps.runsHere(id)) continue;
      const stored = await host.documents.read(id);
      if (stored && (await this.recover(stored))) recovered++;
    }
    return recovered;
  }

  /** Takes one stale run over (LOST, then ON_FAIL/FINALLY at most once, or a retry). False when another engine got there first. */
  async recover(stored: Versioned): Promise<boolean> {
    const { host } = this.deps;
    const canRetry = this.deps.resolve !== undefined;
    const outcome = await host.documents.update(stored, (d) => t.takeOver(d, host.actor(), canRetry));
    if (!outcome.applied || !outcome.current) return false;
    const taken = outcome.current;
    host.emit({ type: 'takeover', execution_id: taken.doc.execution_id, document: taken.doc });
    if (taken.doc.settled_at !== null) return true;
    let spec: PipelineSpec;
    try {
      spec = await this.resolveFor(taken.doc);
      if (isParallelSpec(spec) !== (taken.doc.kind === 'PARALLEL')) throw new Error('the stored pipeline is of another kind');
    } catch (err) {
      const info = { ...host.describeError(err, taken.doc.procedure_name), type: 'pipeline_unavailable' };
      const closed = await host.documents.update(taken, (d) => t.abandonUnresolvable(d, host.actor(), info));
      if (closed.current) host.emit({ type: 'state', execution_id: taken.doc.execution_id, document: closed.current.doc });
      return true;
    }
    const strategy = isParallelSpec(spec) ? new ParallelStrategy(spec, [], host) : new ProcedureStrategy(spec, (e, p) => host.describeError(e, p));
    this.deps.adopt(taken, strategy).begin();
    return true;
  }

  /** The stored pipeline of an execution, compiled again. */
  async resolveFor(doc: ExecutionDocument): Promise<PipelineSpec> {
    if (!this.deps.resolve) throw new ExecutionError('pipeline_unavailable', 'this session cannot re-run stored pipelines');
    return this.deps.resolve(doc.pipeline);
  }
}
