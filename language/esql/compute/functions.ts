// Scalar functions over blocks, in general: any sub-expression the vectorised compiler has no node for (a call,
// LIKE / RLIKE, a cast, `=~`, a negation, an IN list holding columns) runs as the row compiler's own closure,
// position by position over the blocks of the columns it reads, and writes a block of its type. So nulls,
// multivalues, CASE's laziness and every function's quirks are the row engine's by construction. A closure that
// reads one keyword column runs once per dictionary entry (in the order the rows first meet them, so the
// warnings recorded are the ones the rows would record), not once per row.
// Warnings go to a sink per node; columnar.ts keeps them only when they are the row engine's (see settle).
import { Expr, columnsOf, exprChildren } from '../ast';
import { ExprCompiler, Warnings } from '../compile';
import { DataType, isString } from '../types';
import { Bail, Block, FALSE, MultiValues, NULL_BOOL, Selection, TRUE, multiAt, valueAt } from './blocks';
import { LayoutColumn, VecContext, VecExpr, layoutColumns } from './expressions';

/** The warning sinks of one vectorised run, one per compiled function node. */
export class FunctionSinks {
  readonly list: Warnings[] = [];
  /** Set when a LIMIT dropped rows after a function warned: the row engine would have stopped sooner. */
  truncated = false;

  constructor(readonly query: string) {}

  add(): Warnings {
    const w = new Warnings(this.query);
    this.list.push(w);
    return w;
  }

  /** How many nodes recorded evaluation failures. */
  failing(): number {
    return this.list.filter((w) => w.failures() > 0).length;
  }
}

type Out = 'number' | 'bool' | 'dict';

function outputKind(t: DataType): Out | null {
  if (t === 'integer' || t === 'long' || t === 'double' || t === 'date') return 'number';
  if (t === 'boolean') return 'bool';
  if (isString(t) || t === 'ip' || t === 'version') return 'dict';
  return null;
}

/** False when the expression holds something whose closure sees more than its named columns' values. */
function closureSafe(e: Expr, ctx: VecContext): boolean {
  if (e.kind === 'call') {
    const f = ctx.scratch.env.registry.lookup(e.name);
    if (!f || f.kind !== 'scalar' || f.compileCall || f.readsEveryField) return false;
  }
  return exprChildren(e).every((c) => closureSafe(c, ctx));
}

/** `e` as the row compiler's closure over blocks, or null (the caller then hands the query back). */
export function compileFunction(e: Expr, ctx: VecContext, type: DataType): VecExpr | null {
  const sinks = ctx.sinks;
  const kind = outputKind(type);
  if (!sinks || !kind || e.kind === 'column' || e.kind === 'literal' || e.kind === 'param' || !closureSafe(e, ctx)) return null;
  const sink = new Warnings(sinks.query);
  const compiler = new ExprCompiler({ ...ctx.scratch.env, warnings: sink, failures: [] });
  let c;
  try {
    c = compiler.compile(e, layoutColumns(ctx.layout));
  } catch {
    return null;
  }
  if (compiler.env.failures.length || c.type !== type || c.constant) return null;
  sinks.list.push(sink);
  const fn = c.fn;
  // The columns the closure reads: the last of each name, as the row compiler resolves them.
  const refs: { at: number; col: LayoutColumn; boolean: boolean }[] = [];
  for (const name of columnsOf(e)) {
    let at = -1;
    for (let k = ctx.layout.length - 1; k >= 0 && at < 0; k--) if (ctx.layout[k].name === name) at = k;
    if (at < 0) return null;
    refs.push({ at, col: ctx.layout[at], boolean: ctx.layout[at].type === 'boolean' });
  }
  const n = ctx.n;
  const writer = new BlockWriter(kind, n);
  const memo = new DictionaryMemo(fn, ctx.layout.length, refs[0]?.at ?? 0);
  const row: unknown[] = new Array(ctx.layout.length).fill(null);
  const compute = (sel: Selection): Block => {
    const blocks = refs.map((r) => r.col.block());
    writer.begin();
    if (blocks.length === 1 && blocks[0].kind === 'dict') {
      memo.run(blocks[0], sel, writer);
    } else {
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const i = sel[k];
        for (let j = 0; j < refs.length; j++) row[refs[j].at] = valueAt(blocks[j], i, refs[j].boolean);
        writer.write(i, fn(row));
      }
    }
    return writer.finish(sel);
  };
  return {
    type,
    eval(sel) {
      const b = compute(sel);
      // An operator reading this value sees one value per row; a multivalue there is the row engine's.
      if (sel.length > 0 && multiAt(b, sel)) throw new Bail(`${e.text} gave a multivalue`);
      return b;
    },
    evalValues: compute,
  };
}

