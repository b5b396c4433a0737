// Scalar functions over blocks, in general: any sub-expression the vectorised compiler has no node for (a call,
// LIKE / RLIKE, a cast, `=~`, a negation, an IN list holding columns) runs as the row compiler's own closure,
// position by position over the blocks of the columns it reads, and writes a block of its type. So nulls,
// multivalues, CASE's laziness and every function's quirks are the row engine's by construction. A closure that
// reads keyword columns only runs once per dictionary entry (per combination of entries), in the order the rows
// first meet them, so the warnings recorded are the ones the rows would record. Warnings go to a sink per node;
// columnar.ts keeps them only when they are the row engine's (settleWarnings). function-kernels.ts has faster
// loops for a few functions.
import { Expr, columnsOf, exprChildren } from '../ast';
import { ExprCompiler } from '../compile';
import { Warnings } from '../warnings';
import type { TypedExpr } from '../plan/typed';
import { DataType } from '../types';
import type { FunctionRegistry } from '../registry';
import { Bail, Block, Selection, multiAt, valueAt } from './blocks';
import { LayoutColumn, VecContext, VecExpr, layoutColumns } from './expressions';
import { BlockWriter, outputKind } from './function-blocks';
import { specialise } from './function-kernels';

/** The warning sinks of one vectorised run, one per compiled function node. */
export class FunctionSinks {
  readonly list: Warnings[] = [];
  /** Set when a LIMIT dropped rows after a function warned: the row engine would have stopped sooner. */
  truncated = false;

  constructor(readonly query: string) {}

  /** How many nodes recorded evaluation failures. */
  failing(): number {
    return this.list.filter((w) => w.failures() > 0).length;
  }
}

/** False when the expression holds something whose closure sees more than its named columns' values. */
export function closureSafe(e: Expr, registry: FunctionRegistry): boolean {
  if (e.kind === 'call') {
    const f = registry.lookup(e.name);
    if (!f || f.kind !== 'scalar' || f.compileCall || f.readsEveryField) return false;
  }
  return exprChildren(e).every((c) => closureSafe(c, registry));
}

/** `e` as the row compiler's closure over blocks, or null (the caller then hands the query back). */
export function compileFunction(e: TypedExpr, ctx: VecContext, type: DataType): VecExpr | null {
  const sinks = ctx.sinks;
  const kind = outputKind(type);
  if (!sinks || !kind || e.kind === 'column' || e.kind === 'literal' || e.kind === 'param' || !closureSafe(e, ctx.scratch.env.registry)) return null;
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
  const row: unknown[] = new Array(ctx.layout.length).fill(null);
  const memo = new DictionaryMemo(fn, row, refs);
  const compute = (sel: Selection): Block => {
    const blocks = refs.map((r) => r.col.block());
    writer.begin();
    if (!memo.run(blocks, sel, writer)) {
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const i = sel[k];
        for (let j = 0; j < refs.length; j++) row[refs[j].at] = valueAt(blocks[j], i, refs[j].boolean);
        writer.write(i, fn(row));
      }
    }
    return writer.finish(sel);
  };
  const general: VecExpr = {
    type,
    eval(sel) {
      const b = compute(sel);
      // An operator reading this value sees one value per row; a multivalue there is the row engine's.
      if (sel.length > 0 && multiAt(b, sel)) throw new Bail(`${e.text} gave a multivalue`);
      return b;
    },
    evalValues: compute,
  };
  return specialise(e, ctx, type, general, writer) ?? general;
}

/** Most combinations of dictionary entries a closure of several keyword columns is remembered for. */
const MEMO_LIMIT = 1 << 16;

/**
 * A closure of keyword columns evaluated once per distinct value (per combination of values, when there are
 * few): results are kept per entry (null included) and computed the first time a selected row holds it, so
 * failures are recorded in the order the rows meet them. Rows holding several values run on their own.
 */
class DictionaryMemo {
  private dicts: (readonly unknown[])[] = [];
  private lengths: number[] = [];
  private results: unknown[] = [];
  /** Per entry: the output dictionary code (dictionary outputs; -1 null), -2 when not a single value, -3 not yet. */
  private codes = new Int32Array(0);

  constructor(private readonly fn: (row: unknown[]) => unknown, private readonly row: unknown[],
    private readonly refs: { at: number; boolean: boolean }[]) {}

  /** False (nothing written) when some block is not a dictionary or the combinations are too many. */
  run(blocks: Block[], sel: Selection, w: BlockWriter): boolean {
    let size = 1;
    for (const b of blocks) {
      if (b.kind !== 'dict') return false;
      size *= b.dict.length + 1;
    }
    if (blocks.length > 1 && size > MEMO_LIMIT) return false;
    const dicts = blocks as (Block & { kind: 'dict' })[];
    // A dictionary that changed or grew (a computed column's) changes the keys: start again.
    if (dicts.some((b, j) => b.dict !== this.dicts[j] || b.dict.length !== this.lengths[j])) {
      this.dicts = dicts.map((b) => b.dict);
      this.lengths = dicts.map((b) => b.dict.length);
      // Preallocated: entries are filled in the order rows meet them, which a growing array would not like.
      this.results = new Array(size);
      this.codes = new Int32Array(size).fill(-3);
    }
    if (dicts.length === 1) { this.runOne(dicts[0], sel, w); return true; }
    const { fn, row, refs, results } = this;
    const outCodes = this.codes;
    const m = dicts.length;
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
      const i = sel[k];
      let key = 0;
      let several = false;
      for (let j = 0; j < m; j++) {
        const b = dicts[j];
        const first = b.mv?.first;
        if (first && first[i + 1] - first[i] > 1) { several = true; break; }
        key = key * (b.dict.length + 1) + b.codes[i] + 1;
      }
      if (several) {
        for (let j = 0; j < m; j++) row[refs[j].at] = valueAt(dicts[j], i, false);
        w.write(i, fn(row));
        continue;
      }
      const oc = outCodes[key];
      if (oc > -2) { w.codes![i] = oc; continue; }
      let r = results[key];
      if (r === undefined) {
        for (let j = 0; j < m; j++) { const c = dicts[j].codes[i]; row[refs[j].at] = c < 0 ? null : dicts[j].dict[c]; }
        r = results[key] = fn(row) ?? null;
        outCodes[key] = w.kind === 'dict' ? w.codeOf(r) : -2;
      }
      w.write(i, r);
    }
    return true;
  }

  /** The same for one column: the common case (TO_LOWER(service), LIKE on a keyword) in a loop of its own. */
  private runOne(b: Block & { kind: 'dict' }, sel: Selection, w: BlockWriter): void {
    const { fn, row, results } = this;
    const outCodes = this.codes, at = this.refs[0].at, codes = b.codes, dict = b.dict, first = b.mv?.first;
    const outs = w.codes;
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
      const i = sel[k];
      if (first && first[i + 1] - first[i] > 1) { row[at] = valueAt(b, i, false); w.write(i, fn(row)); continue; }
      const key = codes[i] + 1;
      const oc = outCodes[key];
      if (oc > -2) { outs![i] = oc; continue; }
      let r = results[key];
      if (r === undefined) {
        row[at] = key === 0 ? null : dict[key - 1];
        r = results[key] = fn(row) ?? null;
        outCodes[key] = w.kind === 'dict' ? w.codeOf(r) : -2;
      }
      w.write(i, r);
    }
  }
}
