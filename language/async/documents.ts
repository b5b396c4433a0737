// Reads and guarded writes of execution and track documents. Every change is a compare-and-set on the
// sequence number read; a lost race re-reads and asks the caller's decision function again.

import { DataStore, Source, StoredDocument, VersionConflictError } from '../store/store';
import {
  EXECUTIONS_INDEX,
  EXECUTIONS_INDEX_DEFINITION,
  ExecutionDocument,
  statusOf,
  TrackDocument,
  TRACKS_INDEX,
  TRACKS_INDEX_DEFINITION,
} from './document';

export interface Versioned<T = ExecutionDocument> {
  doc: T;
  seqNo: number;
  primaryTerm: number;
}

/** Looks at the current document and returns the next one, or null to leave it as it is. */
export type Decide<T = ExecutionDocument> = (doc: T) => T | null;

export interface UpdateOutcome<T = ExecutionDocument> {
  applied: boolean;
  /** The document as stored after the call; null when it no longer exists. */
  current: Versioned<T> | null;
}

function asSource(doc: object): Source {
  return doc as Source;
}

/** Decisions (transitions.ts) assign fields and replace nested values, never change them in place: a shallow copy is enough. */
function clone<T extends object>(value: T): T {
  return { ...value };
}

/** Keeps the derived fields (status, reference mirrors) consistent with the fine-grained ones. */
function normalise(doc: ExecutionDocument): ExecutionDocument {
  doc.status = statusOf(doc.state);
  doc.name = doc.track_name;
  doc.procedure = doc.procedure_name;
  return doc;
}

/**
 * Writes to the executions index per store object, by every engine of this process: engines sharing one store
 * object share its connection, so the store's own change check cannot see each other's writes.
 */
const writesPerStore = new WeakMap<DataStore, { count: number }>();

export class Documents {
  private ready: Promise<void> | null = null;
  private inFlight = 0;
  private quietWaiters: (() => void)[] = [];
  private readonly storeWrites: { count: number };
  private ownWrites = 0;

  constructor(readonly store: DataStore, private readonly refresh: boolean) {
    let shared = writesPerStore.get(store);
    if (!shared) writesPerStore.set(store, (shared = { count: 0 }));
    this.storeWrites = shared;
  }

  /**
   * A token that changes whenever someone other than this engine may have written: another connection to the
   * store (the store's own check) or another engine on this store object. Null when the store cannot tell
   * (a cluster): then only reading tells.
   */
  othersWriteToken(): string | null {
    if (!this.store.othersCommitVersion) return null;
    return `${this.store.othersCommitVersion()}:${this.storeWrites.count - this.ownWrites}`;
  }

  /** Every write of the engine is counted (see othersWriteToken). */
  private counted<T>(write: () => Promise<T>): Promise<T> {
    this.ownWrites++;
    this.storeWrites.count++;
    return this.call(write);
  }

  /** Store calls started and not yet answered. */
  get pending(): number {
    return this.inFlight;
  }

  /** Resolves when no store call is in flight (at once if none is). */
  quiet(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  /** Every store call goes through here, so that `quiet` knows when the engine's I/O has settled. */
  private async call<T>(op: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await op();
    } finally {
      if (--this.inFlight === 0) {
        const waiters = this.quietWaiters;
        this.quietWaiters = [];
        waiters.forEach((w) => w());
      }
    }
  }

  esql(query: string, params: unknown[]): ReturnType<DataStore['esql']> {
    return this.call(() => this.store.esql(query, params));
  }

  /** Creates both hidden indices with their mappings before the first write. */
  ensureIndices(): Promise<void> {
    this.ready ??= (async () => {
      await this.call(() => this.store.createIndex(EXECUTIONS_INDEX, EXECUTIONS_INDEX_DEFINITION));
      await this.call(() => this.store.createIndex(TRACKS_INDEX, TRACKS_INDEX_DEFINITION));
    })().catch((err) => {
      this.ready = null; // a store that was down gets asked again next time
      throw err;
    });
    return this.ready;
  }

  async read(id: string): Promise<Versioned | null> {
    return this.readFrom<ExecutionDocument>(EXECUTIONS_INDEX, id);
  }

  /** The stored versions of several executions (one `_mget` without sources where the store has it). */
  async versions(ids: readonly string[]): Promise<({ seqNo: number; primaryTerm: number } | null)[]> {
    const found = await this.readEach(ids, false);
    return found.map((d) => d && { seqNo: d._seq_no, primaryTerm: d._primary_term });
  }

