// Writing the values a row-engine closure gives (nulls, lists) into a block of the expression's type: numbers
// (integer, long, double, date), three-valued booleans, or dictionary codes (strings, ip, version).
import { DataType, isString } from '../types';
import { Bail, Block, FALSE, MultiValues, NULL_BOOL, Selection, TRUE } from './blocks';

export type Out = 'number' | 'bool' | 'dict';

export function outputKind(t: DataType): Out | null {
  if (t === 'integer' || t === 'long' || t === 'double' || t === 'date') return 'number';
  if (t === 'boolean') return 'bool';
  if (isString(t) || t === 'ip' || t === 'version') return 'dict';
  return null;
}

/**
 * Writes row-engine values into a block of one kind. Buffers are reused from one evaluation to the next (a
 * page's block is read before the node runs again); a dictionary output keeps one dictionary for the node's
 * life, so that pages gathered into one block share it. Multivalues (lists) get offsets at `finish`.
 */
export class BlockWriter {
  values: Float64Array | null = null;
  nulls: Uint8Array | null = null;
  bools: Uint8Array | null = null;
  codes: Int32Array | null = null;
  private readonly dict: unknown[] = [];
  private readonly index = new Map<unknown, number>();
  private lists: Map<number, unknown[]> | null = null;
  private sawNull = false;

  constructor(readonly kind: Out, private readonly n: number) {}

  begin(): void {
    this.lists = null;
    this.sawNull = false;
    if (this.kind === 'number') { this.values ??= new Float64Array(this.n); this.nulls ??= new Uint8Array(this.n); }
    else if (this.kind === 'bool') this.bools ??= new Uint8Array(this.n);
    else this.codes ??= new Int32Array(this.n);
  }

  /** The output code of a single value (dictionary outputs), -1 for null, -2 for a list. */
  codeOf(v: unknown): number {
    if (v === null || v === undefined) return -1;
    if (Array.isArray(v)) return -2;
    if (typeof v !== 'string') throw new Bail('a string function gave a value blocks do not hold');
    let c = this.index.get(v);
    if (c === undefined) { c = this.dict.length; this.dict.push(v); this.index.set(v, c); }
    return c;
  }

  write(i: number, v: unknown): void {
    if (Array.isArray(v)) {
      // Lists of fewer than two values print differently from a value: the row engine keeps those.
      if (v.length < 2 || this.kind === 'bool') throw new Bail('a function gave a short list');
      (this.lists ??= new Map()).set(i, v);
      v = v[0];
    }
    switch (this.kind) {
      case 'number':
        if (v === null || v === undefined) { this.nulls![i] = 1; this.sawNull = true; return; }
        if (typeof v !== 'number') throw new Bail('a number function gave a value blocks do not hold');
        this.nulls![i] = 0;
        this.values![i] = v;
        return;
      case 'bool':
        this.bools![i] = v === null || v === undefined ? NULL_BOOL : v === true ? TRUE : FALSE;
        return;
      case 'dict':
        this.codes![i] = this.codeOf(v);
    }
  }

  finish(sel: Selection): Block {
    let block: Block;
    if (this.kind === 'number') block = { kind: 'number', values: this.values!, nulls: this.sawNull || this.lists ? this.nulls : null };
    else if (this.kind === 'bool') return { kind: 'bool', values: this.bools! };
    else block = { kind: 'dict', codes: this.codes!, dict: this.dict };
    if (this.lists) block.mv = this.offsets(sel) as never;
    return block;
  }

  /** Multivalue offsets over every position (unselected ones hold none), in position order. */
  private offsets(sel: Selection): MultiValues<Float64Array> | MultiValues<Int32Array> {
    const n = this.n, lists = this.lists!;
    const selected = new Uint8Array(n);
    for (let k = 0; k < sel.length; k++) selected[sel[k]] = 1;
    const first = new Int32Array(n + 1);
    const isNull = (p: number): boolean => (this.kind === 'number' ? this.nulls![p] === 1 : this.codes![p] < 0);
    let total = 0;
    for (let p = 0; p < n; p++) {
      first[p] = total;
      if (selected[p]) total += lists.get(p)?.length ?? (isNull(p) ? 0 : 1);
    }
    first[n] = total;
    const values = this.kind === 'number' ? new Float64Array(total) : new Int32Array(total);
    for (let p = 0; p < n; p++) {
      if (!selected[p]) continue;
      const at = first[p];
      const list = lists.get(p);
      if (list) list.forEach((x, j) => { values[at + j] = this.listValue(x); });
      else if (first[p + 1] > at) values[at] = this.kind === 'number' ? this.values![p] : this.codes![p];
    }
    return { first, values } as MultiValues<Float64Array> | MultiValues<Int32Array>;
  }

  /** One value of a list as the block holds it. */
  private listValue(x: unknown): number {
    if (this.kind === 'number') {
      if (typeof x !== 'number') throw new Bail('a number function gave a value blocks do not hold');
      return x;
    }
    const c = this.codeOf(x);
    if (c < 0) throw new Bail('a list holding null or a list');
    return c;
  }
}
