// The embedded store as the ES|QL engine's catalog: FROM patterns to indices, the fields of several indices
// merged into one list, and scans that run the pushed-down SQL (scan-sql.ts) and decode column values back
// into what a query reads (BLOB lists, exact whole numbers, booleans).
import { StoreError } from '../store';
import { CatalogField, EsqlCatalog, METADATA_FIELDS, ScanRequest, matchIndices } from '../../esql/catalog';
import { normalizeLong } from '../../esql/types';
import { Connection } from './connection';
import { IndexMeta, IndexMetadata } from './index-metadata';
import { buildScanSql, failureSinksOf, releaseFailureSinks } from './scan-sql';
import { ScanThread } from './scan-thread';
import { ColumnCache } from './columns';
import type { ColumnarSnapshot } from '../../esql/compute/blocks';

export class EmbeddedCatalog implements EsqlCatalog {
  /** The columnar form of the indices scanned so far (columns.ts). */
  readonly columns: ColumnCache;

  /**
   * `thread`: where big blocking scans run (none for a store in memory, which has no file to share);
   * `workerRows`: the table size above which they go there; `file`: the store's file, which column builds
   * read in slices on a connection of their own (null in memory).
   */
  constructor(private readonly conn: Connection, private readonly metadata: IndexMetadata,
    private readonly thread: ScanThread | null = null, private readonly workerRows = 200_000, file: string | null = null) {
    this.columns = new ColumnCache(conn, metadata, file);
  }

  columnar(index: string, options?: { deferBuild?: boolean }): ColumnarSnapshot | null {
    return this.columns.snapshot(index, options);
  }

  prepareColumnar(index: string, fields: readonly string[], signal?: AbortSignal): Promise<void> {
    return this.columns.prepare(index, fields, signal);
  }

  resolveIndices(patterns: string[]): string[] {
    const { indices, missing } = matchIndices(this.metadata.names(), patterns);
    if (missing.length) throw new StoreError(`Unknown index [${missing.join(',')}]`, 'verification_exception', 400);
    return indices;
  }

  fields(indices: string[]): CatalogField[] {
    const byName = new Map<string, CatalogField>();
    for (const index of indices) {
      const meta = this.metadata.read(index);
      if (!meta) continue;
      for (const f of meta.fields) {
        const known = byName.get(f.name);
        const mv = meta.multiValued.has(f.name);
        if (!known) {
          byName.set(f.name, { name: f.name, type: f.type, multiValued: mv, unionTypes: { [index]: f.type }, ...(f.scalingFactor !== undefined ? { scalingFactor: f.scalingFactor } : {}) });
        } else {
          const a = esqlFamily(known.type);
          const b = esqlFamily(f.type);
          // date and date_nanos are read as date_nanos (Elasticsearch casts that union implicitly). Other
          // differing types, text and keyword too, make a union type: unsupported unless a conversion function
          // reads it per index.
          if (known.type !== f.type) known.type = implicitUnion(a, b) ?? 'unsupported';
          known.unionTypes![index] = f.type;
          known.multiValued ||= mv;
        }
      }
    }
    for (const f of byName.values()) if (f.type !== 'unsupported' || new Set(Object.values(f.unionTypes!)).size < 2) delete f.unionTypes;
    return [...byName.values()];
  }

  *scan(request: ScanRequest): Iterable<unknown[]> {
    const prepared = this.prepare(request);
    if (!prepared) return;
    const { sql, decode } = prepared;
    try {
      for (const row of this.conn.stmt(sql.text).raw(true).iterate(...sql.params) as Iterable<unknown[]>) yield decode(row);
    } finally {
      releaseFailureSinks(sql.sinks);
    }
  }

  /**
   * On the scan thread when the SQL blocks before its first row (GROUP BY, ORDER BY) over more than
   * `workerRows` rows; otherwise null (in-process scans need no thread hop).
   */
  scanAsync(request: ScanRequest, signal?: AbortSignal): Promise<unknown[][]> | null {
    const thread = this.thread;
    if (!thread || !thread.available || (!request.aggregate && !request.sort?.length)) return null;
    const prepared = this.prepare(request, true);
    if (!prepared) return null;
    if (this.rowCount(prepared.metas) <= this.workerRows) { releaseFailureSinks(prepared.sql.sinks); return null; }
    const { sql, decode, sinks } = prepared;
    const out: unknown[][] = [];
    const done = thread.run(sql.text, sql.params, (rows) => { for (const r of rows) out.push(decode(r)); }, (sink) => sinks.get(sink)?.(), signal);
    return done.then(() => out).finally(() => releaseFailureSinks(sql.sinks));
  }

  private prepare(request: ScanRequest, onScanThread = false) {
    const metas = request.indices.map((i) => this.metadata.read(i)).filter((m): m is IndexMeta => m !== null);
    if (metas.length === 0) return null;
    const types = new Map(this.fields(request.indices).map((f) => [f.name, f.type]));
    const sql = buildScanSql(metas, request, onScanThread);
    const decoders = request.aggregate
      ? [...request.aggregate.groups.map((g) => decoderFor(g.type)),
        ...request.aggregate.aggs.map((a) => (a.fn === 'min' || a.fn === 'max') && a.field
          ? decoderFor(types.get(a.field) ?? 'long') : identity)]
      : request.columns.map((c) => decoderFor(types.get(c) ?? METADATA_FIELDS[c] ?? 'keyword'));
    const needsDecode = decoders.some((d) => d !== identity);
    // SQL needs at least one output column: with none requested, each row is an empty array.
    const empty = !request.aggregate && request.columns.length === 0;
    const decode = (row: unknown[]): unknown[] => {
      if (empty) return [];
      if (needsDecode) for (let i = 0; i < row.length; i++) row[i] = decoders[i](row[i]);
      return row;
    };
    return { metas, sql, decode, sinks: failureSinksOf(sql.sinks) };
  }

  /** About how many rows the tables hold (the largest rowid: no table scan). */
  private rowCount(metas: IndexMeta[]): number {
    let n = 0;
    for (const m of metas) n += Number(this.conn.stmt(`SELECT max(rowid) FROM "${m.table.replace(/"/g, '""')}"`).pluck().get() ?? 0);
    return n;
  }
}

/** The type a field mapped as both `a` and `b` (ES|QL families) is read as without a conversion, if any. */
function implicitUnion(a: string, b: string): string | undefined {
  return (a === 'date' || a === 'date_nanos') && (b === 'date' || b === 'date_nanos') ? 'date_nanos' : undefined;
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
  return normalizeLong(BigInt(v));
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
