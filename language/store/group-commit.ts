// Group commit for the embedded store: writes issued in the same turn of the event loop share one SQLite
// transaction, so one fsync serves many of them. Each write still runs in its own savepoint (a failed
// compare-and-set fails alone) and is acknowledged only after the shared COMMIT returned.
import type Database from 'better-sqlite3';

interface Pending {
  run: () => unknown;
  resolve: (value: any) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: Database.Database) {}

  /** Queues a write (a function that runs its own nested transaction); resolves once it is committed. */
  submit<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is queued now (also called before reads, so a read sees every write issued before it). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0);
    if (!batch.length) return;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.db.transaction(() => {
        for (const write of batch) {
          try {
            outcomes.push({ ok: true, value: write.run() });
          } catch (error) {
            outcomes.push({ ok: false, value: error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    batch.forEach((write, i) => (outcomes[i].ok ? write.resolve(outcomes[i].value) : write.reject(outcomes[i].value)));
  }
}
