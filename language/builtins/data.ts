// Data built-ins: ES|QL queries and document reads/writes through the host's data store. Without one they
// say that they are not available yet.
import type { BuiltinDef, CallContext } from './registry';
import { ScriptError } from '../errors';
import { Value, Doc, isDoc, fromJson, toJsonable, typeOf } from '../values';
import type { DataStore, Source } from '../store/store';
import { prepareQuery, runQuery, toParam } from '../evaluator/queries';
import { arr, doc, str } from './core';

const DATA = 'data';

function storeOf(ctx: CallContext, name: string): DataStore {
  const store = ctx.services.store;
  if (!store) throw new ScriptError('not_available', `${name} is not available yet: it needs the data store`);
  return store;
}

function source(name: string, v: Value): Source {
  return toJsonable(doc(name, v, 'document')) as Source;
}

/** Store failures become `store_error` (or `not_found_error` for a missing index). */
async function storeCall<T>(name: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ScriptError) throw e;
    const type = (e as { type?: string }).type;
    throw new ScriptError(type === 'index_not_found_exception' ? 'not_found_error' : 'store_error', `${name}: ${(e as Error).message}`);
  }
}

export const dataBuiltins: BuiltinDef[] = [
  { name: 'ESQL_QUERY', category: DATA, params: [{ name: 'query', type: 'STRING' }, { name: 'params', type: 'DOCUMENT|ARRAY', optional: true }], returns: 'ARRAY',
    doc: 'Runs an ES|QL query and returns its rows as documents; params fill ?name placeholders (a DOCUMENT) or ?1, ?2 (an ARRAY).',
    impl: ([q, p], ctx) => {
      const prepared = prepareQuery(str('ESQL_QUERY', q, 'query'));
      let params: unknown[] = [];
      if (Array.isArray(p)) params = p.map(toParam);
      else if (isDoc(p)) params = Object.entries(p).map(([k, v]) => ({ [k]: toParam(v) }));
      else if (p !== undefined && p !== null) throw new ScriptError('argument_error', `ESQL_QUERY: params must be a DOCUMENT or an ARRAY, got ${typeOf(p)}`);
      return runQuery(ctx, prepared.text, params, ctx.span, 'ESQL_QUERY');
    } },
  { name: 'INDEX_DOCUMENT', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'document', type: 'DOCUMENT' }, { name: 'id', type: 'STRING', optional: true }], returns: 'DOCUMENT',
    doc: 'Stores document in index (with id when given) and returns {_id, result}.',
    impl: async ([i, d, id], ctx) => {
      const store = storeOf(ctx, 'INDEX_DOCUMENT');
      const r = await storeCall('INDEX_DOCUMENT', () => store.index(str('INDEX_DOCUMENT', i, 'index'), source('INDEX_DOCUMENT', d),
        { id: id === undefined || id === null ? undefined : str('INDEX_DOCUMENT', id, 'id') }));
      return { _id: r._id, _index: r._index, result: r.result };
    } },
  { name: 'INDEX_BULK', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'documents', type: 'ARRAY' }], returns: 'DOCUMENT',
    doc: 'Stores many documents in index and returns {indexed, errors}.',
    impl: async ([i, ds], ctx) => {
      const store = storeOf(ctx, 'INDEX_BULK');
      const items = arr('INDEX_BULK', ds, 'documents').map((d) => ({ doc: source('INDEX_BULK', d) }));
      const r = await storeCall('INDEX_BULK', () => store.bulk(str('INDEX_BULK', i, 'index'), items));
      const failed = r.items.filter((x) => 'error' in x).length;
      return { indexed: r.items.length - failed, errors: failed };
    } },
  { name: 'UPDATE_DOCUMENT', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'id', type: 'STRING' }, { name: 'changes', type: 'DOCUMENT' }], returns: 'DOCUMENT',
    doc: 'Merges changes into the document id of index (not_found_error when it does not exist).',
    impl: async ([i, id, changes], ctx) => {
      const store = storeOf(ctx, 'UPDATE_DOCUMENT');
      const index = str('UPDATE_DOCUMENT', i, 'index');
      const key = str('UPDATE_DOCUMENT', id, 'id');
      const current = await storeCall('UPDATE_DOCUMENT', () => store.get(index, key));
      if (!current) throw new ScriptError('not_found_error', `UPDATE_DOCUMENT: no document ${key} in ${index}`);
      const merged = { ...current._source, ...source('UPDATE_DOCUMENT', changes) };
      const r = await storeCall('UPDATE_DOCUMENT', () => store.index(index, merged, { id: key, ifSeqNo: current._seq_no, ifPrimaryTerm: current._primary_term }));
      return { _id: r._id, _index: r._index, result: r.result };
    } },
  { name: 'GET_DOCUMENT', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'id', type: 'STRING' }], returns: 'DOCUMENT',
    doc: 'The document id of index, NULL when absent.',
    impl: async ([i, id], ctx) => {
      const store = storeOf(ctx, 'GET_DOCUMENT');
      const r = await storeCall('GET_DOCUMENT', () => store.get(str('GET_DOCUMENT', i, 'index'), str('GET_DOCUMENT', id, 'id')));
      return r ? (fromJson(r._source) as Doc) : null;
    } },
  { name: 'REFRESH_INDEX', category: DATA, params: [{ name: 'index', type: 'STRING' }], returns: 'BOOLEAN',
    doc: 'Makes recent writes to index visible to queries.',
    impl: async ([i], ctx) => {
      const store = storeOf(ctx, 'REFRESH_INDEX');
      await storeCall('REFRESH_INDEX', () => store.refresh(str('REFRESH_INDEX', i, 'index')));
      return true;
    } },
];
