// Documents of the embedded store: writes (dynamic mapping, doc values into columns, compare-and-set, sequence
// numbers), deletes and the real-time get, each inside the caller's transaction.
import type Database from 'better-sqlite3';
import { randomBytes } from 'crypto';
import {
  BulkItem, BulkResult, Source, StoreError, StoredDocument, VersionConflictError, WriteOptions, WriteResult,
} from '../store';
import { FieldInfo, columnOf, dynamicFields, dynamicPolicy, flattenSource } from '../mapping';
import { Connection } from './connection';
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
    let meta = this.metadata.read(index) ?? this.metadata.create(index, []);
    const docId = id ?? generateId();
    const flat = flattenSource(doc);
    // Dynamic mapping: the first non-null value of an unknown path decides its type.
    let added: FieldInfo[] | null = null;
    for (const [p, values] of flat) {
      if (meta.sourcePaths.has(p) || meta.names.has(p)) continue;
      const sample = values.find((v) => v !== null && v !== undefined);
      if (sample === undefined) continue;
      const policy = dynamicPolicy(meta.rules, p);
      if (policy === 'ignore') continue;
      if (policy === 'reject') {
        const at = p.lastIndexOf('.');
        throw new StoreError(`mapping set to strict, dynamic introduction of [${p.slice(at + 1)}] within [${at < 0 ? '_doc' : p.slice(0, at)}] is not allowed`,
          'strict_dynamic_mapping_exception', 400);
      }
      (added ??= []).push(...dynamicFields(p, sample));
    }
    const fields = added ? [...meta.fields, ...added] : meta.fields;
    const values: unknown[] = new Array(fields.length);
    let newMulti: string[] | null = null;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const value = columnOf(f, flat.get(f.sourcePath) ?? EMPTY, docId);
      // A BLOB (multivalue or huge whole number) makes the field one the store no longer filters on.
      if (Buffer.isBuffer(value) && !meta.multiValued.has(f.name)) (newMulti ??= []).push(f.name);
      values[i] = value;
    }
    if (added || newMulti) {
      this.rows.flush();
      meta = this.metadata.extend(meta, added ?? [], newMulti ?? []);
    }
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
    const source = text ?? sourceText(doc);
    if (current) {
      this.updateStatement(meta, fields.length).run(seq, PRIMARY_TERM, source, ...values, docId);
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
      this.rows.discard();
      // the undone writes handed out sequence numbers in memory: take them back
      if (seqBefore === undefined) this.batchSeqNo.delete(index);
      else this.batchSeqNo.set(index, seqBefore);
    }
    return this.writeEach(index, items);
  }

  private writeEach(index: string, items: BulkItem[]): BulkResult {
    const results: BulkResult['items'] = [];
    let errors = false;
    for (const item of items) {
      try {
        results.push(this.commits.isolated(() => this.write(index, item.id, item.doc, {}, item.sourceText)));
      } catch (e) {
        errors = true;
        const err = e as Error & { type?: string };
        const type = e instanceof VersionConflictError ? 'version_conflict_engine_exception' : err.type ?? 'error';
        results.push({ _id: item.id, error: { type, reason: err.message } });
      }
    }
    return { errors, items: results };
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

/** The group commit's name for one document. */
export function docKey(index: string, id: string): string {
  return `${index}\u0000${id}`;
}

/** `_source` as stored: JSON, with bigints (longs beyond 2^53) as their digits, as Elasticsearch keeps them. */
function sourceText(doc: Source): string {
  return stringifyExact(doc); // JSON.stringify first: the common case pays nothing for bigints
}

const EMPTY: unknown[] = [];

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
