// The vectorised expression compiler: an ES|QL expression over blocks, for the forms scans need most —
// constants, columns, + - * / %, comparisons, AND / OR / NOT, IS [NOT] NULL, IN. Anything else runs as the row
// compiler's closure over blocks (functions.ts), or gives null (not supported) and the row engine runs the
// query. Each node's type is the one the analyser gave it (the typed tree, plan/typed.ts), and a row that would
// fail there (overflow, division by zero) stops the vectorised run (Bail).
import { Column, ExprCompiler } from '../compile';
import { TypedExpr } from '../plan/typed';
import { DataType, INT_MAX, INT_MIN, isString } from '../types';
import { compareUtf8 } from '../../store/mapping';
import { Bail, Block, BoolBlock, FALSE, NULL_BOOL, NumberBlock, Selection, TRUE, multiAt } from './blocks';
import { FunctionSinks, compileFunction } from './functions';

/** A column of the current layout: its name, type and block (read on first use). */
export interface LayoutColumn {
  name: string;
  type: DataType;
  block: () => Block;
  /** For a stored field whose column is not built: its values at a few positions, read by row (or null). */
  fetch?: (positions: Selection) => unknown[] | null;
}

export interface VecContext {
  /** A compiler whose failures are thrown away (for nodes run as the row engine's closures). */
  scratch: ExprCompiler;
  layout: LayoutColumn[];
  /** Positions in the snapshot (blocks are this long). */
  n: number;
  /** Where function nodes record warnings (functions.ts); without it, functions are not compiled here. */
  sinks?: FunctionSinks;
}

export interface VecExpr {
  type: DataType;
  /** The values at the selected positions; Bail when one of them holds a multivalue (the row engine warns). */
  eval(sel: Selection): Block;
  /** Column references only: the block with its multivalues, for operators that read them (STATS, SORT). */
  evalValues?(sel: Selection): Block;
}

const NUMERIC = new Set<DataType>(['integer', 'long', 'double']);
const ARITH = new Set(['+', '-', '*', '/', '%']);

/** Columns of a layout as the row compiler sees them. */
export function layoutColumns(layout: LayoutColumn[]): Column[] {
  return layout.map((c) => ({ name: c.name, type: c.type }));
}

export function compileVector(e: TypedExpr, ctx: VecContext): VecExpr | null {
  const v = compileNode(e, ctx);
  // Anything without a node of its own runs as the row compiler's closure over blocks (functions.ts).
  return v && v.type === e.type ? v : compileFunction(e, ctx, e.type);
}

function compileNode(e: TypedExpr, ctx: VecContext): VecExpr | null {
  if (e.constant) return constantOf(e);
  switch (e.kind) {
    case 'column': {
      let col: LayoutColumn | undefined;
      for (let k = ctx.layout.length - 1; k >= 0 && !col; k--) if (ctx.layout[k].name === e.name) col = ctx.layout[k];
      if (!col) return null;
      const c = col;
      return {
        type: c.type,
        eval(sel) {
          // An operator on a multivalue gives null and a warning whose text and cap the row engine owns.
          const b = c.block();
          if (sel.length > 0 && multiAt(b, sel)) throw new Bail(`${c.name} holds a multivalue`);
          return b;
        },
        evalValues: () => c.block(),
      };
    }
    case 'binary': {
      const l = compileVector(e.left, ctx);
      const r = compileVector(e.right, ctx);
      if (!l || !r) return null;
      if (ARITH.has(e.op)) return arithmetic(e.op as ArithOp, e.type, l, r, ctx.n);
      if (e.op === '=~') return null;
      return comparison(e.op as CmpOp, l, r, ctx.n);
    }
    case 'logical': {
      const l = compileVector(e.left, ctx);
      const r = compileVector(e.right, ctx);
      if (!l || !r || l.type !== 'boolean' || r.type !== 'boolean') return null;
      return logical(e.op, l, r, ctx.n);
    }
    case 'not': {
      const a = compileVector(e.arg, ctx);
      if (!a || a.type !== 'boolean') return null;
      const buf = reused(() => new Uint8Array(ctx.n));
      return {
        type: 'boolean',
        eval(sel) {
          const v = boolView(a.eval(sel));
          const out = buf();
          for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; const x = v(i); out[i] = x === NULL_BOOL ? NULL_BOOL : x === TRUE ? FALSE : TRUE; }
          return { kind: 'bool', values: out };
        },
      };
    }
    case 'isNull': {
      const a = compileVector(e.arg, ctx);
      if (!a) return null;
      const neg = e.negated;
      const buf = reused(() => new Uint8Array(ctx.n));
      return {
        type: 'boolean',
        eval(sel) {
          // A multivalue is not null: its single-value view says so.
          const isNull = nullTest(a.evalValues ? a.evalValues(sel) : a.eval(sel));
          const out = buf();
          for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; out[i] = isNull(i) !== neg ? TRUE : FALSE; }
          return { kind: 'bool', values: out };
        },
      };
    }
    case 'in':
      return inList(e, ctx);
    default:
      return null;
  }
}

