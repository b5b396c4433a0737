// The load worker: reads an NDJSON file and maps each document to its index's row (document-row.ts) on a thread
// of its own, so that `escript load` parses and maps on one core while the store writes on the other
// (load-thread.ts starts it; Documents.writeMapped writes its batches). It keeps its own copy of the index's
// mapping, grown as the store's would be by the same documents in the same order; the store checks that copy
// against the real mapping before it uses a row. A document it cannot map goes to the store as its line, to be
// written (or refused, with Elasticsearch's reason) the ordinary way.
import { parentPort, workerData } from 'worker_threads';
import type { FieldInfo } from '../mapping';
import { bulkAction, lineChunks } from '../ndjson-lines';
import { parseExact } from '../../exact-json';
import { MappingState, documentRow } from './document-row';

export interface MapperInput {
  file: string;
  /** The file's name as errors give it. */
  name: string;
  fields: FieldInfo[];
  /** The index's mapping rules as JSON (what the store compares). */
  rules: string;
  multiValued: string[];
  /** Documents per batch. */
  batch: number;
}

export interface MappedBatch {
  /** The worker's mapping once the batch was mapped: each row's values follow a prefix of these fields. */
  fields: FieldInfo[];
  rules: string;
  /** Fields whose values became BLOBs in this batch. */
  multiValued: string[];
  /** Whether a row may hold a BLOB (it arrives as a Uint8Array). */
  blobs: boolean;
  /** Per document: its given id or null, its line (the `_source`), its row's width (-1: not mapped), the values. */
  rows: unknown[];
  count: number;
  /** The line of each document, for errors. */
  lines: number[];
  /** The ids given by bulk action lines (the group commit's keys). */
  ids: string[];
}

/** Worker to store: a batch, a stop at invalid JSON, or the end. The store answers each batch with `more`. */
export type MapperMessage = { batch: MappedBatch } | { error: string } | { done: true };

/** Batches mapped ahead of the store: enough to keep both threads busy, few enough to bound memory. */
const AHEAD = 2;

async function run(input: MapperInput): Promise<void> {
  const port = parentPort!;
  const state: MappingState = {
    fields: input.fields,
    rules: JSON.parse(input.rules) as MappingState['rules'],
    sourcePaths: new Set(input.fields.map((f) => f.sourcePath)),
    names: new Set(input.fields.map((f) => f.name)),
    multiValued: new Set(input.multiValued),
  };
  let credits = AHEAD;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits++;
    wake?.();
    wake = null;
  });
  let batch = emptyBatch();
  const send = async (): Promise<void> => {
    if (credits === 0) await new Promise<void>((resolve) => { wake = resolve; });
    credits--;
    batch.fields = state.fields;
    batch.blobs = state.multiValued.size > 0;
    port.postMessage({ batch } satisfies MapperMessage);
    batch = emptyBatch();
  };
  let pendingId: string | undefined;
  for await (const { lines, first } of lineChunks(input.file)) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = parseExact(line); // whole numbers past 2^53 stay exact, as on the in-process path
      } catch (e) {
        port.postMessage({ error: `${input.name}:${first + i}: invalid JSON: ${(e as Error).message}` } satisfies MapperMessage);
        return;
      }
      const action = bulkAction(value);
      if (action) { pendingId = action.id; continue; }
      batch.lines.push(first + i);
      batch.rows.push(pendingId ?? null, line);
      if (pendingId !== undefined) batch.ids.push(pendingId);
      batch.count++;
      pushRow(batch, state, value, pendingId);
      pendingId = undefined;
    }
    if (batch.count >= input.batch) await send();
  }
  if (batch.count) await send();
  port.postMessage({ done: true } satisfies MapperMessage);
}

/** The document's width and values; -1 when it is not an object or the mapping refuses it (the store says why). */
function pushRow(batch: MappedBatch, state: MappingState, value: unknown, id: string | undefined): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    batch.rows.push(-1);
    return;
  }
  let row;
  try {
    row = documentRow(state, value as Record<string, unknown>, id);
  } catch {
    batch.rows.push(-1);
    return;
  }
  if (row.added) {
    state.fields = [...state.fields, ...row.added];
    for (const f of row.added) { state.names.add(f.name); state.sourcePaths.add(f.sourcePath); }
  }
  for (const name of row.newMulti ?? []) { state.multiValued.add(name); batch.multiValued.push(name); }
  batch.rows.push(row.values.length);
  for (const v of row.values) batch.rows.push(v);
}

function emptyBatch(): MappedBatch {
  return { fields: [], rules: (workerData as MapperInput).rules, multiValued: [], blobs: false, rows: [], count: 0, lines: [], ids: [] };
}

if (parentPort) {
  run(workerData as MapperInput).catch((e: Error) => parentPort!.postMessage({ error: `load worker: ${e.message}` } satisfies MapperMessage));
}
