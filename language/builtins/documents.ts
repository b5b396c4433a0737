// Document (JSON object) built-ins, and JSON conversion. They return new documents; arguments are unchanged.
import type { BuiltinDef } from './registry';
import { Doc, Value, isDoc, fromJson, toJsonable } from '../values';
import { parseExact, stringifyExact } from '../exact-json';
import { ScriptError } from '../errors';
import { doc, str } from './core';

const C = 'document';

/** `a.b.c` paths reach into nested documents (and arrays by index). */
function getPath(d: Value, path: string): Value | undefined {
  if (isDoc(d) && Object.prototype.hasOwnProperty.call(d, path)) return d[path];
  let cur: Value | undefined = d;
  for (const part of path.split('.')) {
    if (isDoc(cur) && Object.prototype.hasOwnProperty.call(cur, part)) cur = cur[part];
    else if (Array.isArray(cur) && /^\d+$/.test(part) && Number(part) < cur.length) cur = cur[Number(part)];
    else return undefined;
  }
  return cur;
}

function copy(d: Doc): Doc {
  const out: Doc = {};
  for (const k of Object.keys(d)) out[k] = d[k];
  return out;
}

export const documentBuiltins: BuiltinDef[] = [
  { name: 'DOCUMENT_KEYS', category: C, params: [{ name: 'doc', type: 'DOCUMENT' }], returns: 'ARRAY', doc: 'The keys of doc, in insertion order.',
    impl: ([d]) => (d === null ? null : Object.keys(doc('DOCUMENT_KEYS', d, 'doc'))) },
  { name: 'DOCUMENT_VALUES', category: C, params: [{ name: 'doc', type: 'DOCUMENT' }], returns: 'ARRAY', doc: 'The values of doc, in key order.',
    impl: ([d]) => (d === null ? null : Object.values(doc('DOCUMENT_VALUES', d, 'doc'))) },
  { name: 'DOCUMENT_GET', category: C, params: [{ name: 'doc', type: 'DOCUMENT' }, { name: 'key', type: 'STRING' }, { name: 'default', type: 'ANY', optional: true }],
    returns: 'ANY', doc: "The value at key (a dotted path such as 'a.b' reaches nested documents), else default (NULL).",
    impl: ([d, k, dflt]) => {
      if (d === null) return dflt === undefined ? null : dflt;
      const v = getPath(doc('DOCUMENT_GET', d, 'doc'), str('DOCUMENT_GET', k, 'key'));
      return v === undefined ? (dflt === undefined ? null : dflt) : v;
    } },
  { name: 'DOCUMENT_MERGE', category: C, params: [{ name: 'doc1', type: 'DOCUMENT' }, { name: 'doc2', type: 'DOCUMENT' }], returns: 'DOCUMENT',
    doc: 'A new document with the keys of doc1 and doc2 (doc2 wins on conflicts).',
    impl: ([a, b]) => {
      const out = a === null ? {} : copy(doc('DOCUMENT_MERGE', a, 'doc1'));
      if (b !== null) { const src = doc('DOCUMENT_MERGE', b, 'doc2'); for (const k of Object.keys(src)) out[k] = src[k]; }
      return out;
    } },
  { name: 'DOCUMENT_REMOVE', category: C, params: [{ name: 'doc', type: 'DOCUMENT' }, { name: 'key', type: 'STRING' }], returns: 'DOCUMENT',
    doc: 'A new document without key.',
    impl: ([d, k]) => {
      if (d === null) return null;
      const out = copy(doc('DOCUMENT_REMOVE', d, 'doc'));
      delete out[str('DOCUMENT_REMOVE', k, 'key')];
      return out;
    } },
  { name: 'DOCUMENT_CONTAINS', category: C, params: [{ name: 'doc', type: 'DOCUMENT' }, { name: 'key', type: 'STRING' }], returns: 'BOOLEAN',
    doc: "TRUE when doc has key (a dotted path such as 'a.b' looks into nested documents).",
    impl: ([d, k]) => (d === null ? false : getPath(doc('DOCUMENT_CONTAINS', d, 'doc'), str('DOCUMENT_CONTAINS', k, 'key')) !== undefined) },
  { name: 'TO_JSON', category: C, params: [{ name: 'value', type: 'ANY' }, { name: 'pretty', type: 'BOOLEAN', optional: true }], returns: 'STRING',
    doc: 'value as JSON text (indented when pretty is TRUE).',
    impl: ([v, pretty]) => stringifyExact(toJsonable(v), pretty === true ? 2 : undefined) },
  { name: 'FROM_JSON', category: C, params: [{ name: 'json', type: 'STRING' }], returns: 'ANY',
    doc: 'The value described by JSON text (objects become documents).',
    impl: ([j]) => {
      if (j === null) return null;
      try {
        return fromJson(parseExact(str('FROM_JSON', j, 'json')) as Value);
      } catch (e) {
        if (e instanceof ScriptError) throw e;
        throw new ScriptError('value_error', `FROM_JSON: invalid JSON: ${(e as Error).message}`);
      }
    } },
];