/**
 * A node's output buffer, allocated on its first run and reused by every later run (one per page): a node's
 * block is read by the steps of that page before the node runs again. Only selected positions are meaningful.
 */
function reused<T>(make: () => T): () => T {
  let b: T | undefined;
  return () => (b ??= make());
}

function constantOf(e: TypedExpr): VecExpr | null {
  const value = e.constant?.value;
  if (value !== null && typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') return null;
  const block: Block = { kind: 'const', value };
  return { type: e.type, eval: () => block };
}

// ---- numbers -------------------------------------------------------------------------------------------

type ArithOp = '+' | '-' | '*' | '/' | '%';
type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Reads a block as numbers: `num(i)` for a position whose `isNull(i)` is false. Booleans read as 0/1. */
interface NumView { values: Float64Array | null; nulls: Uint8Array | null; c: number; cNull: boolean }

function numView(b: Block, n: number): NumView {
  switch (b.kind) {
    case 'number': return { values: b.values, nulls: b.nulls, c: 0, cNull: false };
    case 'const': return b.value === null ? { values: null, nulls: null, c: 0, cNull: true }
      : { values: null, nulls: null, c: typeof b.value === 'boolean' ? (b.value ? 1 : 0) : b.value as number, cNull: false };
    case 'bool': {
      const values = new Float64Array(n);
      const nulls = new Uint8Array(n);
      for (let i = 0; i < n; i++) { const v = b.values[i]; if (v === NULL_BOOL) nulls[i] = 1; else values[i] = v; }
      return { values, nulls, c: 0, cNull: false };
    }
    case 'dict': throw new Bail('strings read as numbers');
  }
}

/** `type`: the node's (the analyser promoted the operands to it). */
function arithmetic(op: ArithOp, type: DataType, l: VecExpr, r: VecExpr, n: number): VecExpr | null {
  if (!NUMERIC.has(l.type) || !NUMERIC.has(r.type) || !NUMERIC.has(type)) return null;
  const outBuf = reused(() => new Float64Array(n));
  const nullBuf = reused(() => new Uint8Array(n));
  return {
    type,
    eval(sel) {
      const a = numView(l.eval(sel), n);
      const b = numView(r.eval(sel), n);
      const out = outBuf();
      let nulls: Uint8Array | null = null;
      if (a.cNull || b.cNull) {
        nulls = nullBuf().fill(1);
        return { kind: 'number', values: out, nulls };
      }
      if (a.nulls || b.nulls) nulls = nullBuf().fill(0);
      const av = a.values, bv = b.values, an = a.nulls, bn = b.nulls, ac = a.c, bc = b.c;
      if (op === '/' || op === '%') {
        for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
          const i = sel[k];
          if ((an && an[i]) || (bn && bn[i])) { nulls![i] = 1; continue; }
          out[i] = apply(op, type, av ? av[i] : ac, bv ? bv[i] : bc);
        }
        return { kind: 'number', values: out, nulls };
      }
      // + - *: one tight loop per operator, then one pass checking the results as the row engine would.
      if (!nulls && av && !bv) columnConstant(op, av, bc, out, sel);
      else for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const i = sel[k];
        if (nulls && ((an && an[i]) || (bn && bn[i]))) { nulls[i] = 1; continue; }
        const x = av ? av[i] : ac;
        const y = bv ? bv[i] : bc;
        out[i] = op === '+' ? x + y : op === '-' ? x - y : x * y;
      }
      checkResults(type, out, nulls, sel);
      return { kind: 'number', values: out, nulls };
    },
  };
}

