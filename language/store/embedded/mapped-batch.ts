// A batch of NDJSON documents mapped to their index's rows before the store writes them (Documents.writeMapped),
// on the load worker (ndjson-mapper.ts) or in the process. Most documents arrive as runs of rows laid out as the
// multi-row INSERT's parameters (row-inserts.ts), so that the writer only hands out sequence numbers and binds;
// the others (a given `_id`, to be looked up; a document the copy of the mapping could not map) one by one.
import type { FieldInfo } from '../mapping';
import { MappingState, documentRow } from './document-row';
import { generateId } from './generated-ids';

/** Rows per multi-row INSERT: past ~32 the statement step is no longer what a row costs. */
export const RUN_ROWS = 32;

/** `_id, _seq_no, _primary_term, _source`: the parameters before a row's field values. */
export const LEADING = 4;

/** Up to RUN_ROWS rows of one width (the first `width` fields), each `_id, 0, 1, _source, values...`: the
 * `_seq_no` (0 here) is set by the writer. */
export interface RowRun {
  width: number;
  params: unknown[];
}

/** A document the writer maps or looks up itself; `width` -1: not mapped (`values` empty). */
export interface LoneDocument {
  id: string | null;
  source: string;
  width: number;
  values: unknown[];
}

export interface MappedBatch {
  /** The mapping the rows were mapped with, once the batch was mapped: each row follows a prefix of `fields`. */
  fields: FieldInfo[];
  /** The index's mapping rules as JSON (what the store compares). */
  rules: string;
  /** Fields whose values became BLOBs in this batch. */
  multiValued: string[];
  /** The documents in file order. */
  items: (RowRun | LoneDocument)[];
  count: number;
  /** The line of each document, for errors. */
  lines: number[];
  /** The ids given by bulk action lines (the group commit's keys). */
  ids: string[];
}

export function isRun(item: RowRun | LoneDocument): item is RowRun {
  return (item as RowRun).params !== undefined;
}

/**
 * Maps documents into batches against a copy of the index's mapping, grown as the store's would be by the same
 * documents in the same order; the store checks that copy against the real mapping before it uses a row.
 */
export class BatchMapper {
  private batch: MappedBatch;
  private run: RowRun | null = null;
  private readonly rules: string;

  constructor(private readonly state: MappingState) {
    this.rules = JSON.stringify(state.rules);
    this.batch = this.empty();
  }

  get count(): number {
    return this.batch.count;
  }

  /** One document: `line` is its text (the `_source`), `value` what it parses to, `id` the one its action line gave. */
  add(line: string, value: unknown, id: string | undefined, lineNo: number): void {
    const batch = this.batch;
    batch.lines.push(lineNo);
    batch.count++;
    if (id !== undefined) batch.ids.push(id);
    const row = this.mapped(value, id);
    if (row && id === undefined) {
      const width = row.length;
      let run = this.run;
      if (!run || run.width !== width || run.params.length === RUN_ROWS * (LEADING + width)) {
        run = this.run = { width, params: [] };
        batch.items.push(run);
      }
      const params = run.params;
      params.push(generateId(), 0, 1, line);
      for (let i = 0; i < width; i++) params.push(row[i]);
    } else {
      this.run = null;
      batch.items.push({ id: id ?? null, source: line, width: row ? row.length : -1, values: row ?? [] });
    }
  }

  /** The batch so far (the mapping as it is now); the next document starts a new one. */
  take(): MappedBatch {
    const batch = this.batch;
    batch.fields = this.state.fields;
    this.batch = this.empty();
    this.run = null;
    return batch;
  }

  /** The document's values; null when it is not an object or the mapping refuses it (the store says why). */
  private mapped(value: unknown, id: string | undefined): unknown[] | null {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    const state = this.state;
    let row;
    try {
      row = documentRow(state, value as Record<string, unknown>, id);
    } catch {
      return null;
    }
    if (row.added) {
      state.fields = [...state.fields, ...row.added];
      for (const f of row.added) { state.names.add(f.name); state.sourcePaths.add(f.sourcePath); }
    }
    for (const name of row.newMulti ?? []) { state.multiValued.add(name); this.batch.multiValued.push(name); }
    return row.values;
  }

  private empty(): MappedBatch {
    return { fields: [], rules: this.rules, multiValued: [], items: [], count: 0, lines: [], ids: [] };
  }
}
