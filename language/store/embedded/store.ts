// EmbeddedStore, the store's public face: DataStore (each call also as a synchronous twin, for test clusters and
// tools) and the ES|QL engine's catalog, over the parts of this folder. Every index lives in one SQLite file
// (WAL), one table per index with one column per mapped field (the value a query reads) beside `_source` (what
// get returns). Writes run in `BEGIN IMMEDIATE` transactions shared by the writes of one event-loop turn
// (group-commit.ts) with synchronous=FULL, so several processes can share the file and an acknowledged write
// survives a power cut. Get is real-time; refresh is a no-op (everything committed is searchable).
import * as path from 'path';
import {
  BulkItem, BulkResult, DataStore, EsqlParams, EsqlResult, IndexDefinition, Source, StoredDocument,
  WriteOptions, WriteResult,
} from '../store';
import { fieldsFromMappings, mappingsFromFields, rulesFromMappings } from '../mapping';
import { CatalogField, EsqlCatalog, ScanRequest } from '../../esql/catalog';
import { EmbeddedCatalog } from './catalog';
import { Connection, Durability } from './connection';
import { Documents, docKey } from './documents';
import { GroupCommit } from './group-commit';
import { IndexMetadata, noSuchIndex, validateIndexName } from './index-metadata';
import { registerFailureFunction } from './scan-sql';
import { ScanThread } from './scan-thread';
import { createStoreTables } from './schema';
import { mapOnWorker } from './load-thread';
import type { MappedBatch } from './mapped-batch';
import { MapperInput, mapNdjson } from './ndjson-batches';

/** Documents per batch of loadNdjson: small enough that a batch dies young (at 20,000 a batch lived long enough to
 * be promoted, and garbage collection took ~2.5 s CPU of a 1M-document load). */
const LOAD_BATCH = 2000;

/** Documents per commit of loadNdjson: a commit waits for its fsyncs (WAL, checkpoint), up to 50 ms each on a
 * busy disk. */
const LOAD_COMMIT = 20000;

/** One batch of loadNdjson, committed: the documents written, and each refused one with its line. */
export interface LoadedBatch {
  written: number;
  failures: { line: number; id?: string; reason: string }[];
}

interface EmbeddedOptions {
  /** ES|QL results keep longs beyond 2^53 as bigints (the csv-spec harness needs exact values). */
  exactLongs?: boolean;
  /** `os` (default): every commit is fsynced; `process`: cheaper, survives a killed process only. */
  durability?: Durability;
  /** ES|QL scans that GROUP or ORDER more rows than this run on the store's scan thread (default 200,000). */
  scanWorkerRows?: number;
}

export class EmbeddedStore implements DataStore, EsqlCatalog {
  readonly kind = 'embedded' as const;
  readonly file: string;
  private readonly conn: Connection;
  /** index(), bulk() and delete() of one event-loop turn share a transaction (one fsync). */
  private readonly commits: GroupCommit;
  private readonly metadata: IndexMetadata;
  private readonly documents: Documents;
  private readonly catalog: EmbeddedCatalog;
  /** Big blocking scans run here, so that the event loop (heartbeats, interrupts) keeps its turns. */
  private readonly scanThread: ScanThread | null;

  constructor(file: string, private readonly options: EmbeddedOptions = {}) {
    this.file = file;
    this.conn = new Connection(this.file, options.durability);
    this.commits = new GroupCommit(this.conn.db, {
      beforeCommit: () => {
        this.documents.endBatch();
        this.metadata.forgetBatch();
      },
      afterRollback: () => {
        this.documents.forgetBatch();
        this.metadata.forgetAll();
      },
      // Cached schema is checked against the (restored) version again on the next read.
      afterUndo: () => this.metadata.forgetBatch(),
    });
    createStoreTables(this.conn.db);
    // Pushed-down arithmetic reports an overflowing row through this function (see scan-sql.ts).
    registerFailureFunction(this.conn.db);
    this.metadata = new IndexMetadata(this.conn, this.commits);
    this.documents = new Documents(this.conn, this.commits, this.metadata);
    this.scanThread = file === ':memory:' ? null : new ScanThread(file);
    this.catalog = new EmbeddedCatalog(this.conn, this.metadata, this.scanThread, options.scanWorkerRows, file === ':memory:' ? null : file);
  }