/** column (op) constant without nulls: the common EVAL shape, one loop per operator. */
function columnConstant(op: '+' | '-' | '*', a: Float64Array, c: number, out: Float64Array, sel: Selection): void {
  const m = sel.length;
  if (op === '+') for (let k = 0; k < m; k++) { const i = sel[k]; out[i] = a[i] + c; }
  else if (op === '-') for (let k = 0; k < m; k++) { const i = sel[k]; out[i] = a[i] - c; }
  else for (let k = 0; k < m; k++) { const i = sel[k]; out[i] = a[i] * c; }
}

/** Results the row engine would not give as they are: Bail (integer overflow, longs past 2^53, non-finite). */
function checkResults(type: DataType, out: Float64Array, nulls: Uint8Array | null, sel: Selection): void {
  const m = sel.length;
  if (type === 'integer') {
    for (let k = 0; k < m; k++) {
      const i = sel[k];
      const r = out[i];
      if ((r < INT_MIN || r > INT_MAX) && !(nulls && nulls[i])) throw new Bail('integer overflow');
    }
  } else if (type === 'long') {
    const max = Number.MAX_SAFE_INTEGER;
    for (let k = 0; k < m; k++) {
      const i = sel[k];
      const r = out[i];
      // Whole-number inputs give whole results: only the range needs checking; -0 becomes 0 as longs have no -0.
      if (r > max || r < -max) { if (!(nulls && nulls[i])) throw new Bail('long beyond 2^53'); }
      else if (r === 0) out[i] = 0;
    }
  } else {
    for (let k = 0; k < m; k++) {
      const i = sel[k];
      const r = out[i];
      if (r - r !== 0 && !(nulls && nulls[i])) throw new Bail('not a finite double');
    }
  }
}

/** One operation with the row engine's result, or Bail where it would warn (or need exact bigints). */
function apply(op: ArithOp, type: DataType, x: number, y: number): number {
  let r: number;
  switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/':
      if (y === 0) throw new Bail('/ by zero');
      r = type === 'double' ? x / y : Math.trunc(x / y);
      break;
    case '%':
      if (y === 0) throw new Bail('/ by zero');
      r = x % y;
      if (type === 'integer') r += 0;
      break;
  }
  if (type === 'integer') {
    if (r < INT_MIN || r > INT_MAX) throw new Bail('integer overflow');
  } else if (type === 'long') {
    if (!Number.isSafeInteger(r)) throw new Bail('long beyond 2^53');
    if (r === 0) r = 0;
  } else if (!Number.isFinite(r)) throw new Bail('not a finite double');
  return r;
}

// ---- comparisons ---------------------------------------------------------------------------------------

type Family = 'number' | 'string' | 'boolean';

function family(t: DataType): Family | null {
  if (NUMERIC.has(t) || t === 'date') return 'number';
  if (isString(t)) return 'string';
  if (t === 'boolean') return 'boolean';
  return null;
}

function testFor(op: CmpOp): (c: number) => boolean {
  switch (op) {
    case '==': return (c) => c === 0;
    case '!=': return (c) => c !== 0;
    case '<': return (c) => c < 0;
    case '<=': return (c) => c <= 0;
    case '>': return (c) => c > 0;
    case '>=': return (c) => c >= 0;
  }
}

