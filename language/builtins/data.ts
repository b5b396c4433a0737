// Data built-ins: documents in and out of the data store, ES|QL as a function, and the tutorials' sample data.
import type { BuiltinDef, CallContext } from './registry';
import { ScriptError } from '../errors';
import { isNumeric } from '../long-integers';
import { Doc, Value, fromJson, isDoc, typeOf } from '../values';
import { str } from './core';
import type { DataStore, Source } from '../store/store';
import { StoreError, VersionConflictError } from '../store/store';
import { loadSampleData } from '../store/sample-data';
import { storeOf } from '../data/services';
import { runShownQuery } from '../data/query-progress';
import { prepareQuery } from '../data/query-text';
import { dataError } from '../data/errors';
import { paramValue, rowsOf, sourceOf } from '../data/rows';

const DATA = 'data';
/** Compare-and-set attempts of UPDATE_DOCUMENT before a concurrent writer wins. */
const UPDATE_ATTEMPTS = 5;

function storeFor(ctx: CallContext): DataStore {
  return storeOf(ctx.services);
}

/** Runs a store call; its failure is a script error at the call site. */
async function guarded<T>(ctx: CallContext, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw dataError(e, ctx.span);
  }
}

function document(name: string, v: Value, what: string): Source {
  if (!isDoc(v) && !(v instanceof Map)) throw new ScriptError('type_error', `${name}: ${what} must be a DOCUMENT, got ${typeOf(v)}`);
  return sourceOf(v, what);
}

function optionalId(name: string, v: Value | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (isNumeric(v)) return String(v);
  return str(name, v, 'id');
}

function requiredId(name: string, v: Value | undefined): string {
  const id = optionalId(name, v);
  if (id === undefined) throw new ScriptError('argument_error', `${name}: id must not be NULL`);
  return id;
}

/** ES_DELETE: removes the document id; `result` says `deleted` or `not_found` (a missing document is no error). */
function deleteDocument([index, id]: Value[], ctx: CallContext): Promise<Value> {
  const name = str('ES_DELETE', index, 'index');
  const docId = requiredId('ES_DELETE', id);
  return guarded(ctx, async () => {
    try {
      const r = await storeFor(ctx).delete(name, docId);
      return { _index: r._index, _id: r._id, result: r.result };
    } catch (e) {
      // no index, so no such document: the same answer as a missing id
      if (e instanceof StoreError && e.type === 'index_not_found_exception') return { _index: name, _id: docId, result: 'not_found' };
      throw e;
    }
  });
}

/** ESQL_QUERY as a function value (a call by name is compiled with the variables in sight, data-statements.ts). */
function esqlQuery([q, params]: Value[], ctx: CallContext): Promise<Value> {
  const prepared = prepareQuery(str('ESQL_QUERY', q, 'query'));
  let list: unknown[] = [];
  if (Array.isArray(params)) list = params.map(paramValue);
  else if (isDoc(params)) list = Object.entries(params).map(([k, v]) => ({ [k]: paramValue(v) }));
  else if (params !== undefined && params !== null) throw new ScriptError('type_error', `ESQL_QUERY: params must be a DOCUMENT or an ARRAY, got ${typeOf(params)}`);
  return guarded(ctx, async () => rowsOf(await runShownQuery(ctx.services, ctx.out, prepared.text, list, ctx.signal)));
}

function indexDocument([index, doc, id]: Value[], ctx: CallContext, fn = 'INDEX_DOCUMENT'): Promise<Value> {
  const name = str(fn, index, 'index');
  const source = document(fn, doc, 'document');
  const docId = optionalId(fn, id);
  return guarded(ctx, async () => {
    const r = await storeFor(ctx).index(name, source, docId !== undefined ? { id: docId } : {});
    return { _index: r._index, _id: r._id, result: r.result };
  });
}

function indexBulk([index, docs]: Value[], ctx: CallContext): Promise<Value> {
  const name = str('INDEX_BULK', index, 'index');
  if (!Array.isArray(docs)) throw new ScriptError('type_error', `INDEX_BULK: documents must be an ARRAY, got ${typeOf(docs)}`);
  const items = docs.map((d, i) => ({ doc: document('INDEX_BULK', d, `element ${i}`) }));
  return guarded(ctx, async () => {
    const r = await storeFor(ctx).bulk(name, items);
    const errors: Value[] = [];
    r.items.forEach((item, i) => {
      if ('error' in item) errors.push({ index: i, type: item.error.type, message: item.error.reason });
    });
    return { indexed: items.length - errors.length, errors, ids: r.items.map((item) => ('error' in item ? null : item._id)) };
  });
}

/** Merges `changes` into the stored document (objects merge key by key, as Elasticsearch's partial update does). */
function merge(target: Source, changes: Source): Source {
  const out: Source = { ...target };
  for (const [k, v] of Object.entries(changes)) {
    const old = out[k];
    const bothObjects = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof old === 'object' && old !== null && !Array.isArray(old);
    out[k] = bothObjects ? merge(old as Source, v as Source) : v;
  }
  return out;
}

