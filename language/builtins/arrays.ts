// Array built-ins. They never modify their arguments (`SET a = ARRAY_APPEND(a, x)` is done in place by the
// compiler). Higher-order ones take a lambda `(x) => expr`, or a property name and value to match documents.
import type { BuiltinDef, CallContext } from './registry';
import { Value, FunctionValue, isDoc, equals, compare, toText, typeOf } from '../values';
import { ScriptError } from '../errors';
import { addNumeric, isNumeric } from '../long-integers';
import { after, argError, arr, eachMaybeAsync, int, str } from './core';
import { ensureArrayFits, joinWithin } from '../limits';

const A = 'array';

function prop(v: Value, name: string): Value {
  if (isDoc(v)) return Object.prototype.hasOwnProperty.call(v, name) ? v[name] : null;
  if (v instanceof Map) return v.get(name) ?? null;
  return null;
}

/** A predicate from either a lambda or a (property, value) pair. */
function predicate(fn: string, args: Value[], ctx: CallContext): (x: Value, i: number) => Value | Promise<Value> {
  const p = args[1];
  if (p instanceof FunctionValue) return (x, i) => ctx.call(p, p.arity >= 2 ? [x, i] : [x]);
  if (typeof p === 'string') {
    if (args.length < 3) argError(fn, 'a property name needs a value to compare with');
    const value = args[2];
    return (x) => equals(prop(x, p), value);
  }
  return argError(fn, `second argument must be a lambda or a property name, got ${typeOf(p)}`);
}

function truthy(fn: string, v: Value): boolean {
  if (v === true) return true;
  if (v === false || v === null) return false;
  throw new ScriptError('type_error', `${fn}: the predicate must return a BOOLEAN, got ${typeOf(v)}`);
}

const pred = [{ name: 'array', type: 'ARRAY' }, { name: 'predicate_or_property', type: 'FUNCTION|STRING' }, { name: 'value', type: 'ANY', optional: true }];

function sortValues(fn: string, a: Value, b: Value): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const c = compare(a, b);
  if (c === undefined) throw new ScriptError('type_error', `${fn}: cannot order ${typeOf(a)} and ${typeOf(b)}`);
  return c;
}

