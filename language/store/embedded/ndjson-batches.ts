// An NDJSON file as mapped batches (mapped-batch.ts), for the load worker (ndjson-mapper.ts) or the process
// itself: lines read in big chunks, each parsed exactly (whole numbers past 2^53 keep their digits), a bulk
// action line giving the next document its id.
import type { FieldInfo, MappingRules } from '../mapping';
import { StoreError } from '../store';
import { bulkAction, lineChunks } from '../ndjson-lines';
import { parseExact } from '../../exact-json';
import { BatchMapper, MappedBatch } from './mapped-batch';

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

/** Maps the file's documents; `write` gets each batch in order (the next is mapped once it returns). Invalid JSON
 * stops it with a `parse_exception` naming `file:line`. */
export async function mapNdjson(input: MapperInput, write: (batch: MappedBatch) => Promise<void>): Promise<void> {
  const mapper = new BatchMapper({
    fields: input.fields,
    rules: JSON.parse(input.rules) as MappingRules,
    sourcePaths: new Set(input.fields.map((f) => f.sourcePath)),
    names: new Set(input.fields.map((f) => f.name)),
    multiValued: new Set(input.multiValued),
  });
  let pendingId: string | undefined;
  for await (const { lines, first } of lineChunks(input.file)) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = parseExact(line);
      } catch (e) {
        throw new StoreError(`${input.name}:${first + i}: invalid JSON: ${(e as Error).message}`, 'parse_exception', 400);
      }
      const action = bulkAction(value);
      if (action) { pendingId = action.id; continue; }
      mapper.add(line, value, pendingId, first + i);
      pendingId = undefined;
      if (mapper.count >= input.batch) await write(mapper.take());
    }
  }
  if (mapper.count) await write(mapper.take());
}