function updateDocument([index, id, changes]: Value[], ctx: CallContext, fn = 'UPDATE_DOCUMENT'): Promise<Value> {
  const name = str(fn, index, 'index');
  const docId = requiredId(fn, id);
  const patch = document(fn, changes, 'changes');
  return guarded(ctx, async () => {
    const store = storeFor(ctx);
    for (let attempt = 1; ; attempt++) {
      const current = await store.get(name, docId);
      if (!current) throw new ScriptError('not_found_error', `${fn}: document ${docId} not found in ${name}`, ctx.span);
      try {
        const r = await store.index(name, merge(current._source, patch), { id: docId, ifSeqNo: current._seq_no, ifPrimaryTerm: current._primary_term });
        return { _index: r._index, _id: r._id, result: r.result };
      } catch (e) {
        // someone else wrote in between: read again and re-apply the change
        if (!(e instanceof VersionConflictError) || attempt >= UPDATE_ATTEMPTS) throw e;
      }
    }
  });
}

function getDocument([index, id]: Value[], ctx: CallContext, fn = 'GET_DOCUMENT'): Promise<Value> {
  const name = str(fn, index, 'index');
  const docId = requiredId(fn, id);
  return guarded(ctx, async () => {
    const d = await storeFor(ctx).get(name, docId);
    if (!d) return null;
    const out = fromJson(d._source) as Doc;
    return { _id: d._id, ...out };
  });
}

function refreshIndex([index]: Value[], ctx: CallContext): Promise<Value> {
  const name = str('REFRESH_INDEX', index, 'index');
  return guarded(ctx, async () => {
    await storeFor(ctx).refresh(name);
    return true;
  });
}

function loadSample(_args: Value[], ctx: CallContext): Promise<Value> {
  return guarded(ctx, async () => {
    const counts = await loadSampleData(storeFor(ctx));
    return { ...counts };
  });
}

export const dataBuiltins: BuiltinDef[] = [
  { name: 'ESQL_QUERY', category: DATA, params: [{ name: 'query', type: 'STRING' }, { name: 'params', type: 'DOCUMENT|ARRAY', optional: true }], returns: 'ARRAY',
    doc: 'Runs an ES|QL query and returns its rows as documents (:name / ?name are variables or params keys, ?1 the params array).', impl: esqlQuery },
  { name: 'INDEX_DOCUMENT', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'document', type: 'DOCUMENT' }, { name: 'id', type: 'STRING', optional: true }], returns: 'DOCUMENT',
    doc: 'Stores document in index (with id when given) and returns {_index, _id, result}.', impl: (a, ctx) => indexDocument(a, ctx) },
  { name: 'INDEX_BULK', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'documents', type: 'ARRAY' }], returns: 'DOCUMENT',
    doc: 'Stores many documents in index and returns {indexed, errors, ids}.', impl: indexBulk },
  { name: 'UPDATE_DOCUMENT', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'id', type: 'STRING' }, { name: 'changes', type: 'DOCUMENT' }], returns: 'DOCUMENT',
    doc: 'Merges changes into the document id of index (compare-and-set, retried on conflict); returns {_index, _id, result}.', impl: (a, ctx) => updateDocument(a, ctx) },
  { name: 'GET_DOCUMENT', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'id', type: 'STRING' }], returns: 'DOCUMENT',
    doc: 'The document id of index (its fields and _id), NULL when absent.', impl: (a, ctx) => getDocument(a, ctx) },
  { name: 'REFRESH_INDEX', category: DATA, params: [{ name: 'index', type: 'STRING' }], returns: 'BOOLEAN',
    doc: 'Makes recent writes to index visible to queries.', impl: refreshIndex },
  // the reference's document functions (docs/functions/elasticsearch.md): index first, then id
  { name: 'ES_GET', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'id', type: 'STRING' }], returns: 'DOCUMENT',
    doc: 'The document id of index (its fields and _id), NULL when absent; the same as GET_DOCUMENT.', impl: (a, ctx) => getDocument(a, ctx, 'ES_GET') },
  { name: 'ES_INDEX', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'id', type: 'STRING' }, { name: 'document', type: 'DOCUMENT' }], returns: 'DOCUMENT',
    doc: 'Stores document in index under id (a new id when id is NULL), replacing any document there; returns {_index, _id, result}.',
    impl: ([index, id, doc], ctx) => indexDocument([index, doc, id], ctx, 'ES_INDEX') },
  { name: 'ES_UPDATE', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'id', type: 'STRING' }, { name: 'changes', type: 'DOCUMENT' }], returns: 'DOCUMENT',
    doc: 'Merges changes into the document id of index (as UPDATE_DOCUMENT); returns {_index, _id, result}.', impl: (a, ctx) => updateDocument(a, ctx, 'ES_UPDATE') },
  { name: 'ES_DELETE', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'id', type: 'STRING' }], returns: 'DOCUMENT',
    doc: "Deletes the document id of index; returns {_index, _id, result} with result 'deleted' or 'not_found'.", impl: deleteDocument },
  { name: 'LOAD_SAMPLE_DATA', category: DATA, params: [], returns: 'DOCUMENT',
    doc: "(Re)creates the tutorials' sample indices (logs-sample, metrics-sample, ...) and returns the document count per index.", impl: loadSample },
];
