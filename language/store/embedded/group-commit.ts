// Group commit for the embedded store. A write runs at once, in its own savepoint of a transaction that stays
// open until the end of the event-loop turn; every write of that turn is acknowledged after the one COMMIT
// (one fsync for all of them). Running writes at once — instead of queueing them until the commit — lets a
// read of a document the batch did not touch go ahead without committing first: it sees committed data.
import type Database from 'better-sqlite3';

interface Waiting {
  ok: boolean;
  value: unknown;
  resolve: (value: any) => void;
  reject: (error: unknown) => void;
}

interface BatchHooks {
  /** Runs inside the transaction just before COMMIT (write back state kept in memory during the batch). */
  beforeCommit(): void;
  /** The batch was rolled back: forget whatever was cached from inside it. */
  afterRollback(): void;
  /** One write's savepoint was undone (it may have changed the schema before failing). */
  afterUndo(): void;
}

export class GroupCommit {
  private waiting: Waiting[] = [];
  /** Keys (index + id) written by the open batch: reading one of them commits the batch first. */
  private readonly dirty = new Set<string>();
  private open = false;
  /** Set: the end of an event-loop turn leaves the batch open (see hold). */
  private held = false;
  /** Transactions committed so far (for benchmarks: fsyncs, with durability `os`). */
  committed = 0;
  private readonly savepoint: { enter: Database.Statement; leave: Database.Statement; undo: Database.Statement };

  constructor(private readonly db: Database.Database, private readonly hooks: BatchHooks) {
    this.savepoint = {
      enter: db.prepare('SAVEPOINT escript_write'),
      leave: db.prepare('RELEASE escript_write'),
      undo: db.prepare('ROLLBACK TO escript_write'),
    };
  }

  /**
   * Runs `work` in a savepoint of the open transaction: if it throws, only its own changes are undone.
   * (Prepared once: better-sqlite3's `db.transaction(fn)` builds four wrappers per call, a third of a write's cost.)
   */
  isolated<T>(work: () => T): T {
    this.savepoint.enter.run();
    try {
      const value = work();
      this.savepoint.leave.run();
      return value;
    } catch (error) {
      if (this.db.inTransaction) {
        this.savepoint.undo.run();
        this.savepoint.leave.run();
      }
      this.hooks.afterUndo();
      throw error;
    }
  }

  /** A transaction of this group is open now. */
  get inBatch(): boolean {
    return this.open;
  }

  /** Whether the open batch wrote `key` (so a read of it must wait for the commit). */
  touches(key: string): boolean {
    return this.dirty.has(key);
  }

  /**
   * Runs `write` now inside the batch (in a savepoint, so a failure undoes only this write) and resolves with
   * its result once the batch is committed. `keys` are the documents it writes.
   */
  submit<T>(keys: readonly string[], write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      try {
        this.begin();
      } catch (error) {
        reject(error); // the database is locked or unwritable: this write fails alone
        return;
      }
      let entry: Waiting;
      try {
        entry = { ok: true, value: this.isolated(write), resolve, reject };
        for (const key of keys) this.dirty.add(key);
      } catch (error) {
        entry = { ok: false, value: error, resolve, reject };
      }
      this.waiting.push(entry);
      // An error that ended the whole transaction (disk full, I/O) fails the batch, not just this write.
      if (!this.db.inTransaction) this.fail(entry.ok ? new Error('the transaction was rolled back') : entry.value);
    });
  }

  /**
   * Commits the open batch, then runs `work` in a transaction of its own, committed before this returns (DDL, and
   * the synchronous writes of test clusters and tools).
   */
  inOwnTransaction<T>(work: () => T): T {
    this.flush();
    return this.db.transaction(work).immediate();
  }

  /**
   * While on, the open batch stays open across event-loop turns until `flush`: a bulk load then commits every so
   * many documents though its batches arrive one a turn (each commit waits for an fsync). Off commits at once.
   */
  hold(on: boolean): void {
    this.held = on;
    if (!on) this.flush();
  }

  /** Commits the open batch now (before reads that need it, DDL, and close); a no-op without one. */
  flush(): void {
    if (!this.open) return;
    try {
      this.hooks.beforeCommit();
      this.db.exec('COMMIT');
      this.committed++;
    } catch (error) {
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // The connection is broken; the writes fail with the commit's error either way.
      }
      this.fail(error);
      return;
    }
    for (const w of this.end()) (w.ok ? w.resolve(w.value) : w.reject(w.value));
  }

  private begin(): void {
    if (this.open) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.open = true;
    setImmediate(() => {
      if (!this.held) this.flush();
    });
  }

  private fail(error: unknown): void {
    this.hooks.afterRollback();
    for (const w of this.end()) w.reject(error);
  }

  private end(): Waiting[] {
    this.open = false;
    this.dirty.clear();
    return this.waiting.splice(0);
  }
}
