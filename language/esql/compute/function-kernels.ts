// Specialised loops for the functions where the bench shows the row compiler's closure per row costs most:
// LIKE with `*` wildcards (string search instead of a regular expression, once per dictionary entry),
// DATE_TRUNC by a fixed interval (one division per row), ROUND of doubles, CASE. Each runs over its arguments'
// blocks, whose nodes never record warnings (they stop the run instead); a position holding a multivalue, or
// any value outside the fast case, is left to the general closure (functions.ts), so answers and warnings stay
// the row engine's.
import { TypedExpr } from '../plan/typed';
import { DataType, Duration, Period, isString } from '../types';
import { roundHalfUp } from '../functions/common';
import { Block, FALSE, NULL_BOOL, NumberBlock, Selection, TRUE, multiAt, valueAt } from './blocks';
import { VecContext, VecExpr, boolView, compileVector } from './expressions';
import type { BlockWriter } from './function-blocks';

/**
 * A faster node for `e` than the general closure `general`, or null. `writer` is the general closure's: a
 * dictionary output shares its dictionary, so that pages run either way gather into one block.
 */
export function specialise(e: TypedExpr, ctx: VecContext, type: DataType, general: VecExpr, writer: BlockWriter): VecExpr | null {
  // Arguments are compiled without sinks: their nodes cannot warn, so evaluating them for every row is safe.
  const sub: VecContext = { ...ctx, sinks: undefined };
  if (e.kind === 'like' && !e.rlike) return like(e, sub, general);
  if (e.kind !== 'call') return null;
  switch (ctx.scratch.env.registry.lookup(e.name)?.name) {
    case 'date_trunc': return dateTrunc(e, sub, type, general);
    case 'round': return round(e, sub, type, general);
    case 'case': return caseOf(e, sub, type, general, writer);
    default: return null;
  }
}

/** `fast`'s block, or the general closure's where `fast` gives null (a multivalue, a value it leaves). */
function withFallback(type: DataType, general: VecExpr, fast: (sel: Selection) => Block | null): VecExpr {
  return {
    type,
    eval: (sel) => fast(sel) ?? general.eval(sel),
    evalValues: (sel) => fast(sel) ?? (general.evalValues ?? general.eval)(sel),
  };
}

/** An argument's block when no selected position holds several values, else null. */
function single(arg: VecExpr, sel: Selection): Block | null {
  const b = arg.evalValues ? arg.evalValues(sel) : arg.eval(sel);
  return multiAt(b, sel) ? null : b;
}

/** The analyser's folded value of `e` (the typed tree's), or null. */
function constantOf(e: TypedExpr): { value: unknown } | null {
  return e.constant ?? null;
}

// ---- LIKE ----------------------------------------------------------------------------------------------

/** A LIKE pattern made of literal pieces and `*` only, as a test without a regular expression. */
function globTest(pattern: string): ((s: string) => boolean) | null {
  if (pattern.includes('\\') || pattern.includes('?') || pattern === '*') return null;
  const pieces = pattern.split('*');
  if (pieces.length === 1) return (s) => s === pattern;
  const head = pieces[0], tail = pieces[pieces.length - 1], middle = pieces.slice(1, -1).filter((p) => p);
  const min = pieces.reduce((a, p) => a + p.length, 0);
  if (middle.length === 0 && head === '' && tail !== '') return (s) => s.endsWith(tail);
  if (middle.length === 0 && tail === '' && head !== '') return (s) => s.startsWith(head);
  if (middle.length === 1 && head === '' && tail === '') { const m = middle[0]; return (s) => s.includes(m); }
  return (s) => {
    if (s.length < min || !s.startsWith(head) || !s.endsWith(tail)) return false;
    let at = head.length;
    const end = s.length - tail.length;
    for (const p of middle) {
      const i = s.indexOf(p, at);
      if (i < 0 || i + p.length > end) return false;
      at = i + p.length;
    }
    return true;
  };
}

