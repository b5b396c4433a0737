// SEARCH's query DSL, run as ES|QL so that it works the same on the embedded store and on a cluster:
// `FROM idx METADATA _id, _index | WHERE <translated query> | LIMIT size | KEEP _index, _id`, every value a
// parameter; the documents themselves are then read by id (search-hits.ts). The common
// leaf queries are supported (match_all, term, terms, match, match_phrase, range, exists, prefix, wildcard,
// ids) inside `bool` (must, filter, should, must_not). `match` is approximated by case-insensitive substring
// tests of its words (any word, like match's default OR).
import { Value, toJsonable } from '../values';

export interface SearchQuery {
  text: string;
  params: unknown[];
}

type Json = unknown;

export function searchQuery(index: string, dsl: Value): SearchQuery {
  const body = toJsonable(dsl) as Json;
  if (!isPlainObject(body)) throw new Error('QUERY needs a DOCUMENT (Elasticsearch query DSL)');
  const hasQuery = 'query' in body;
  const query = hasQuery ? body.query : body;
  const size = hasQuery && typeof body.size === 'number' ? body.size : undefined;
  const params: unknown[] = [];
  const where = translate(query, params);
  const from = /^[A-Za-z0-9_.*\-]+$/.test(index) ? index : JSON.stringify(index);
  let text = `FROM ${from} METADATA _id, _index`;
  if (where !== 'true') text += ` | WHERE ${where}`;
  if (size !== undefined) text += ` | LIMIT ${Math.max(0, Math.floor(size))}`;
  return { text: `${text} | KEEP _index, _id`, params };
}

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function param(params: unknown[], v: unknown): string {
  params.push(v);
  return `?${params.length}`;
}

/** The single `{field: spec}` entry of a leaf query. */
function single(q: Json, kind: string): [string, Json] {
  if (!isPlainObject(q)) throw new Error(`${kind} needs {"field": value}`);
  const entries = Object.entries(q);
  if (entries.length !== 1) throw new Error(`${kind} needs exactly one field`);
  return entries[0];
}

function translate(q: Json, params: unknown[]): string {
  if (!isPlainObject(q)) throw new Error('a query must be a DOCUMENT such as {"term": {"level": "ERROR"}}');
  const kinds = Object.keys(q);
  if (kinds.length !== 1) throw new Error(`a query has exactly one type, got ${kinds.length === 0 ? 'none' : kinds.join(', ')}`);
  const kind = kinds[0];
  const spec = q[kind];
  switch (kind) {
    case 'match_all': return 'true';
    case 'match_none': return 'false';
    case 'term': {
      const [f, v] = single(spec, kind);
      const value = isPlainObject(v) ? v.value : v;
      return `${field(f)} == ${param(params, value)}`;
    }
    case 'terms': {
      const [f, v] = single(spec, kind);
      if (!Array.isArray(v) || v.length === 0) throw new Error('terms needs {"field": [values]}');
      return `${field(f)} IN (${v.map((x) => param(params, x)).join(', ')})`;
    }
    case 'match':
    case 'match_phrase': {
      const [f, v] = single(spec, kind);
      const text = String(isPlainObject(v) ? v.query : v);
      const words = kind === 'match' ? text.split(/\W+/).filter(Boolean) : [text];
      if (words.length === 0) return 'false';
      const tests = words.map((w) => `TO_LOWER(${field(f)}) LIKE ${param(params, `*${w.toLowerCase().replace(/[*?\\]/g, '')}*`)}`);
      return tests.length === 1 ? tests[0] : `(${tests.join(' OR ')})`;
    }
    case 'prefix': {
      const [f, v] = single(spec, kind);
      const value = String(isPlainObject(v) ? v.value : v);
      return `${field(f)} LIKE ${param(params, `${value.replace(/[*?\\]/g, (c) => `\\${c}`)}*`)}`;
    }
    case 'wildcard': {
      const [f, v] = single(spec, kind);
      return `${field(f)} LIKE ${param(params, String(isPlainObject(v) ? v.value : v))}`;
    }
    case 'exists': {
      if (!isPlainObject(spec) || typeof spec.field !== 'string') throw new Error('exists needs {"field": "name"}');
      return `${field(spec.field)} IS NOT NULL`;
    }
    case 'ids': {
      if (!isPlainObject(spec) || !Array.isArray(spec.values)) throw new Error('ids needs {"values": [ids]}');
      if (spec.values.length === 0) return 'false';
      return `_id IN (${spec.values.map((x) => param(params, String(x))).join(', ')})`;
    }
    case 'range': {
      const [f, v] = single(spec, kind);
      if (!isPlainObject(v)) throw new Error('range needs {"field": {"gte": ..., "lt": ...}}');
      const ops: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };
      const tests = Object.entries(v).filter(([k]) => k in ops).map(([k, x]) => `${field(f)} ${ops[k]} ${param(params, x)}`);
      if (tests.length === 0) throw new Error('range needs at least one of gt, gte, lt, lte');
      return tests.length === 1 ? tests[0] : `(${tests.join(' AND ')})`;
    }
    case 'bool': {
      if (!isPlainObject(spec)) throw new Error('bool needs a DOCUMENT');
      const list = (k: string): Json[] => (spec[k] === undefined ? [] : Array.isArray(spec[k]) ? spec[k] as Json[] : [spec[k]]);
      const all = [...list('must'), ...list('filter')].map((x) => translate(x, params));
      // should only filters when there is no must/filter (as in Elasticsearch without minimum_should_match)
      if (all.length === 0 && list('should').length) {
        const should = list('should').map((x) => translate(x, params));
        all.push(should.length === 1 ? should[0] : `(${should.join(' OR ')})`);
      }
      const not = list('must_not').map((x) => `NOT (${translate(x, params)})`);
      const parts = [...all, ...not].filter((p) => p !== 'true');
      return parts.length === 0 ? 'true' : parts.map((p) => `(${p})`).join(' AND ');
    }
    default:
      throw new Error(`query type ${kind} is not supported (supported: bool, match_all, term, terms, match, match_phrase, range, exists, prefix, wildcard, ids); use ES|QL for the rest`);
  }
}