  /** Several executions in one call where the store can. */
  async readMany(ids: readonly string[]): Promise<(Versioned | null)[]> {
    const found = await this.readEach(ids, true);
    return found.map((d) => d && { doc: d._source as unknown as ExecutionDocument, seqNo: d._seq_no, primaryTerm: d._primary_term });
  }

  private readEach(ids: readonly string[], source: boolean): Promise<(StoredDocument | null)[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const store = this.store;
    if (store.getMany) return this.call(() => store.getMany!(EXECUTIONS_INDEX, ids, { source }));
    return Promise.all(ids.map((id) => this.call(() => store.get(EXECUTIONS_INDEX, id))));
  }

  async create(doc: ExecutionDocument): Promise<Versioned> {
    normalise(doc);
    const r = await this.counted(() => this.store.index(EXECUTIONS_INDEX, asSource(doc), { id: doc.execution_id, opType: 'create', refresh: this.refresh }));
    return { doc, seqNo: r._seq_no, primaryTerm: r._primary_term };
  }

  /** Writes fresh documents (new ids) in one request; returns them with their sequence numbers. */
  async createMany(docs: ExecutionDocument[]): Promise<Versioned[]> {
    if (docs.length === 0) return [];
    docs.forEach(normalise);
    const r = await this.counted(() =>
      this.store.bulk(
        EXECUTIONS_INDEX,
        docs.map((doc) => ({ id: doc.execution_id, doc: asSource(doc) })),
        { refresh: this.refresh },
      ),
    );
    return r.items.map((item, i) => {
      if ('error' in item) throw new Error(`cannot create ${docs[i].execution_id}: ${item.error.reason}`);
      return { doc: docs[i], seqNo: item._seq_no, primaryTerm: item._primary_term };
    });
  }

  update(current: Versioned, decide: Decide): Promise<UpdateOutcome> {
    return this.updateIn(EXECUTIONS_INDEX, current.doc.execution_id, current, (doc) => {
      const next = decide(doc);
      return next && normalise(next);
    });
  }

  async remove(current: Versioned): Promise<boolean> {
    try {
      await this.counted(() =>
        this.store.delete(EXECUTIONS_INDEX, current.doc.execution_id, {
          ifSeqNo: current.seqNo,
          ifPrimaryTerm: current.primaryTerm,
          refresh: this.refresh,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof VersionConflictError) return false;
      throw err;
    }
  }

  readTrack(name: string): Promise<Versioned<TrackDocument> | null> {
    return this.readFrom<TrackDocument>(TRACKS_INDEX, name);
  }

  /** Points the track at `executionId` if it is still at `expected` (null: the track must not exist yet). */
  async moveTrack(name: string, expected: Versioned<TrackDocument> | null, executionId: string, nowIso: string): Promise<boolean> {
    const doc: TrackDocument = { track_name: name, execution_id: executionId, updated_at: nowIso };
    try {
      await this.call(() =>
        this.store.index(TRACKS_INDEX, asSource(doc), {
          id: name,
          refresh: this.refresh,
          ...(expected ? { ifSeqNo: expected.seqNo, ifPrimaryTerm: expected.primaryTerm } : { opType: 'create' as const }),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof VersionConflictError) return false;
      throw err;
    }
  }

  private async readFrom<T>(index: string, id: string): Promise<Versioned<T> | null> {
    const stored = await this.call(() => this.store.get(index, id));
    if (!stored) return null;
    return { doc: stored._source as unknown as T, seqNo: stored._seq_no, primaryTerm: stored._primary_term };
  }

  private async updateIn<T extends object>(index: string, id: string, start: Versioned<T>, decide: Decide<T>): Promise<UpdateOutcome<T>> {
    let current: Versioned<T> | null = start;
    for (;;) {
      if (!current) return { applied: false, current: null };
      const next = decide(clone(current.doc));
      if (!next) return { applied: false, current };
      try {
        const expected = current;
        const r = await this.counted(() =>
          this.store.index(index, asSource(next), {
            id,
            ifSeqNo: expected.seqNo,
            ifPrimaryTerm: expected.primaryTerm,
            refresh: this.refresh,
          }),
        );
        return { applied: true, current: { doc: next, seqNo: r._seq_no, primaryTerm: r._primary_term } };
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
        current = await this.readFrom<T>(index, id);
      }
    }
  }
}
