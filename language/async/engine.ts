// The execution engine of one kernel: starts pipelines and PARALLELs in the background, answers the
// EXECUTION(...) verbs, keeps its leases alive, takes over runs of kernels that died, and expires old runs.

import { hostname } from 'os';
import { randomBytes } from 'crypto';
import { Clock, isoAt, systemClock, delay, untilSettledOr } from './clock';
import {
  ConflictPolicy,
  ErrorInfo,
  ExecutionDocument,
  ExecutionKind,
  isActive,
  Owner,
  TrackDocument,
} from './document';
import { Documents, UpdateOutcome, Versioned } from './documents';
import { newExecutionDocument } from './new-document';
import { describeError as defaultDescribe, ExecutionError, RecordedFailure } from './errors';
import { ExecutionIdGenerator, isExecutionId } from './ids';
import { branchIds, joinPolicyOf, ParallelStrategy } from './parallel';
import { BranchStrategy, ProcedureStrategy } from './procedure';
import * as q from './queries';
import { ExecutionEvent, Run, RunHost, RunStrategy } from './run';
import { isParallelSpec, ParallelSpec, ProcedureSpec } from './spec';
import * as t from './transitions';
import { Upkeep, UpkeepHost } from './upkeep';
import { ExecutionLookup } from './lookups';
import { Takeover } from './takeover';
import { ENGINE_DEFAULTS, handleOf } from './api';
import type { ControlOutcome, EngineOptions, ExecutionHandle, Lookup, StartOptions, StatusView, SweepReport, WaitOptions, WaitOutcome } from './api';
export type { EngineOptions, ExecutionHandle, Lookup, StatusView, WaitOptions, WaitOutcome, ControlOutcome, SweepReport, StartOptions } from './api';
export { waitValue } from './api';

type Listener = (event: ExecutionEvent) => void;

export class ExecutionEngine implements RunHost, UpkeepHost {
  readonly documents: Documents;
  readonly clock: Clock;
  readonly cancelGraceMs: number;
  readonly ownerId: string;
  private readonly owner: Owner;
  private readonly ids = new ExecutionIdGenerator();
  private readonly runs = new Map<string, Run>();
  private readonly listeners = new Set<Listener>();
  private readonly errorListeners = new Set<(err: unknown, executionId: string) => void>();
  private readonly leaseMs: number;
  private readonly retentionMs: number;
  private readonly waitEveryMs: number;
  /** Lease renewal, the control and lease watches, the sweep. */
  readonly upkeep: Upkeep;
  /** Names and ids to stored documents, and documents as STATUS shows them. */
  private readonly find: ExecutionLookup;
  /** Runs of dead kernels taken over; retention. */
  private readonly takeover: Takeover;
  private readonly describe: (err: unknown, procedure: string | null) => ErrorInfo;
  private isHalted = false;
  private closing = false;

  constructor(options: EngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.documents = new Documents(options.store, options.refresh ?? false);
    this.leaseMs = options.leaseMs ?? ENGINE_DEFAULTS.leaseMs;
    this.retentionMs = options.retentionMs ?? ENGINE_DEFAULTS.retentionMs;
    this.cancelGraceMs = options.cancelGraceMs ?? ENGINE_DEFAULTS.cancelGraceMs;
    this.waitEveryMs = options.waitEveryMs ?? ENGINE_DEFAULTS.waitEveryMs;
    const describe = options.describeError ?? defaultDescribe;
    // A PARALLEL fails with its failing branch's own description (kind, line, procedure), whatever the
    // session's describer makes of an error it does not know.
    this.describe = (err, procedure) => (err instanceof RecordedFailure ? err.info : describe(err, procedure));
    const kernelId = options.kernelId ?? randomBytes(8).toString('hex');
    this.owner = { kernel_id: kernelId, host: hostname(), pid: process.pid, notebook: options.notebook ?? null };
    this.ownerId = `${kernelId}:${randomBytes(4).toString('hex')}`;
    const told = options.store.othersCommitVersion !== undefined;
    this.upkeep = new Upkeep(this, {
      renewEveryMs: options.renewEveryMs ?? Math.floor(this.leaseMs / 3),
      sweepEveryMs: options.sweepEveryMs ?? ENGINE_DEFAULTS.sweepEveryMs,
      watchEveryMs: options.watchEveryMs ?? (told ? ENGINE_DEFAULTS.watchEveryMs.told : ENGINE_DEFAULTS.watchEveryMs.asked),
      lostCheckEveryMs: options.lostCheckEveryMs ?? Math.min(ENGINE_DEFAULTS.lostCheckMaxMs, Math.floor(this.leaseMs / 3)),
    });
    this.find = new ExecutionLookup({
      documents: this.documents, clock: this.clock, retentionMs: this.retentionMs,
      localRun: (id) => this.runs.get(id),
      noteLease: (doc) => this.upkeep.leases.note(doc),
    });
    this.takeover = new Takeover({
      host: this, find: this.find, resolve: options.resolve,
      runsHere: (id) => this.runs.has(id),
      adopt: (stored, strategy) => this.adopt(stored, strategy),
    });
  }

