// What the ES|QL engine needs from a store that holds documents locally: which indices a FROM names, their
// fields, and a scan that can take a filter, an order and a limit (the part of the query the store runs itself).
import { likeRegex } from './functions/patterns';
import type { ColumnarSnapshot } from './compute/blocks';

export interface CatalogField {
  name: string;
  /** Elasticsearch mapping type (before ES|QL widening: `short`, `float`, ... are still themselves here). */
  type: string;
  /** True when some document holds more than one value: such fields are never pushed down. */
  multiValued: boolean;
  /** A scaled_float's factor (LOOKUP JOIN scales a key as the field's term query does). */
  scalingFactor?: number;
  /** For a field mapped with different types in the scanned indices (type `unsupported`): index -> mapping type. */
  unionTypes?: Record<string, string>;
}

/**
 * A numeric value the store computes: a field, a constant, or + - * with ES|QL's overflow rule (an overflowing
 * row gives null, and the store calls `onFailure` so the engine can record Elasticsearch's warning).
 */
export type PushValue =
  | { kind: 'field'; field: string }
  | { kind: 'const'; value: number; double: boolean }
  | { kind: 'arith'; op: '+' | '-' | '*'; left: PushValue; right: PushValue; type: 'integer' | 'long' | 'double'; onFailure: () => void }
  /** floor((value - offset) / unit) * unit + offset, for dates rounded to a fixed interval (epoch millis). */
  | { kind: 'trunc'; value: PushValue; unit: number; offset: number };

/** A predicate the store evaluates itself. Three-valued like ES|QL; only built for single-valued fields. */
export type PushFilter =
  | { op: 'compare'; cmp: '==' | '!=' | '<' | '<=' | '>' | '>='; left: PushValue; right: PushValue }
  | { op: 'and' | 'or'; args: PushFilter[] }
  | { op: 'not'; arg: PushFilter }
  | { op: 'cmp'; cmp: '==' | '!=' | '<' | '<=' | '>' | '>='; field: string; value: number | string }
  | { op: 'isnull' | 'isnotnull'; field: string }
  | { op: 'in'; field: string; values: (number | string)[] };

export interface PushSort {
  field: string;
  desc: boolean;
  nullsFirst: boolean;
}

/** An aggregation the store can compute exactly: integer sums, counts, min/max of single-valued fields. */
export interface PushAgg {
  fn: 'count' | 'count_star' | 'sum' | 'min' | 'max';
  field?: string;
}

export interface ScanRequest {
  indices: string[];
  /** Field (or metadata) names to return, in this order. */
  columns: string[];
  filter?: PushFilter;
  sort?: PushSort[];
  limit?: number;
  /** When present the scan returns one row per group: group values first, then each aggregate. */
  aggregate?: { groups: { value: PushValue; type: string }[]; aggs: PushAgg[] };
}

export interface EsqlCatalog {
  /** Concrete indices for FROM patterns (`logs-*`, `-excluded`, `.hidden`), sorted; unknown names throw. */
  resolveIndices(patterns: string[]): string[];
  /** The union of the indices' fields; a field mapped with different types gets type `unsupported`. */
  fields(indices: string[]): CatalogField[];
  /** Rows as arrays of values: null, a scalar (booleans as booleans, dates as epoch millis) or an array. */
  scan(request: ScanRequest): Iterable<unknown[]>;
  /**
   * The index's columns, current as of now, for the vectorised path (compute/); absent: rows only. With
   * `deferBuild` a store that builds columns in slices (`prepareColumnar`) throws ColumnNeeded for a column
   * it does not hold instead of building it on the spot.
   */
  columnar?(index: string, options?: { deferBuild?: boolean }): ColumnarSnapshot | null;
  /**
   * Builds the index's columns for `fields` without holding the event loop for long (slices with turns of
   * the loop between them); rejects with the signal's reason when it aborts, keeping nothing half-built.
   */
  prepareColumnar?(index: string, fields: readonly string[], signal?: AbortSignal): Promise<void>;
  /**
   * The same rows, read without blocking the event loop (a scan that would block before its first row, on
   * another thread); null when `scan` is the better way for this request. Rejects as soon as `signal` aborts.
   */
  scanAsync?(request: ScanRequest, signal?: AbortSignal): Promise<unknown[][]> | null;
}

/** No prototype: a field named `constructor` or `toString` is not a metadata field (`in` and lookups read it). */
export const METADATA_FIELDS: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  _id: 'keyword',
  _index: 'keyword',
  _version: 'long',
  _seq_no: 'long',
  _primary_term: 'long',
  _score: 'double',
  _source: 'keyword',
});

/** Elasticsearch's index-pattern matching: `*` wildcards; hidden indices only for patterns starting with `.`. */
export function matchIndices(all: string[], patterns: string[]): { indices: string[]; missing: string[] } {
  const chosen = new Set<string>();
  const missing: string[] = [];
  for (const raw of patterns) {
    const exclude = raw.startsWith('-') && chosen.size > 0;
    const pattern = exclude ? raw.slice(1) : raw;
    if (!pattern.includes('*')) {
      if (exclude) chosen.delete(pattern);
      else if (all.includes(pattern)) chosen.add(pattern);
      else missing.push(pattern);
      continue;
    }
    const re = likeRegex(pattern); // index names cannot hold `?` or `\`: only `*` is a wildcard there
    for (const name of all) {
      if (name.startsWith('.') && !pattern.startsWith('.')) continue;
      if (re.test(name)) {
        if (exclude) chosen.delete(name);
        else chosen.add(name);
      }
    }
  }
  return { indices: [...chosen].sort(), missing };
}

