// Fused page kernels: the leading WHERE / EVAL steps compiled into one JavaScript loop over a page, so that
// `EVAL x = a * 2 | WHERE x > 3000 | STATS COUNT(*)` reads each row once (arithmetic, its overflow check, the
// comparison and the count in one pass) instead of making one pass per expression node. It supports a subset
// of what expressions.ts does (numbers, + - * / %, comparisons, AND / OR / NOT, IS [NOT] NULL, keyword
// comparisons with a constant, IN lists of constants, functions of one keyword column as a table per dictionary
// entry); for anything else the caller runs the node-by-node path. Every node keeps the
// node-by-node path's meaning exactly: its type, three-valued logic, and Bail where a row would fail.
//
// Safety of the generated code: the source is assembled only from this file's own tokens — local names it
// numbers itself (v3, n3, a0, k1), operators picked from fixed tables by node kind, and digits it writes itself.
// No text of the query (field names, strings, numbers) ever reaches the source: columns are passed as slots of
// the `io` array, numeric constants as values in it, keyword comparisons as per-dictionary-code result tables.
// One source therefore serves every query of the same shape, and compiled functions are cached by their source
// (V8 keeps them optimised from one query to the next).
import type { UnaryPlan } from '../plan/logical';
import { columnsOf } from '../ast';
import { TypedExpr } from '../plan/typed';
import type { ExprCompiler } from '../compile';
import { toDatetime } from '../values';
import { DataType, isString } from '../types';
import { compareUtf8 } from '../../store/mapping';
import { Bail, Block } from './blocks';
import type { LayoutColumn } from './expressions';
import { dictionaryTable } from './dictionary-tables';

/** A compiled run of steps: `run` processes page [base, end) and leaves the EVAL results it was asked for. */
export interface FusedKernel {
  /** Kept page positions (0-based) written into `sel`; returns how many (positions are not written when counting). */
  run(base: number, end: number, sel: Int32Array): number;
  /** Per EVAL field of the steps (in order): its block for the page just run, or null when not asked for. */
  outputs: (Block | null)[];
  /** The generated source (tests read it to check that no query text reached it). */
  source: string;
}

type Value =
  | { kind: 'num'; type: DataType; v: string; n: string | null }
  | { kind: 'bool'; b: string }
  | { kind: 'str'; value: string | null }
  | { kind: 'dict'; codes: string; dict: readonly unknown[]; stored: number };

type Source = { kind: 'stored'; at: number } | { kind: 'local'; value: Value };

interface Col { name: string; type: DataType; src: Source }