/** A string compared with a date is already a date constant in the typed tree (implicit casting). */
function comparison(op: CmpOp, l: VecExpr, r: VecExpr, n: number): VecExpr | null {
  const fl = family(l.type), fr = family(r.type);
  if (!fl || fl !== fr || ((l.type === 'date') !== (r.type === 'date'))) return null;
  const test = testFor(op);
  if (fl === 'string') return stringComparison(test, l, r, n);
  const buf = reused(() => new Uint8Array(n));
  return {
    type: 'boolean',
    eval(sel) {
      const a = numView(l.eval(sel), n);
      const b = numView(r.eval(sel), n);
      const out = buf();
      if (a.cNull || b.cNull) { out.fill(NULL_BOOL); return { kind: 'bool', values: out }; }
      const av = a.values, bv = b.values, an = a.nulls, bn = b.nulls, ac = a.c, bc = b.c;
      // The result for less, equal, greater: a table lookup instead of a call per row.
      const table = new Uint8Array([test(-1) ? TRUE : FALSE, test(0) ? TRUE : FALSE, test(1) ? TRUE : FALSE]);
      if (av && !an && !bv && !bn) {
        // column against a constant without nulls: the common WHERE shape, without a branch per row (on
        // random data a mispredicted branch costs more than the rest of the loop)
        for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; const x = av[i]; out[i] = table[1 + +(x > bc) - +(x < bc)]; }
        return { kind: 'bool', values: out };
      }
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const i = sel[k];
        if ((an && an[i]) || (bn && bn[i])) { out[i] = NULL_BOOL; continue; }
        const x = av ? av[i] : ac;
        const y = bv ? bv[i] : bc;
        out[i] = table[x < y ? 0 : x > y ? 2 : 1];
      }
      return { kind: 'bool', values: out };
    },
  };
}

/** Per-dictionary-entry results: the comparison runs once per distinct value, then each row looks up its code. */
function stringComparison(test: (c: number) => boolean, l: VecExpr, r: VecExpr, n: number): VecExpr {
  const buf = reused(() => new Uint8Array(n));
  return {
    type: 'boolean',
    eval(sel) {
      const a = l.eval(sel);
      const b = r.eval(sel);
      const out = buf();
      if (a.kind === 'dict' && b.kind === 'const' || a.kind === 'const' && b.kind === 'dict') {
        const dictBlock = (a.kind === 'dict' ? a : b) as Extract<Block, { kind: 'dict' }>;
        const c = (a.kind === 'const' ? a : b) as Extract<Block, { kind: 'const' }>;
        if (c.value === null) { out.fill(NULL_BOOL); return { kind: 'bool', values: out }; }
        const s = String(c.value);
        const table = new Uint8Array(dictBlock.dict.length);
        for (let d = 0; d < table.length; d++) {
          const cmp = a.kind === 'dict' ? compareUtf8(String(dictBlock.dict[d]), s) : compareUtf8(s, String(dictBlock.dict[d]));
          table[d] = test(cmp) ? TRUE : FALSE;
        }
        const codes = dictBlock.codes;
        for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; const code = codes[i]; out[i] = code < 0 ? NULL_BOOL : table[code]; }
        return { kind: 'bool', values: out };
      }
      const sa = stringReader(a), sb = stringReader(b);
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const i = sel[k];
        const x = sa(i), y = sb(i);
        out[i] = x === null || y === null ? NULL_BOOL : test(compareUtf8(x, y)) ? TRUE : FALSE;
      }
      return { kind: 'bool', values: out };
    },
  };
}

function stringReader(b: Block): (i: number) => string | null {
  if (b.kind === 'dict') return (i) => { const c = b.codes[i]; return c < 0 ? null : String(b.dict[c]); };
  if (b.kind === 'const') { const v = b.value === null ? null : String(b.value); return () => v; }
  throw new Bail('not a string block');
}

// ---- logic ---------------------------------------------------------------------------------------------

