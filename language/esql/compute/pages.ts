// The leading WHERE / EVAL / KEEP / DROP / RENAME steps of a plan, fused and run one page of rows at a time:
// every compiled node writes into a page-sized buffer it reuses for every page, so `EVAL | WHERE | STATS COUNT`
// allocates no array as long as the index. What leaves the pages is the selection (absolute positions) and the
// computed columns that later steps read, gathered into whole-index blocks. It yields between pages
// (slices.ts), so a long vectorised query gives the event loop its turns and can be stopped there.
import { columnsOf } from '../ast';
import type { Operator } from '../commands';
import type { UnaryPlan } from '../plan/logical';
import type { ExprCompiler } from '../compile';
import { Bail, Block, BoolBlock, MultiValues, NumberBlock, Selection, TRUE, allPositions } from './blocks';
import { LayoutColumn, VecExpr, boolView, compileVector } from './expressions';
import type { FunctionSinks } from './functions';
import type { Steps } from './slices';
import { fuseSteps } from './fused';

let pageSize = 1 << 15;
/** Rows per page (tests use tiny pages so that every paging edge is crossed). */
export function setPageSize(rows: number): void {
  pageSize = Math.max(1, Math.floor(rows));
}

let fusedEnabled = true;
/** Turns the fused page loops off (the bench and the tests compare both ways). */
export function setFusedEnabled(on: boolean): void {
  fusedEnabled = on;
}

export interface PagedResult {
  layout: LayoutColumn[];
  sel: Selection;
  /** Steps consumed. */
  consumed: number;
  pages: number;
  /** True when the steps ran as one generated loop per page (fused.ts). */
  fused: boolean;
}

/** The current page: stored columns are read as views of their blocks over [base, end). */
interface Page { base: number; end: number; views: (Block | null)[] }

type PagedStep =
  | { kind: 'filter'; cond: VecExpr; buf: Int32Array | null }
  | { kind: 'eval'; fields: { name: string; expr: VecExpr; slot: { block: Block | null } }[] };

/**
 * Compiles the longest run of leading filter / eval / project steps against page views of the stored
 * columns and runs it page by page; undefined when that run holds no filter or eval (nothing to fuse).
 */
