// Documents of the embedded store: writes (dynamic mapping, doc values into columns, compare-and-set, sequence
// numbers), deletes and the real-time get, each inside the caller's transaction.
import type Database from 'better-sqlite3';
import {
  BulkItem, BulkResult, Source, StoreError, StoredDocument, VersionConflictError, WriteOptions, WriteResult,
} from '../store';
import { Connection } from './connection';
import { documentRow } from './document-row';
import { LEADING, LoneDocument, MappedBatch, RowRun, isRun } from './mapped-batch';
import { generateId } from './generated-ids';
import type { FieldInfo } from '../mapping';
import { GroupCommit } from './group-commit';
import { IndexMeta, IndexMetadata } from './index-metadata';
import { RowInserts } from './row-inserts';
import { parseExact, stringifyExact } from '../../exact-json';

const PRIMARY_TERM = 1;

/** What a mapped batch came to: the documents written, and each one refused with its place in the batch. */
export interface MappedOutcome {
  written: number;
  failures: { at: number; id?: string; reason: string }[];
}

export class Documents {
  /** In a batch, sequence numbers are handed out in memory and written back once, before the commit. */
  private readonly batchSeqNo = new Map<string, number>();
  /** Set while writeManyInTransaction runs: sequence numbers are counted in batchSeqNo outside a batch too. */
  private seqInMemory = false;
  private readonly rows: RowInserts;

  constructor(private readonly conn: Connection, private readonly commits: GroupCommit,
    private readonly metadata: IndexMetadata) {
    this.rows = new RowInserts(conn);
  }

  /** Real-time get. A document the open batch wrote is read after the batch commits; any other is read at once. */
  get(index: string, id: string): StoredDocument | null {
    if (this.commits.touches(docKey(index, id))) this.commits.flush();
    const meta = this.metadata.read(index);
    if (!meta) return null;
    const row = this.conn.stmt(`SELECT _seq_no, _primary_term, _source FROM "${meta.table}" WHERE _id = ?`)
      .get(id) as { _seq_no: number; _primary_term: number; _source: string } | undefined;
    if (!row) return null;
    return { _index: index, _id: id, _seq_no: row._seq_no, _primary_term: row._primary_term, _source: parseExact(row._source) as Source };
  }

  /**
   * Versions only (`_source` left empty) of many documents, in one read transaction: one snapshot, and a third
   * cheaper than a transaction per lookup. What the async engine's watcher asks for every tick.
   */
  versions(index: string, ids: readonly string[]): (StoredDocument | null)[] {
    if (ids.some((id) => this.commits.touches(docKey(index, id)))) this.commits.flush();
    const meta = this.metadata.read(index);
    if (!meta) return ids.map(() => null);
    const versionOf = this.conn.stmt(`SELECT _seq_no, _primary_term FROM "${meta.table}" WHERE _id = ?`);
    const read = () => ids.map((id) => {
      const row = versionOf.get(id) as { _seq_no: number; _primary_term: number } | undefined;
      return row ? { _index: index, _id: id, _seq_no: row._seq_no, _primary_term: row._primary_term, _source: {} } : null;
    });
    const db = this.conn.db;
    if (db.inTransaction) return read();
    db.exec('BEGIN');
    try {
      return read();
    } finally {
      db.exec('COMMIT');
    }
  }

  /**
   * Writes one document inside the caller's transaction. `buffered`: a new document's row may wait in the row
   * buffer (a bulk call flushes it before it returns).
   */
  write(index: string, id: string | undefined, doc: Source, options: WriteOptions, text?: string, buffered = false): WriteResult {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw notAnObject(doc);
    let meta = this.metadata.read(index) ?? this.metadata.create(index, []);
    const docId = id ?? generateId();
    const { values, added, newMulti } = documentRow(meta, doc, docId);
    if (added || newMulti) {
      this.rows.flush();
      meta = this.metadata.extend(meta, added ?? [], newMulti ?? []);
    }
    return this.put(index, meta, id, docId, values, text ?? sourceText(doc), options, buffered);
  }

