// Hash aggregation over blocks: each selected row gets a group id (dictionary codes and bucketed or small-range
// numbers index arrays directly; other numbers go through a Map), then COUNT / SUM / AVG / MIN / MAX accumulate
// into per-group typed arrays. Results equal the row engine's: first-appearance group order (null group first,
// false before true for one boolean key), Kahan sums of doubles in row order, exact whole-number sums.
// Multivalues as the row engine reads them: an aggregate takes every value, a row joins each of its keys' groups.
import { DataType, isString } from '../types';
import { compareUtf8 } from '../../store/mapping';
import { Bail, Block, DictBlock, MultiValues, NULL_BOOL, NumberBlock, Selection, multiAt, valueAt } from './blocks';
import { nullTest } from './expressions';
import type { Steps } from './slices';

export type AggFn = 'count_star' | 'count' | 'sum' | 'avg' | 'min' | 'max';

export interface AggInput {
  fn: AggFn;
  /** The argument's block and type (absent for COUNT(*)). */
  block?: Block;
  argType?: DataType;
}

export interface GroupInput {
  block: Block;
  type: DataType;
}

export interface Grouped {
  /** Per group: its key values. */
  keys: unknown[][];
  /** Per group: each aggregate's result. */
  results: unknown[][];
}

const DENSE_LIMIT = 1 << 22;

/** Group ids from dictionary codes: returns the slots (code + 1, 0 for null) in first-appearance order. */
function dictIds(codes: Int32Array, sel: Selection, table: Int32Array, ids: Int32Array): number[] {
  const order: number[] = [];
  for (let k = 0, m = sel.length; k < m; k++) {
    const slot = codes[sel[k]] + 1;
    let id = table[slot];
    if (id < 0) { id = table[slot] = order.length; order.push(slot); }
    ids[k] = id;
  }
  return order;
}

/** One key's group ids: one per selected row, or (`starts`) row k's ids at ids[starts[k]..starts[k+1]). */
interface KeyIds { ids: Int32Array; values: unknown[]; starts?: Int32Array }

/**
 * Group ids of a key whose rows may hold multivalues: a row joins the group of each of its distinct values
 * (in stored order), a null row the null group, as the row engine's STATS does.
 */
function multiKeyIds(b: NumberBlock | DictBlock, mv: MultiValues<Float64Array | Int32Array>, sel: Selection, boolean: boolean): KeyIds {
  const { first, values: all } = mv;
  let total = 0;
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) total += Math.max(1, first[sel[k] + 1] - first[sel[k]]);
  const starts = new Int32Array(sel.length + 1);
  const ids = new Int32Array(total);
  const values: unknown[] = [];
  // Dictionary codes index a table; numbers go through a Map.
  const table = b.kind === 'dict' ? new Int32Array(b.dict.length).fill(-1) : null;
  const byValue = new Map<number, number>();
  let nullId = -1;
  let m = 0;
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
    const p = sel[k];
    const rowStart = starts[k] = m;
    const from = first[p], to = first[p + 1];
    if (from === to) {
      if (nullId < 0) { nullId = values.length; values.push(null); }
      ids[m++] = nullId;
      continue;
    }
    for (let j = from; j < to; j++) {
      const v = all[j];
      let id = table ? table[v] : byValue.get(v) ?? -1;
      if (id < 0) {
        id = values.length;
        if (table) table[v] = id; else byValue.set(v, id);
        values.push(b.kind === 'dict' ? b.dict[v] : boolean ? v === 1 : v);
      }
      let seen = false;
      for (let x = rowStart; x < m && !seen; x++) seen = ids[x] === id;
      if (!seen) ids[m++] = id;
    }
  }
  starts[sel.length] = m;
  return { ids: ids.subarray(0, m), values, starts };
}