/**
 * A closure of one keyword column evaluated once per distinct value: results are kept per dictionary entry
 * (and for null) and computed the first time a selected row holds that entry. Rows holding several values
 * are evaluated on their own.
 */
class DictionaryMemo {
  private dict: readonly unknown[] | null = null;
  private results: unknown[] = [];
  /** Per entry: the output dictionary code (dictionary outputs), -2 until computed or when not a single value. */
  private codes: number[] = [];
  private nullResult: { value: unknown } | null = null;
  private readonly row: unknown[];

  constructor(private readonly fn: (row: unknown[]) => unknown, width: number, private readonly at: number) {
    this.row = new Array(width).fill(null);
  }

  private call(v: unknown): unknown {
    this.row[this.at] = v;
    return this.fn(this.row);
  }

  run(b: Block & { kind: 'dict' }, sel: Selection, w: BlockWriter): void {
    if (b.dict !== this.dict) { this.dict = b.dict; this.results = []; this.codes = []; }
    const dict = b.dict, codes = b.codes, results = this.results, outCodes = this.codes;
    const first = b.mv?.first;
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
      const i = sel[k];
      if (first && first[i + 1] - first[i] > 1) { w.write(i, this.call(valueAt(b, i, false))); continue; }
      const c = codes[i];
      if (c < 0) {
        this.nullResult ??= { value: this.call(null) };
        w.write(i, this.nullResult.value);
        continue;
      }
      const oc = outCodes[c];
      if (oc !== undefined && oc > -2) { w.codes![i] = oc; continue; }
      let r = results[c];
      if (r === undefined) {
        r = results[c] = this.call(dict[c]) ?? null;
        outCodes[c] = w.kind === 'dict' ? w.codeOf(r) : -2;
      }
      w.write(i, r);
    }
  }
}

/**
 * Writes row-engine values into a block of one kind. Buffers are reused from one evaluation to the next (a
 * page's block is read before the node runs again); a dictionary output keeps one dictionary for the node's
 * life, so that pages gathered into one block share it. Multivalues (lists) get offsets at `finish`.
 */
class BlockWriter {
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
    if (this.kind === 'number') {
      const values = new Float64Array(total);
      for (let p = 0; p < n; p++) {
        if (!selected[p]) continue;
        const list = lists.get(p);
        if (!list) { if (first[p + 1] > first[p]) values[first[p]] = this.values![p]; continue; }
        list.forEach((x, j) => {
          if (typeof x !== 'number') throw new Bail('a number function gave a value blocks do not hold');
          values[first[p] + j] = x;
        });
      }
      return { first, values };
    }
    const values = new Int32Array(total);
    for (let p = 0; p < n; p++) {
      if (!selected[p]) continue;
      const list = lists.get(p);
      if (!list) { if (first[p + 1] > first[p]) values[first[p]] = this.codes![p]; continue; }
      list.forEach((x, j) => {
        const c = this.codeOf(x);
        if (c < 0) throw new Bail('a list holding null or a list');
        values[first[p] + j] = c;
      });
    }
    return { first, values };
  }
}