  // ----- RunHost -----

  get halted(): boolean {
    return this.isHalted;
  }

  actor(): t.Actor {
    return { me: this.ownerId, now: this.clock.now(), leaseMs: this.leaseMs, retentionMs: this.retentionMs };
  }

  describeError(err: unknown, procedure: string | null): ErrorInfo {
    return this.describe(err, procedure);
  }

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  emit(event: ExecutionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.reportError(err, event.execution_id);
      }
    }
  }

  reportError(err: unknown, executionId: string): void {
    for (const listener of this.errorListeners) listener(err, executionId);
  }

  forget(run: Run): void {
    this.runs.delete(run.id);
  }

  // ----- UpkeepHost -----

  watchedRuns(): Run[] {
    const watched: Run[] = [];
    for (const run of this.runs.values()) if (run.watched) watched.push(run);
    return watched;
  }

  // ----- lifecycle -----

  /** Creates the indices, takes over what dead kernels left, and starts its timers (upkeep.ts). */
  async open(): Promise<SweepReport> {
    await this.documents.ensureIndices();
    const report = await this.sweep();
    this.upkeep.startOwn();
    this.upkeep.startForeign();
    return report;
  }

  /** One live display per execution: every transition, progress and PRINT line. Returns an unsubscribe. */
  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onError(listener: (err: unknown, executionId: string) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Store calls this engine has in flight; `quiet` resolves when there are none (tests, shutdown). */
  get storeCallsInFlight(): number {
    return this.documents.pending;
  }

  quiet(): Promise<void> {
    return this.documents.quiet();
  }

  /** Executions this engine is running or settling now. */
  get activeIds(): string[] {
    return [...this.runs.keys()];
  }

  /**
   * Cancels this engine's running executions cooperatively (reason KERNEL_SHUTDOWN), lets their FINALLY
   * run, waits for them to settle, then stops its timers. With `graceMs` (a signal, a dying parent) it waits
   * no longer than that: what has not settled by then is left as a killed process leaves it (its lease runs
   * out and a live kernel moves it to LOST). Returns the ids so left.
   */
  async shutdown(options: { graceMs?: number } = {}): Promise<string[]> {
    this.closing = true;
    this.upkeep.stopForeign();
    const topLevel = [...this.runs.values()].filter((run) => run.isTopLevel);
    const settled = Promise.all(
      topLevel.map(async (run) => {
        await run.cancel('KERNEL_SHUTDOWN', false).catch((err) => this.reportError(err, run.id));
        await run.settled;
      }),
    );
    await untilSettledOr(this.clock, settled, options.graceMs ?? Infinity);
    const left = this.activeIds;
    if (left.length > 0) this.halt();
    this.upkeep.stopAll();
    return left;
  }

  /** Stops every timer and forgets every run without writing anything: what a killed process leaves behind. */
  halt(): void {
    this.isHalted = true;
    this.upkeep.stopAll();
    for (const run of [...this.runs.values()]) run.abandon();
  }

  // ----- starting work -----

  /** `p(args) | ...`: returns the handle at once; the body and handlers run in the background. */
  async start(spec: ProcedureSpec, options: StartOptions = {}): Promise<ExecutionHandle> {
    await this.prepareToStart();
    const now = this.clock.now();
    const maxAttempts = 1 + Math.max(0, Math.floor(spec.retry?.retries ?? 0));
    const doc = this.newDocument('PROCEDURE', spec.procedure, now, {
      parameters: spec.parameters ?? null,
      pipeline: spec.pipeline ?? null,
      track_name: spec.track?.name ?? null,
      timeout_ms: spec.timeoutMs ?? null,
      max_attempts: maxAttempts,
      backoff_ms: Math.max(0, spec.retry?.backoffMs ?? 0),
      retry_of: options.retryOf ?? null,
    });
    return this.launchTracked(doc, spec.track?.onConflict, async () => {
      const stored = await this.documents.create(doc);
      return () => this.adopt(stored, new ProcedureStrategy(spec, this.describe));
    });
  }

  /** `PARALLEL [...] | ...`: one parent document plus one per branch; returns the parent's handle at once. */
  async parallel(spec: ParallelSpec, options: StartOptions = {}): Promise<ExecutionHandle> {
    await this.prepareToStart();
    const now = this.clock.now();
    const procedures = spec.branches.map((b) => b.procedure);
    const parent = this.newDocument('PARALLEL', `PARALLEL[${procedures.join(', ')}]`, now, {
      pipeline: spec.pipeline ?? null,
      parameters: spec.branches.map((b) => b.parameters ?? null),
      track_name: spec.track?.name ?? null,
      timeout_ms: spec.timeoutMs ?? null,
      join_policy: joinPolicyOf(spec),
      branch_count: spec.branches.length,
      retry_of: options.retryOf ?? null,
    });
    const ids = branchIds(parent.execution_id, spec.branches.length);
    return this.launchTracked(parent, spec.track?.onConflict, async () => {
      const branchDocs = spec.branches.map((branch, i) => {
        const doc = this.newDocument('BRANCH', branch.procedure, now, {
          execution_id: ids[i],
          parameters: branch.parameters ?? null,
          parent_execution_id: parent.execution_id,
          branch_index: i,
          track_name: null,
        });
        doc.state = 'PENDING';
        doc.started_at = null;
        doc.lease = null;
        return doc;
      });
      // Branches and parent are written together (one commit on the embedded store).
      const [branches, stored] = await Promise.all([this.documents.createMany(branchDocs), this.documents.create(parent)]);
      return () => {
        const branchRuns = branches.map((b, i) => this.adopt(b, new BranchStrategy(spec.branches[i].body)));
        const parentRun = this.adopt(stored, new ParallelStrategy(spec, branchRuns, this));
        return parentRun;
      };
    });
  }

  private newDocument(kind: ExecutionKind, procedure: string, now: number, fields: Partial<ExecutionDocument>): ExecutionDocument {
    return newExecutionDocument({
      id: fields.execution_id ?? this.ids.next(now),
      kind,
      procedure,
      now,
      owner: this.owner,
      lease: { owner_id: this.ownerId, epoch: 1, expires_at: isoAt(now + this.leaseMs) },
      fields,
    });
  }

  private adopt(stored: Versioned, strategy: RunStrategy): Run {
    const run = new Run(this, stored, strategy);
    this.runs.set(run.id, run);
    this.upkeep.startOwn();
    return run;
  }

  /**
   * Claims the track (if any) for the new run with compare-and-set on the track document, applying
   * ON CONFLICT when the track's current run has not settled; then starts the run.
   */
  private async launchTracked(
    doc: ExecutionDocument,
    onConflict: ConflictPolicy | undefined,
    create: () => Promise<() => Run>,
  ): Promise<ExecutionHandle> {
    const name = doc.track_name;
    if (name === null) {
      const begin = await create();
      return this.begin(begin());
    }
    const policy = onConflict ?? 'REJECT';
    let begin: (() => Run) | null = null;
    for (;;) {
      const track = await this.documents.readTrack(name);
      const busy = track ? await this.activeRunOf(track.doc) : null;
      if (busy && policy !== 'ALLOW') {
        if (policy === 'ATTACH' || policy === 'REJECT') {
          if (begin) await this.discard(doc.execution_id);
          if (policy === 'ATTACH') return { ...handleOf(busy.doc), attached: true };
          throw new ExecutionError(
            'track_conflict',
            `track '${name}' is busy with ${busy.doc.execution_id} (${busy.doc.state}); use ON CONFLICT ATTACH, REPLACE or ALLOW`,
          );
        }
        await this.cancelStored(busy, 'REPLACED', false);
      }
      // The run's documents and the track move are written together (one commit on the embedded store,
      // two concurrent requests on a cluster); a track that moved meanwhile leaves the documents unused.
      const [created, moved] = await Promise.allSettled([
        begin ? Promise.resolve<() => Run>(begin) : create(),
        this.documents.moveTrack(name, track, doc.execution_id, isoAt(this.clock.now())),
      ]);
      if (created.status === 'rejected' || moved.status === 'rejected') {
        if (created.status === 'fulfilled') await this.discard(doc.execution_id).catch(() => undefined);
        throw created.status === 'rejected' ? created.reason : (moved as PromiseRejectedResult).reason;
      }
      const startRun: () => Run = created.value;
      begin = startRun;
      if (moved.value) return this.begin(startRun());
      // Someone else moved the track meanwhile: decide again on what it points at now.
    }
  }

  private begin(run: Run): ExecutionHandle {
    run.begin();
    return handleOf(run.document);
  }

  /** Removes a run created for a track that turned out to be busy (its handle was never returned). */
  private async discard(id: string): Promise<void> {
    const stored = await this.documents.read(id);
    if (stored) await this.documents.remove(stored);
    for (const branch of branchIds(id, stored?.doc.branch_count ?? 0)) {
      const b = await this.documents.read(branch);
      if (b) await this.documents.remove(b);
    }
  }

  private async activeRunOf(track: TrackDocument): Promise<Versioned | null> {
    const stored = await this.documents.read(track.execution_id);
    if (!stored || !isActive(stored.doc) || this.find.isExpired(stored.doc)) return null;
    if (t.leaseExpired(stored.doc, this.clock.now()) && !this.runs.has(stored.doc.execution_id)) {
      await this.takeover.recover(stored);
      const again = await this.documents.read(track.execution_id);
      return again && isActive(again.doc) ? again : null;
    }
    return stored;
  }

  // ----- controlling work: EXECUTION(x) | VERB -----

  /** STATUS: the document, or NOT_FOUND, or EXPIRED. Reads by id are authoritative. */
  async status(nameOrId: string): Promise<StatusView | Lookup> {
    const found = await this.find.lookup(nameOrId);
    return typeof found === 'string' ? found : this.find.view(found.doc);
  }

  /**
   * WAIT [TIMEOUT n] [EVERY n]: until the run has settled (handlers and FINALLY done). A run of a dead
   * kernel is taken over on the way, so WAIT never waits on a corpse.
   */
  async wait(nameOrId: string, options: WaitOptions = {}): Promise<WaitOutcome> {
    const deadline = options.timeoutMs !== undefined ? this.clock.now() + options.timeoutMs : null;
    const every = Math.max(1, options.everyMs ?? this.waitEveryMs);
    const signal = options.signal;
    for (;;) {
      // The waiter went away (an interrupted cell): stop polling; the execution itself goes on.
      if (signal?.aborted) throw signal.reason;
      let found = await this.find.mustFind(nameOrId);
      const local = this.runs.get(found.doc.execution_id);
      // Not in the map but unsettled: if it was ours, it settled (and was forgotten) after the read.
      if (!local && found.doc.settled_at === null) found = await this.find.mustFind(nameOrId);
      const doc = found.doc;
      if (doc.settled_at !== null) {
        const document = await this.find.view(doc);
        return doc.status === 'COMPLETED' ? { kind: 'result', value: doc.result, document } : { kind: 'settled', document };
      }
      const remaining = deadline === null ? Infinity : deadline - this.clock.now();
      if (remaining <= 0) return { kind: 'timed_out', document: { ...(await this.find.view(doc)), wait_timed_out: true } };
      const leaseHolder = local ? null : await this.find.leaseHolderOf(found);
      if (local) {
        await untilSettledOr(this.clock, local.settled, remaining, signal);
      } else if (leaseHolder && leaseHolder.doc.settled_at === null && t.leaseExpired(leaseHolder.doc, this.clock.now())) {
        await this.takeover.recover(leaseHolder);
      } else {
        await delay(this.clock, Math.min(every, remaining), signal);
      }
    }
  }

  /** CANCEL [FORCE]: cooperative unless forced; idempotent; the first decision wins. */
  async cancel(nameOrId: string, options: { force?: boolean } = {}): Promise<ControlOutcome> {
    const found = await this.find.mustFind(nameOrId);
    return this.control(await this.cancelStored(found, 'CANCELLED_BY_USER', options.force ?? false));
  }

  /** COMPLETE(value): external completion; first wins, later calls change nothing. */
  async complete(nameOrId: string, value: unknown): Promise<ControlOutcome> {
    const found = await this.find.mustFind(nameOrId);
    return this.control(await this.decide(found, (d, finish) => t.completeExternally(d, value, this.actor(), finish)));
  }

  /** FAIL(message): external failure; first wins. */
  async fail(nameOrId: string, message: string): Promise<ControlOutcome> {
    const found = await this.find.mustFind(nameOrId);
    return this.control(await this.decide(found, (d, finish) => t.failExternally(d, message, this.actor(), finish)));
  }

  /** PING: pushes the deadline out to now + TIMEOUT. */
  async ping(nameOrId: string): Promise<ControlOutcome> {
    const found = await this.find.mustFind(nameOrId);
    return this.control(await this.decide(found, (d) => t.ping(d, this.actor())));
  }

  /** RESULT: the return value of a COMPLETED run (`result`), null while it runs or when it did not complete. */
  async result(nameOrId: string): Promise<unknown> {
    const found = await this.find.mustFind(nameOrId);
    return found.doc.status === 'COMPLETED' && found.doc.settled_at !== null ? found.doc.result : null;
  }

  /** RETRY: runs the stored pipeline again as a new execution linked by `retry_of`; the old one is kept. */
  async retry(nameOrId: string): Promise<ExecutionHandle> {
    const found = await this.find.mustFind(nameOrId);
    const old = found.doc;
    if (old.kind === 'BRANCH') throw new ExecutionError('invalid_argument', `${old.execution_id} is a PARALLEL branch: retry its parent`);
    if (old.settled_at === null) throw new ExecutionError('execution_active', `${old.execution_id} has not finished (${old.state}): cancel it first`);
    const spec = await this.takeover.resolveFor(old);
    const track = old.track_name !== null ? { name: old.track_name, onConflict: spec.track?.onConflict ?? 'REJECT' } : spec.track;
    const again = { ...spec, track };
    return isParallelSpec(again) ? this.parallel(again, { retryOf: old.execution_id }) : this.start(again, { retryOf: old.execution_id });
  }

  /** HISTORY: every run of a track (or of an execution id's track), oldest first (through ES|QL: near-real-time). */
  async history(trackOrId: string): Promise<StatusView[]> {
    let track = trackOrId;
    if (isExecutionId(trackOrId)) {
      // An execution id: the history of its track, or the run alone when it has none.
      const found = await this.find.mustFind(trackOrId);
      if (found.doc.track_name === null) return [await this.find.view(found.doc)];
      track = found.doc.track_name;
    }
    return this.find.viewsOf(await this.find.queryIds(q.historyQuery(), [track]));
  }

  /** EXECUTIONS [WHERE cond]: top-level executions, newest first (through ES|QL: near-real-time). */
  async list(where?: string, limit = 100): Promise<StatusView[]> {
    return this.find.viewsOf(await this.find.queryIds(q.listQuery(where, limit)));
  }

  /** PROGRESS(percent, message) for a run of this engine (the body's own ctx.progress does the same). */
  async progress(executionId: string, percent: number, message?: string): Promise<void> {
    const run = this.runs.get(executionId);
    if (!run) throw new ExecutionError('execution_not_found', `${executionId} is not running in this kernel`);
    await run.setProgress(percent, message);
  }

  // ----- leases, takeover, retention (takeover.ts) -----

  /**
   * Takes over runs whose owner stopped renewing (LOST, then ON_FAIL/FINALLY at most once, or a retry)
   * and deletes runs past their retention. Safe to run from several kernels at once.
   */
  sweep(): Promise<SweepReport> {
    return this.takeover.sweep();
  }

  /** Takes over every run whose lease expired (the lease watch calls this as the earliest known lease runs out). */
  recoverStale(): Promise<number> {
    return this.takeover.recoverStale();
  }

  /** Renews the lease of every top-level run this engine owns (a write: it also notices changes made by others). */
  async renewAll(): Promise<void> {
    await Promise.all(
      [...this.runs.values()]
        .filter((run) => run.isTopLevel)
        .map((run) => run.renewLease().catch((err) => this.reportError(err, run.id))),
    );
  }

  // ----- helpers -----

  /** Refuses new work after shutdown; makes sure leases will be renewed even if `open` was not called. */
  private async prepareToStart(): Promise<void> {
    if (this.isHalted || this.closing) throw new ExecutionError('invalid_argument', 'the execution engine is shut down');
    await this.documents.ensureIndices();
    this.upkeep.startOwn();
  }

  private cancelStored(found: Versioned, reason: 'CANCELLED_BY_USER' | 'REPLACED', force: boolean): Promise<UpdateOutcome> {
    return this.decide(found, (d, finish) => t.requestCancel(d, this.actor(), force, reason, finish));
  }

  /**
   * A control verb's decision: through this engine's run when it owns the execution (it claims the handlers it
   * will run, and reacts at once), else straight to the stored document (its owner's control watch notices).
   */
  private decide(found: Versioned, decision: (doc: ExecutionDocument, finish: t.Finish) => ExecutionDocument | null): Promise<UpdateOutcome> {
    const local = this.runs.get(found.doc.execution_id);
    if (local) return local.decide(decision);
    return this.documents.update(found, (d) => decision(d, { claimHandlers: false, settle: false }));
  }

  private async control(outcome: { applied: boolean; current: Versioned | null }): Promise<ControlOutcome> {
    if (!outcome.current) throw new ExecutionError('execution_not_found', 'the execution disappeared');
    const doc = outcome.current.doc;
    if (outcome.applied && !this.runs.has(doc.execution_id)) this.emit({ type: 'state', execution_id: doc.execution_id, document: doc });
    return { changed: outcome.applied, document: await this.find.view(doc) };
  }
}
