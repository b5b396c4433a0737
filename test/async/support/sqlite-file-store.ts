// A DataStore kept in a SQLite file, only for the async tests that need state to outlive a process
// (the SIGKILL test). It stores documents with per-index sequence numbers and compare-and-set like the
// memory store, and answers ES|QL with the same small subset. The real embedded store replaces it.

import Database from 'better-sqlite3';
import {
  BulkItem,
  BulkResult,
  DataStore,
  EsqlParams,
  EsqlResult,
  IndexDefinition,
  Source,
  StoreError,
  StoredDocument,
  VersionConflictError,
  WriteOptions,
  WriteResult,
} from '../../../language/store/store';
import { runEsql } from './mini-esql';

export class SqliteFileStore implements DataStore {
  readonly kind = 'embedded' as const;
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS indices (name TEXT PRIMARY KEY, definition TEXT NOT NULL, next_seq INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS docs (idx TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, source TEXT NOT NULL, PRIMARY KEY (idx, id));
    `);
  }

  async createIndex(index: string, definition: IndexDefinition = {}): Promise<{ created: boolean }> {
    const r = this.db.prepare('INSERT OR IGNORE INTO indices (name, definition, next_seq) VALUES (?, ?, 0)').run(index, JSON.stringify(definition));
    return { created: r.changes === 1 };
  }

  async listIndices(): Promise<string[]> {
    return (this.db.prepare('SELECT name FROM indices ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  }

  async getMapping(index: string): Promise<Record<string, unknown>> {
    const row = this.db.prepare('SELECT definition FROM indices WHERE name = ?').get(index) as { definition: string } | undefined;
    return (row ? (JSON.parse(row.definition) as { mappings?: Record<string, unknown> }).mappings : undefined) ?? { properties: {} };
  }

  async indexExists(index: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM indices WHERE name = ?').get(index) !== undefined;
  }

  async deleteIndex(index: string): Promise<void> {
    this.db.prepare('DELETE FROM docs WHERE idx = ?').run(index);
    this.db.prepare('DELETE FROM indices WHERE name = ?').run(index);
  }

  private nextSeq(index: string): number {
    this.db.prepare('INSERT OR IGNORE INTO indices (name, definition, next_seq) VALUES (?, ?, 0)').run(index, '{}');
    const row = this.db.prepare('UPDATE indices SET next_seq = next_seq + 1 WHERE name = ? RETURNING next_seq - 1 AS seq').get(index) as { seq: number };
    return row.seq;
  }

  async index(index: string, doc: Source, options: WriteOptions = {}): Promise<WriteResult> {
    const id = options.id ?? `auto-${Date.now()}-${Math.random()}`;
    const write = this.db.transaction((): WriteResult => {
      const existing = this.db.prepare('SELECT seq FROM docs WHERE idx = ? AND id = ?').get(index, id) as { seq: number } | undefined;
      if (options.opType === 'create' && existing) throw new VersionConflictError(index, id);
      if (options.ifSeqNo !== undefined && (!existing || existing.seq !== options.ifSeqNo || options.ifPrimaryTerm !== 1)) throw new VersionConflictError(index, id);
      const seq = this.nextSeq(index);
      this.db.prepare('INSERT OR REPLACE INTO docs (idx, id, seq, source) VALUES (?, ?, ?, ?)').run(index, id, seq, JSON.stringify(doc));
      return { _index: index, _id: id, _seq_no: seq, _primary_term: 1, result: existing ? 'updated' : 'created' };
    });
    return write();
  }

  async bulk(index: string, items: BulkItem[]): Promise<BulkResult> {
    const results: BulkResult['items'] = [];
    for (const item of items) results.push(await this.index(index, item.doc, { id: item.id }));
    return { errors: false, items: results };
  }

  async get(index: string, id: string): Promise<StoredDocument | null> {
    const row = this.db.prepare('SELECT seq, source FROM docs WHERE idx = ? AND id = ?').get(index, id) as { seq: number; source: string } | undefined;
    return row ? { _index: index, _id: id, _seq_no: row.seq, _primary_term: 1, _source: JSON.parse(row.source) } : null;
  }

  async delete(index: string, id: string, options: WriteOptions = {}): Promise<WriteResult> {
    const remove = this.db.transaction((): WriteResult => {
      const existing = this.db.prepare('SELECT seq FROM docs WHERE idx = ? AND id = ?').get(index, id) as { seq: number } | undefined;
      if (options.ifSeqNo !== undefined && (!existing || existing.seq !== options.ifSeqNo)) throw new VersionConflictError(index, id);
      if (!existing) return { _index: index, _id: id, _seq_no: -1, _primary_term: 1, result: 'not_found' };
      this.db.prepare('DELETE FROM docs WHERE idx = ? AND id = ?').run(index, id);
      return { _index: index, _id: id, _seq_no: this.nextSeq(index), _primary_term: 1, result: 'deleted' };
    });
    return remove();
  }

  async refresh(): Promise<void> {}

  async esql(query: string, params: EsqlParams = []): Promise<EsqlResult> {
    return runEsql(query, params, (index) => {
      if (!this.db.prepare('SELECT 1 FROM indices WHERE name = ?').get(index)) throw new StoreError(`Unknown index [${index}]`, 'verification_exception', 400);
      return (this.db.prepare('SELECT source FROM docs WHERE idx = ?').all(index) as { source: string }[]).map((r) => JSON.parse(r.source));
    });
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