  /** Writes a mapped row: the version lookup for a given id, compare-and-set, the sequence number, the row. */
  private put(index: string, meta: IndexMeta, id: string | undefined, docId: string, values: unknown[], source: string,
    options: WriteOptions, buffered: boolean): WriteResult {
    // A buffered row of this batch must be in the table before a write that looks its id up.
    if (id !== undefined) this.rows.flush();
    // A generated id is new by construction: no need to look for the current version.
    const current = id === undefined ? undefined : this.conn.stmt(`SELECT _seq_no, _primary_term, _version FROM "${meta.table}" WHERE _id = ?`)
      .get(docId) as { _seq_no: number; _primary_term: number; _version: number } | undefined;
    if (current && options.opType === 'create') {
      throw new VersionConflictError(index, docId,
        `[${docId}]: version conflict, document already exists (current version [${current._version}])`);
    }
    checkCas(index, docId, current, options);
    const seq = this.nextSeqNo(index);
    if (current) {
      this.updateStatement(meta, values.length).run(seq, PRIMARY_TERM, source, ...values, docId);
    } else if (buffered) {
      this.rows.add(meta, docId, seq, PRIMARY_TERM, source, values);
    } else {
      this.rows.insert(meta, docId, seq, PRIMARY_TERM, source, values);
    }
    return { _index: index, _id: docId, _seq_no: seq, _primary_term: PRIMARY_TERM, result: current ? 'updated' : 'created' };
  }

  /**
   * A bad document fails alone, as in Elasticsearch; the others are written. The whole batch is tried first in
   * one savepoint (a savepoint per document costs two statements each); only when a document fails is the batch
   * undone and written again one savepoint per document.
   */
  writeMany(index: string, items: BulkItem[]): BulkResult {
    const seqBefore = this.batchSeqNo.get(index);
    try {
      return this.commits.isolated(() => {
        const written = items.map((it) => this.write(index, it.id, it.doc, {}, it.sourceText, true));
        this.rows.flush();
        return { errors: false, items: written };
      });
    } catch {
      this.undone(index, seqBefore);
    }
    return this.writeEach(index, items);
  }

  /**
   * writeMany in a transaction of the caller's own (bulkSync), not a group-commit batch: sequence numbers are
   * counted in memory as in a batch and written to `es_indices` once before the transaction ends — one UPDATE of
   * that row per document had been three quarters of a bulk call's time.
   */
  writeManyInTransaction(index: string, items: BulkItem[]): BulkResult {
    this.seqInMemory = true;
    try {
      const result = this.writeMany(index, items);
      this.endBatch();
      return result;
    } finally {
      this.seqInMemory = false;
      this.batchSeqNo.clear();
    }
  }

  /** A bulk call's savepoint was undone: its buffered rows go, and the sequence numbers it handed out come back. */
  private undone(index: string, seqBefore: number | undefined): void {
    this.rows.discard();
    if (seqBefore === undefined) this.batchSeqNo.delete(index);
    else this.batchSeqNo.set(index, seqBefore);
  }

  private writeEach(index: string, items: BulkItem[]): BulkResult {
    const results = items.map((item) => this.attempt(item.id, () => this.write(index, item.id, item.doc, {}, item.sourceText)));
    return { errors: results.some((r) => 'error' in r), items: results };
  }

  /** One write in a savepoint of its own: its failure is its bulk item's error. */
  private attempt(id: string | undefined, write: () => WriteResult): BulkResult['items'][number] {
    try {
      return this.commits.isolated(write);
    } catch (e) {
      const err = e as Error & { type?: string };
      const type = e instanceof VersionConflictError ? 'version_conflict_engine_exception' : err.type ?? 'error';
      return { _id: id, error: { type, reason: err.message } };
    }
  }

  /**
   * Writes a batch of mapped documents (mapped-batch.ts) as writeMany writes documents: its rows as they are while
   * the index's mapping is the one they were mapped with, a document again from its `_source` (in a savepoint of
   * its own) where the mapper could not map it or the mapping changed under it.
   */
  writeMapped(index: string, batch: MappedBatch): MappedOutcome {
    const seqBefore = this.batchSeqNo.get(index);
    try {
      return this.commits.isolated(() => {
        const outcome = this.putMapped(index, batch, false);
        this.rows.flush();
        return outcome;
      });
    } catch {
      this.undone(index, seqBefore);
    }
    return this.putMapped(index, batch, true);
  }