  /** What the ES|QL engine reads of this store (its planner tests build plans against it). */
  get esqlCatalog(): EsqlCatalog {
    return this.catalog;
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
    return this.commits.inOwnTransaction(() => {
      if (this.metadata.read(index)) return { created: false };
      this.metadata.create(index, fieldsFromMappings(definition?.mappings), definition?.settings, rulesFromMappings(definition?.mappings));
      return { created: true };
    });
  }

  async indexExists(index: string): Promise<boolean> {
    this.commits.flush();
    return this.metadata.read(index) !== null;
  }

  async deleteIndex(index: string): Promise<void> {
    this.deleteIndexSync(index);
  }

  deleteIndexSync(index: string): void {
    this.commits.inOwnTransaction(() => this.metadata.drop(this.metadata.require(index)));
  }

  /** The index's mapping in Elasticsearch's shape. */
  async getMapping(index: string): Promise<Record<string, unknown>> {
    return this.getMappingSync(index);
  }

  getMappingSync(index: string): Record<string, unknown> {
    this.commits.flush();
    const meta = this.metadata.require(index);
    return mappingsFromFields(meta.fields, meta.rules);
  }

  async listIndices(): Promise<string[]> {
    return this.listIndicesSync();
  }

  listIndicesSync(): string[] {
    this.commits.flush();
    return this.metadata.names();
  }

  async refresh(index: string): Promise<void> {
    if (!this.metadata.read(index) && !index.includes('*')) throw noSuchIndex(index);
  }

  // ---- documents --------------------------------------------------------------------------------------

  async index(index: string, doc: Source, options: WriteOptions = {}): Promise<WriteResult> {
    validateIndexName(index);
    return this.commits.submit(options.id === undefined ? [] : [docKey(index, options.id)],
      () => this.documents.write(index, options.id, doc, options));
  }

  /** Writes and commits before returning (test clusters built on the store). */
  indexSync(index: string, doc: Source, options: WriteOptions = {}): WriteResult {
    validateIndexName(index);
    return this.commits.inOwnTransaction(() => this.documents.write(index, options.id, doc, options));
  }

  async bulk(index: string, items: BulkItem[], _options?: { refresh?: boolean }): Promise<BulkResult> {
    validateIndexName(index);
    const keys = items.flatMap((item) => (item.id === undefined ? [] : [docKey(index, item.id)]));
    return this.commits.submit(keys, () => this.documents.writeMany(index, items));
  }

  /**
   * Loads an NDJSON file in batches mapped to rows before they are written (mapped-batch.ts); `thread`: parsed
   * and mapped on a worker thread while this one writes (ndjson-mapper.ts). `report` gets each committed batch.
   */
  async loadNdjson(file: string, index: string, options: { thread: boolean }, report: (batch: LoadedBatch) => void): Promise<void> {
    validateIndexName(index);
    this.commits.flush();
    const meta = this.metadata.read(index);
    const input: MapperInput = {
      file, name: path.basename(file), batch: LOAD_BATCH,
      fields: meta?.fields ?? [], rules: JSON.stringify(meta?.rules ?? { dynamic: {}, disabled: [] }), multiValued: [...meta?.multiValued ?? []],
    };
    // Each batch is written at once; the transaction is committed every LOAD_COMMIT documents (and at the end).
    const written: Promise<void>[] = [];
    let uncommitted = 0;
    const commit = async (): Promise<void> => {
      this.commits.flush();
      uncommitted = 0;
      await Promise.all(written.splice(0));
    };
    const write = async (batch: MappedBatch): Promise<void> => {
      const keys = batch.ids.map((id) => docKey(index, id));
      const { lines } = batch; // not the batch: its rows are garbage once written, before the commit
      const done = this.commits.submit(keys, () => this.documents.writeMapped(index, batch)).then((outcome) => report({
        written: outcome.written, failures: outcome.failures.map(({ at, id, reason }) => ({ line: lines[at], id, reason })),
      }));
      done.catch(() => undefined); // awaited by the next commit; a load stopped before it ends with its own error
      written.push(done);
      uncommitted += batch.count;
      if (uncommitted >= LOAD_COMMIT) await commit();
    };
    this.commits.hold(true);
    try {
      await (options.thread ? mapOnWorker(input, write) : mapNdjson(input, write));
      await commit();
    } finally {
      this.commits.hold(false);
    }
  }

