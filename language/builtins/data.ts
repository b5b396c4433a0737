// Data built-ins: they need the data store (or the ES|QL engine) and say so until one is plugged in.
import type { BuiltinDef, CallContext } from './registry';
import { ScriptError } from '../errors';
import { Value } from '../values';
import { str } from './core';

const DATA = 'data';

function needsStore(name: string): never {
  throw new ScriptError('not_available', `${name} is not available yet: it needs the data store`);
}

function esqlQuery([q, params]: Value[], ctx: CallContext): Value | Promise<Value> {
  const query = str('ESQL_QUERY', q, 'query');
  if (!ctx.services.esql) needsStore('ESQL_QUERY');
  const p = params === undefined || params === null ? {} : params;
  return ctx.services.esql(query, p as Record<string, Value>, ctx.signal);
}

export const dataBuiltins: BuiltinDef[] = [
  { name: 'ESQL_QUERY', category: DATA, params: [{ name: 'query', type: 'STRING' }, { name: 'params', type: 'DOCUMENT|ARRAY', optional: true }], returns: 'ARRAY',
    doc: 'Runs an ES|QL query and returns its rows as documents (params bind :name / ?1 placeholders).', impl: esqlQuery },
  { name: 'INDEX_DOCUMENT', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'document', type: 'DOCUMENT' }, { name: 'id', type: 'STRING', optional: true }], returns: 'DOCUMENT',
    doc: 'Stores document in index (with id when given) and returns {_id, result}.', impl: () => needsStore('INDEX_DOCUMENT') },
  { name: 'INDEX_BULK', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'documents', type: 'ARRAY' }], returns: 'DOCUMENT',
    doc: 'Stores many documents in index and returns {indexed, errors}.', impl: () => needsStore('INDEX_BULK') },
  { name: 'UPDATE_DOCUMENT', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'id', type: 'STRING' }, { name: 'changes', type: 'DOCUMENT' }], returns: 'DOCUMENT',
    doc: 'Merges changes into the document id of index.', impl: () => needsStore('UPDATE_DOCUMENT') },
  { name: 'GET_DOCUMENT', category: DATA, params: [{ name: 'index', type: 'STRING' }, { name: 'id', type: 'STRING' }], returns: 'DOCUMENT',
    doc: 'The document id of index, NULL when absent.', impl: () => needsStore('GET_DOCUMENT') },
  { name: 'REFRESH_INDEX', category: DATA, params: [{ name: 'index', type: 'STRING' }], returns: 'BOOLEAN',
    doc: 'Makes recent writes to index visible to queries.', impl: () => needsStore('REFRESH_INDEX') },
];