  /** `each`: every document in a savepoint of its own (a document of the batch failed the first try). */
  private putMapped(index: string, batch: MappedBatch, each: boolean): MappedOutcome {
    let meta = this.adopt(this.metadata.read(index) ?? this.metadata.create(index, []), batch);
    let fits = sameMapping(meta, batch);
    const failures: MappedOutcome['failures'] = [];
    let at = 0;
    const record = (result: BulkResult['items'][number]): void => {
      if ('error' in result) failures.push({ at, id: result._id, reason: result.error.reason });
    };
    for (const item of batch.items) {
      if (isRun(item) && fits && !each) {
        at += this.insertRun(index, meta, item);
        continue;
      }
      for (const doc of isRun(item) ? runDocuments(item) : [item as MappedDocument]) {
        const id = doc.id ?? undefined;
        if (doc.width >= 0 && fits) {
          // a run's row has the id the mapper generated: new, so never looked up
          const put = () => this.put(index, meta, id, id ?? doc.generated ?? generateId(), doc.values, doc.source, {}, !each);
          if (each) record(this.attempt(id, put));
          else put();
        } else {
          // in order: the rows before it are in the table first
          this.rows.flush();
          record(this.attempt(id, () => {
            const value = JSON.parse(doc.source) as unknown;
            const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
            return this.write(index, id, value as Source, {}, isObject ? doc.source : undefined);
          }));
          meta = this.metadata.read(index)!;
          fits = sameMapping(meta, batch);
        }
        at++;
      }
    }
    return { written: batch.count - failures.length, failures };
  }

  /** A run's rows as they are, with the next sequence numbers; returns how many. */
  private insertRun(index: string, meta: IndexMeta, run: RowRun): number {
    this.rows.flush(); // rows buffered before it go in first
    const { params, width } = run;
    const stride = LEADING + width;
    const rows = params.length / stride;
    let seq = this.nextSeqNo(index, rows);
    for (let i = 1; i < params.length; i += stride) params[i] = seq++;
    this.rows.insertRun(meta, width, params, rows);
    return rows;
  }

  /** The fields the worker mapped and the fields it made multivalued, added to the index's mapping. */
  private adopt(meta: IndexMeta, batch: MappedBatch): IndexMeta {
    if (!sameRules(meta, batch)) return meta;
    const fields = batch.fields.filter((f) => !meta.names.has(f.name));
    const multi = batch.multiValued.filter((name) => !meta.multiValued.has(name));
    if (!fields.length && !multi.length) return meta;
    this.rows.flush();
    return this.metadata.extend(meta, fields, multi);
  }

  remove(index: string, id: string, options: WriteOptions): WriteResult {
    const meta = this.metadata.require(index);
    const current = this.conn.stmt(`SELECT _seq_no, _primary_term FROM "${meta.table}" WHERE _id = ?`)
      .get(id) as { _seq_no: number; _primary_term: number } | undefined;
    checkCas(index, id, current, options);
    const seq = this.nextSeqNo(index);
    if (!current) return { _index: index, _id: id, _seq_no: seq, _primary_term: PRIMARY_TERM, result: 'not_found' };
    this.conn.stmt(`DELETE FROM "${meta.table}" WHERE _id = ?`).run(id);
    return { _index: index, _id: id, _seq_no: seq, _primary_term: PRIMARY_TERM, result: 'deleted' };
  }

  /** Before the batch commits: the sequence numbers handed out in memory go back to `es_indices`. */
  endBatch(): void {
    for (const [index, seqNo] of this.batchSeqNo) this.conn.stmt('UPDATE es_indices SET seq_no = ? WHERE name = ?').run(seqNo, index);
    this.batchSeqNo.clear();
  }

  /** The batch was rolled back: the sequence numbers it handed out were never used. */
  forgetBatch(): void {
    this.batchSeqNo.clear();
  }