/** Group ids of one key for each selected row, and each id's key value, in first-appearance order. */
function keyIds(g: GroupInput, sel: Selection): KeyIds {
  const ids = new Int32Array(sel.length);
  const values: unknown[] = [];
  const b = g.block;
  const boolean = g.type === 'boolean';
  if ((b.kind === 'number' || b.kind === 'dict') && b.mv && multiAt(b, sel)) return multiKeyIds(b, b.mv, sel, boolean);
  let nullId = -1;
  const nullGroup = (): number => {
    if (nullId < 0) { nullId = values.length; values.push(null); }
    return nullId;
  };
  switch (b.kind) {
    case 'const': {
      values.push(b.value);
      return { ids, values };
    }
    case 'dict': {
      // Slot 0 is the null group, slot c + 1 the code c.
      const table = new Int32Array(b.dict.length + 1).fill(-1);
      const order = dictIds(b.codes, sel, table, ids);
      for (let j = 0; j < order.length; j++) values.push(order[j] === 0 ? null : b.dict[order[j] - 1]);
      return { ids, values };
    }
    case 'bool': {
      const table = new Int32Array(3).fill(-1);
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const v = b.values[sel[k]];
        let id = table[v];
        if (id < 0) { id = table[v] = values.length; values.push(v === NULL_BOOL ? null : v === 1); }
        ids[k] = id;
      }
      return { ids, values };
    }
    case 'number': {
      const { values: nums, nulls } = b;
      let min = Infinity, max = -Infinity, whole = true;
      const step = b.step ?? 1;
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const i = sel[k];
        if (nulls && nulls[i]) continue;
        const v = nums[i];
        if (v < min) min = v;
        if (v > max) max = v;
        if (whole && !Number.isInteger(v / step)) whole = false;
      }
      const span = (max - min) / step;
      // (no non-null value selected: span is -Infinity and the Map below serves)
      if (whole && span >= 0 && span < DENSE_LIMIT) {
        const table = new Int32Array(span + 1).fill(-1);
        for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
          const i = sel[k];
          if (nulls && nulls[i]) { ids[k] = nullGroup(); continue; }
          const v = nums[i];
          const slot = Math.round((v - min) / step);
          let id = table[slot];
          if (id < 0) { id = table[slot] = values.length; values.push(boolean ? v === 1 : v); }
          ids[k] = id;
        }
        return { ids, values };
      }
      const map = new Map<number, number>();
      for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
        const i = sel[k];
        if (nulls && nulls[i]) { ids[k] = nullGroup(); continue; }
        const v = nums[i];
        let id = map.get(v);
        if (id === undefined) { id = values.length; map.set(v, id); values.push(boolean ? v === 1 : v); }
        ids[k] = id;
      }
      return { ids, values };
    }
  }
}

/**
 * Group id of each selected row over all keys, and each group's key values; yields between passes (slices.ts).
 * With multivalued keys a row is in several groups: `sel` then repeats it, once per group (`ids[k]` is the
 * group of `sel[k]`).
 */
function* groupIds(groups: GroupInput[], sel: Selection): Steps<{ ids: Int32Array; keys: unknown[][]; sel: Selection }> {
  if (groups.length === 0) return { ids: new Int32Array(sel.length), keys: [[]], sel };
  const parts: KeyIds[] = [];
  for (const g of groups) {
    parts.push(keyIds(g, sel));
    yield;
  }
  if (parts.length === 1) {
    const { ids, values, starts } = parts[0];
    return { ids, keys: values.map((v) => [v]), sel: starts ? repeatRows(sel, starts) : sel };
  }
  let cardinality = 1;
  for (const p of parts) cardinality *= Math.max(1, p.values.length);
  if (cardinality > Number.MAX_SAFE_INTEGER) throw new Bail('too many key combinations');
  if (parts.some((p) => p.starts)) return expandedGroupIds(parts, sel);
  const ids = new Int32Array(sel.length);
  const keys: unknown[][] = [];
  // Few combinations (the usual case) index an array directly; many go through a Map.
  const table = cardinality <= Math.max(1 << 16, sel.length) ? new Int32Array(cardinality).fill(-1) : null;
  const map = new Map<number, number>();
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
    let code = 0;
    for (const p of parts) code = code * Math.max(1, p.values.length) + p.ids[k];
    let id = table ? table[code] : map.get(code) ?? -1;
    if (id < 0) {
      id = keys.length;
      if (table) table[code] = id; else map.set(code, id);
      keys.push(parts.map((p) => p.values[p.ids[k]]));
    }
    ids[k] = id;
  }
  return { ids, keys, sel };
}

/** Row k of `sel` once for each of its entries starts[k]..starts[k+1]. */
function repeatRows(sel: Selection, starts: Int32Array): Selection {
  const rows = new Int32Array(starts[sel.length]);
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) for (let x = starts[k], end = starts[k + 1]; x < end; x++) rows[x] = sel[k];
  return rows;
}

