// One warm scan worker per embedded store (scan-worker.ts): runs a scan's SQL on its own read-only connection to
// the same file (WAL lets it read while this connection writes) so that the event loop stays free while SQLite
// works. On abort the caller stops waiting at once and the worker is terminated (a new one starts on next use).
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { ScanJob, ScanReply } from './scan-worker';

const BATCH_ROWS = 2000;

export class ScanThread {
  private worker: Worker | null = null;
  private busy = false;
  private nextId = 1;

  constructor(private readonly file: string) {}

  /** False while a scan runs (a second concurrent scan stays in-process). */
  get available(): boolean {
    return !this.busy;
  }

  /**
   * Runs `sql`, calling `onRows` for each batch and `onFail(sink)` where the SQL called esql_fail(sink), in
   * order; resolves when the last row arrived, rejects with the signal's reason as soon as it aborts.
   */
  run(sql: string, params: unknown[], onRows: (rows: unknown[][]) => void, onFail: (sink: number) => void, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    const worker = this.start();
    const id = this.nextId++;
    this.busy = true;
    worker.ref();
    return new Promise<void>((resolve, reject) => {
      const finish = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        this.busy = false;
        if (this.worker === worker) worker.unref();
      };
      const onMessage = (m: ScanReply): void => {
        if (m.id !== id) return;
        try {
          if ('values' in m) onRows(unflatten(m.values, m.width));
          else if ('fail' in m) onFail(m.fail);
          else if ('done' in m) { finish(); resolve(); }
          else { finish(); reject(new Error(m.error)); }
        } catch (e) {
          // a decoding or failure callback threw: this scan is over, its remaining rows are not wanted
          this.stop(worker);
          finish();
          reject(e);
        }
      };
      const onError = (e: Error): void => { this.stop(worker); finish(); reject(e); };
      const onExit = (): void => { this.stop(worker); finish(); reject(new Error('the scan worker stopped')); };
      const onAbort = (): void => { this.stop(worker); finish(); reject(signal!.reason ?? new Error('aborted')); };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, sql, params, batch: BATCH_ROWS } satisfies ScanJob);
    });
  }

  close(): void {
    if (this.worker) this.stop(this.worker);
  }

  private start(): Worker {
    if (!this.worker) {
      this.worker = new Worker(path.join(__dirname, 'scan-worker.js'), { workerData: { file: this.file } });
      this.worker.unref();
    }
    return this.worker;
  }

  private stop(worker: Worker): void {
    if (this.worker === worker) this.worker = null;
    void worker.terminate();
  }
}

function unflatten(values: unknown[], width: number): unknown[][] {
  const rows: unknown[][] = new Array(values.length / width);
  for (let r = 0, at = 0; r < rows.length; r++, at += width) rows[r] = values.slice(at, at + width);
  return rows;
}