export function* runPaged(steps: UnaryPlan[], ops: Operator[], stored: LayoutColumn[], n: number,
  scratch: ExprCompiler, sameColumns: (l: LayoutColumn[], c: Operator['columns']) => boolean, sinks?: FunctionSinks): Steps<PagedResult | undefined> {
  const size = Math.min(pageSize, Math.max(1, n));
  const page: Page = { base: 0, end: 0, views: stored.map(() => null) };
  // Each layout entry remembers where it came from: a stored column (index into `stored`) or an EVAL slot.
  type Entry = { col: LayoutColumn; storedAt: number; slot?: { block: Block | null } };
  let layout: Entry[] = stored.map((s, j) => ({
    storedAt: j,
    col: { name: s.name, type: s.type, block: () => page.views[j] ?? (page.views[j] = view(s.block(), page.base, page.end)) },
  }));
  const compiled: PagedStep[] = [];
  let i = 0;
  let fused = false;
  loop:
  for (; i < steps.length; i++) {
    const step = steps[i];
    const op = ops[i];
    const cols = (): LayoutColumn[] => layout.map((e) => e.col);
    switch (step.kind) {
      case 'filter': {
        const c = compileVector(step.condition, { scratch, layout: cols(), n: size, sinks });
        if (!c || c.type !== 'boolean') break loop;
        compiled.push({ kind: 'filter', cond: c, buf: null });
        fused = true;
        break;
      }
      case 'eval': {
        let next = layout;
        const fields: { name: string; expr: VecExpr; slot: { block: Block | null } }[] = [];
        for (const f of step.fields) {
          const c = compileVector(f.expr, { scratch, layout: next.map((e) => e.col), n: size, sinks });
          if (!c) break loop;
          const slot = { block: null as Block | null };
          fields.push({ name: f.name, expr: c, slot });
          next = [...next.filter((e) => e.col.name !== f.name),
            { storedAt: -1, slot, col: { name: f.name, type: c.type, block: () => slot.block! } }];
        }
        if (!sameColumns(next.map((e) => e.col), op.columns)) break loop;
        compiled.push({ kind: 'eval', fields });
        layout = next;
        fused = true;
        break;
      }
      case 'project': {
        const byName = new Map(layout.map((e) => [e.col.name, e]));
        if (byName.size !== layout.length) break loop;
        const next = step.columns.map(({ source, name }) => {
          const e = byName.get(source);
          return e && { ...e, col: { ...e.col, name } };
        });
        if (next.some((e) => !e) || !sameColumns(next.map((e) => e!.col), op.columns)) break loop;
        layout = next as Entry[];
        break;
      }
      default:
        break loop;
    }
  }
  if (!fused) return undefined;
  // Computed columns that survive the fused steps are gathered into whole-index blocks, but only those a
  // following STATS reads (all of them when rows or sort keys are made from the layout).
  const rest = steps[i];
  const wanted = rest?.kind === 'aggregate'
    ? new Set([...rest.command.aggs.flatMap((a) => [...columnsOf(a.field.expr), ...(a.filter ? columnsOf(a.filter) : [])]),
      ...rest.command.groups.flatMap((g) => [...columnsOf(g.expr)])])
    : null;
  // A STATS without groups that reads no column (COUNT(*)) needs only how many rows were kept, not where.
  const countOnly = wanted !== null && wanted.size === 0 && rest?.kind === 'aggregate' && rest.command.groups.length === 0;
  const gathers = layout.map((e) => (e.slot && (!wanted || wanted.has(e.col.name)) ? new Gather(n, e.col.type === 'boolean') : null));
  // The whole run as one loop per page when every node of it can be fused (fused.ts); else node by node.
  const slots = compiled.flatMap((s) => (s.kind === 'eval' ? s.fields.map((f) => f.slot) : []));
  const gathered = new Set(layout.filter((_e, k) => gathers[k]).map((e) => e.slot));
  const kernel = fusedEnabled ? fuseSteps(steps.slice(0, i), stored, scratch, size, slots.map((s) => gathered.has(s)), countOnly) : null;
  const kept = kernel ? new Int32Array(size) : null;
  const chunks: Int32Array[] = [];
  let total = 0;
  let pages = 0;
  for (let base = 0; base < n; base += size) {
    yield;
    pages++;
    page.base = base;
    page.end = Math.min(n, base + size);
    page.views.fill(null);
    let sel: Selection = allPositions(page.end - base);
    if (kernel) {
      sel = kept!.subarray(0, kernel.run(base, page.end, kept!));
      slots.forEach((slot, q) => { slot.block = kernel.outputs[q]; });
    } else for (const s of compiled) {
      if (s.kind === 'filter') {
        s.buf ??= new Int32Array(size);
        sel = keepTrueInto(sel, s.cond.eval(sel), s.buf);
      } else {
        // An EVAL column keeps its multivalues (`EVAL y = mvfield`): what reads it later checks them.
        for (const f of s.fields) f.slot.block = f.expr.evalValues ? f.expr.evalValues(sel) : f.expr.eval(sel);
      }
      if (sel.length === 0) break;
    }
    if (sel.length === 0) continue;
    total += sel.length;
    if (countOnly) continue;
    gathers.forEach((g, k) => g?.add(layout[k].slot!.block!, sel, base));
    chunks.push(absolute(sel, base));
  }
  // The identity view serves as a selection of the right length when positions are not read.
  const sel = countOnly ? allPositions(total) : chunks.length === 1 ? chunks[0] : new Int32Array(total);
  if (chunks.length !== 1) { let at = 0; for (const c of chunks) { sel.set(c, at); at += c.length; } }
  const out: LayoutColumn[] = layout.map((e, k) => {
    if (e.storedAt >= 0) return { ...stored[e.storedAt], name: e.col.name };
    const g = gathers[k];
    return { name: e.col.name, type: e.col.type, block: () => {
      // Only what the next STATS reads is gathered: a STATS this path does not run leaves the query to the rows.
      if (!g) throw new Bail(`column ${e.col.name} was not gathered`);
      return g.block();
    } };
  });
  return { layout: out, sel, consumed: i, pages, fused: kernel !== null };
}

/**
 * A page's positions made absolute. Loops over rows live in plain functions, not in the generator above: V8
 * cannot optimise a generator in the middle of a loop (no on-stack replacement), only on a later call.
 */
function absolute(sel: Selection, base: number): Int32Array {
  const abs = new Int32Array(sel.length);
  for (let k = 0; k < sel.length; k++) abs[k] = sel[k] + base;
  return abs;
}

/** A view of a stored block over positions [base, end): page positions are 0-based. */
function view(b: Block, base: number, end: number): Block {
  switch (b.kind) {
    case 'number': return { kind: 'number', values: b.values.subarray(base, end), nulls: b.nulls ? b.nulls.subarray(base, end) : null,
      step: b.step, mv: pageOffsets(b.mv, base, end) };
    case 'dict': return { kind: 'dict', codes: b.codes.subarray(base, end), dict: b.dict, mv: pageOffsets(b.mv, base, end) };
    case 'bool': return { kind: 'bool', values: b.values.subarray(base, end) };
    case 'const': return b;
  }
}

/** A page's multivalue offsets: a view of the positions' offsets (one more than positions) into all values. */
function pageOffsets<T extends Float64Array | Int32Array>(mv: MultiValues<T> | undefined, base: number, end: number):
  MultiValues<T> | undefined {
  return mv && { first: mv.first.subarray(base, end + 1), values: mv.values };
}

