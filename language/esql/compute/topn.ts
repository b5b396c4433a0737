// SORT (and SORT + LIMIT as top-N) over a selection: positions ordered by their keys as the row engine's SORT
// orders rows — nulls first or last as asked (whatever the direction), strings in UTF-8 byte order, ties in
// input order (the sort is stable); a multivalue by its smallest value ascending, its largest descending.
import { DataType, isString } from '../types';
import { compareUtf8 } from '../../store/mapping';
import { Bail, Block, MultiValues, NULL_BOOL, Selection } from './blocks';

export interface SortKey {
  block: Block;
  type: DataType;
  desc: boolean;
  nullsFirst: boolean;
}

/** Ranks of a dictionary's entries in UTF-8 byte order, kept per dictionary while it does not grow. */
const rankCache = new WeakMap<readonly unknown[], { size: number; rank: Int32Array }>();

function ranks(dict: readonly unknown[]): Int32Array {
  const known = rankCache.get(dict);
  if (known && known.size === dict.length) return known.rank;
  const order = dict.map((_d, i) => i).sort((a, b) => compareUtf8(String(dict[a]), String(dict[b])));
  const rank = new Int32Array(dict.length);
  // Equal strings cannot repeat in a dictionary, so ranks are distinct.
  order.forEach((d, r) => { rank[d] = r; });
  rankCache.set(dict, { size: dict.length, rank });
  return rank;
}

/** Each key as (isNull, number) readers: strings by rank, booleans as 0/1. */
function keyReader(k: SortKey): { isNull: (i: number) => boolean; num: (i: number) => number } {
  const b = k.block;
  switch (b.kind) {
    case 'number': {
      const nulls = b.nulls;
      const v = b.values;
      if (b.mv) return { isNull: nulls ? (i) => nulls[i] === 1 : () => false, num: multiKey(b.mv, (x) => x, k.desc) };
      return { isNull: nulls ? (i) => nulls[i] === 1 : () => false, num: (i) => v[i] };
    }
    case 'dict': {
      if (!isString(k.type)) throw new Bail(`sorting ${k.type} values`);
      const rank = ranks(b.dict);
      if (b.mv) return { isNull: (i) => b.codes[i] < 0, num: multiKey(b.mv, (c) => rank[c], k.desc) };
      return { isNull: (i) => b.codes[i] < 0, num: (i) => rank[b.codes[i]] };
    }
    case 'bool': return { isNull: (i) => b.values[i] === NULL_BOOL, num: (i) => b.values[i] };
    case 'const': return { isNull: () => b.value === null, num: () => 0 };
  }
}

/** A multivalue sorts by its smallest value ascending and its largest descending, as the row engine's SORT. */
function multiKey(mv: MultiValues<Float64Array | Int32Array>, num: (v: number) => number, desc: boolean): (i: number) => number {
  const { first, values } = mv;
  return (i) => {
    let best = num(values[first[i]]);
    for (let j = first[i] + 1, end = first[i + 1]; j < end; j++) {
      const x = num(values[j]);
      if (desc ? x > best : x < best) best = x;
    }
    return best;
  };
}

function comparator(keys: SortKey[], seq: Int32Array): (a: number, b: number) => number {
  const readers = keys.map(keyReader);
  return (a, b) => {
    // a and b index the selection; ties keep selection order.
    for (let k = 0; k < keys.length; k++) {
      const r = readers[k];
      const pa = seq[a], pb = seq[b];
      const na = r.isNull(pa), nb = r.isNull(pb);
      if (na || nb) {
        if (na === nb) continue;
        return na === keys[k].nullsFirst ? -1 : 1;
      }
      const x = r.num(pa), y = r.num(pb);
      if (x !== y) {
        const c = x < y ? -1 : 1;
        return keys[k].desc ? -c : c;
      }
    }
    return a - b;
  };
}

/** The selection sorted by the keys, cut to the first `limit` (top-N with a bounded heap when it is small). */
export function sortSelection(sel: Selection, keys: SortKey[], limit: number): Selection {
  const cmp = comparator(keys, sel);
  const n = sel.length;
  let picked: number[];
  if (limit >= n || limit > 4096) {
    picked = Array.from({ length: n }, (_v, i) => i);
    picked.sort(cmp);
    if (limit < n) picked.length = limit;
  } else {
    picked = topIndices(n, limit, cmp);
  }
  const out = new Int32Array(picked.length);
  for (let i = 0; i < picked.length; i++) out[i] = sel[picked[i]];
  return out;
}

/** The `limit` smallest of 0..n-1 under cmp, in order: a max-heap holds the best so far. */
function topIndices(n: number, limit: number, cmp: (a: number, b: number) => number): number[] {
  const heap: number[] = [];
  if (limit <= 0) return heap;
  const swap = (i: number, j: number): void => { const t = heap[i]; heap[i] = heap[j]; heap[j] = t; };
  for (let x = 0; x < n; x++) {
    if (heap.length < limit) {
      heap.push(x);
      let i = heap.length - 1;
      while (i > 0) { const p = (i - 1) >> 1; if (cmp(heap[i], heap[p]) <= 0) break; swap(i, p); i = p; }
      continue;
    }
    if (cmp(x, heap[0]) >= 0) continue;
    heap[0] = x;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && cmp(heap[l], heap[m]) > 0) m = l;
      if (r < heap.length && cmp(heap[r], heap[m]) > 0) m = r;
      if (m === i) break;
      swap(i, m); i = m;
    }
  }
  return heap.sort(cmp);
}
