// A cursor: an ES|QL query declared once, run at OPEN (its variables bound then), read by FETCH one row or a
// batch at a time. %FOUND/%NOTFOUND describe the last FETCH (before the first: %FOUND is NULL, %NOTFOUND
// FALSE), %ROWCOUNT counts the rows fetched so far, %ISOPEN says whether it is open.
import type { Span } from '../ast';
import { ScriptError } from '../errors';
import { Doc, HostValue, Value } from '../values';

export class Cursor extends HostValue {
  readonly typeName = 'CURSOR';
  private rows: Doc[] | null = null;
  private position = 0;
  private fetched = 0;
  private lastFound: boolean | null = null;

  /** `run` executes the cursor's query with its variables as they are now (errors at `span`, the OPEN). */
  constructor(readonly name: string, private readonly run: (span: Span) => Promise<Doc[]>) {
    super();
  }

  get isOpen(): boolean {
    return this.rows !== null;
  }

  async open(span: Span): Promise<void> {
    if (this.rows !== null) throw new ScriptError('cursor_error', `cursor ${this.name} is already open`, span);
    const rows = await this.run(span);
    this.rows = rows;
    this.position = 0;
    this.fetched = 0;
    this.lastFound = null;
  }

  close(): void {
    this.rows = null;
  }

  /** The next row, or undefined when none is left. */
  fetchOne(span: Span): Doc | undefined {
    const rows = this.openRows(span);
    const row = this.position < rows.length ? rows[this.position++] : undefined;
    this.lastFound = row !== undefined;
    if (row) this.fetched++;
    return row;
  }

  /** Up to `n` next rows (an empty array when none is left). */
  fetchMany(n: number, span: Span): Doc[] {
    const rows = this.openRows(span);
    const batch = rows.slice(this.position, this.position + Math.max(0, Math.floor(n)));
    this.position += batch.length;
    this.fetched += batch.length;
    this.lastFound = batch.length > 0;
    return batch;
  }

  /** Every row not fetched yet (a FOR loop over the cursor). */
  rest(span: Span): Doc[] {
    return this.fetchMany(Infinity, span);
  }

  attribute(attr: 'NOTFOUND' | 'FOUND' | 'ROWCOUNT' | 'ISOPEN'): Value {
    switch (attr) {
      case 'ISOPEN': return this.isOpen;
      case 'ROWCOUNT': return this.fetched;
      case 'FOUND': return this.lastFound;
      // FALSE before the first FETCH (not PL/SQL's NULL), so `WHILE NOT c%NOTFOUND LOOP FETCH ...` runs
      case 'NOTFOUND': return this.lastFound === null ? false : !this.lastFound;
    }
  }

  toText(): string {
    return `<cursor ${this.name}${this.isOpen ? ' open' : ''}>`;
  }

  private openRows(span: Span): Doc[] {
    if (this.rows === null) throw new ScriptError('cursor_error', `cursor ${this.name} is not open`, span);
    return this.rows;
  }
}