function like(e: TypedExpr & { kind: 'like' }, ctx: VecContext, general: VecExpr): VecExpr | null {
  const tests: ((s: string) => boolean)[] = [];
  for (const p of e.patterns) {
    const c = constantOf(p);
    const t = c && typeof c.value === 'string' ? globTest(c.value) : null;
    if (!t) return null;
    tests.push(t);
  }
  const arg = compileVector(e.arg, ctx);
  if (!arg || !isString(arg.type)) return null;
  const [hit, miss] = e.negated ? [FALSE, TRUE] : [TRUE, FALSE];
  const matches = (s: string): number => (tests.some((t) => t(s)) ? hit : miss);
  let buf: Uint8Array | null = null;
  // Per dictionary entry: the result plus one, 0 until a selected row holds it.
  let dict: readonly unknown[] | null = null;
  let table = new Uint8Array(0);
  return withFallback('boolean', general, (sel) => {
    const b = single(arg, sel);
    if (!b || (b.kind !== 'dict' && b.kind !== 'const')) return null;
    if (b.kind === 'const') return { kind: 'const', value: b.value === null ? null : matches(String(b.value)) === TRUE };
    const out = (buf ??= new Uint8Array(ctx.n));
    if (b.dict !== dict || b.dict.length > table.length) {
      // A computed column's dictionary grows in place: what was tested stays.
      const grown = new Uint8Array(b.dict.length);
      if (b.dict === dict) grown.set(table);
      dict = b.dict;
      table = grown;
    }
    likeLoop(b.codes, b.dict, sel, table, out, matches);
    return { kind: 'bool', values: out };
  });
}

function likeLoop(codes: Int32Array, dict: readonly unknown[], sel: Selection, table: Uint8Array, out: Uint8Array,
  matches: (s: string) => number): void {
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
    const i = sel[k];
    const c = codes[i];
    if (c < 0) { out[i] = NULL_BOOL; continue; }
    let r = table[c];
    if (r === 0) r = table[c] = matches(String(dict[c])) + 1;
    out[i] = r - 1;
  }
}

// ---- DATE_TRUNC ----------------------------------------------------------------------------------------

function dateTrunc(e: TypedExpr & { kind: 'call' }, ctx: VecContext, type: DataType, general: VecExpr): VecExpr | null {
  if (e.args.length !== 2 || type !== 'date' || ctx.scratch.env.timeZone !== undefined) return null;
  // DATE_TRUNC(interval, date), or the older (date, interval) order.
  let interval = constantOf(e.args[0])?.value as Duration | Period | undefined;
  let dateArg = e.args[1];
  if (!interval || typeof interval !== 'object') { interval = constantOf(e.args[1])?.value as Duration | Period | undefined; dateArg = e.args[0]; }
  if (!interval || typeof interval !== 'object') return null;
  // A fixed length: durations, and periods of whole days other than weeks (which start on Mondays).
  const unit = interval.kind === 'duration' ? interval.ms : interval.months === 0 && interval.days !== 7 ? interval.days * 86400000 : 0;
  if (!(unit > 0)) return null;
  const arg = compileVector(dateArg, ctx);
  if (!arg || arg.type !== 'date') return null;
  return numberKernel(type, general, arg, ctx.n, ({ values: src }, out, sel) => {
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; out[i] = Math.floor(src[i] / unit) * unit; }
  }, unit);
}

/**
 * A node mapping one number argument to a number block (nulls stay nulls) with `loop`, its own tight loop, or
 * the general closure when the argument is not a number block of single values.
 */
function numberKernel(type: DataType, general: VecExpr, arg: VecExpr, n: number,
  loop: (src: NumberBlock, out: Float64Array, sel: Selection) => void, step?: number): VecExpr {
  let values: Float64Array | null = null;
  return withFallback(type, general, (sel) => {
    const b = single(arg, sel);
    if (!b || b.kind !== 'number') return null;
    const out = (values ??= new Float64Array(n));
    loop(b, out, sel);
    return { kind: 'number', values: out, nulls: b.nulls, step } as NumberBlock;
  });
}

// ---- ROUND ---------------------------------------------------------------------------------------------

