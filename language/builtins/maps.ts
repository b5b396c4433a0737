// MAP built-ins. A MAP is keyed by any value (documents are keyed by strings); functions return new maps.
import type { BuiltinDef } from './registry';
import { Value, equals } from '../values';
import { argError, arr, map } from './core';

const M = 'map';
const m1 = [{ name: 'map', type: 'MAP' }];

/** Keys compare by value (so 1 and 1.0, or equal strings, find the same entry). */
function findKey(m: Map<Value, Value>, key: Value): Value | undefined {
  if (m.has(key)) return key;
  if (typeof key !== 'object' || key === null) return undefined;
  for (const k of m.keys()) if (equals(k, key)) return k;
  return undefined;
}

export const mapBuiltins: BuiltinDef[] = [
  { name: 'MAP_GET', category: M, params: [{ name: 'map', type: 'MAP' }, { name: 'key', type: 'ANY' }], returns: 'ANY', doc: 'The value for key, NULL when absent.',
    impl: ([m, k]) => { if (m === null) return null; const mm = map('MAP_GET', m, 'map'); const key = findKey(mm, k); return key === undefined ? null : mm.get(key)!; } },
  { name: 'MAP_GET_OR_DEFAULT', category: M, params: [{ name: 'map', type: 'MAP' }, { name: 'key', type: 'ANY' }, { name: 'default_value', type: 'ANY' }],
    returns: 'ANY', doc: 'The value for key, or default_value when absent.',
    impl: ([m, k, d]) => { if (m === null) return d; const mm = map('MAP_GET_OR_DEFAULT', m, 'map'); const key = findKey(mm, k); return key === undefined ? d : mm.get(key)!; } },
  { name: 'MAP_PUT', category: M, params: [{ name: 'map', type: 'MAP' }, { name: 'key', type: 'ANY' }, { name: 'value', type: 'ANY' }], returns: 'MAP',
    doc: 'A new map with key set to value.',
    impl: ([m, k, v]) => { const out = new Map(m === null ? [] : map('MAP_PUT', m, 'map')); out.set(findKey(out, k) ?? k, v); return out; } },
  { name: 'MAP_REMOVE', category: M, params: [{ name: 'map', type: 'MAP' }, { name: 'key', type: 'ANY' }], returns: 'MAP', doc: 'A new map without key.',
    impl: ([m, k]) => { if (m === null) return null; const out = new Map(map('MAP_REMOVE', m, 'map')); const key = findKey(out, k); if (key !== undefined) out.delete(key); return out; } },
  { name: 'MAP_KEYS', category: M, params: m1, returns: 'ARRAY', doc: 'The keys of map, in insertion order.',
    impl: ([m]) => (m === null ? null : [...map('MAP_KEYS', m, 'map').keys()]) },
  { name: 'MAP_VALUES', category: M, params: m1, returns: 'ARRAY', doc: 'The values of map, in insertion order.',
    impl: ([m]) => (m === null ? null : [...map('MAP_VALUES', m, 'map').values()]) },
  { name: 'MAP_SIZE', category: M, params: m1, returns: 'NUMBER', doc: 'Number of entries of map.',
    impl: ([m]) => (m === null ? 0 : map('MAP_SIZE', m, 'map').size) },
  { name: 'MAP_CONTAINS_KEY', category: M, params: [{ name: 'map', type: 'MAP' }, { name: 'key', type: 'ANY' }], returns: 'BOOLEAN', doc: 'TRUE when map has key.',
    impl: ([m, k]) => (m === null ? false : findKey(map('MAP_CONTAINS_KEY', m, 'map'), k) !== undefined) },
  { name: 'MAP_CONTAINS_VALUE', category: M, params: [{ name: 'map', type: 'MAP' }, { name: 'value', type: 'ANY' }], returns: 'BOOLEAN', doc: 'TRUE when some entry of map has value.',
    impl: ([m, v]) => (m === null ? false : [...map('MAP_CONTAINS_VALUE', m, 'map').values()].some((x) => equals(x, v))) },
  { name: 'MAP_MERGE', category: M, params: [{ name: 'map1', type: 'MAP' }, { name: 'map2', type: 'MAP' }], returns: 'MAP',
    doc: 'A new map with the entries of map1 and map2 (map2 wins on conflicts).',
    impl: ([a, b]) => {
      const out = new Map(a === null ? [] : map('MAP_MERGE', a, 'map1'));
      if (b !== null) for (const [k, v] of map('MAP_MERGE', b, 'map2')) out.set(findKey(out, k) ?? k, v);
      return out;
    } },
  { name: 'MAP_FROM_ARRAYS', category: M, params: [{ name: 'keys', type: 'ARRAY' }, { name: 'values', type: 'ARRAY' }], returns: 'MAP',
    doc: 'A map pairing keys[i] with values[i] (both arrays of the same length).',
    impl: ([k, v]) => {
      const ks = arr('MAP_FROM_ARRAYS', k, 'keys');
      const vs = arr('MAP_FROM_ARRAYS', v, 'values');
      if (ks.length !== vs.length) argError('MAP_FROM_ARRAYS', `keys has ${ks.length} elements but values has ${vs.length}`);
      const out = new Map<Value, Value>();
      ks.forEach((key, i) => out.set(findKey(out, key) ?? key, vs[i]));
      return out;
    } },
  { name: 'MAP_ENTRIES', category: M, params: m1, returns: 'ARRAY', doc: "The entries of map as documents {'key': k, 'value': v}.",
    impl: ([m]) => (m === null ? null : [...map('MAP_ENTRIES', m, 'map')].map(([key, value]) => ({ key, value }))) },
];
