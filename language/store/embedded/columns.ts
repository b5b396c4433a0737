// The columnar form of each index, for scans: built column by column from the SQLite table on first use (one
// `.raw()` read per column, in rowid order) and kept in memory, then kept current by sequence numbers. Every
// write and delete bumps `es_indices.seq_no` (documents.ts), so one read of it per query says whether
// anything changed, in this process or another one writing the same file. Changed rows are those with a
// larger `_seq_no` (updates keep their rowid, inserts get a larger one); a delete shows as a row count lower
// than ours, and then the live rowids are read once and the columns compacted. A multivalue (a BLOB holding the
// JSON list) goes into the column's multivalue offsets; positions written since they were made are kept aside
// and merged in when a block is next asked for.
import type { ColumnarSnapshot, DictBlock, MultiValues, NumberBlock } from '../../esql/compute/blocks';
import { Connection } from './connection';
import { IndexMetadata } from './index-metadata';

type Kind = 'number' | 'dict';
type AnyMultiValues = MultiValues<Float64Array> | MultiValues<Int32Array>;

/** How a mapping type is held, or null when it is not (scans of such fields use SQLite). */
function kindOf(type: string): Kind | null {
  switch (type) {
    case 'long': case 'integer': case 'short': case 'byte': case 'double': case 'float': case 'half_float':
    case 'scaled_float': case 'date': case 'boolean':
      return 'number';
    case 'keyword': case 'text': case 'match_only_text': case 'wildcard': case 'constant_keyword': case 'ip': case 'version':
      return 'dict';
    default:
      return null;
  }
}

/**
 * A BLOB's JSON list, when a block can hold it: several values, numbers for a number column (whole numbers past
 * 2^53 are decimal strings, and a single one is a list of one). Null otherwise.
 */
function multivalue(blob: Uint8Array, kind: Kind): unknown[] | null {
  const list = JSON.parse(Buffer.from(blob).toString('utf8')) as unknown[];
  if (list.length < 2 || (kind === 'number' && list.some((x) => typeof x !== 'number'))) return null;
  return list;
}

/** One field's column, with room to grow. */
class StoredColumn {
  values = new Float64Array(0);
  nulls = new Uint8Array(0);
  codes = new Int32Array(0);
  dict: unknown[] = [];
  private index = new Map<unknown, number>();
  /** A value no block can hold (a whole number past 2^53, stored as a BLOB): not used. */
  poisoned = false;
  anyNull = false;
  /** The multivalue offsets last made over positions 0..n-1; null when no position held several values. */
  private offsets: { n: number; mv: AnyMultiValues } | null = null;
  /** Positions written since: their values (numbers or dictionary codes) when several, else null. */
  private changed = new Map<number, number[] | null>();

  constructor(readonly kind: Kind, readonly sqlColumn: string) {}

  reserve(capacity: number): void {
    if (this.kind === 'number') {
      if (this.values.length >= capacity) return;
      const size = Math.max(capacity, Math.ceil(this.values.length * 1.5));
      const v = new Float64Array(size); v.set(this.values); this.values = v;
      const n = new Uint8Array(size); n.set(this.nulls); this.nulls = n;
    } else if (this.codes.length < capacity) {
      const c = new Int32Array(Math.max(capacity, Math.ceil(this.codes.length * 1.5))); c.set(this.codes); this.codes = c;
    }
  }

  set(pos: number, v: unknown): void {
    // The offsets copy every position's values: a write to any position is merged in when they are next made.
    if (this.offsets) this.changed.set(pos, null);
    else if (this.changed.size > 0) this.changed.delete(pos);
    if (v instanceof Uint8Array) { this.setMulti(pos, multivalue(v, this.kind)); return; }
    if (this.kind === 'number') {
      if (v === null || v === undefined) { this.nulls[pos] = 1; this.values[pos] = 0; this.anyNull = true; return; }
      this.nulls[pos] = 0;
      if (typeof v === 'number') this.values[pos] = v;
      else { this.poisoned = true; this.values[pos] = 0; }
      return;
    }
    this.codes[pos] = v === null || v === undefined ? -1 : this.code(v);
  }

  private code(v: unknown): number {
    let code = this.index.get(v);
    if (code === undefined) { code = this.dict.length; this.dict.push(v); this.index.set(v, code); }
    return code;
  }