export const arrayBuiltins: BuiltinDef[] = [
  { name: 'ARRAY_LENGTH', category: A, params: [{ name: 'array', type: 'ARRAY' }], returns: 'NUMBER', doc: 'Number of elements of array.',
    impl: ([a]) => (a === null ? null : arr('ARRAY_LENGTH', a, 'array').length) },
  { name: 'ARRAY_APPEND', category: A, params: [{ name: 'array', type: 'ARRAY' }, { name: 'elements', type: 'ANY', variadic: true }], returns: 'ARRAY',
    doc: 'A new array: array followed by the elements.',
    impl: ([a, ...vs]) => [...(a === null ? [] : arr('ARRAY_APPEND', a, 'array')), ...vs] },
  { name: 'ARRAY_PREPEND', category: A, params: [{ name: 'array', type: 'ARRAY' }, { name: 'element', type: 'ANY' }], returns: 'ARRAY',
    doc: 'A new array: element followed by array.',
    impl: ([a, v]) => [v, ...(a === null ? [] : arr('ARRAY_PREPEND', a, 'array'))] },
  { name: 'ARRAY_REMOVE', category: A, params: [{ name: 'array', type: 'ARRAY' }, { name: 'element', type: 'ANY' }], returns: 'ARRAY',
    doc: 'A new array without any element equal to element.',
    impl: ([a, v]) => (a === null ? null : arr('ARRAY_REMOVE', a, 'array').filter((x) => !equals(x, v))) },
  { name: 'ARRAY_CONTAINS', category: A, params: [{ name: 'array', type: 'ARRAY' }, { name: 'element', type: 'ANY' }], returns: 'BOOLEAN',
    doc: 'TRUE when some element of array equals element.',
    impl: ([a, v]) => (a === null ? false : arr('ARRAY_CONTAINS', a, 'array').some((x) => equals(x, v))) },
  { name: 'ARRAY_DISTINCT', category: A, params: [{ name: 'array', type: 'ARRAY' }], returns: 'ARRAY',
    doc: 'A new array without duplicates, keeping first occurrences in order.',
    impl: ([a]) => {
      if (a === null) return null;
      const out: Value[] = [];
      for (const x of arr('ARRAY_DISTINCT', a, 'array')) if (!out.some((y) => equals(x, y))) out.push(x);
      return out;
    } },
  { name: 'ARRAY_JOIN', category: A, params: [{ name: 'array', type: 'ARRAY' }, { name: 'delimiter', type: 'STRING', optional: true }], returns: 'STRING',
    doc: "The text of the elements joined with delimiter (default ',').",
    impl: ([a, d]) => (a === null ? null : joinWithin('ARRAY_JOIN', arr('ARRAY_JOIN', a, 'array').map(toText), d === undefined || d === null ? ',' : str('ARRAY_JOIN', d, 'delimiter'))) },
  { name: 'ARRAY_FLATTEN', category: A, params: [{ name: 'array', type: 'ARRAY' }], returns: 'ARRAY',
    doc: 'A new array with nested arrays flattened by one level.',
    impl: ([a]) => {
      if (a === null) return null;
      const items = arr('ARRAY_FLATTEN', a, 'array');
      ensureArrayFits('ARRAY_FLATTEN', items.reduce((n: number, x) => n + (Array.isArray(x) ? x.length : 1), 0));
      return items.flatMap((x) => (Array.isArray(x) ? x : [x]));
    } },
  { name: 'ARRAY_REVERSE', category: A, params: [{ name: 'array', type: 'ARRAY' }], returns: 'ARRAY',
    doc: 'A new array with the elements in reverse order.',
    impl: ([a]) => (a === null ? null : [...arr('ARRAY_REVERSE', a, 'array')].reverse()) },
  { name: 'ARRAY_SLICE', category: A, params: [{ name: 'array', type: 'ARRAY' }, { name: 'start', type: 'NUMBER' }, { name: 'end', type: 'NUMBER', optional: true }], returns: 'ARRAY',
    doc: 'Elements from index start (0-based, inclusive) to end (exclusive; default the end). Negative indexes count from the end.',
    impl: ([a, s, e]) => (a === null ? null : arr('ARRAY_SLICE', a, 'array').slice(int('ARRAY_SLICE', s, 'start'), e === undefined || e === null ? undefined : int('ARRAY_SLICE', e, 'end'))) },
  { name: 'ARRAY_MAP', category: A, params: [{ name: 'array', type: 'ARRAY' }, { name: 'mapper_or_property', type: 'FUNCTION|STRING' }], returns: 'ARRAY',
    doc: 'A new array of mapper(x) for each element (or of the named property of each document).',
    impl: ([a, m], ctx) => {
      if (a === null) return null;
      const items = arr('ARRAY_MAP', a, 'array');
      if (typeof m === 'string') return items.map((x) => prop(x, m));
      if (!(m instanceof FunctionValue)) argError('ARRAY_MAP', `second argument must be a lambda or a property name, got ${typeOf(m)}`);
      const out: Value[] = new Array(items.length);
      const fn = m;
      return after(eachMaybeAsync(items, (x, i) => ctx.call(fn, fn.arity >= 2 ? [x, i] : [x]), (v, i) => { out[i] = v; }), () => out);
    } },
  { name: 'ARRAY_FILTER', category: A, params: pred, returns: 'ARRAY',
    doc: 'The elements for which the lambda returns TRUE (or whose property equals value).',
    impl: (args, ctx) => {
      if (args[0] === null) return null;
      const items = arr('ARRAY_FILTER', args[0], 'array');
      const test = predicate('ARRAY_FILTER', args, ctx);
      const out: Value[] = [];
      return after(eachMaybeAsync(items, test, (v, i) => { if (truthy('ARRAY_FILTER', v)) out.push(items[i]); }), () => out);
    } },
  { name: 'ARRAY_FILTER_BY', category: A, params: [{ name: 'array', type: 'ARRAY' }, { name: 'property', type: 'STRING' }, { name: 'value', type: 'ANY' }], returns: 'ARRAY',
    doc: 'The documents of array whose property equals value.',
    impl: ([a, p, v]) => (a === null ? null : arr('ARRAY_FILTER_BY', a, 'array').filter((x) => equals(prop(x, str('ARRAY_FILTER_BY', p, 'property')), v))) },
  { name: 'ARRAY_REDUCE', category: A,
    params: [{ name: 'array', type: 'ARRAY' }, { name: 'reducer_or_initial', type: 'ANY' }, { name: 'initial', type: 'ANY', optional: true }], returns: 'ANY',
    doc: 'Folds array with reducer(acc, x) from initial; with no lambda, adds numbers (or joins strings) onto the initial value.',
    impl: ([a, r, init], ctx) => {
      if (a === null) return null;
      const items = arr('ARRAY_REDUCE', a, 'array');
      if (r instanceof FunctionValue) {
        let acc: Value = init === undefined ? null : init;
        let start = 0;
        if (init === undefined && items.length > 0) { acc = items[0]; start = 1; }
        const rest = items.slice(start);
        return after(eachMaybeAsync(rest, (x) => ctx.call(r, [acc, x]), (v) => { acc = v; }), () => acc);
      }
      let acc: Value = r;
      for (const x of items) {
        if (isNumeric(acc) && isNumeric(x)) acc = addNumeric(acc, x);
        else if (acc === null) acc = x;
        else acc = toText(acc) + toText(x);
      }
      return acc;
    } },
  { name: 'ARRAY_FIND', category: A, params: pred, returns: 'ANY',
    doc: 'The first element for which the lambda returns TRUE (or whose property equals value), else NULL.',
    impl: (args, ctx) => {
      if (args[0] === null) return null;
      const items = arr('ARRAY_FIND', args[0], 'array');
      let found: Value = null;
      return after(eachMaybeAsync(items, predicate('ARRAY_FIND', args, ctx), (v, i) => {
        if (truthy('ARRAY_FIND', v)) { found = items[i]; return false; }
        return true;
      }), () => found);
    } },
  { name: 'ARRAY_FIND_INDEX', category: A, params: pred, returns: 'NUMBER',
    doc: 'The index (0-based) of the first matching element, -1 when none.',
    impl: (args, ctx) => {
      if (args[0] === null) return -1;
      const items = arr('ARRAY_FIND_INDEX', args[0], 'array');
      let found = -1;
      return after(eachMaybeAsync(items, predicate('ARRAY_FIND_INDEX', args, ctx), (v, i) => {
        if (truthy('ARRAY_FIND_INDEX', v)) { found = i; return false; }
        return true;
      }), () => found);
    } },
  { name: 'ARRAY_EVERY', category: A, params: pred, returns: 'BOOLEAN',
    doc: 'TRUE when every element matches (lambda or property = value); TRUE for an empty array.',
    impl: (args, ctx) => {
      if (args[0] === null) return true;
      let all = true;
      return after(eachMaybeAsync(arr('ARRAY_EVERY', args[0], 'array'), predicate('ARRAY_EVERY', args, ctx), (v) => {
        if (!truthy('ARRAY_EVERY', v)) { all = false; return false; }
        return true;
      }), () => all);
    } },
  { name: 'ARRAY_SOME', category: A, params: pred, returns: 'BOOLEAN',
    doc: 'TRUE when at least one element matches (lambda or property = value).',
    impl: (args, ctx) => {
      if (args[0] === null) return false;
      let any = false;
      return after(eachMaybeAsync(arr('ARRAY_SOME', args[0], 'array'), predicate('ARRAY_SOME', args, ctx), (v) => {
        if (truthy('ARRAY_SOME', v)) { any = true; return false; }
        return true;
      }), () => any);
    } },
  { name: 'ARRAY_SORT', category: A,
    params: [{ name: 'array', type: 'ARRAY' }, { name: 'property', type: 'STRING', optional: true }, { name: 'direction', type: 'STRING', optional: true }], returns: 'ARRAY',
    doc: "A new array sorted ascending (NULLs last), by the named property for documents; direction 'DESC' reverses the order.",
    impl: ([a, p, d]) => {
      if (a === null) return null;
      let key = (x: Value) => x;
      let dir: Value = d;
      if (typeof p === 'string' && (p.toUpperCase() === 'ASC' || p.toUpperCase() === 'DESC') && d === undefined) dir = p;
      else if (p !== undefined && p !== null) { const name = str('ARRAY_SORT', p, 'property'); key = (x) => prop(x, name); }
      const desc = typeof dir === 'string' && dir.toUpperCase() === 'DESC';
      const sorted = [...arr('ARRAY_SORT', a, 'array')].sort((x, y) => sortValues('ARRAY_SORT', key(x), key(y)));
      return desc ? sorted.reverse() : sorted;
    } },
];