/**
 * ROUND(x, d) of a double, half away from zero on the shortest decimal form (roundHalfUp) without making that
 * form: x * 10^d is rounded in binary where it is clearly away from a half, and the whole number divided by
 * 10^d is the same double as the decimal text parsed (both are the nearest double to one rational). Near a
 * half, or beyond 2^52, roundHalfUp decides.
 */
export function roundDouble(x: number, d: number, f: number): number {
  const a = x < 0 ? -x : x;
  const y = a * f;
  if (!(y < 4503599627370496) || x === 0) return roundHalfUp(x, d);
  const whole = Math.floor(y);
  const frac = y - whole;
  const off = frac - 0.5;
  if ((off < 0 ? -off : off) <= y * 1e-12 + 1e-9) return roundHalfUp(x, d);
  const r = (frac > 0.5 ? whole + 1 : whole) / f;
  return x < 0 ? -r : r;
}

function round(e: TypedExpr & { kind: 'call' }, ctx: VecContext, type: DataType, general: VecExpr): VecExpr | null {
  if (type !== 'double' || e.args.length < 1 || e.args.length > 2) return null;
  const d = e.args.length === 2 ? constantOf(e.args[1])?.value : 0;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 15) return null;
  const f = 10 ** d;
  const arg = compileVector(e.args[0], ctx);
  if (!arg || arg.type !== 'double') return null;
  return numberKernel(type, general, arg, ctx.n, ({ values: src, nulls }, out, sel) => {
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
      const i = sel[k];
      if (!(nulls && nulls[i])) out[i] = roundDouble(src[i], d, f);
    }
  });
}

// ---- CASE ----------------------------------------------------------------------------------------------

/**
 * CASE over blocks: every condition is evaluated for every row (the row engine stops at the first true one,
 * which only matters for warnings, and these nodes have none), then each row takes its arm's value.
 */
function caseOf(e: TypedExpr & { kind: 'call' }, ctx: VecContext, type: DataType, general: VecExpr, writer: BlockWriter): VecExpr | null {
  if (e.args.length < 2) return null;
  const conds: VecExpr[] = [];
  const values: VecExpr[] = [];
  for (let i = 0; i < e.args.length; i++) {
    const c = compileVector(e.args[i], ctx);
    if (!c) return null;
    const isCond = i % 2 === 0 && i + 1 < e.args.length;
    if (isCond) { if (c.type !== 'boolean') return null; conds.push(c); }
    else values.push(c);
  }
  const hasElse = values.length > conds.length;
  const boolean = type === 'boolean';
  let arms: Uint8Array | null = null;
  if (conds.length > 254) return null;
  return withFallback(type, general, (sel) => {
    const cb: Block[] = [];
    for (const c of conds) { const b = single(c, sel); if (!b) return null; cb.push(b); }
    const vb: Block[] = [];
    for (const v of values) { const b = single(v, sel); if (!b) return null; vb.push(b); }
    writer.begin();
    if (!hasElse) vb.push({ kind: 'const', value: null });
    // A constant arm of a string CASE is looked up in the output dictionary once, not per row.
    const constCodes = vb.map((b) => (b.kind === 'const' && writer.codes ? writer.codeOf(b.value) : -2));
    const arm = (arms ??= new Uint8Array(ctx.n));
    // Each row's arm: the else arm, then every condition from the last to the first, so the first true wins.
    fillArm(arm, sel, cb.length);
    for (let j = cb.length - 1; j >= 0; j--) markArm(arm, sel, cb[j], j);
    const outs = writer.codes;
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
      const i = sel[k];
      const a = arm[i];
      const code = constCodes[a];
      if (code > -2) outs![i] = code;
      else writer.write(i, valueAt(vb[a], i, boolean));
    }
    return writer.finish(sel);
  });
}

function fillArm(arm: Uint8Array, sel: Selection, value: number): void {
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) arm[sel[k]] = value;
}

function markArm(arm: Uint8Array, sel: Selection, cond: Block, j: number): void {
  if (cond.kind === 'bool') {
    const v = cond.values;
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; const t = +(v[i] === TRUE); arm[i] = t * j + (1 - t) * arm[i]; }
    return;
  }
  const read = boolView(cond);
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const i = sel[k]; if (read(i) === TRUE) arm[i] = j; }
}
