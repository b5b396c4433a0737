// Column blocks, as Elasticsearch's compute engine has them: one typed array per column over a run of positions.
// Numbers (whole numbers within 2^53, doubles, dates, booleans as 0/1) are a Float64Array with a null mask;
// keyword-like values are dictionary codes (-1 for null) into a list of distinct values; a condition's result
// is a three-valued byte per position. Positions that survive a filter are a selection vector.
// A stored field that holds multivalues also carries multivalue offsets (Elasticsearch's firstValueIndexes).

export interface NumberBlock {
  kind: 'number';
  values: Float64Array;
  /** 1 where the position holds null; absent when no position does. */
  nulls: Uint8Array | null;
  /** Set when every non-null value is a multiple of `step` (BUCKET results): grouping can index them densely. */
  step?: number;
  /** Present when some position holds several values (then `values[p]` is only meaningful where it holds one). */
  mv?: MultiValues<Float64Array>;
}

/**
 * Multivalue offsets: position p's values are `values[first[p]..first[p+1])` — none for null, one for a single
 * value, several for a multivalue, in the stored (doc values) order. `first` has one entry per position plus one.
 * The positional arrays stay the single-value view: operators that do not read multivalues check (`multiAt`)
 * that no selected position holds several, and read them as before.
 */
export interface MultiValues<T extends Float64Array | Int32Array> {
  first: Int32Array;
  values: T;
}

export interface DictBlock {
  kind: 'dict';
  codes: Int32Array;
  /** Distinct values in first-seen order (strings, or the raw stored value of ip/version fields). */
  dict: readonly unknown[];
  /** As NumberBlock's: the values are dictionary codes. */
  mv?: MultiValues<Int32Array>;
}

/** 0 false, 1 true, 2 null. */
export interface BoolBlock {
  kind: 'bool';
  values: Uint8Array;
}

/** The same value at every position. */
export interface ConstBlock {
  kind: 'const';
  value: unknown;
}

export type Block = NumberBlock | DictBlock | BoolBlock | ConstBlock;

export const FALSE = 0;
export const TRUE = 1;
export const NULL_BOOL = 2;

/** Positions to process, in the order rows flow (ascending after a filter, sort order after a SORT). */
export type Selection = Int32Array;

/** The columnar form of one index at one moment: a block per stored field, built on first use. */
export interface ColumnarSnapshot {
  /** Number of live documents (positions 0..length-1, in the store's row order). */
  length: number;
  /**
   * The field's block (with multivalue offsets when it holds multivalues), or null when it cannot be read as a
   * block (whole numbers past 2^53, other types).
   */
  block(field: string): NumberBlock | DictBlock | null;
  /** True when the field's column is already in memory. */
  built(field: string): boolean;
  /**
   * The field's values at a few positions, read from the store by row without building the column (a query
   * that outputs 100 rows need not build every column it shows); null when that is not possible now.
   */
  fetch(field: string, positions: Selection): unknown[] | null;
}

let identity = new Int32Array(0);

/** All positions 0..n-1 (a view of one shared array: selections are never written to once made). */
export function allPositions(n: number): Selection {
  if (identity.length < n) {
    identity = new Int32Array(Math.max(n, Math.ceil(identity.length * 1.25)));
    for (let i = 0; i < identity.length; i++) identity[i] = i;
  }
  return identity.subarray(0, n);
}

/** True when some selected position holds more than one value (a cheap pass over the offsets). */
export function multiAt(block: Block, sel: Selection): boolean {
  const mv = block.kind === 'number' || block.kind === 'dict' ? block.mv : undefined;
  if (!mv) return false;
  const first = mv.first;
  for (let k = 0, kEnd = sel.length; k < kEnd; k++) { const p = sel[k]; if (first[p + 1] - first[p] > 1) return true; }
  return false;
}

/** The value at `pos` as the row engine holds it (booleans as booleans, nulls as null, multivalues as lists). */
export function valueAt(block: Block, pos: number, boolean: boolean): unknown {
  if ((block.kind === 'number' || block.kind === 'dict') && block.mv) {
    const { first, values } = block.mv;
    const from = first[pos], to = first[pos + 1];
    if (to - from > 1) {
      const list = new Array(to - from);
      for (let j = from; j < to; j++) {
        const v = values[j];
        list[j - from] = block.kind === 'dict' ? block.dict[v] : boolean ? v === 1 : v;
      }
      return list;
    }
  }
  switch (block.kind) {
    case 'number': {
      if (block.nulls && block.nulls[pos]) return null;
      const v = block.values[pos];
      return boolean ? v === 1 : v;
    }
    case 'dict': {
      const c = block.codes[pos];
      return c < 0 ? null : block.dict[c];
    }
    case 'bool': {
      const v = block.values[pos];
      return v === NULL_BOOL ? null : v === TRUE;
    }
    case 'const': return block.value;
  }
}

/** Thrown while running a vectorised plan when a row would fail (overflow, division by zero) or a value is
 * outside what blocks hold: the caller then runs the whole query on the row engine, which warns exactly. */
export class Bail extends Error {
  constructor(reason: string) {
    super(reason);
  }
}
