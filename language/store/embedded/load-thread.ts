// Starts the load worker (ndjson-mapper.ts) on a file and hands its batches, one at a time and in order, to
// `write`; asks for the next batch once one is written, so that the worker stays a little ahead.
import * as path from 'path';
import { Worker } from 'worker_threads';
import { StoreError } from '../store';
import type { MappedBatch } from './mapped-batch';
import type { MapperInput } from './ndjson-batches';
import type { MapperMessage } from './ndjson-mapper';

export function mapOnWorker(input: MapperInput, write: (batch: MappedBatch) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'ndjson-mapper.js'), { workerData: input });
    let settled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (error === undefined) resolve();
      else reject(error);
    };
    let queue = Promise.resolve();
    worker.on('message', (m: MapperMessage) => {
      queue = queue.then(async () => {
        if (settled) return;
        if ('batch' in m) {
          await write(m.batch);
          worker.postMessage('more');
        } else if ('error' in m) finish(new StoreError(m.error, 'parse_exception', 400));
        else finish();
      }).catch(finish);
    });
    worker.on('error', finish);
    worker.on('exit', (code) => finish(new Error(`the load worker stopped (exit code ${code})`)));
  });
}