/** Writes the page positions whose condition is true into `out` (null and false drop the row). */
export function keepTrueInto(sel: Selection, b: Block, out: Int32Array): Selection {
  if (b.kind === 'const') return b.value === true ? sel : out.subarray(0, 0);
  let m = 0;
  if (b.kind === 'bool') {
    const v = b.values;
    // branch-free: every position is written, and kept by moving on
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; out[m] = i; m += +(v[i] === TRUE); }
    return out.subarray(0, m);
  }
  const read = boolView(b);
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; if (read(i) === TRUE) out[m++] = i; }
  return out.subarray(0, m);
}

/** A computed column copied page by page into a whole-index block at the selected positions. */
class Gather {
  private values: Float64Array | null = null;
  private nulls: Uint8Array | null = null;
  private bools: Uint8Array | null = null;
  private codes: Int32Array | null = null;
  private dict: readonly unknown[] | null = null;
  private constant: { value: unknown } | null = null;
  private mixed = false;
  /** Multivalue offsets, kept from the first page that holds a multivalue on (`mvTo`: positions done). */
  private mvFirst: Int32Array | null = null;
  private mvValues: number[] = [];
  private mvTo = 0;
  /** Every page's `step` while they agree (DATE_TRUNC's results group densely), else null. */
  private step: number | null | undefined = undefined;

  constructor(private readonly n: number, private readonly boolean: boolean) {}

  add(b: Block, sel: Selection, base: number): void {
    if (b.kind === 'const') {
      if (!this.constant && !this.values && !this.bools && !this.codes) { this.constant = { value: b.value }; return; }
      if (this.constant && Object.is(this.constant.value, b.value)) return;
      this.mixed = true;
      return;
    }
    if (this.constant) { this.mixed = true; return; }
    if (b.kind === 'number') {
      this.step = this.step === undefined || this.step === b.step ? b.step ?? null : null;
      this.values ??= new Float64Array(this.n);
      const v = b.values, out = this.values;
      for (let k = 0; k < sel.length; k++) out[sel[k] + base] = v[sel[k]];
      if (b.nulls) {
        this.nulls ??= new Uint8Array(this.n);
        const nl = b.nulls, on = this.nulls;
        for (let k = 0; k < sel.length; k++) on[sel[k] + base] = nl[sel[k]];
      }
    } else if (b.kind === 'bool') {
      this.bools ??= new Uint8Array(this.n);
      const v = b.values, out = this.bools;
      for (let k = 0; k < sel.length; k++) out[sel[k] + base] = v[sel[k]];
    } else {
      if (this.dict && this.dict !== b.dict) { this.mixed = true; return; }
      this.dict = b.dict;
      this.codes ??= new Int32Array(this.n);
      const c = b.codes, out = this.codes;
      for (let k = 0; k < sel.length; k++) out[sel[k] + base] = c[sel[k]];
    }
    if ([this.values, this.bools, this.codes].filter((x) => x).length > 1) this.mixed = true;
    if (b.kind === 'bool' || (!b.mv && !this.mvFirst)) return;
    this.mvFirst ??= new Int32Array(this.n + 1);
    for (let k = 0; k < sel.length; k++) {
      const p = sel[k] + base;
      this.mvUpTo(p);
      if (!b.mv) { this.mvUpTo(p + 1); continue; }
      this.mvFirst[p] = this.mvValues.length;
      const { first, values } = b.mv;
      for (let j = first[sel[k]]; j < first[sel[k] + 1]; j++) this.mvValues.push(values[j]);
      this.mvTo = p + 1;
    }
  }

  /** Offsets of positions before `end` read from the single-value arrays (unselected ones are never read). */
  private mvUpTo(end: number): void {
    const first = this.mvFirst!, vals = this.mvValues;
    for (let p = this.mvTo; p < end; p++) {
      first[p] = vals.length;
      if (this.codes) { if (this.codes[p] >= 0) vals.push(this.codes[p]); }
      else if (!(this.nulls && this.nulls[p])) vals.push(this.values![p]);
    }
    if (end > this.mvTo) this.mvTo = end;
  }

  block(): Block {
    // Pages that produced different block kinds cannot be one block: the row engine runs the query instead.
    if (this.mixed) throw new Bail('pages gave different block kinds');
    if (this.constant) return { kind: 'const', value: this.constant.value };
    if (this.mvFirst) {
      this.mvUpTo(this.n);
      this.mvFirst[this.n] = this.mvValues.length;
    }
    if (this.values) {
      const mv = this.mvFirst ? { first: this.mvFirst, values: Float64Array.from(this.mvValues) } : undefined;
      return { kind: 'number', values: this.values, nulls: this.nulls, mv, step: this.step ?? undefined } as NumberBlock;
    }
    if (this.bools) return { kind: 'bool', values: this.bools } as BoolBlock;
    if (this.codes) {
      const mv = this.mvFirst ? { first: this.mvFirst, values: Int32Array.from(this.mvValues) } : undefined;
      return { kind: 'dict', codes: this.codes, dict: this.dict!, mv };
    }
    // No row selected anywhere: an all-null block of the column's kind.
    return this.boolean ? { kind: 'bool', values: new Uint8Array(this.n).fill(2) } : { kind: 'const', value: null };
  }
}
