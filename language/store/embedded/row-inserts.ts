// Inserting new documents' rows. A bulk call buffers them and inserts ROWS at a time with one multi-row INSERT
// prepared once per index and width (fields mapped so far): one statement step instead of ROWS, and no argument
// list built per row; what is left over, and a single write, uses the one-row statement.
import type Database from 'better-sqlite3';
import { Connection } from './connection';
import { IndexMeta } from './index-metadata';
import { LEADING, RUN_ROWS as ROWS } from './mapped-batch';

export class RowInserts {
  private meta: IndexMeta | null = null;
  private width = 0;
  private params: unknown[] = [];
  private rows = 0;

  constructor(private readonly conn: Connection) {}

  /** Inserts one row now. */
  insert(meta: IndexMeta, id: string, seqNo: number, primaryTerm: number, source: string, values: unknown[]): void {
    this.statement(meta, values.length, 1).run(id, seqNo, primaryTerm, source, ...values);
  }

  /** Buffers one row; it is inserted by the time `flush` returns. Rows of another index or width flush first. */
  add(meta: IndexMeta, id: string, seqNo: number, primaryTerm: number, source: string, values: unknown[]): void {
    if (this.rows > 0 && (meta.table !== this.meta!.table || values.length !== this.width)) this.flush();
    if (this.rows === 0) {
      this.meta = meta;
      this.width = values.length;
    }
    const params = this.params;
    let at = this.rows * (LEADING + this.width);
    params[at++] = id;
    params[at++] = seqNo;
    params[at++] = primaryTerm;
    params[at++] = source;
    for (let i = 0; i < values.length; i++) params[at++] = values[i];
    if (++this.rows === ROWS) {
      params.length = at;
      this.statement(meta, this.width, ROWS).run(params);
      this.rows = 0;
    }
  }

  /** Inserts `rows` rows laid out as `add` lays them out (a RowRun of mapped-batch.ts), now. */
  insertRun(meta: IndexMeta, width: number, params: unknown[], rows: number): void {
    if (rows === ROWS) {
      this.statement(meta, width, ROWS).run(params);
      return;
    }
    const stride = LEADING + width;
    const one = this.statement(meta, width, 1);
    for (let at = 0; at < params.length; at += stride) one.run(params.slice(at, at + stride));
  }

  /** Inserts the buffered rows. */
  flush(): void {
    const { meta, width } = this;
    for (let r = 0; r < this.rows; r++) {
      const at = r * (LEADING + width);
      this.statement(meta!, width, 1).run(this.params.slice(at, at + LEADING + width));
    }
    this.discard();
  }

  /** Forgets the buffered rows (their transaction is being undone). */
  discard(): void {
    this.rows = 0;
    this.meta = null;
  }

  private statement(meta: IndexMeta, width: number, rows: 1 | typeof ROWS): Database.Statement {
    const slot = rows === 1 ? 'insert' : 'insertMany';
    const cached = meta[slot];
    if (cached && cached.width === width) return cached.stmt;
    const cols = meta.fields.slice(0, width).map((f) => `, "${meta.columns.get(f.name)!}"`).join('');
    const row = `(?, ?, ?, 1, ?${', ?'.repeat(width)})`;
    // OR FAIL: a row that fails leaves the rows before it instead of undoing the statement, so SQLite keeps no
    // statement journal (a copy of each page a multi-row INSERT changes: ~0.7 s CPU of a 1M-document load).
    // Every multi-row INSERT runs in a bulk call's savepoint, which a failure undoes whole (Documents.writeMany).
    const stmt = this.conn.stmt(`INSERT${rows === 1 ? '' : ' OR FAIL'} INTO "${meta.table}" (_id, _seq_no, _primary_term, _version, _source${cols})
      VALUES ${Array(rows).fill(row).join(', ')}`);
    meta[slot] = { width, stmt };
    return stmt;
  }
}