/** Group ids when some key holds multivalues: each row joins every combination of its keys' groups, in order. */
function expandedGroupIds(parts: KeyIds[], sel: Selection): { ids: Int32Array; keys: unknown[][]; sel: Selection } {
  const rows: number[] = [];
  const ids: number[] = [];
  const keys: unknown[][] = [];
  const map = new Map<number, number>();
  const at = new Int32Array(parts.length);
  const from = new Int32Array(parts.length);
  const to = new Int32Array(parts.length);
  const sizes = parts.map((p) => Math.max(1, p.values.length));
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
    for (let j = 0; j < parts.length; j++) {
      const starts = parts[j].starts;
      at[j] = from[j] = starts ? starts[k] : k;
      to[j] = starts ? starts[k + 1] : k + 1;
    }
    // An odometer over the keys' id lists, the last key turning fastest.
    for (;;) {
      let code = 0;
      for (let j = 0; j < parts.length; j++) code = code * sizes[j] + parts[j].ids[at[j]];
      let id = map.get(code);
      if (id === undefined) {
        id = keys.length;
        map.set(code, id);
        keys.push(parts.map((p, j) => p.values[p.ids[at[j]]]));
      }
      rows.push(sel[k]);
      ids.push(id);
      let j = parts.length - 1;
      while (j >= 0 && ++at[j] === to[j]) { at[j] = from[j]; j--; }
      if (j < 0) break;
    }
  }
  return { ids: Int32Array.from(ids), keys, sel: Int32Array.from(rows) };
}

/** Rows per group (small functions: V8 optimises their loops far better than one large function's). */
function countRows(ids: Int32Array, m: number, groups: number): Float64Array {
  const counts = new Float64Array(groups);
  if (groups === 1) { counts[0] = m; return counts; }
  for (let k = 0; k < m; k++) counts[ids[k]] += 1;
  return counts;
}

/** Whole-number sums of a column without nulls, exact while within 2^53 (else Bail). */
function sumWhole(values: Float64Array, ids: Int32Array, sel: Selection, sums: Float64Array, counts: Float64Array): void {
  const max = Number.MAX_SAFE_INTEGER;
  for (let k = 0, m = sel.length; k < m; k++) {
    const g = ids[k];
    const s = sums[g] + values[sel[k]];
    if (s > max || s < -max) throw new Bail('sum beyond 2^53');
    sums[g] = s;
    counts[g] += 1;
  }
}

/** Ranks of dictionary entries in byte-wise UTF-8 order (MIN/MAX of keywords compare ranks). */
function dictRanks(dict: readonly unknown[]): Int32Array {
  const order = dict.map((_d, i) => i).sort((a, b) => compareUtf8(String(dict[a]), String(dict[b])));
  const rank = new Int32Array(dict.length);
  order.forEach((d, r) => { rank[d] = r; });
  return rank;
}

/** What an aggregate reads: a block, and for each entry of `sel` (its positions) the group `ids` says. */
type ValueList = { block: Block; ids: Int32Array; sel: Selection };

/**
 * An aggregate over a multivalued argument reads every value: the block of all values, each value's group,
 * and the value indexes as the selection (a null row has none), in row order and stored order within a row.
 */
function allValues(b: NumberBlock | DictBlock, mv: MultiValues<Float64Array | Int32Array>, ids: Int32Array, sel: Selection): ValueList {
  let total = 0;
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) total += mv.first[sel[k] + 1] - mv.first[sel[k]];
  const valueIds = new Int32Array(total);
  const at = new Int32Array(total);
  let m = 0;
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
    for (let j = mv.first[sel[k]], end = mv.first[sel[k] + 1]; j < end; j++) { valueIds[m] = ids[k]; at[m++] = j; }
  }
  const block: Block = b.kind === 'dict' ? { kind: 'dict', codes: mv.values as Int32Array, dict: b.dict }
    : { kind: 'number', values: mv.values as Float64Array, nulls: null };
  return { block, ids: valueIds, sel: at };
}

