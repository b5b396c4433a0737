// The load worker: maps an NDJSON file's documents to their index's rows (ndjson-batches.ts) on a thread of its
// own, so that `escript load` parses and maps on one core while the store writes on the other (load-thread.ts
// starts it; Documents.writeMapped writes its batches).
import { parentPort, workerData } from 'worker_threads';
import { StoreError } from '../store';
import type { MappedBatch } from './mapped-batch';
import { MapperInput, mapNdjson } from './ndjson-batches';

/** Worker to store: a batch, a stop (invalid JSON), or the end. The store answers each batch with `more`. */
export type MapperMessage = { batch: MappedBatch } | { error: string } | { done: true };

/** Batches mapped ahead of the store: enough to keep both threads busy, few enough to bound memory. */
const AHEAD = 2;

async function run(input: MapperInput): Promise<void> {
  const port = parentPort!;
  let credits = AHEAD;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits++;
    wake?.();
    wake = null;
  });
  await mapNdjson(input, async (batch) => {
    if (credits === 0) await new Promise<void>((resolve) => { wake = resolve; });
    credits--;
    port.postMessage({ batch } satisfies MapperMessage);
  });
  port.postMessage({ done: true } satisfies MapperMessage);
}

if (parentPort) {
  run(workerData as MapperInput).catch((e: Error) => parentPort!.postMessage({
    error: e instanceof StoreError ? e.message : `load worker: ${e.message}`,
  } satisfies MapperMessage));
}
