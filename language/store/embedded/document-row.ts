// A document as its index's row: the value of each mapped field's column, and what the mapping gains from it
// (fields mapped dynamically, fields that became multivalued). Pure: the store's writes and the load worker
// (ndjson-mapper.ts) both call it, against the index's metadata or the worker's copy of it.
import { StoreError, type Source } from '../store';
import { FieldInfo, MappingRules, columnOf, columnOfValue, dynamicFields, dynamicPolicy, flattenSource } from '../mapping';

/** What mapping a document reads of its index (IndexMeta has it all). */
export interface MappingState {
  fields: FieldInfo[];
  rules: MappingRules;
  sourcePaths: Set<string>;
  names: Set<string>;
  multiValued: Set<string>;
}

export interface DocumentRow {
  /** One per field of `state.fields` and then of `added`. */
  values: unknown[];
  added: FieldInfo[] | null;
  /** Fields whose value here is a BLOB (multivalue or huge whole number) and that were not multivalued yet. */
  newMulti: string[] | null;
}

const EMPTY: unknown[] = [];

/** Throws what Elasticsearch refuses a document with (a value that does not fit, a field a strict mapping refuses). */
export function documentRow(state: MappingState, doc: Source, id: string | undefined): DocumentRow {
  // A document of scalars only (most log lines) is its own flattened form: no map of one-value lists to build.
  const keys = Object.keys(doc);
  const flat = scalarsOnly(doc, keys) ? null : flattenSource(doc);
  // Dynamic mapping: the first non-null value of an unknown path decides its type.
  let added: FieldInfo[] | null = null;
  for (const p of flat ? flat.keys() : keys) {
    if (state.sourcePaths.has(p) || state.names.has(p)) continue;
    const sample = flat ? flat.get(p)!.find((v) => v !== null && v !== undefined) : doc[p];
    if (sample === undefined) continue;
    const policy = dynamicPolicy(state.rules, p);
    if (policy === 'ignore') continue;
    if (policy === 'reject') {
      const at = p.lastIndexOf('.');
      throw new StoreError(`mapping set to strict, dynamic introduction of [${p.slice(at + 1)}] within [${at < 0 ? '_doc' : p.slice(0, at)}] is not allowed`,
        'strict_dynamic_mapping_exception', 400);
    }
    (added ??= []).push(...dynamicFields(p, sample));
  }
  const fields = added ? [...state.fields, ...added] : state.fields;
  const values: unknown[] = new Array(fields.length);
  let newMulti: string[] | null = null;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const value = flat ? columnOf(f, flat.get(f.sourcePath) ?? EMPTY, id) : columnOfValue(f, ownScalar(doc, f.sourcePath), id);
    // A BLOB makes the field one the store no longer filters on.
    if (Buffer.isBuffer(value) && !state.multiValued.has(f.name)) (newMulti ??= []).push(f.name);
    values[i] = value;
  }
  return { values, added, newMulti };
}

/** Whether every value of the document is a string, a number or a boolean (no object, array or null). */
function scalarsOnly(doc: Source, keys: string[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    const t = typeof doc[keys[i]];
    if (t !== 'string' && t !== 'number' && t !== 'boolean') return false;
  }
  return true;
}

/** The document's own value at `key` (not one its prototype gives, such as `constructor`). */
function ownScalar(doc: Source, key: string): unknown {
  const v = doc[key];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
}