function accumulate(agg: AggInput, ids0: Int32Array, sel0: Selection, groups: number, lists: Map<Block, ValueList>): unknown[] {
  const out: unknown[] = new Array(groups).fill(null);
  if (agg.fn === 'count_star') {
    const counts = countRows(ids0, sel0.length, groups);
    for (let g = 0; g < groups; g++) out[g] = counts[g];
    return out;
  }
  const given = agg.block!;
  let list = lists.get(given);
  if (!list) {
    // Aggregates of the same multivalued column share one list of its values.
    list = (given.kind === 'number' || given.kind === 'dict') && given.mv && multiAt(given, sel0)
      ? allValues(given, given.mv, ids0, sel0) : { block: given, ids: ids0, sel: sel0 };
    lists.set(given, list);
  }
  const { block: b, ids, sel } = list;
  const isNull = nullTest(b);
  const counts = new Float64Array(groups);
  if (agg.fn === 'count') {
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) if (!isNull(sel[k])) counts[ids[k]] += 1;
    for (let g = 0; g < groups; g++) out[g] = counts[g];
    return out;
  }
  const type = agg.argType!;
  if ((agg.fn === 'min' || agg.fn === 'max') && isString(type)) {
    if (b.kind !== 'dict') throw new Bail('MIN/MAX of a computed string');
    const rank = dictRanks(b.dict);
    const best = new Int32Array(groups).fill(-1);
    const sign = agg.fn === 'max' ? 1 : -1;
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
      const c = b.codes[sel[k]];
      if (c < 0) continue;
      const g = ids[k];
      if (best[g] < 0 || sign * (rank[c] - rank[best[g]]) > 0) best[g] = c;
    }
    for (let g = 0; g < groups; g++) out[g] = best[g] < 0 ? null : b.dict[best[g]];
    return out;
  }
  if (b.kind !== 'number' && b.kind !== 'const') throw new Bail(`${agg.fn} of a ${b.kind} block`);
  const read = (i: number): number => valueAt(b, i, false) as number;
  if (agg.fn === 'min' || agg.fn === 'max') {
    const best = new Float64Array(groups);
    const sign = agg.fn === 'max' ? 1 : -1;
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
      const i = sel[k];
      if (isNull(i)) continue;
      const v = b.kind === 'number' ? b.values[i] : read(i);
      const g = ids[k];
      if (counts[g] === 0 || (sign > 0 ? v > best[g] : v < best[g])) best[g] = v;
      counts[g] += 1;
    }
    for (let g = 0; g < groups; g++) out[g] = counts[g] === 0 ? null : type === 'boolean' ? best[g] === 1 : best[g];
    return out;
  }
  // SUM and AVG
  const sums = new Float64Array(groups);
  if (type !== 'double' && b.kind === 'number' && !b.nulls) sumWhole(b.values, ids, sel, sums, counts);
  else if (type === 'double') {
    // The row engine's compensated (Kahan) summation, step for step.
    const comp = new Float64Array(groups);
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
      const i = sel[k];
      if (isNull(i)) continue;
      const v = b.kind === 'number' ? b.values[i] : read(i);
      const g = ids[k];
      const y = v - comp[g];
      const t = sums[g] + y;
      comp[g] = t - sums[g] - y;
      sums[g] = t;
      counts[g] += 1;
    }
  } else {
    for (let k = 0, kEnd = sel.length; k < kEnd; k++) {
      const i = sel[k];
      if (isNull(i)) continue;
      const g = ids[k];
      const s = sums[g] + (b.kind === 'number' ? b.values[i] : read(i));
      // Exact while within 2^53; beyond it the row engine's bigint sum (or overflow warning) decides.
      if (s > Number.MAX_SAFE_INTEGER || s < -Number.MAX_SAFE_INTEGER) throw new Bail('sum beyond 2^53');
      sums[g] = s;
      counts[g] += 1;
    }
  }
  for (let g = 0; g < groups; g++) {
    if (counts[g] === 0) continue;
    out[g] = agg.fn === 'avg' ? sums[g] / counts[g] : sums[g] === 0 ? 0 : sums[g];
  }
  return out;
}

/** The groups and their aggregates; yields between passes over the rows (slices.ts). */
export function* hashAggregate(groups: GroupInput[], aggs: AggInput[], sel: Selection): Steps<Grouped> {
  // COUNT(*) alone without groups is the number of positions: no group ids to make.
  if (groups.length === 0 && aggs.every((a) => a.fn === 'count_star')) return { keys: [[]], results: [aggs.map(() => sel.length)] };
  const { ids, keys, sel: rows } = yield* groupIds(groups, sel);
  const count = keys.length;
  const lists = new Map<Block, ValueList>();
  const columns: unknown[][] = [];
  for (const a of aggs) {
    yield;
    columns.push(accumulate(a, ids, rows, count, lists));
  }
  let order = keys.map((_k, g) => g);
  if (groups.length === 1) {
    // The row engine's block-hash order for one key: the null group first, false before true, else as seen.
    const boolean = groups[0].type === 'boolean';
    const rank = (g: number): number => { const k = keys[g][0]; return k === null ? 0 : boolean ? (k ? 2 : 1) : 1; };
    order = order.map((g) => ({ g, r: rank(g) })).sort((a, b) => a.r - b.r || a.g - b.g).map((x) => x.g);
  }
  // No rows and no groups: one row of empty aggregates (COUNT 0, others null).
  if (groups.length === 0 && sel.length === 0) {
    return { keys: [[]], results: [aggs.map((a) => (a.fn === 'count' || a.fn === 'count_star' ? 0 : null))] };
  }
  if (groups.length > 0 && sel.length === 0) return { keys: [], results: [] };
  return { keys: order.map((g) => keys[g]), results: order.map((g) => columns.map((c) => c[g])) };
}
