// Finding executions and showing them: a name or id to its stored document (NOT_FOUND, EXPIRED), the document
// as STATUS shows it (a live local copy, whether its owner is reachable), and ids from ES|QL over the
// executions index (HISTORY, EXECUTIONS, the sweep). Reads only; the engine decides and writes.
import type { Clock } from './clock';
import { msOf } from './clock';
import { EXECUTIONS_INDEX, ExecutionDocument, isTerminal } from './document';
import type { Documents, Versioned } from './documents';
import { ExecutionError } from './errors';
import { executionIdTime, isExecutionId } from './ids';
import type { Run } from './run';
import * as t from './transitions';
import type { Lookup, StatusView } from './api';

export interface LookupDeps {
  readonly documents: Documents;
  readonly clock: Clock;
  readonly retentionMs: number;
  /** This engine's run of an execution, when it runs it. */
  localRun(id: string): Run | undefined;
  /** Told of every document read, so the lease watch knows the earliest lease to check. */
  noteLease(doc: ExecutionDocument): void;
}

export class ExecutionLookup {
  constructor(private readonly deps: LookupDeps) {}

  isExpired(doc: ExecutionDocument): boolean {
    const at = msOf(doc.expires_at);
    return at !== null && at <= this.deps.clock.now();
  }

  async lookup(nameOrId: string): Promise<Versioned | Lookup> {
    const { documents, clock, retentionMs } = this.deps;
    await documents.ensureIndices();
    let id: string | null = null;
    if (isExecutionId(nameOrId)) {
      id = nameOrId;
    } else {
      const track = await documents.readTrack(nameOrId);
      if (!track) return 'NOT_FOUND';
      id = track.doc.execution_id;
    }
    const stored = await documents.read(id);
    if (stored) this.deps.noteLease(stored.doc);
    if (stored) return this.isExpired(stored.doc) ? 'EXPIRED' : stored;
    // Deleted by retention. A track still points at it; an id carries its creation time.
    const created = executionIdTime(id);
    if (!isExecutionId(nameOrId) || (created !== null && created <= clock.now() - retentionMs)) return 'EXPIRED';
    return 'NOT_FOUND';
  }

  async mustFind(nameOrId: string): Promise<Versioned> {
    const found = await this.lookup(nameOrId);
    if (found === 'NOT_FOUND') throw new ExecutionError('execution_not_found', `no execution or track named '${nameOrId}'`);
    if (found === 'EXPIRED') throw new ExecutionError('execution_expired', `execution '${nameOrId}' has expired (its retention period is over)`);
    return found;
  }

  /** Whose lease decides whether a run's owner is alive: its own, or its parent's for a branch. */
  async leaseHolderOf(found: Versioned): Promise<Versioned | null> {
    if (found.doc.kind !== 'BRANCH' || !found.doc.parent_execution_id) return found;
    return this.deps.documents.read(found.doc.parent_execution_id);
  }

  /** The document as STATUS shows it: a live local copy when this engine runs it, owner reachability. */
  async view(stored: ExecutionDocument): Promise<StatusView> {
    const local = this.deps.localRun(stored.execution_id);
    const doc = local ? { ...stored, output: local.document.output, progress: local.document.progress } : stored;
    const leaseHolder = local ? doc : (await this.leaseHolderOf({ doc, seqNo: 0, primaryTerm: 0 }))?.doc ?? null;
    const unreachable = !isTerminal(doc.state) && leaseHolder !== null && leaseHolder.settled_at === null && t.leaseExpired(leaseHolder, this.deps.clock.now());
    return {
      ...doc,
      status: unreachable && doc.status === 'RUNNING' ? 'RUNNING (owner unreachable)' : doc.status,
      owner_reachable: !unreachable,
    };
  }

  async viewsOf(ids: string[]): Promise<StatusView[]> {
    const docs = await Promise.all(ids.map((id) => this.deps.documents.read(id)));
    const views: StatusView[] = [];
    for (const stored of docs) if (stored && !this.isExpired(stored.doc)) views.push(await this.view(stored.doc));
    return views;
  }

  async queryIds(query: string, params: unknown[] = []): Promise<string[]> {
    const { documents } = this.deps;
    await documents.ensureIndices();
    const result = await documents.esql(query, params);
    const column = result.columns.findIndex((c) => c.name === 'execution_id');
    if (column < 0) throw new Error(`ES|QL over ${EXECUTIONS_INDEX} returned no execution_id column`);
    return result.values.map((row) => String(row[column]));
  }
}