  bulkSync(index: string, items: BulkItem[]): BulkResult {
    validateIndexName(index);
    return this.commits.inOwnTransaction(() => this.documents.writeManyInTransaction(index, items));
  }

  async get(index: string, id: string): Promise<StoredDocument | null> {
    return this.documents.get(index, id);
  }

  /** Real-time get. A document the open batch wrote is read after the batch commits; any other is read at once. */
  getSync(index: string, id: string): StoredDocument | null {
    return this.documents.get(index, id);
  }

  async getMany(index: string, ids: readonly string[], options: { source?: boolean } = {}): Promise<(StoredDocument | null)[]> {
    if (options.source !== false) return ids.map((id) => this.documents.get(index, id));
    return this.documents.versions(index, ids);
  }

  /** Changes when another connection committed: what the async engine's watcher checks before reading. */
  othersCommitVersion(): number {
    return (this.conn.stmt('PRAGMA data_version').get() as { data_version: number }).data_version;
  }

  async delete(index: string, id: string, options: WriteOptions = {}): Promise<WriteResult> {
    return this.commits.submit([docKey(index, id)], () => this.documents.remove(index, id, options));
  }

  deleteSync(index: string, id: string, options: WriteOptions = {}): WriteResult {
    return this.commits.inOwnTransaction(() => this.documents.remove(index, id, options));
  }

  async esql(query: string, params?: EsqlParams, signal?: AbortSignal): Promise<EsqlResult> {
    const { runEsql } = esqlEngine();
    // Committed when the query actually runs (after its yield to the event loop), not when it was asked for.
    return runEsql(query, { catalog: this.catalog, params, signal, exactLongs: this.options.exactLongs, beforeRead: () => this.commits.flush() });
  }

  esqlSync(query: string, params?: EsqlParams, signal?: AbortSignal): EsqlResult {
    this.commits.flush();
    const { runEsqlSync } = esqlEngine();
    return runEsqlSync(query, { catalog: this.catalog, params, signal, exactLongs: this.options.exactLongs });
  }

  async close(): Promise<void> {
    this.scanThread?.close();
    this.catalog.columns.close();
    if (this.conn.db.open) this.commits.flush();
    if (this.conn.db.open) this.conn.db.close();
  }

  // ---- EsqlCatalog ------------------------------------------------------------------------------------

  resolveIndices(patterns: string[]): string[] {
    return this.catalog.resolveIndices(patterns);
  }

  fields(indices: string[]): CatalogField[] {
    return this.catalog.fields(indices);
  }

  scan(request: ScanRequest): Iterable<unknown[]> {
    return this.catalog.scan(request);
  }

  /** The SQLite table and column holding `field` of `index` (for benchmarks and tools that compare plans). */
  physicalName(index: string, field?: string): { table: string; column?: string } {
    const meta = this.metadata.require(index);
    return { table: meta.table, column: field === undefined ? undefined : meta.columns.get(field) };
  }
}

/** The ES|QL engine, loaded on the first query: a process that only writes (`escript load`) never pays for it. */
function esqlEngine(): typeof import('../../esql/engine') {
  return require('../../esql/engine') as typeof import('../../esql/engine');
}