  /** The next `count` sequence numbers of the index: returns the first. */
  private nextSeqNo(index: string, count = 1): number {
    if (!this.commits.inBatch && !this.seqInMemory) {
      return (this.conn.stmt('UPDATE es_indices SET seq_no = seq_no + ? WHERE name = ? RETURNING seq_no')
        .get(count, index) as { seq_no: number }).seq_no - count + 1;
    }
    const last = this.batchSeqNo.get(index)
      ?? (this.conn.stmt('SELECT seq_no FROM es_indices WHERE name = ?').get(index) as { seq_no: number }).seq_no;
    this.batchSeqNo.set(index, last + count);
    return last + 1;
  }

  private updateStatement(meta: IndexMeta, width: number): Database.Statement {
    if (meta.update && meta.update.width === width) return meta.update.stmt;
    const sets = meta.fields.slice(0, width).map((f) => `, "${meta.columns.get(f.name)}" = ?`).join('');
    const stmt = this.conn.stmt(`UPDATE "${meta.table}" SET _seq_no = ?, _primary_term = ?, _version = _version + 1,
      _source = ?${sets} WHERE _id = ?`);
    meta.update = { width, stmt };
    return stmt;
  }
}

/** The worker's rows fit the index when its mapping is the worker's: the same rules, the same fields in order. */
function sameMapping(meta: IndexMeta, batch: MappedBatch): boolean {
  if (!sameRules(meta, batch) || meta.fields.length !== batch.fields.length) return false;
  return meta.fields.every((f, i) => sameField(f, batch.fields[i]));
}

function sameRules(meta: IndexMeta, batch: MappedBatch): boolean {
  return JSON.stringify(meta.rules) === batch.rules;
}

function sameField(a: FieldInfo, b: FieldInfo): boolean {
  return a.name === b.name && a.type === b.type && a.sourcePath === b.sourcePath && a.scalingFactor === b.scalingFactor &&
    a.ignoreAbove === b.ignoreAbove && a.constantValue === b.constantValue;
}

/** A document of a mapped batch; `generated`: the id the mapper made for it. */
type MappedDocument = LoneDocument & { generated?: string };

/** A run's rows one by one (when each needs a savepoint of its own, or the mapping changed under them). */
function runDocuments(run: RowRun): MappedDocument[] {
  const { params, width } = run;
  const stride = LEADING + width;
  const docs: MappedDocument[] = [];
  for (let at = 0; at < params.length; at += stride) {
    docs.push({ id: null, generated: params[at] as string, source: params[at + 3] as string, width, values: params.slice(at + LEADING, at + stride) });
  }
  return docs;
}

/** The group commit's name for one document. */
export function docKey(index: string, id: string): string {
  return `${index}\u0000${id}`;
}

/** `_source` as stored: JSON, with bigints (longs beyond 2^53) as their digits, as Elasticsearch keeps them. */
function sourceText(doc: Source): string {
  return stringifyExact(doc); // JSON.stringify first: the common case pays nothing for bigints
}


/** Elasticsearch refuses a document that is not a JSON object (an array, a string, a number) when it parses it. */
function notAnObject(doc: unknown): StoreError {
  const what = Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc === 'bigint' ? 'number' : typeof doc}`;
  return new StoreError(`failed to parse: a document must be a JSON object ({...}), got ${what}`, 'document_parsing_exception', 400);
}

function checkCas(index: string, id: string, current: { _seq_no: number; _primary_term: number } | undefined,
  options: WriteOptions): void {
  if (options.ifSeqNo === undefined && options.ifPrimaryTerm === undefined) return;
  const wantSeq = options.ifSeqNo ?? -2;
  const wantTerm = options.ifPrimaryTerm ?? PRIMARY_TERM;
  if (!current) {
    throw new VersionConflictError(index, id, `[${id}]: version conflict, required seqNo [${wantSeq}], ` +
      `primary term [${wantTerm}] but no document was found`);
  }
  if (current._seq_no !== wantSeq || current._primary_term !== wantTerm) {
    throw new VersionConflictError(index, id, `[${id}]: version conflict, required seqNo [${wantSeq}], ` +
      `primary term [${wantTerm}]. current document has seqNo [${current._seq_no}] and primary term ` +
      `[${current._primary_term}]`);
  }
}
