// What the embedded store knows about each index — its `es_indices` row: table, mapped fields and their columns,
// multivalued fields, mapping rules — read through a cache that is checked against the row's version (another
// store object or process may have changed the mapping), and the changes to it: create, extend, drop.
import type Database from 'better-sqlite3';
import { StoreError } from '../store';
import { FieldInfo, MappingRules } from '../mapping';
import { Connection } from './connection';
import { GroupCommit } from './group-commit';
import { addIndexColumn, columnName, createIndexTable, dropIndexTable, tableName } from './schema';

export interface IndexMeta {
  name: string;
  table: string;
  fields: FieldInfo[];
  /** field name -> column name */
  columns: Map<string, string>;
  multiValued: Set<string>;
  version: number;
  rules: MappingRules;
  sourcePaths: Set<string>;
  names: Set<string>;
  /** The write statements for the first `width` fields (documents.ts), prepared on first use. */
  insert?: { width: number; stmt: Database.Statement };
  update?: { width: number; stmt: Database.Statement };
  /** The multi-row insert of row-inserts.ts, for the first `width` fields. */
  insertMany?: { width: number; stmt: Database.Statement };
}

/** A field as `es_indices.fields` stores it: its mapping and its column. */
type StoredField = FieldInfo & { column: string };

export class IndexMetadata {
  private readonly cache = new Map<string, IndexMeta>();
  /** Inside a batch nobody else can change the schema (we hold the write lock): each row is read once. */
  private readonly batch = new Map<string, IndexMeta>();

  constructor(private readonly conn: Connection, private readonly commits: GroupCommit) {}

  names(): string[] {
    return (this.conn.stmt('SELECT name FROM es_indices ORDER BY name').pluck().all() as string[]);
  }

  /** Reads an index's metadata, from cache unless another writer (or process) changed its mapping. */
  read(index: string): IndexMeta | null {
    const inBatch = this.commits.inBatch;
    if (inBatch) {
      const known = this.batch.get(index);
      if (known) return known;
    }
    const row = this.conn.stmt('SELECT tbl, version FROM es_indices WHERE name = ?').get(index) as
      | { tbl: string; version: number } | undefined;
    if (!row) {
      this.cache.delete(index);
      return null;
    }
    const cached = this.cache.get(index);
    if (cached && cached.version === row.version && cached.table === row.tbl) {
      if (inBatch) this.batch.set(index, cached);
      return cached;
    }
    const full = this.conn.stmt('SELECT fields, multi_valued, rules FROM es_indices WHERE name = ?').get(index) as
      { fields: string; multi_valued: string; rules: string };
    const stored = JSON.parse(full.fields) as StoredField[];
    const meta: IndexMeta = {
      name: index,
      table: row.tbl,
      fields: stored.map(({ column: _c, ...f }) => f),
      columns: new Map(stored.map((f) => [f.name, f.column])),
      multiValued: new Set(JSON.parse(full.multi_valued) as string[]),
      version: row.version,
      rules: JSON.parse(full.rules) as MappingRules,
      sourcePaths: new Set(stored.map((f) => f.sourcePath)),
      names: new Set(stored.map((f) => f.name)),
    };
    this.cache.set(index, meta);
    if (inBatch) this.batch.set(index, meta);
    return meta;
  }

  /** The index's metadata, or the error Elasticsearch gives for a missing index. */
  require(index: string): IndexMeta {
    const meta = this.read(index);
    if (!meta) throw noSuchIndex(index);
    return meta;
  }

  /** Creates the index's table and row in the running transaction. */
  create(index: string, fields: FieldInfo[], settings?: Record<string, unknown>,
    rules: MappingRules = { dynamic: {}, disabled: [] }): IndexMeta {
    const n = this.conn.stmt('INSERT INTO es_counter (name) VALUES (?)').run(index).lastInsertRowid;
    const table = tableName(n);
    const columns: StoredField[] = fields.map((f, i) => ({ ...f, column: columnName(i) }));
    createIndexTable(this.conn.db, table, columns);
    this.conn.stmt('INSERT INTO es_indices (name, tbl, fields, settings, rules) VALUES (?, ?, ?, ?, ?)')
      .run(index, table, JSON.stringify(columns), settings ? JSON.stringify(settings) : null, JSON.stringify(rules));
    this.batch.delete(index);
    return this.read(index)!;
  }

  /** Adds dynamically mapped fields (and marks new multivalued ones) in the running transaction. */
  extend(meta: IndexMeta, newFields: FieldInfo[], newMulti: string[]): IndexMeta {
    const stored = JSON.parse((this.conn.stmt('SELECT fields FROM es_indices WHERE name = ?').get(meta.name) as
      { fields: string }).fields) as StoredField[];
    let next = stored.length;
    for (const f of newFields) {
      if (stored.some((s) => s.name === f.name)) continue;
      const column = columnName(next++);
      addIndexColumn(this.conn.db, meta.table, column, f.type);
      stored.push({ ...f, column });
    }
    const multi = [...new Set([...meta.multiValued, ...newMulti])];
    this.conn.stmt('UPDATE es_indices SET fields = ?, multi_valued = ?, version = version + 1 WHERE name = ?')
      .run(JSON.stringify(stored), JSON.stringify(multi), meta.name);
    this.batch.delete(meta.name);
    return this.read(meta.name)!;
  }

  /** Drops the index's table and row in the running transaction. */
  drop(meta: IndexMeta): void {
    dropIndexTable(this.conn.db, meta.table);
    this.conn.stmt('DELETE FROM es_indices WHERE name = ?').run(meta.name);
    this.cache.delete(meta.name);
  }

  /** The batch ended (or one write of it was undone): rows are checked against their version again. */
  forgetBatch(): void {
    this.batch.clear();
  }

  /** The batch was rolled back: nothing read inside it can be trusted. */
  forgetAll(): void {
    this.batch.clear();
    this.cache.clear();
  }
}

export function noSuchIndex(index: string): StoreError {
  return new StoreError(`no such index [${index}]`, 'index_not_found_exception', 404);
}

/** Elasticsearch's rules for index names. */
export function validateIndexName(index: string): void {
  if (!index || index !== index.toLowerCase() || /[\\/*?"<>| ,#:]/.test(index) || index.startsWith('-') ||
    index.startsWith('_') || index.startsWith('+') || index === '.' || index === '..') {
    throw new StoreError(`Invalid index name [${index}], must be lowercase and must not contain ` +
      `'\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'`, 'invalid_index_name_exception', 400);
  }
}
