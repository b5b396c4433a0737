// One interface for every data store: the embedded SQLite store and an Elasticsearch cluster.
// Shapes follow Elasticsearch's own API so that the cluster implementation is a thin mapping.

export type Source = Record<string, unknown>;

/** Which version of which document: what a read or a write reports, and what compare-and-set checks. */
interface DocumentVersion {
  _index: string;
  _id: string;
  _seq_no: number;
  _primary_term: number;
}

export interface StoredDocument extends DocumentVersion {
  _source: Source;
}

export interface WriteOptions {
  id?: string;
  /** `create` fails with a version conflict when the id exists. */
  opType?: 'index' | 'create';
  /** Compare-and-set: the write applies only if the document is still at this sequence number / primary term. */
  ifSeqNo?: number;
  ifPrimaryTerm?: number;
  /** Make the change visible to ES|QL before returning. */
  refresh?: boolean;
}

export interface WriteResult extends DocumentVersion {
  result: 'created' | 'updated' | 'deleted' | 'not_found' | 'noop';
}

export interface BulkItem {
  id?: string;
  doc: Source;
  /** `doc` as JSON text, when the caller has it (a line of a file): stored as `_source` without a re-encoding. */
  sourceText?: string;
}

export interface BulkResult {
  errors: boolean;
  items: (WriteResult | { _id?: string; error: { type: string; reason: string } })[];
}

export interface IndexDefinition {
  mappings?: Record<string, unknown>;
  settings?: Record<string, unknown>;
}

interface EsqlColumn {
  name: string;
  type: string;
}

export interface EsqlResult {
  columns: EsqlColumn[];
  values: unknown[][];
  warnings: string[];
}

/** ES|QL parameters as Elasticsearch takes them: positional values, or `{name: value}` objects for `?name`. */
export type EsqlParams = unknown[];

/** How a long query on a cluster is doing (what the async ES|QL API reports while it runs). */
export interface EsqlProgress {
  id: string;
  running: boolean;
  elapsedMs: number;
  documentsFound?: number;
  valuesLoaded?: number;
  clusters?: { total?: number; successful?: number; running?: number; partial?: number; skipped?: number; failed?: number };
}

export interface EsqlRunOptions {
  /** Called while a long query runs (a cluster's async query), and once more when it ends. */
  onProgress?: (progress: EsqlProgress) => void;
}

export interface DataStore {
  readonly kind: 'embedded' | 'elasticsearch';
  /** Creates the index if it does not exist; `created` says whether this call created it. */
  createIndex(index: string, definition?: IndexDefinition): Promise<{ created: boolean }>;
  indexExists(index: string): Promise<boolean>;
  deleteIndex(index: string): Promise<void>;
  index(index: string, doc: Source, options?: WriteOptions): Promise<WriteResult>;
  bulk(index: string, items: BulkItem[], options?: { refresh?: boolean }): Promise<BulkResult>;
  /** Real-time get by id (sees writes not yet refreshed). */
  get(index: string, id: string): Promise<StoredDocument | null>;
  /**
   * Optional: several documents of one index by id in one call (Elasticsearch `_mget`), real-time like `get`,
   * in the order asked, null where missing. `source: false` leaves `_source` empty (versions only).
   */
  getMany?(index: string, ids: readonly string[], options?: { source?: boolean }): Promise<(StoredDocument | null)[]>;
  /**
   * Optional: a number that changes only when another connection (another process, another store object) has
   * committed to this store since (SQLite's `PRAGMA data_version`). Lets a watcher skip reading documents nobody
   * else can have changed. A cluster cannot tell, and does not have it.
   */
  othersCommitVersion?(): number;
  delete(index: string, id: string, options?: WriteOptions): Promise<WriteResult>;
  refresh(index: string): Promise<void>;
  esql(query: string, params?: EsqlParams, signal?: AbortSignal, options?: EsqlRunOptions): Promise<EsqlResult>;
  /** Names of the indices (hidden ones included), sorted; for completion and listings. */
  listIndices(): Promise<string[]>;
  /** The index's mapping in Elasticsearch's shape (`{properties: {...}}`). */
  getMapping(index: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A compare-and-set lost: the document changed (or exists, for `create`) since it was read. */
export class VersionConflictError extends Error {
  constructor(readonly index: string, readonly id: string, message?: string) {
    super(message ?? `[${id}]: version conflict in index [${index}]`);
    this.name = 'VersionConflictError';
  }
}

/** A store could not do what was asked (unreachable cluster, bad request, missing index, ...). */
export class StoreError extends Error {
  constructor(message: string, readonly type = 'store_error', readonly status?: number) {
    super(message);
    this.name = 'StoreError';
  }
}
