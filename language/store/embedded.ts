// The embedded store: every index in one SQLite file (WAL), one table per index with one column per mapped
// field (the value a query reads) beside `_source` (what get returns). Writes run in `BEGIN IMMEDIATE`
// transactions shared by the writes of one event-loop turn (group-commit.ts) with synchronous=FULL, so several
// processes can share the file and an acknowledged write survives a power cut. Get is real-time; refresh is a
// no-op (everything committed is searchable).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import {
  BulkItem, BulkResult, DataStore, EsqlParams, EsqlResult, IndexDefinition, Source, StoreError, StoredDocument,
  VersionConflictError, WriteOptions, WriteResult,
} from './store';
import {
  FieldInfo, MappingRules, columnValue, docValues, dynamicFields, dynamicPolicy, fieldsFromMappings, flattenSource, mappingsFromFields, rulesFromMappings,
} from './mapping';
import { CatalogField, EsqlCatalog, METADATA_FIELDS, PushFilter, PushValue, ScanRequest, matchIndices } from '../esql/catalog';
import { runEsql, runEsqlSync } from '../esql/engine';
import { GroupCommit } from './group-commit';

/** `$ESCRIPT_DATA_DIR`, else the platform's per-user data directory (`~/.local/share/escript` on Linux). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ESCRIPT_DATA_DIR) return env.ESCRIPT_DATA_DIR;
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'escript');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'escript');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'escript');
}

interface IndexMeta {
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
  insert?: { width: number; stmt: Database.Statement };
  update?: { width: number; stmt: Database.Statement };
}

const PRIMARY_TERM = 1;

export class EmbeddedStore implements DataStore, EsqlCatalog {
  readonly kind = 'embedded' as const;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly metaCache = new Map<string, IndexMeta>();
  private readonly statements = new Map<string, Database.Statement>();
  /** index(), bulk() and delete() of one event-loop turn share a transaction (one fsync). */
  private readonly commits: GroupCommit;
  /** Inside a batch nobody else can change the schema or the sequence numbers (we hold the write lock). */
  private readonly batchMeta = new Map<string, IndexMeta>();
  private readonly batchSeqNo = new Map<string, number>();

  /**
   * `exactLongs`: ES|QL results keep longs beyond 2^53 as bigints (the csv-spec harness needs exact values).
   * `durability`: `os` (default) fsyncs every commit, so an acknowledged write survives a power cut; `process`
   * (SQLite's synchronous=NORMAL in WAL mode) survives the process being killed, not the machine losing power,
   * and makes each write several times cheaper.
   */
  constructor(file?: string, private readonly options: { exactLongs?: boolean; durability?: 'os' | 'process' } = {}) {
    this.file = file ?? path.join(defaultDataDir(), 'store.db');
    if (this.file !== ':memory:') fs.mkdirSync(path.dirname(this.file), { recursive: true });
    this.db = new Database(this.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durability === 'process' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('busy_timeout = 10000');
    this.commits = new GroupCommit(this.db, {
      beforeCommit: () => this.endBatch(),
      afterRollback: () => {
        this.batchMeta.clear();
        this.batchSeqNo.clear();
        this.metaCache.clear();
      },
      // Cached schema is checked against the (restored) version again on the next read.
      afterUndo: () => this.batchMeta.clear(),
    });
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS es_indices (
        name TEXT PRIMARY KEY,
        tbl TEXT NOT NULL UNIQUE,
        fields TEXT NOT NULL,
        multi_valued TEXT NOT NULL DEFAULT '[]',
        rules TEXT NOT NULL DEFAULT '{"dynamic":{},"disabled":[]}',
        settings TEXT,
        seq_no INTEGER NOT NULL DEFAULT -1,
        version INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS es_counter (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
    `);
    this.migrate();
    // Pushed-down arithmetic reports an overflowing row through this function (see valueSql).
    this.db.function('esql_fail', { deterministic: false }, (id: unknown) => {
      failureSinks.get(Number(id))?.();
      return null;
    });
  }

  /** Brings a file written by an earlier version up to the current schema (columns are only ever added). */
  private migrate(): void {
    const columns = (this.db.prepare('PRAGMA table_info(es_indices)').all() as { name: string }[]).map((c) => c.name);
    if (!columns.includes('rules')) {
      try {
        this.db.exec(`ALTER TABLE es_indices ADD COLUMN rules TEXT NOT NULL DEFAULT '{"dynamic":{},"disabled":[]}'`);
      } catch (e) {
        // Another process may have added it a moment ago.
        if (!/duplicate column/i.test((e as Error).message)) throw e;
      }
    }
  }

  /** Group-commit transactions committed by this store object (benchmarks report them per execution). */
  get commitCount(): number {
    return this.commits.committed;
  }

  // ---- indices ----------------------------------------------------------------------------------------

  async createIndex(index: string, definition?: IndexDefinition): Promise<{ created: boolean }> {
    return this.createIndexSync(index, definition);
  }

  createIndexSync(index: string, definition?: IndexDefinition): { created: boolean } {
    validateIndexName(index);
    this.commits.flush(); // DDL runs in a transaction of its own
    return this.db.transaction(() => {
      if (this.readMeta(index)) return { created: false };
      this.createIndexRow(index, fieldsFromMappings(definition?.mappings), definition?.settings, rulesFromMappings(definition?.mappings));
      return { created: true };
    }).immediate();
  }

  async indexExists(index: string): Promise<boolean> {
    this.commits.flush();
    return this.readMeta(index) !== null;
  }

  async deleteIndex(index: string): Promise<void> {
    this.deleteIndexSync(index);
  }

  deleteIndexSync(index: string): void {
    this.commits.flush();
    this.db.transaction(() => {
      const meta = this.readMeta(index);
      if (!meta) throw new StoreError(`no such index [${index}]`, 'index_not_found_exception', 404);
      this.db.exec(`DROP TABLE IF EXISTS "${meta.table}"`);
      this.stmt('DELETE FROM es_indices WHERE name = ?').run(index);
      this.metaCache.delete(index);
    }).immediate();
  }

  /** The index's mapping in Elasticsearch's shape. */
  async getMapping(index: string): Promise<Record<string, unknown>> {
    return this.getMappingSync(index);
  }

  getMappingSync(index: string): Record<string, unknown> {
    this.commits.flush();
    const meta = this.readMeta(index);
    if (!meta) throw new StoreError(`no such index [${index}]`, 'index_not_found_exception', 404);
    return mappingsFromFields(meta.fields, meta.rules);
  }

  async listIndices(): Promise<string[]> {
    return this.listIndicesSync();
  }

  listIndicesSync(): string[] {
    this.commits.flush();
    return this.allIndexNames();
  }

  async refresh(index: string): Promise<void> {
    if (!this.readMeta(index) && !index.includes('*')) {
      throw new StoreError(`no such index [${index}]`, 'index_not_found_exception', 404);
    }
  }

  // ---- documents --------------------------------------------------------------------------------------

  async index(index: string, doc: Source, options: WriteOptions = {}): Promise<WriteResult> {
    validateIndexName(index);
    return this.commits.submit(options.id === undefined ? [] : [docKey(index, options.id)], () => this.writeOne(index, options.id, doc, options));
  }

  /** Writes and commits before returning (test clusters built on the store). */
  indexSync(index: string, doc: Source, options: WriteOptions = {}): WriteResult {
    validateIndexName(index);
    this.commits.flush();
    return this.db.transaction(() => this.writeOne(index, options.id, doc, options)).immediate();
  }

  async bulk(index: string, items: BulkItem[], _options?: { refresh?: boolean }): Promise<BulkResult> {
    validateIndexName(index);
    const keys = items.flatMap((item) => (item.id === undefined ? [] : [docKey(index, item.id)]));
    return this.commits.submit(keys, () => this.writeMany(index, items));
  }

  bulkSync(index: string, items: BulkItem[]): BulkResult {
    validateIndexName(index);
    this.commits.flush();
    return this.db.transaction(() => this.writeMany(index, items)).immediate();
  }

  /** A bad document fails alone, as in Elasticsearch; the others are written. */
  private writeMany(index: string, items: BulkItem[]): BulkResult {
    const results: BulkResult['items'] = [];
    let errors = false;
    for (const item of items) {
      try {
        results.push(this.commits.isolated(() => this.writeOne(index, item.id, item.doc, {})));
      } catch (e) {
        errors = true;
        const err = e as Error & { type?: string };
        const type = e instanceof VersionConflictError ? 'version_conflict_engine_exception' : err.type ?? 'error';
        results.push({ _id: item.id, error: { type, reason: err.message } });
      }
    }
    return { errors, items: results };
  }

  async get(index: string, id: string): Promise<StoredDocument | null> {
    return this.getSync(index, id);
  }

  /** Real-time get. A document the open batch wrote is read after the batch commits; any other is read at once. */
  getSync(index: string, id: string): StoredDocument | null {
    if (this.commits.touches(docKey(index, id))) this.commits.flush();
    const meta = this.readMeta(index);
    if (!meta) return null;
    const row = this.stmt(`SELECT _seq_no, _primary_term, _source FROM "${meta.table}" WHERE _id = ?`)
      .get(id) as { _seq_no: number; _primary_term: number; _source: string } | undefined;
    if (!row) return null;
    return { _index: index, _id: id, _seq_no: row._seq_no, _primary_term: row._primary_term, _source: JSON.parse(row._source) };
  }

  async getMany(index: string, ids: readonly string[], options: { source?: boolean } = {}): Promise<(StoredDocument | null)[]> {
    if (options.source !== false) return ids.map((id) => this.getSync(index, id));
    const meta = this.readMeta(index);
    if (!meta) return ids.map(() => null);
    const versionOf = this.stmt(`SELECT _seq_no, _primary_term FROM "${meta.table}" WHERE _id = ?`);
    const read = () => ids.map((id) => {
      const row = versionOf.get(id) as { _seq_no: number; _primary_term: number } | undefined;
      return row ? { _index: index, _id: id, _seq_no: row._seq_no, _primary_term: row._primary_term, _source: {} } : null;
    });
    if (this.db.inTransaction) return read();
    // One read transaction for all of them: one snapshot, and a third cheaper than a transaction per lookup.
    this.db.exec('BEGIN');
    try {
      return read();
    } finally {
      this.db.exec('COMMIT');
    }
  }

  /** Changes when another connection committed: what the async engine's watcher checks before reading. */
  othersCommitVersion(): number {
    return (this.stmt('PRAGMA data_version').get() as { data_version: number }).data_version;
  }

  async delete(index: string, id: string, options: WriteOptions = {}): Promise<WriteResult> {
    return this.commits.submit([docKey(index, id)], () => this.deleteOne(index, id, options));
  }

  deleteSync(index: string, id: string, options: WriteOptions = {}): WriteResult {
    this.commits.flush();
    return this.db.transaction(() => this.deleteOne(index, id, options)).immediate();
  }

  private deleteOne(index: string, id: string, options: WriteOptions): WriteResult {
    const meta = this.readMeta(index);
    if (!meta) throw new StoreError(`no such index [${index}]`, 'index_not_found_exception', 404);
    const current = this.stmt(`SELECT _seq_no, _primary_term FROM "${meta.table}" WHERE _id = ?`)
      .get(id) as { _seq_no: number; _primary_term: number } | undefined;
    checkCas(index, id, current, options);
    const seq = this.nextSeqNo(index);
    if (!current) return { _index: index, _id: id, _seq_no: seq, _primary_term: PRIMARY_TERM, result: 'not_found' };
    this.stmt(`DELETE FROM "${meta.table}" WHERE _id = ?`).run(id);
    return { _index: index, _id: id, _seq_no: seq, _primary_term: PRIMARY_TERM, result: 'deleted' };
  }

  async esql(query: string, params?: EsqlParams, signal?: AbortSignal): Promise<EsqlResult> {
    // Committed when the query actually runs (after its yield to the event loop), not when it was asked for.
    return runEsql(query, { catalog: this, params, signal, exactLongs: this.options.exactLongs, beforeRead: () => this.commits.flush() });
  }

  esqlSync(query: string, params?: EsqlParams, signal?: AbortSignal): EsqlResult {
    this.commits.flush();
    return runEsqlSync(query, { catalog: this, params, signal, exactLongs: this.options.exactLongs });
  }

  async close(): Promise<void> {
    if (this.db.open) this.commits.flush();
    if (this.db.open) this.db.close();
  }

  // ---- EsqlCatalog ------------------------------------------------------------------------------------

  resolveIndices(patterns: string[]): string[] {
    const { indices, missing } = matchIndices(this.allIndexNames(), patterns);
    if (missing.length) throw new StoreError(`Unknown index [${missing.join(',')}]`, 'verification_exception', 400);
    return indices;
  }

  fields(indices: string[]): CatalogField[] {
    const byName = new Map<string, CatalogField>();
    for (const index of indices) {
      const meta = this.readMeta(index);
      if (!meta) continue;
      for (const f of meta.fields) {
        const known = byName.get(f.name);
        const mv = meta.multiValued.has(f.name);
        if (!known) byName.set(f.name, { name: f.name, type: f.type, multiValued: mv });
        else {
          const a = esqlFamily(known.type);
          const b = esqlFamily(f.type);
          // text and keyword read the same strings: a field mapped as both is queried as keyword.
          if (a !== b) known.type = (a === 'text' || a === 'keyword') && (b === 'text' || b === 'keyword') ? 'keyword' : 'unsupported';
          known.multiValued ||= mv;
        }
      }
    }
    return [...byName.values()];
  }

  *scan(request: ScanRequest): Iterable<unknown[]> {
    const metas = request.indices.map((i) => this.readMeta(i)).filter((m): m is IndexMeta => m !== null);
    if (metas.length === 0) return;
    const types = new Map(this.fields(request.indices).map((f) => [f.name, f.type]));
    const sql = buildScanSql(metas, request);
    const stmt = this.stmt(sql.text).raw(true);
    const decoders = request.aggregate
      ? [...request.aggregate.groups.map((g) => decoderFor(g.type)),
        ...request.aggregate.aggs.map((a) => (a.fn === 'min' || a.fn === 'max') && a.field
          ? decoderFor(types.get(a.field) ?? 'long') : identity)]
      : request.columns.map((c) => decoderFor(types.get(c) ?? METADATA_FIELDS[c] ?? 'keyword'));
    const needsDecode = decoders.some((d) => d !== identity);
    // SQL needs at least one output column: with none requested, each row is an empty array.
    const empty = !request.aggregate && request.columns.length === 0;
    try {
      for (const row of stmt.iterate(...sql.params) as Iterable<unknown[]>) {
        if (empty) { yield []; continue; }
        if (needsDecode) for (let i = 0; i < row.length; i++) row[i] = decoders[i](row[i]);
        yield row;
      }
    } finally {
      for (const id of sql.sinks) failureSinks.delete(id);
    }
  }

  /** The SQLite table and column holding `field` of `index` (for benchmarks and tools that compare plans). */
  physicalName(index: string, field?: string): { table: string; column?: string } {
    const meta = this.readMeta(index);
    if (!meta) throw new StoreError(`no such index [${index}]`, 'index_not_found_exception', 404);
    return { table: meta.table, column: field === undefined ? undefined : meta.columns.get(field) };
  }

  // ---- internals --------------------------------------------------------------------------------------

  /** Prepared statements are reused: preparing costs more than running a small statement. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  private allIndexNames(): string[] {
    return (this.stmt('SELECT name FROM es_indices ORDER BY name').pluck().all() as string[]);
  }

  /** Reads an index's metadata, from cache unless another writer (or process) changed its mapping. */
  private readMeta(index: string): IndexMeta | null {
    const inBatch = this.commits.inBatch;
    if (inBatch) {
      const known = this.batchMeta.get(index);
      if (known) return known;
    }
    const row = this.stmt('SELECT tbl, version FROM es_indices WHERE name = ?').get(index) as
      | { tbl: string; version: number } | undefined;
    if (!row) {
      this.metaCache.delete(index);
      return null;
    }
    const cached = this.metaCache.get(index);
    if (cached && cached.version === row.version && cached.table === row.tbl) {
      if (inBatch) this.batchMeta.set(index, cached);
      return cached;
    }
    const full = this.stmt('SELECT fields, multi_valued, rules FROM es_indices WHERE name = ?').get(index) as
      { fields: string; multi_valued: string; rules: string };
    const stored = JSON.parse(full.fields) as (FieldInfo & { column: string })[];
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
    this.metaCache.set(index, meta);
    if (inBatch) this.batchMeta.set(index, meta);
    return meta;
  }

  private createIndexRow(index: string, fields: FieldInfo[], settings?: Record<string, unknown>,
    rules: MappingRules = { dynamic: {}, disabled: [] }): IndexMeta {
    const n = this.stmt('INSERT INTO es_counter (name) VALUES (?)').run(index).lastInsertRowid;
    const table = `idx_${n}`;
    const columns = fields.map((f, i) => ({ ...f, column: `c${i}` }));
    const columnSql = columns.map((c) => `, "${c.column}" ${sqlAffinity(c.type)}`).join('');
    this.db.exec(`CREATE TABLE "${table}" (_id TEXT NOT NULL UNIQUE, _seq_no INTEGER NOT NULL,
      _primary_term INTEGER NOT NULL, _version INTEGER NOT NULL, _source TEXT NOT NULL${columnSql})`);
    this.stmt('INSERT INTO es_indices (name, tbl, fields, settings, rules) VALUES (?, ?, ?, ?, ?)')
      .run(index, table, JSON.stringify(columns), settings ? JSON.stringify(settings) : null, JSON.stringify(rules));
    this.batchMeta.delete(index);
    return this.readMeta(index)!;
  }

  /** Adds dynamically mapped fields (and marks new multivalued ones) in the running transaction. */
  private extendMeta(meta: IndexMeta, newFields: FieldInfo[], newMulti: string[]): IndexMeta {
    const stored = JSON.parse((this.stmt('SELECT fields FROM es_indices WHERE name = ?').get(meta.name) as
      { fields: string }).fields) as (FieldInfo & { column: string })[];
    let next = stored.length;
    for (const f of newFields) {
      if (stored.some((s) => s.name === f.name)) continue;
      const column = `c${next++}`;
      this.db.exec(`ALTER TABLE "${meta.table}" ADD COLUMN "${column}" ${sqlAffinity(f.type)}`);
      stored.push({ ...f, column });
    }
    const multi = [...new Set([...meta.multiValued, ...newMulti])];
    this.stmt('UPDATE es_indices SET fields = ?, multi_valued = ?, version = version + 1 WHERE name = ?')
      .run(JSON.stringify(stored), JSON.stringify(multi), meta.name);
    this.batchMeta.delete(meta.name);
    return this.readMeta(meta.name)!;
  }

  /** In a batch, sequence numbers are handed out in memory and written back once, before the commit. */
  private nextSeqNo(index: string): number {
    if (!this.commits.inBatch) {
      return (this.stmt('UPDATE es_indices SET seq_no = seq_no + 1 WHERE name = ? RETURNING seq_no')
        .get(index) as { seq_no: number }).seq_no;
    }
    const last = this.batchSeqNo.get(index)
      ?? (this.stmt('SELECT seq_no FROM es_indices WHERE name = ?').get(index) as { seq_no: number }).seq_no;
    this.batchSeqNo.set(index, last + 1);
    return last + 1;
  }

  private endBatch(): void {
    for (const [index, seqNo] of this.batchSeqNo) this.stmt('UPDATE es_indices SET seq_no = ? WHERE name = ?').run(seqNo, index);
    this.batchSeqNo.clear();
    this.batchMeta.clear();
  }

  /** Writes one document inside the caller's transaction. */
  private writeOne(index: string, id: string | undefined, doc: Source, options: WriteOptions): WriteResult {
    let meta = this.readMeta(index) ?? this.createIndexRow(index, []);
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
      const dv = docValues(f, flat.get(f.sourcePath) ?? EMPTY, docId);
      const column = columnValue(dv);
      // A BLOB (multivalue or huge whole number) makes the field one the store no longer filters on.
      if (column.blob && !meta.multiValued.has(f.name)) (newMulti ??= []).push(f.name);
      values[i] = column.value;
    }
    if (added || newMulti) {
      meta = this.extendMeta(meta, added ?? [], newMulti ?? []);
    }
    // A generated id is new by construction: no need to look for the current version.
    const current = id === undefined ? undefined : this.stmt(`SELECT _seq_no, _primary_term, _version FROM "${meta.table}" WHERE _id = ?`)
      .get(docId) as { _seq_no: number; _primary_term: number; _version: number } | undefined;
    if (current && options.opType === 'create') {
      throw new VersionConflictError(index, docId,
        `[${docId}]: version conflict, document already exists (current version [${current._version}])`);
    }
    checkCas(index, docId, current, options);
    const seq = this.nextSeqNo(index);
    const source = sourceText(doc);
    if (current) {
      this.updateStatement(meta, fields.length).run(seq, PRIMARY_TERM, source, ...values, docId);
    } else {
      this.insertStatement(meta, fields.length).run(docId, seq, PRIMARY_TERM, source, ...values);
    }
    return { _index: index, _id: docId, _seq_no: seq, _primary_term: PRIMARY_TERM, result: current ? 'updated' : 'created' };
  }

  private updateStatement(meta: IndexMeta, width: number): Database.Statement {
    if (meta.update && meta.update.width === width) return meta.update.stmt;
    const sets = meta.fields.slice(0, width).map((f) => `, "${meta.columns.get(f.name)}" = ?`).join('');
    const stmt = this.stmt(`UPDATE "${meta.table}" SET _seq_no = ?, _primary_term = ?, _version = _version + 1,
      _source = ?${sets} WHERE _id = ?`);
    meta.update = { width, stmt };
    return stmt;
  }

  private insertStatement(meta: IndexMeta, width: number): Database.Statement {
    if (meta.insert && meta.insert.width === width) return meta.insert.stmt;
    const cols = meta.fields.slice(0, width).map((f) => meta.columns.get(f.name)!);
    const stmt = this.stmt(`INSERT INTO "${meta.table}" (_id, _seq_no, _primary_term, _version, _source${cols.map((c) => `, "${c}"`).join('')})
      VALUES (?, ?, ?, 1, ?${cols.map(() => ', ?').join('')})`);
    meta.insert = { width, stmt };
    return stmt;
  }
}

/** `_source` as stored: JSON, with bigints (longs beyond 2^53) as their digits. */
function sourceText(doc: Source): string {
  try {
    return JSON.stringify(doc); // the common case; a replacer function makes every document slower
  } catch {
    return JSON.stringify(doc, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  }
}

/** The group commit's name for one document. */
function docKey(index: string, id: string): string {
  return `${index}\u0000${id}`;
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

function validateIndexName(index: string): void {
  if (!index || index !== index.toLowerCase() || /[\\/*?"<>| ,#:]/.test(index) || index.startsWith('-') ||
    index.startsWith('_') || index.startsWith('+') || index === '.' || index === '..') {
    throw new StoreError(`Invalid index name [${index}], must be lowercase and must not contain ` +
      `'\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'`, 'invalid_index_name_exception', 400);
  }
}

let idCounter = 0;
let lastTime = '';
// Distinguishes ids generated in the same millisecond by different processes sharing the file.
const PROCESS_TAG = Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0');
/** Time-ordered, URL-safe ids of 20 characters, like Elasticsearch's auto-generated ones. */
function generateId(): string {
  const time = Date.now().toString(36).padStart(9, '0');
  if (time !== lastTime) { lastTime = time; idCounter = 0; }
  return time + (idCounter++).toString(36).padStart(5, '0') + PROCESS_TAG;
}

/**
 * Column affinity by mapping type: whole numbers, dates and booleans as INTEGER, the float family as REAL,
 * strings as TEXT (multivalues are BLOBs, which affinity leaves alone). Without it SQLite would keep a JS number
 * bound as REAL, and integer arithmetic pushed into SQL would not be integer arithmetic.
 */
function sqlAffinity(type: string): string {
  switch (type) {
    case 'long': case 'integer': case 'short': case 'byte': case 'date': case 'date_nanos': case 'boolean':
      return 'INTEGER';
    case 'double': case 'float': case 'half_float': case 'scaled_float':
      return 'REAL';
    case 'keyword': case 'text': case 'match_only_text': case 'wildcard': case 'constant_keyword': case 'ip': case 'version':
      return 'TEXT';
    default:
      return '';
  }
}

function esqlFamily(type: string): string {
  switch (type) {
    case 'byte': case 'short': case 'integer': return 'integer';
    case 'float': case 'half_float': case 'scaled_float': case 'double': return 'double';
    case 'wildcard': case 'constant_keyword': case 'keyword': return 'keyword';
    case 'match_only_text': case 'text': return 'text';
    default: return type;
  }
}

const identity = (v: unknown): unknown => v;
const bool = (v: unknown): unknown => (v === 1 ? true : v === 0 ? false : v);

/** Whole numbers written as decimal strings inside BLOB lists come back exact (bigint beyond 2^53). */
const wholeNumber = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  const b = BigInt(v);
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
};

function decoderFor(type: string): (v: unknown) => unknown {
  const whole = ['long', 'integer', 'short', 'byte', 'unsigned_long'].includes(type);
  const one = type === 'boolean' ? bool : whole ? wholeNumber : identity;
  return (v: unknown) => {
    if (v instanceof Uint8Array) {
      const list = JSON.parse(Buffer.from(v).toString('utf8')) as unknown[];
      const decoded = one === identity ? list : list.map(one);
      return decoded.length === 1 ? decoded[0] : decoded;
    }
    return one === wholeNumber ? v : one(v);
  };
}

// ---- SQL for scans ----------------------------------------------------------------------------------

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function buildScanSql(metas: IndexMeta[], req: ScanRequest): { text: string; params: unknown[]; sinks: number[] } {
  const params: unknown[] = [];
  const sinks: number[] = [];
  const wanted = new Set<string>(req.columns);
  req.sort?.forEach((s) => wanted.add(s.field));
  req.aggregate?.groups.forEach((g) => collectValueFields(g.value, wanted));
  req.aggregate?.aggs.forEach((a) => a.field && wanted.add(a.field));
  collectFilterFields(req.filter, wanted);
  const alias = new Map([...wanted].map((name, i) => [name, `f${i}`]));
  const physical = (meta: IndexMeta, name: string): string => {
    if (name === '_index') return `'${meta.name.replace(/'/g, "''")}'`;
    if (name in METADATA_FIELDS) return name === '_score' ? '0.0' : name;
    const col = meta.columns.get(name);
    return col ? quoteIdent(col) : 'NULL';
  };
  // Single index: filter against real columns so SQLite can use its indexes; several: a UNION ALL view.
  let from: string;
  let ref: (name: string) => string;
  if (metas.length === 1) {
    from = quoteIdent(metas[0].table);
    ref = (name) => physical(metas[0], name);
  } else {
    from = '(' + metas.map((m) => 'SELECT ' + ([...wanted].map((n) => `${physical(m, n)} AS ${alias.get(n)}`).join(', ') || '1') +
      ` FROM ${quoteIdent(m.table)}`).join(' UNION ALL ') + ')';
    ref = (name) => alias.get(name)!;
  }
  let text: string;
  if (req.aggregate) {
    const groups = req.aggregate.groups.map((g) => valueSql(g.value, ref, params, sinks));
    const aggs = req.aggregate.aggs.map((a) => {
      switch (a.fn) {
        case 'count_star': return 'COUNT(*)';
        case 'count': return `COUNT(${ref(a.field!)})`;
        case 'sum': return `SUM(${ref(a.field!)})`;
        case 'min': return `MIN(${ref(a.field!)})`;
        case 'max': return `MAX(${ref(a.field!)})`;
      }
    });
    text = `SELECT ${[...groups, ...aggs].join(', ') || '1'} FROM ${from}`;
  } else {
    text = `SELECT ${req.columns.map(ref).join(', ') || '1'} FROM ${from}`;
  }
  if (req.filter) text += ` WHERE ${filterSql(req.filter, ref, params, sinks)}`;
  if (req.aggregate && req.aggregate.groups.length) text += ` GROUP BY ${req.aggregate.groups.map((_g, i) => i + 1).join(', ')}`;
  if (req.sort?.length) {
    text += ' ORDER BY ' + req.sort.map((s) => `${ref(s.field)} ${s.desc ? 'DESC' : 'ASC'} NULLS ${s.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
  } else if (!req.aggregate && metas.length === 1) {
    text += ' ORDER BY rowid';
  }
  if (req.limit !== undefined) text += ` LIMIT ${Math.max(0, Math.floor(req.limit))}`;
  return { text, params, sinks };
}

function collectFilterFields(f: PushFilter | undefined, into: Set<string>): void {
  if (!f) return;
  switch (f.op) {
    case 'and': case 'or': f.args.forEach((a) => collectFilterFields(a, into)); return;
    case 'not': collectFilterFields(f.arg, into); return;
    case 'compare': collectValueFields(f.left, into); collectValueFields(f.right, into); return;
    default: into.add(f.field);
  }
}

function collectValueFields(v: PushValue, into: Set<string>): void {
  if (v.kind === 'field') into.add(v.field);
  else if (v.kind === 'arith') { collectValueFields(v.left, into); collectValueFields(v.right, into); }
  else if (v.kind === 'trunc') collectValueFields(v.value, into);
}

/** Failure callbacks of the running scans, called from SQL through `esql_fail(id)`. */
const failureSinks = new Map<number, () => void>();
let nextSinkId = 1;

function valueSql(v: PushValue, ref: (n: string) => string, params: unknown[], sinks: number[]): string {
  switch (v.kind) {
    case 'field': return ref(v.field);
    case 'const': {
      // Inlined (the expression text is repeated in the CASE below); a double keeps its decimal point so
      // that SQLite computes in floating point as ES|QL does.
      if (!Number.isFinite(v.value)) throw new Error('non-finite constant in pushed expression');
      const text = String(v.value);
      return v.double && /^-?\d+$/.test(text) ? `${text}.0` : text;
    }
    case 'trunc': {
      // Floor, not SQLite's truncation toward zero, so that dates before 1970 round down too.
      const x = valueSql(v.value, ref, params, sinks);
      const shifted = v.offset ? `(${x} - ${v.offset})` : x;
      return `(${x} - ((${shifted} % ${v.unit}) + ${v.unit}) % ${v.unit})`;
    }
    case 'arith': {
      const left = valueSql(v.left, ref, params, sinks);
      const right = valueSql(v.right, ref, params, sinks);
      const x = `(${left} ${v.op} ${right})`;
      const id = nextSinkId++;
      failureSinks.set(id, v.onFailure);
      sinks.push(id);
      const ok = v.type === 'long' ? `typeof(${x}) = 'integer'`
        : v.type === 'integer' ? `${x} BETWEEN -2147483648 AND 2147483647`
          : `${x} BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308`;
      return `(CASE WHEN ${x} IS NULL THEN NULL WHEN ${ok} THEN ${x} ELSE esql_fail(${id}) END)`;
    }
  }
}

function filterSql(f: PushFilter, ref: (n: string) => string, params: unknown[], sinks: number[]): string {
  switch (f.op) {
    case 'and': return '(' + f.args.map((a) => filterSql(a, ref, params, sinks)).join(' AND ') + ')';
    case 'or': return '(' + f.args.map((a) => filterSql(a, ref, params, sinks)).join(' OR ') + ')';
    case 'not': return `(NOT ${filterSql(f.arg, ref, params, sinks)})`;
    case 'isnull': return `(${ref(f.field)} IS NULL)`;
    case 'isnotnull': return `(${ref(f.field)} IS NOT NULL)`;
    case 'in':
      params.push(...f.values);
      return `(${ref(f.field)} IN (${f.values.map(() => '?').join(', ')}))`;
    case 'compare': {
      const op = f.cmp === '==' ? '=' : f.cmp;
      return `(${valueSql(f.left, ref, params, sinks)} ${op} ${valueSql(f.right, ref, params, sinks)})`;
    }
    case 'cmp': {
      params.push(f.value);
      const op = f.cmp === '==' ? '=' : f.cmp;
      return `(${ref(f.field)} ${op} ?)`;
    }
  }
}