/** A boolean-typed block read as TRUE / FALSE / NULL_BOOL (stored boolean fields are 0/1 numbers). */
export function boolView(b: Block): (i: number) => number {
  if (b.kind === 'bool') { const v = b.values; return (i) => v[i]; }
  if (b.kind === 'number') {
    const v = b.values, nulls = b.nulls;
    return (i) => (nulls && nulls[i] ? NULL_BOOL : v[i] === 1 ? TRUE : FALSE);
  }
  if (b.kind === 'const') { const v = b.value === null ? NULL_BOOL : b.value ? TRUE : FALSE; return () => v; }
  throw new Bail('not a boolean block');
}

function logical(op: 'and' | 'or', l: VecExpr, r: VecExpr, n: number): VecExpr {
  const buf = reused(() => new Uint8Array(n));
  return {
    type: 'boolean',
    eval(sel) {
      const a = boolView(l.eval(sel));
      const b = boolView(r.eval(sel));
      const out = buf();
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const i = sel[k];
        const x = a(i), y = b(i);
        if (op === 'and') out[i] = x === FALSE || y === FALSE ? FALSE : x === NULL_BOOL || y === NULL_BOOL ? NULL_BOOL : TRUE;
        else out[i] = x === TRUE || y === TRUE ? TRUE : x === NULL_BOOL || y === NULL_BOOL ? NULL_BOOL : FALSE;
      }
      return { kind: 'bool', values: out };
    },
  };
}

export function nullTest(b: Block): (i: number) => boolean {
  switch (b.kind) {
    case 'number': { const nulls = b.nulls; return nulls ? (i) => nulls[i] === 1 : () => false; }
    case 'dict': return (i) => b.codes[i] < 0;
    case 'bool': return (i) => b.values[i] === NULL_BOOL;
    case 'const': { const isNull = b.value === null; return () => isNull; }
  }
}

/** `x [NOT] IN (constants)`: a match is true (false negated), no match false, unless the list holds a null. */
function inList(e: TypedExpr & { kind: 'in' }, ctx: VecContext): VecExpr | null {
  const arg = compileVector(e.arg, ctx);
  if (!arg) return null;
  const fam = family(arg.type);
  if (!fam || fam === 'boolean') return null;
  const values: unknown[] = [];
  let sawNull = false;
  for (const item of e.list) {
    const c = compileVector(item, ctx);
    if (!c) return null;
    // only constants (a column made by an earlier EVAL has no block yet while a page is compiled)
    const b = c.eval(new Int32Array(0)) as Block | null;
    if (!b || b.kind !== 'const') return null;
    if (b.value === null) { sawNull = true; continue; }
    if (family(c.type) !== fam || (arg.type === 'date') !== (c.type === 'date')) return null;
    values.push(b.value);
  }
  const neg = e.negated;
  const miss = sawNull ? NULL_BOOL : neg ? TRUE : FALSE;
  const hit = neg ? FALSE : TRUE;
  const n = ctx.n;
  const buf = reused(() => new Uint8Array(n));
  return {
    type: 'boolean',
    eval(sel) {
      const a = arg.eval(sel);
      const out = buf();
      if (fam === 'string') {
        const wanted = new Set(values.map(String));
        if (a.kind === 'dict') {
          const table = a.dict.map((d) => (wanted.has(String(d)) ? hit : miss));
          for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; const c = a.codes[i]; out[i] = c < 0 ? NULL_BOOL : table[c]; }
          return { kind: 'bool', values: out };
        }
        const read = stringReader(a);
        for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; const s = read(i); out[i] = s === null ? NULL_BOOL : wanted.has(s) ? hit : miss; }
        return { kind: 'bool', values: out };
      }
      const wanted = new Set(values as number[]);
      const v = numView(a, n);
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const i = sel[k];
        if (v.cNull || (v.nulls && v.nulls[i])) { out[i] = NULL_BOOL; continue; }
        const x = v.values ? v.values[i] : v.c;
        out[i] = wanted.has(x) || (x === 0 && wanted.has(-0)) ? hit : miss;
      }
      return { kind: 'bool', values: out };
    },
  };
}

export type { NumberBlock, BoolBlock };
