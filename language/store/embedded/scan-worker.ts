// The body of the embedded store's scan worker (see scan-thread.ts): a read-only connection to the store's file
// that runs one scan's SQL at a time and posts its rows back in batches. A scan that GROUPs or ORDERs a big
// table blocks in SQLite before its first row; here it blocks this thread, not the kernel's event loop.
import { parentPort, workerData } from 'worker_threads';
import Database from 'better-sqlite3';

export interface ScanJob { id: number; sql: string; params: unknown[]; batch: number }
export type ScanReply =
  /** A batch of rows, flattened (one array clones much faster than many small ones). */
  | { id: number; values: unknown[]; width: number }
  | { id: number; fail: number }
  | { id: number; done: true }
  | { id: number; error: string };

const port = parentPort!;
const db = new Database((workerData as { file: string }).file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 10000');
const statements = new Map<string, Database.Statement>();
let job: ScanJob | null = null;
let pending: unknown[] = [];
let rows = 0;

function flush(): void {
  if (job && rows) port.postMessage({ id: job.id, values: pending, width: pending.length / rows } satisfies ScanReply);
  pending = [];
  rows = 0;
}

// Pushed-down arithmetic that overflows calls esql_fail(sink): the rows before it are posted first, so the main
// thread sees rows and failures in the order the in-process scan would give them.
db.function('esql_fail', { deterministic: false }, (sink: unknown) => {
  flush();
  if (job) port.postMessage({ id: job.id, fail: Number(sink) } satisfies ScanReply);
  return null;
});

// Called now and then by the SQL (scan-sql.ts cancelPoints): entering JavaScript is where a terminate() lands.
db.function('esql_alive', { deterministic: false }, () => 1);

port.on('message', (next: ScanJob) => {
  job = next;
  pending = [];
  rows = 0;
  try {
    let stmt = statements.get(next.sql);
    if (!stmt) {
      stmt = db.prepare(next.sql).raw(true);
      if (statements.size > 100) statements.clear();
      statements.set(next.sql, stmt);
    }
    for (const row of stmt.iterate(...next.params) as Iterable<unknown[]>) {
      for (const v of row) pending.push(v);
      if (++rows >= next.batch) flush();
    }
    flush();
    port.postMessage({ id: next.id, done: true } satisfies ScanReply);
  } catch (e) {
    port.postMessage({ id: next.id, error: (e as Error).message } satisfies ScanReply);
  } finally {
    job = null;
  }
});