  /** A BLOB's values, or null for one no block holds (then the field is read by rows). */
  private setMulti(pos: number, list: unknown[] | null): void {
    if (!list) { this.poisoned = true; return; }
    if (this.kind === 'number') {
      this.values[pos] = list[0] as number;
      this.nulls[pos] = 0;
      this.changed.set(pos, list as number[]);
    } else {
      const codes = list.map((x) => this.code(x));
      this.codes[pos] = codes[0];
      this.changed.set(pos, codes);
    }
  }

  /** The multivalue offsets over positions 0..n-1 (null when no position holds several values). */
  private multiValues(n: number): AnyMultiValues | null {
    if (!this.offsets && this.changed.size === 0) return null;
    if (this.offsets && this.offsets.n === n && this.changed.size === 0) return this.offsets.mv;
    return this.remake(n, null);
  }

  /**
   * New offsets over n positions, position i being the old position `from[i]` (or i): the written positions'
   * values, the old offsets' multivalues elsewhere, the single-value arrays for the rest. Two passes: counts, values.
   */
  private remake(n: number, from: Int32Array | null): AnyMultiValues | null {
    const old = this.offsets?.mv;
    const oldN = this.offsets?.n ?? 0;
    const listAt = (p: number): ArrayLike<number> | null => {
      if (this.changed.has(p)) return this.changed.get(p)!;
      if (!old || p >= oldN || old.first[p + 1] - old.first[p] < 2) return null;
      return old.values.subarray(old.first[p], old.first[p + 1]);
    };
    const first = new Int32Array(n + 1);
    let total = 0;
    let several = false;
    for (let i = 0; i < n; i++) {
      const p = from ? from[i] : i;
      first[i] = total;
      const list = listAt(p);
      if (list) { total += list.length; several = true; } else if (!this.isNull(p)) total += 1;
    }
    first[n] = total;
    let mv: AnyMultiValues | null = null;
    if (several) {
      const values = this.kind === 'number' ? new Float64Array(total) : new Int32Array(total);
      for (let i = 0; i < n; i++) {
        const p = from ? from[i] : i;
        const at = first[i];
        if (first[i + 1] === at) continue;
        const list = listAt(p);
        if (list) values.set(list, at);
        else values[at] = this.kind === 'number' ? this.values[p] : this.codes[p];
      }
      mv = { first, values } as AnyMultiValues;
    }
    this.offsets = mv && { n, mv };
    this.changed.clear();
    return mv;
  }

  private isNull(p: number): boolean {
    return this.kind === 'number' ? this.nulls[p] === 1 : this.codes[p] < 0;
  }

  /** Keeps the positions in `keep` (ascending), in order. */
  compact(keep: Int32Array): void {
    // Before the single-value arrays move: the offsets are made from them.
    if (this.offsets || this.changed.size > 0) this.remake(keep.length, keep);
    if (this.kind === 'number') {
      const v = new Float64Array(keep.length);
      const n = new Uint8Array(keep.length);
      for (let i = 0; i < keep.length; i++) { v[i] = this.values[keep[i]]; n[i] = this.nulls[keep[i]]; }
      this.values = v; this.nulls = n;
    } else {
      const c = new Int32Array(keep.length);
      for (let i = 0; i < keep.length; i++) c[i] = this.codes[keep[i]];
      this.codes = c;
    }
  }

  block(n: number): NumberBlock | DictBlock {
    const mv = this.multiValues(n);
    const block: NumberBlock | DictBlock = this.kind === 'number'
      ? { kind: 'number', values: this.values.subarray(0, n), nulls: this.anyNull ? this.nulls.subarray(0, n) : null }
      : { kind: 'dict', codes: this.codes.subarray(0, n), dict: this.dict };
    if (mv) block.mv = mv as MultiValues<Float64Array> & MultiValues<Int32Array>;
    return block;
  }

  bytes(): number {
    let strings = 0;
    for (const v of this.dict) strings += typeof v === 'string' ? 16 + 2 * v.length : 16;
    // Multivalues: the offsets and every value, plus the positions written since (about 64 + 8 bytes a value).
    let multi = this.offsets ? this.offsets.mv.first.byteLength + this.offsets.mv.values.byteLength : 0;
    for (const list of this.changed.values()) multi += 64 + 8 * (list?.length ?? 0);
    return multi + (this.kind === 'number' ? this.values.byteLength + this.nulls.byteLength
      : this.codes.byteLength + strings + this.dict.length * 40); // the value-to-code map: about 40 bytes an entry
  }
}

class IndexColumns {
  rowids = new Float64Array(0);
  n = 0;
  readonly columns = new Map<string, StoredColumn>();
  constructor(readonly table: string, public seqNo: number) {}
}

