// Documents of the embedded store: writes (dynamic mapping, doc values into columns, compare-and-set, sequence
// numbers), deletes and the real-time get, each inside the caller's transaction.
import type Database from 'better-sqlite3';
import { randomBytes } from 'crypto';
import {
  BulkItem, BulkResult, Source, StoreError, StoredDocument, VersionConflictError, WriteOptions, WriteResult,
} from '../store';
import { Connection } from './connection';
import { documentRow } from './document-row';
import type { MappedBatch } from './ndjson-mapper';
import type { FieldInfo } from '../mapping';
import { GroupCommit } from './group-commit';
import { IndexMeta, IndexMetadata } from './index-metadata';
import { RowInserts } from './row-inserts';
import { parseExact, stringifyExact } from '../../exact-json';

const PRIMARY_TERM = 1;

export class Documents {
  /** In a batch, sequence numbers are handed out in memory and written back once, before the commit. */
  private readonly batchSeqNo = new Map<string, number>();
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
   * Writes a batch of documents the load worker mapped (ndjson-mapper.ts) as writeMany writes documents: the
   * worker's rows as they are while the index's mapping is the worker's, a document again from its `_source`
   * (in a savepoint of its own) where the worker could not map it or the mapping changed under it.
   */
  writeMapped(index: string, batch: MappedBatch): BulkResult {
    const seqBefore = this.batchSeqNo.get(index);
    try {
      return this.commits.isolated(() => {
        const items = this.putMapped(index, batch, false);
        this.rows.flush();
        return { errors: items.some((r) => 'error' in r), items };
      });
    } catch {
      this.undone(index, seqBefore);
    }
    const items = this.putMapped(index, batch, true);
    return { errors: items.some((r) => 'error' in r), items };
  }

  private putMapped(index: string, batch: MappedBatch, each: boolean): BulkResult['items'] {
    let meta = this.adopt(this.metadata.read(index) ?? this.metadata.create(index, []), batch);
    let fits = sameMapping(meta, batch);
    const items: BulkResult['items'] = [];
    const rows = batch.rows;
    let at = 0;
    for (let n = 0; n < batch.count; n++) {
      const id = (rows[at] as string | null) ?? undefined;
      const source = rows[at + 1] as string;
      const width = rows[at + 2] as number;
      at += 3;
      if (width >= 0 && fits) {
        const values = rows.slice(at, at + width);
        if (batch.blobs) for (let i = 0; i < width; i++) if (values[i] instanceof Uint8Array) values[i] = Buffer.from(values[i] as Uint8Array);
        const put = () => this.put(index, meta, id, id ?? generateId(), values, source, {}, !each);
        items.push(each ? this.attempt(id, put) : put());
      } else {
        // in order: the rows before it are in the table first
        this.rows.flush();
        items.push(this.attempt(id, () => {
          const doc = JSON.parse(source) as unknown;
          const isObject = doc !== null && typeof doc === 'object' && !Array.isArray(doc);
          return this.write(index, id, doc as Source, {}, isObject ? source : undefined);
        }));
        meta = this.metadata.read(index)!;
        fits = sameMapping(meta, batch);
      }
      at += Math.max(width, 0);
    }
    return items;
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

  private nextSeqNo(index: string): number {
    if (!this.commits.inBatch) {
      return (this.conn.stmt('UPDATE es_indices SET seq_no = seq_no + 1 WHERE name = ? RETURNING seq_no')
        .get(index) as { seq_no: number }).seq_no;
    }
    const last = this.batchSeqNo.get(index)
      ?? (this.conn.stmt('SELECT seq_no FROM es_indices WHERE name = ?').get(index) as { seq_no: number }).seq_no;
    this.batchSeqNo.set(index, last + 1);
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

let idCounter = 0;
let lastTime = '';
// Distinguishes ids generated in the same millisecond by different processes sharing the file.
const PROCESS_TAG = (randomBytes(4).readUInt32BE(0) % 36 ** 6).toString(36).padStart(6, '0');
/** Time-ordered, URL-safe ids of 20 characters, the shape of Elasticsearch's auto-generated ones, so that
 * documents look alike on both backends (UUIDs would be 36). */
function generateId(): string {
  const time = Date.now().toString(36).padStart(9, '0');
  if (time !== lastTime) { lastTime = time; idCounter = 0; }
  return time + (idCounter++).toString(36).padStart(5, '0') + PROCESS_TAG;
}