const NUMERIC = new Set<DataType>(['integer', 'long', 'double']);
const ARITH: Record<string, string> = { '+': '+', '-': '-', '*': '*', '/': '/', '%': '%' };
/** For each comparison: the result (as a digit) when left is less, equal, greater. */
const CMP: Record<string, [number, number, number]> = {
  '==': [0, 1, 0], '!=': [1, 0, 1], '<': [1, 0, 0], '<=': [1, 1, 0], '>': [0, 0, 1], '>=': [0, 1, 1],
};
/** The same comparison as a JavaScript operator (operands are never NaN: doubles are checked finite). */
const CMP_JS: Record<string, string> = { '==': '===', '!=': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
/** Three-valued logic as lookup tables over 0 false, 1 true, 2 null: AND / OR at [a * 3 + b], NOT at [a]. */
const AND = Uint8Array.from([0, 0, 0, 0, 1, 2, 0, 2, 2]);
const OR = Uint8Array.from([0, 1, 2, 1, 1, 1, 2, 1, 2]);
const NOT = Uint8Array.from([1, 0, 2]);
const BAIL_REASONS = ['/ by zero', 'integer overflow', 'long beyond 2^53', 'not a finite double'];

const kernels = new Map<string, Function>();
const MAX_KERNELS = 256;

/** The sources compiled so far (tests check that no query text reached them). */
export function kernelSources(): string[] {
  return [...kernels.keys()];
}

/** The generated function for `source`, compiled once per distinct source. */
function kernelFor(source: string): Function {
  let f = kernels.get(source);
  if (!f) {
    if (kernels.size >= MAX_KERNELS) kernels.clear();
    f = new Function('io', 'base', 'end', 'sel', source);
    kernels.set(source, f);
  }
  return f;
}

class Gen {
  readonly io: unknown[] = [];
  readonly prelude: string[] = [];
  readonly body: string[] = [];
  private next = 0;

  /** A runtime value passed in `io`, read once before the loop into a local. */
  arg(value: unknown): string {
    const name = `a${this.io.length}`;
    this.prelude.push(`const ${name} = io[${this.io.length}];`);
    this.io.push(value);
    return name;
  }

  local(): number {
    return this.next++;
  }
}

/**
 * Fuses `steps` (filters, evals and projections only) over the stored columns, or null when some step holds a
 * node this file does not compile. `wanted[q]` says whether EVAL field q's values must be written for later
 * steps; with `countOnly` kept positions are only counted.
 */
export function fuseSteps(steps: UnaryPlan[], stored: LayoutColumn[], scratch: ExprCompiler, pageSize: number,
  wanted: boolean[], countOnly: boolean): FusedKernel | null {
  const g = new Gen();
  let cols: Col[] = stored.map((s, at) => ({ name: s.name, type: s.type, src: { kind: 'stored', at } }));
  const storedArgs = new Map<number, Value | null>();
  const outputs: (Block | null)[] = [];
  let field = 0;
  // The last filter, when no EVAL follows it, keeps its rows without a branch (a mispredicted branch per row
  // costs more than the rest of a simple loop); earlier ones skip the rest of the row.
  const last = steps.reduce((at, s, k) => (s.kind === 'eval' ? -1 : s.kind === 'filter' ? k : at), -1);
  let keep = countOnly ? 'm++;' : 'sel[m++] = i - base;';
  for (const [at, step] of steps.entries()) {
    if (step.kind === 'filter') {
      const c = compile(step.condition, cols, g, scratch, stored, storedArgs);
      if (!c || c.kind !== 'bool') return null;
      if (at === last) keep = `${countOnly ? '' : 'sel[m] = i - base; '}m += +(${c.b} === 1);`;
      else g.body.push(`if (${c.b} !== 1) continue;`);
    } else if (step.kind === 'eval') {
      for (const f of step.fields) {
        const c = compile(f.expr, cols, g, scratch, stored, storedArgs);
        if (!c || (c.kind !== 'num' && c.kind !== 'bool')) return null;
        const type = c.kind === 'num' ? c.type : 'boolean';
        if (wanted[field]) {
          if (c.kind === 'num') {
            const values = new Float64Array(pageSize);
            const nulls = c.n ? new Uint8Array(pageSize) : null;
            g.body.push(`${g.arg(values)}[i - base] = ${c.v};`);
            if (nulls) g.body.push(`${g.arg(nulls)}[i - base] = ${c.n};`);
            outputs.push({ kind: 'number', values, nulls });
          } else {
            const values = new Uint8Array(pageSize);
            g.body.push(`${g.arg(values)}[i - base] = ${c.b};`);
            outputs.push({ kind: 'bool', values });
          }
        } else outputs.push(null);
        field++;
        cols = [...cols.filter((x) => x.name !== f.name), { name: f.name, type, src: { kind: 'local', value: c } }];
      }
    } else if (step.kind === 'project') {
      const byName = new Map(cols.map((x) => [x.name, x]));
      if (byName.size !== cols.length) return null;
      const next: Col[] = [];
      for (const { source, name } of step.columns) {
        const x = byName.get(source);
        if (!x) return null;
        next.push({ ...x, name });
      }
      cols = next;
    } else return null;
  }
  const source = [...g.prelude, 'let m = 0;', 'for (let i = base; i < end; i++) {', ...g.body.map((l) => `  ${l}`), `  ${keep}`, '}', 'return m;'].join('\n');
  const fn = kernelFor(source);
  const io = g.io;
  const run = (base: number, end: number, sel: Int32Array): number => {
    try {
      return fn(io, base, end, sel) as number;
    } catch (e) {
      // A failing row throws the number of its reason: a call in the loop would cost more than the loop.
      throw typeof e === 'number' ? new Bail(BAIL_REASONS[e]) : e;
    }
  };
  return { run, outputs, source };
}

/** `e` as generated code, of the type the analyser gave it (null when this file does not compile it). */
function compile(e: TypedExpr, cols: Col[], g: Gen, scratch: ExprCompiler, stored: LayoutColumn[], storedArgs: Map<number, Value | null>): Value | null {
  const want = e.type;
  const v = node(e, cols, g, scratch, stored, storedArgs);
  if (!v) return null;
  const type = v.kind === 'num' ? v.type : v.kind === 'bool' ? 'boolean' : null;
  // Strings and dictionary columns are only operands of comparisons: their row type is checked by the caller.
  return type === null ? (isString(want) ? v : null) : type === want ? v : null;
}

function node(e: TypedExpr, cols: Col[], g: Gen, scratch: ExprCompiler, stored: LayoutColumn[], storedArgs: Map<number, Value | null>): Value | null {
  const sub = (x: TypedExpr): Value | null => compile(x, cols, g, scratch, stored, storedArgs);
  if (e.constant) return constant(e, g);
  switch (e.kind) {
    case 'column': {
      let col: Col | undefined;
      for (let k = cols.length - 1; k >= 0 && !col; k--) if (cols[k].name === e.name) col = cols[k];
      if (!col) return null;
      return col.src.kind === 'local' ? col.src.value : storedColumn(col.src.at, col.type, g, stored, storedArgs);
    }
    case 'binary': {
      const l = sub(e.left);
      const r = sub(e.right);
      if (!l || !r) return null;
      if (e.op in ARITH) return arithmetic(e.op, e.type, l, r, g);
      if (e.op in CMP) return comparison(e.op, l, r, g);
      return null;
    }
    case 'logical': {
      const l = sub(e.left);
      const r = sub(e.right);
      if (!l || !r || l.kind !== 'bool' || r.kind !== 'bool') return null;
      const k = g.local();
      g.body.push(`const b${k} = ${g.arg(e.op === 'and' ? AND : OR)}[${l.b} * 3 + ${r.b}];`);
      return { kind: 'bool', b: `b${k}` };
    }
    case 'not': {
      const a = sub(e.arg);
      if (!a || a.kind !== 'bool') return null;
      const k = g.local();
      g.body.push(`const b${k} = ${g.arg(NOT)}[${a.b}];`);
      return { kind: 'bool', b: `b${k}` };
    }
    case 'isNull': {
      const a = sub(e.arg);
      if (!a) return null;
      const isNull = a.kind === 'num' ? `${a.n ?? 0} === 1` : a.kind === 'bool' ? `${a.b} === 2` : a.kind === 'dict' ? `${a.codes}[i] < 0` : a.value === null ? 'true' : 'false';
      const k = g.local();
      g.body.push(`const b${k} = ${e.negated ? '+!' : '+'}(${isNull});`);
      return { kind: 'bool', b: `b${k}` };
    }
    case 'in': {
      const a = sub(e.arg);
      return a && inList(e, a, g);
    }
    default:
      return dictionaryFunction(e, cols, g, scratch, stored, storedArgs);
  }
}

const MAX_TABLE = 1 << 16;

/**
 * Any other expression of one stored keyword column (LIKE, STARTS_WITH, LENGTH, ...) whose closure warns for no
 * dictionary entry: a table per code (dictionary-tables.ts), read by the row's code.
 */
function dictionaryFunction(e: TypedExpr, cols: Col[], g: Gen, scratch: ExprCompiler, stored: LayoutColumn[],
  storedArgs: Map<number, Value | null>): Value | null {
  const want = e.type;
  const names = [...columnsOf(e)];
  if (names.length !== 1) return null;
  let at = -1;
  for (let k = cols.length - 1; k >= 0 && at < 0; k--) if (cols[k].name === names[0]) at = k;
  const col = cols[at];
  if (!col || col.src.kind !== 'stored') return null;
  const v = storedColumn(col.src.at, col.type, g, stored, storedArgs);
  // A dictionary nearly as long as the index (a text field) costs more as a table than the node path's memo.
  if (!v || v.kind !== 'dict' || v.dict.length > MAX_TABLE) return null;
  const t = dictionaryTable(e, cols.map((c) => ({ name: c.name, type: c.type })), at, v.dict, scratch, want);
  if (!t) return null;
  const k = g.local();
  g.body.push(`const c${k} = ${v.codes}[i] + 1;`);
  if (t.kind === 'bool') {
    g.body.push(`const b${k} = ${g.arg(t.table)}[c${k}];`);
    return { kind: 'bool', b: `b${k}` };
  }
  g.body.push(`const v${k} = ${g.arg(t.values)}[c${k}];`);
  if (t.nulls) g.body.push(`const n${k} = ${g.arg(t.nulls)}[c${k}];`);
  return { kind: 'num', type: want, v: `v${k}`, n: t.nulls ? `n${k}` : null };
}

/** Most constants an IN list compiles to a chain of comparisons (a longer list runs node by node). */
const MAX_IN = 16;

/**
 * `x [NOT] IN (constants)` as the node-by-node path's inList: null for a null x, a match true (false negated),
 * no match false (true negated) or null when the list holds a null. Numbers compare with a chain of `===`
 * against values passed in `io`; a keyword column looks its code up in a per-entry result table.
 */
function inList(e: TypedExpr & { kind: 'in' }, a: Value, g: Gen): Value | null {
  if (e.list.length > MAX_IN || (a.kind !== 'num' && a.kind !== 'dict') || (a.kind === 'num' && a.type === 'boolean')) return null;
  const isDateArg = a.kind === 'num' && a.type === 'date';
  const values: (number | string)[] = [];
  let sawNull = false;
  // Each item as the analyser folded it (a string it cast to the argument's date type is a date already).
  for (const c of e.list) {
    if (!c.constant) return null;
    let v = c.constant.value;
    if (v === null) { sawNull = true; continue; }
    if (a.kind === 'dict') {
      if (!isString(c.type) || typeof v !== 'string') return null;
    } else if (isDateArg && isString(c.type) && typeof v === 'string') {
      try {
        v = toDatetime(v, 'keyword');
      } catch {
        return null;
      }
    } else if ((c.type === 'date') !== isDateArg || !(NUMERIC.has(c.type) || c.type === 'date')) return null;
    if (a.kind === 'num' && (typeof v !== 'number' || !Number.isFinite(v))) return null;
    values.push(v as number | string);
  }
  const hit = e.negated ? 0 : 1;
  const miss = sawNull ? 2 : e.negated ? 1 : 0;
  const k = g.local();
  if (a.kind === 'dict') {
    const wanted = new Set(values);
    const table = Uint8Array.from(a.dict, (d) => (wanted.has(String(d)) ? hit : miss));
    g.body.push(`const c${k} = ${a.codes}[i];`, `const b${k} = c${k} < 0 ? 2 : ${g.arg(table)}[c${k}];`);
    return { kind: 'bool', b: `b${k}` };
  }
  const tests = values.map((v) => `${a.v} === ${g.arg(v)}`).join(' || ');
  const found = tests ? `(${tests}) ? ${hit} : ${miss}` : `${miss}`;
  g.body.push(`const b${k} = ${a.n ? `${a.n} === 1 ? 2 : ` : ''}${found};`);
  return { kind: 'bool', b: `b${k}` };
}

/** A stored column read at row i: numbers (and booleans stored as 0/1) with their null mask, keywords as codes. */
function storedColumn(at: number, type: DataType, g: Gen, stored: LayoutColumn[], storedArgs: Map<number, Value | null>): Value | null {
  if (!storedArgs.has(at)) {
    const b = stored[at].block();
    let v: Value | null = null;
    // A field holding multivalues is left to the node-by-node path (which hands such rows to the row engine).
    if ((b.kind === 'number' || b.kind === 'dict') && b.mv) v = null;
    else if (b.kind === 'number' && (NUMERIC.has(type) || type === 'date' || type === 'boolean')) {
      v = { kind: 'num', type, v: g.arg(b.values), n: b.nulls ? g.arg(b.nulls) : null };
    } else if (b.kind === 'dict' && isString(type)) {
      v = { kind: 'dict', codes: g.arg(b.codes), dict: b.dict, stored: at };
    }
    storedArgs.set(at, v);
  }
  const v = storedArgs.get(at)!;
  if (!v || v.kind !== 'num') return v;
  // Read once per row where it is used; the arrays themselves are locals set before the loop.
  const k = g.local();
  g.body.push(`const v${k} = ${v.v}[i];`);
  if (type === 'boolean') {
    g.body.push(`const b${k} = ${v.n ? `${v.n}[i] === 1 ? 2 : ` : ''}+(v${k} === 1);`);
    return { kind: 'bool', b: `b${k}` };
  }
  if (v.n) g.body.push(`const n${k} = ${v.n}[i];`);
  return { kind: 'num', type, v: `v${k}`, n: v.n ? `n${k}` : null };
}

function constant(c: TypedExpr, g: Gen): Value | null {
  const value = c.constant?.value;
  if (c.type === 'boolean' && (value === null || typeof value === 'boolean')) return { kind: 'bool', b: value === null ? '2' : value ? '1' : '0' };
  if ((NUMERIC.has(c.type) || c.type === 'date') && (value === null || typeof value === 'number')) {
    // NaN never reaches a comparison here (the branch-free tests below would read it differently)
    if (value !== null && !Number.isFinite(value)) return null;
    return value === null ? { kind: 'num', type: c.type, v: '0', n: '1' } : { kind: 'num', type: c.type, v: g.arg(value), n: null };
  }
  if (isString(c.type) && (value === null || typeof value === 'string')) return { kind: 'str', value };
  return null;
}

/** `a OP b` of the node's `type`, with the node-by-node path's null rule and Bail cases (expressions.ts `apply`). */
function arithmetic(op: string, type: DataType, l: Value, r: Value, g: Gen): Value | null {
  if (l.kind !== 'num' || r.kind !== 'num' || !NUMERIC.has(l.type) || !NUMERIC.has(r.type) || !NUMERIC.has(type)) return null;
  const k = g.local();
  const nulls = [l.n, r.n].filter((x) => x !== null);
  const n = nulls.length ? `n${k}` : null;
  if (n) g.body.push(`const ${n} = ${nulls.join(' | ')};`);
  // Computed for every row (no branch); a null row's value is never read, and never fails the checks.
  const v = `v${k}`;
  const valid = n ? ` && ${n} === 0` : '';
  if (op === '/' || op === '%') g.body.push(`if (${r.v} === 0${valid}) throw 0;`);
  if (op === '/') g.body.push(type === 'double' ? `let ${v} = ${l.v} / ${r.v};` : `let ${v} = Math.trunc(${l.v} / ${r.v});`);
  else g.body.push(`let ${v} = ${l.v} ${ARITH[op]} ${r.v};`);
  if (op === '%' && type === 'integer') g.body.push(`${v} += 0;`);
  if (type === 'integer') g.body.push(`if ((${v} < -2147483648 || ${v} > 2147483647)${valid}) throw 1;`);
  // x + 0 turns -0 into 0 (longs have no -0)
  else if (type === 'long') g.body.push(`if ((${v} > 9007199254740991 || ${v} < -9007199254740991)${valid}) throw 2;`, `${v} += 0;`);
  else g.body.push(`if (${v} - ${v} !== 0${valid}) throw 3;`);
  return { kind: 'num', type, v, n };
}

function comparison(op: string, l: Value, r: Value, g: Gen): Value | null {
  const [lt, eq, gt] = CMP[op];
  const k = g.local();
  // keyword column against a keyword constant: one result per dictionary entry, looked up by code
  if ((l.kind === 'dict' && r.kind === 'str') || (l.kind === 'str' && r.kind === 'dict')) {
    const d = (l.kind === 'dict' ? l : r) as Extract<Value, { kind: 'dict' }>;
    const s = (l.kind === 'str' ? l : r) as Extract<Value, { kind: 'str' }>;
    if (s.value === null) return { kind: 'bool', b: '2' };
    const table = new Uint8Array(d.dict.length);
    for (let c = 0; c < table.length; c++) {
      const cmp = l.kind === 'dict' ? compareUtf8(String(d.dict[c]), s.value) : compareUtf8(s.value, String(d.dict[c]));
      table[c] = cmp < 0 ? lt : cmp > 0 ? gt : eq;
    }
    const t = g.arg(table);
    g.body.push(`const c${k} = ${d.codes}[i];`, `const b${k} = c${k} < 0 ? 2 : ${t}[c${k}];`);
    return { kind: 'bool', b: `b${k}` };
  }
  // (a string compared with a date is already a date constant in the typed tree)
  const nl = asNumber(l), nr = asNumber(r);
  if (!nl || !nr) return null;
  const fl = family(l), fr = family(r);
  if (!fl || fl !== fr || ((l.kind === 'num' && l.type === 'date') !== (r.kind === 'num' && r.type === 'date'))) return null;
  const nulls = [nl.n, nr.n].filter((x) => x !== null);
  const test = `+(${nl.v} ${CMP_JS[op]} ${nr.v})`;
  // null (1) gives 2, else the test's 0 / 1: (test & ~null) | null << 1, without a branch
  g.body.push(nulls.length ? `const n${k} = ${nulls.join(' | ')};` : '', `const b${k} = ${nulls.length ? `(${test} & (n${k} ^ 1)) | (n${k} << 1)` : test};`);
  return { kind: 'bool', b: `b${k}` };
}

function family(v: Value): 'number' | 'boolean' | null {
  if (v.kind === 'bool') return 'boolean';
  if (v.kind === 'num') return v.type === 'boolean' ? 'boolean' : 'number';
  return null;
}

/** Booleans compare as 0 / 1 with 2 read as null (the node-by-node path's numView). */
function asNumber(v: Value | null): { v: string; n: string | null } | null {
  if (!v) return null;
  if (v.kind === 'num') return v;
  if (v.kind === 'bool') return { v: v.b, n: v.b === '2' ? '1' : v.b === '0' || v.b === '1' ? null : `+(${v.b} === 2)` };
  return null;
}