export interface ColumnStats {
  /** Columns built from the whole table, rows read again after a change, compactions after deletes. */
  builds: number;
  refreshedRows: number;
  compactions: number;
}

export class ColumnCache {
  private readonly indices = new Map<string, IndexColumns>();
  readonly stats: ColumnStats = { builds: 0, refreshedRows: 0, compactions: 0 };

  constructor(private readonly conn: Connection, private readonly metadata: IndexMetadata) {}

  /** The index's columns as of now (caught up with every committed write), or null for an unknown index. */
  snapshot(index: string): ColumnarSnapshot | null {
    const db = this.conn.db;
    // An open write batch has rows whose sequence numbers are not in `es_indices` yet: scan rows instead.
    if (db.inTransaction) return null;
    // One read transaction: the sequence number, the changed rows and any new column come from one snapshot.
    db.exec('BEGIN');
    try {
      const meta = this.metadata.read(index);
      if (!meta) { this.indices.delete(index); return null; }
      const seqNo = (this.conn.stmt('SELECT seq_no FROM es_indices WHERE name = ?').get(index) as { seq_no: number }).seq_no;
      let entry = this.indices.get(index);
      if (!entry || entry.table !== meta.table) {
        entry = new IndexColumns(meta.table, seqNo);
        this.readRowids(entry);
        this.indices.set(index, entry);
      } else if (entry.seqNo !== seqNo) {
        if (this.catchUp(entry)) entry.seqNo = seqNo;
        else {
          // Rows the sequence numbers cannot place (should not happen): read everything again.
          entry = new IndexColumns(meta.table, seqNo);
          this.readRowids(entry);
          this.indices.set(index, entry);
        }
      }
      const current = entry;
      const types = new Map(meta.fields.map((f) => [f.name, f.type]));
      const blocks = new Map<string, NumberBlock | DictBlock | null>();
      const block = (field: string): NumberBlock | DictBlock | null => {
        if (blocks.has(field)) return blocks.get(field)!;
        let column = current.columns.get(field);
        if (!column) {
          const kind = kindOf(types.get(field) ?? '');
          const sqlColumn = meta.columns.get(field);
          column = kind && sqlColumn ? this.buildLater(index, current, kind, sqlColumn) ?? undefined : undefined;
          if (!column) { blocks.set(field, null); return null; }
          current.columns.set(field, column);
        }
        const b = column.poisoned ? null : column.block(current.n);
        blocks.set(field, b);
        return b;
      };
      const built = (field: string): boolean => current.columns.has(field);
      const fetch = (field: string, positions: Int32Array): unknown[] | null => {
        const sqlColumn = meta.columns.get(field);
        if (!sqlColumn) return null;
        const type = types.get(field) ?? '';
        return this.fetchRows(index, current, sqlColumn, kindOf(type), type === 'boolean', positions);
      };
      return { length: current.n, block, built, fetch };
    } finally {
      db.exec('COMMIT');
    }
  }

  /** Bytes held for an index's columns (typed arrays exactly; dictionaries estimated). */
  memory(index: string): number {
    const entry = this.indices.get(index);
    if (!entry) return 0;
    let total = entry.rowids.byteLength;
    for (const c of entry.columns.values()) total += c.bytes();
    return total;
  }

  /**
   * A column asked for after the snapshot's transaction: built in a transaction of its own, unless a write
   * came in between (then null: this query reads rows, the next one catches up first).
   */
  private buildLater(index: string, entry: IndexColumns, kind: Kind, sqlColumn: string): StoredColumn | null {
    return this.whileCurrent(index, entry, () => this.buildColumn(entry, kind, sqlColumn));
  }

  /** Runs `read` in a read transaction if no write came in since the snapshot `entry` (else null). */
  private whileCurrent<T>(index: string, entry: IndexColumns, read: () => T): T | null {
    const db = this.conn.db;
    if (db.inTransaction) return null;
    db.exec('BEGIN');
    try {
      const seqNo = (this.conn.stmt('SELECT seq_no FROM es_indices WHERE name = ?').get(index) as { seq_no: number } | undefined)?.seq_no;
      if (seqNo !== entry.seqNo || this.indices.get(index) !== entry) return null;
      return read();
    } finally {
      db.exec('COMMIT');
    }
  }

  /** Values of one column at some positions, by rowid, if no write came in since the snapshot. */
  private fetchRows(index: string, entry: IndexColumns, sqlColumn: string, kind: Kind | null, boolean: boolean,
    positions: Int32Array): unknown[] | null {
    return this.whileCurrent(index, entry, (): unknown[] | null => {
      const rowids = Array.from(positions, (p) => entry.rowids[p]);
      const rows = this.conn.stmt(`SELECT rowid, "${sqlColumn}" FROM "${entry.table}" WHERE rowid IN (SELECT value FROM json_each(?))`)
        .raw(true).all(JSON.stringify(rowids)) as unknown[][];
      const byRowid = new Map<unknown, unknown>();
      for (const [rowid, v] of rows) {
        if (v instanceof Uint8Array) {
          // A multivalue is a list, as the row engine reads it; a long past 2^53 is the row engine's to decode.
          const list = kind && multivalue(v, kind);
          if (!list) return null;
          byRowid.set(rowid, boolean ? list.map((x) => x === 1) : list);
          continue;
        }
        byRowid.set(rowid, boolean && (v === 0 || v === 1) ? v === 1 : v);
      }
      return rowids.map((r) => (byRowid.has(r) ? byRowid.get(r) : null));
    });
  }

  private readRowids(entry: IndexColumns): void {
    // pluck().all(): one array of values, several times cheaper than iterating rows.
    const ids = this.conn.stmt(`SELECT rowid FROM "${entry.table}" ORDER BY rowid`).pluck(true).all() as number[];
    entry.rowids = Float64Array.from(ids);
    entry.n = ids.length;
  }

  private buildColumn(entry: IndexColumns, kind: Kind, sqlColumn: string): StoredColumn {
    this.stats.builds++;
    const column = new StoredColumn(kind, sqlColumn);
    column.reserve(entry.n);
    const all = this.conn.stmt(`SELECT "${sqlColumn}" FROM "${entry.table}" ORDER BY rowid`).pluck(true).all() as unknown[];
    const i = all.length;
    for (let k = 0; k < i; k++) column.set(k, all[k]);
    if (i !== entry.n) throw new Error(`columnar build of ${entry.table}.${sqlColumn}: ${i} rows, expected ${entry.n}`);
    return column;
  }

  /** Applies the rows written since the entry's sequence number, then drops deleted rows; false if it cannot. */
  private catchUp(entry: IndexColumns): boolean {
    const built = [...entry.columns.values()];
    const select = built.map((c) => `, "${c.sqlColumn}"`).join('');
    const rows = this.conn.stmt(`SELECT rowid${select} FROM "${entry.table}" WHERE _seq_no > ? ORDER BY rowid`)
      .raw(true).all(entry.seqNo) as unknown[][];
    for (const row of rows) {
      const rowid = row[0] as number;
      let pos = findRowid(entry.rowids, entry.n, rowid);
      if (pos < 0) {
        // A new row: rowids only grow, so it goes after every row held.
        if (entry.n > 0 && rowid < entry.rowids[entry.n - 1]) return false;
        pos = entry.n++;
        if (entry.rowids.length < entry.n) {
          const r = new Float64Array(Math.max(entry.n, Math.ceil(entry.rowids.length * 1.5))); r.set(entry.rowids); entry.rowids = r;
        }
        entry.rowids[pos] = rowid;
        for (const c of built) c.reserve(entry.n);
      }
      for (let k = 0; k < built.length; k++) built[k].set(pos, row[k + 1]);
    }
    this.stats.refreshedRows += rows.length;
    const live = (this.conn.stmt(`SELECT COUNT(*) AS n FROM "${entry.table}"`).get() as { n: number }).n;
    return live === entry.n || this.dropDeleted(entry, built);
  }

  private dropDeleted(entry: IndexColumns, built: StoredColumn[]): boolean {
    this.stats.compactions++;
    const ids = this.conn.stmt(`SELECT rowid FROM "${entry.table}" ORDER BY rowid`).pluck(true).all() as number[];
    const keep = new Int32Array(ids.length);
    let k = 0;
    // Both lists ascend: walk them together.
    for (let pos = 0; pos < entry.n && k < ids.length; pos++) {
      if (entry.rowids[pos] === ids[k]) keep[k++] = pos;
    }
    if (k !== ids.length) return false;
    const rowids = new Float64Array(k);
    for (let i = 0; i < k; i++) rowids[i] = entry.rowids[keep[i]];
    entry.rowids = rowids;
    entry.n = k;
    for (const c of built) c.compact(keep);
    return true;
  }
}

/** Position of `rowid` in the ascending `rowids`, or -1. */
function findRowid(rowids: Float64Array, n: number, rowid: number): number {
  let lo = 0, hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = rowids[mid];
    if (v === rowid) return mid;
    if (v < rowid) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}
