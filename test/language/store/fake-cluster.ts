// A fake Elasticsearch behind @elastic/elasticsearch-mock: the routes the ElasticsearchStore uses, answering
// with Elasticsearch's documented response bodies (index/get/delete/bulk/create index/_query/errors).
// State lives in an in-memory embedded store; every request is recorded so tests can assert what was sent.
import { Client, errors } from '@elastic/elasticsearch';
// The package is CommonJS (`module.exports = Mocker`) with an ES-module style declaration.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mock = require('@elastic/elasticsearch-mock') as typeof import('@elastic/elasticsearch-mock').default;
import { EmbeddedStore } from '../../../language/store/embedded';
import { VersionConflictError, StoreError } from '../../../language/store/store';

export interface RecordedRequest {
  method: string;
  path: string;
  querystring: Record<string, unknown>;
  body: unknown;
}

interface MockParams {
  method: string;
  path: string;
  querystring: Record<string, string>;
  body: unknown;
}

const SHARDS = { total: 2, successful: 1, failed: 0 };

function errorResponse(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): errors.ResponseError {
  return new errors.ResponseError({
    body: { error: { root_cause: [{ type, reason, ...extra }], type, reason, ...extra }, status },
    statusCode: status,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

export interface FakeCluster {
  client: Client;
  requests: RecordedRequest[];
  /** The routes (fake-cluster-http.ts serves them over HTTP). */
  mock: InstanceType<typeof Mock>;
  close(): void;
}

/** `exactLongs`: longs past 2^53 kept exact in the state and its ES|QL answers (bigints: HTTP bodies only). */
export function createFakeCluster(options: { exactLongs?: boolean } = {}): FakeCluster {
  const mock = new Mock();
  const state = new EmbeddedStore(':memory:', { exactLongs: options.exactLongs ?? false });
  const requests: RecordedRequest[] = [];
  const versions = new Map<string, number>();
  const route = (pattern: { method: string | string[]; path: string | string[] }, handler: (p: MockParams) => unknown): void => {
    mock.add(pattern, (raw) => handler(raw as unknown as MockParams) as Record<string, unknown>);
  };
  const record = (p: MockParams): void => {
    requests.push({ method: p.method, path: p.path, querystring: { ...p.querystring }, body: p.body });
  };
  const segments = (p: MockParams): string[] => p.path.split('/').filter(Boolean).map(decodeURIComponent);
  const guard = <T>(f: () => T, index?: string, id?: string): T | errors.ResponseError => {
    try {
      return f();
    } catch (e) {
      if (e instanceof VersionConflictError) {
        return errorResponse(409, 'version_conflict_engine_exception', e.message, { index_uuid: 'fake', shard: '0', index });
      }
      if (e instanceof StoreError) return errorResponse(e.status ?? 400, e.type, e.message, id ? { index } : {});
      throw e;
    }
  };
  const writeBody = (index: string, r: { _id: string; _seq_no: number; _primary_term: number; result: string }) => {
    const key = `${index}/${r._id}`;
    const version = r.result === 'created' ? 1 : (versions.get(key) ?? 1) + 1;
    versions.set(key, version);
    return { _index: index, _id: r._id, _version: version, result: r.result, _shards: SHARDS, _seq_no: r._seq_no, _primary_term: r._primary_term };
  };

  route({ method: 'PUT', path: '/:index' }, (p: MockParams) => {
    record(p);
    const [index] = segments(p);
    return guard(() => {
      const body = (p.body ?? {}) as { mappings?: Record<string, unknown>; settings?: Record<string, unknown> };
      const { created } = state.createIndexSync(index, body);
      if (!created) {
        return errorResponse(400, 'resource_already_exists_exception', `index [${index}/fake-uuid] already exists`, { index });
      }
      return { acknowledged: true, shards_acknowledged: true, index };
    });
  });
  route({ method: 'GET', path: '/:index' }, (p: MockParams) => {
    record(p);
    const [pattern] = segments(p);
    const names = state.listIndicesSync().filter((n) => pattern === '*' || n === pattern);
    return Object.fromEntries(names.map((n) => [n, { aliases: {}, settings: { index: { number_of_shards: '1' } } }]));
  });
  route({ method: 'GET', path: '/:index/_mapping' }, (p: MockParams) => {
    record(p);
    const [index] = segments(p);
    if (!state.listIndicesSync().includes(index)) {
      return errorResponse(404, 'index_not_found_exception', `no such index [${index}]`, { index });
    }
    return { [index]: { mappings: state.getMappingSync(index) } };
  });
  route({ method: 'HEAD', path: '/:index' }, (p: MockParams) => {
    record(p);
    const [index] = segments(p);
    const exists = state.listIndicesSync().includes(index);
    return exists ? '' : new errors.ResponseError({ body: '', statusCode: 404, headers: {}, warnings: null, meta: {} as never });
  });
  route({ method: 'DELETE', path: '/:index' }, (p: MockParams) => {
    record(p);
    const [index] = segments(p);
    return guard(() => {
      state.deleteIndexSync(index);
      return { acknowledged: true };
    });
  });
  const indexDoc = (p: MockParams): unknown => {
    record(p);
    const [index, , id] = segments(p);
    const q = p.querystring;
    return guard(() => writeBody(index, state.indexSync(index, p.body as Record<string, unknown>, {
      id,
      opType: q.op_type === 'create' || segments(p)[1] === '_create' ? 'create' : undefined,
      ifSeqNo: q.if_seq_no !== undefined ? Number(q.if_seq_no) : undefined,
      ifPrimaryTerm: q.if_primary_term !== undefined ? Number(q.if_primary_term) : undefined,
    })), index, id);
  };
  route({ method: ['PUT', 'POST'], path: ['/:index/_doc/:id', '/:index/_create/:id'] }, indexDoc);
  route({ method: 'POST', path: '/:index/_doc' }, indexDoc);
  route({ method: 'GET', path: '/:index/_doc/:id' }, (p: MockParams) => {
    record(p);
    const [index, , id] = segments(p);
    const doc = state.getSync(index, id);
    if (!doc) {
      return new errors.ResponseError({ body: { _index: index, _id: id, found: false }, statusCode: 404, headers: {}, warnings: null, meta: {} as never });
    }
    return {
      _index: index, _id: id, _version: versions.get(`${index}/${id}`) ?? 1, _seq_no: doc._seq_no,
      _primary_term: doc._primary_term, found: true, _source: doc._source,
    };
  });
  route({ method: ['POST', 'GET'], path: '/:index/_mget' }, (p: MockParams) => {
    record(p);
    const [index] = segments(p);
    const withSource = p.querystring._source !== 'false';
    const ids = (p.body as { ids: string[] }).ids;
    return {
      docs: ids.map((id) => {
        const doc = state.getSync(index, id);
        if (!doc) return { _index: index, _id: id, found: false };
        return {
          _index: index, _id: id, _version: versions.get(`${index}/${id}`) ?? 1, _seq_no: doc._seq_no,
          _primary_term: doc._primary_term, found: true, ...(withSource ? { _source: doc._source } : {}),
        };
      }),
    };
  });
  route({ method: 'DELETE', path: '/:index/_doc/:id' }, (p: MockParams) => {
    record(p);
    const [index, , id] = segments(p);
    const q = p.querystring;
    const r = guard(() => state.deleteSync(index, id, {
      ifSeqNo: q.if_seq_no !== undefined ? Number(q.if_seq_no) : undefined,
      ifPrimaryTerm: q.if_primary_term !== undefined ? Number(q.if_primary_term) : undefined,
    }), index, id);
    if (r instanceof errors.ResponseError) return r;
    const body = { _index: index, _id: id, _version: (versions.get(`${index}/${id}`) ?? 0) + 1, result: r.result, _shards: SHARDS, _seq_no: r._seq_no, _primary_term: r._primary_term };
    if (r.result === 'not_found') return new errors.ResponseError({ body, statusCode: 404, headers: {}, warnings: null, meta: {} as never });
    return body;
  });
  route({ method: 'POST', path: '/_bulk' }, (p: MockParams) => {
    record(p);
    const lines = p.body as Record<string, unknown>[];
    const items: Record<string, unknown>[] = [];
    let hasErrors = false;
    for (let i = 0; i < lines.length; i += 2) {
      const action = lines[i].index as { _index: string; _id?: string };
      const r = guard(() => state.indexSync(action._index, lines[i + 1], { id: action._id }), action._index, action._id);
      if (r instanceof errors.ResponseError) {
        hasErrors = true;
        const body = r.body as { error: unknown; status: number };
        items.push({ index: { _index: action._index, _id: action._id ?? null, status: body.status, error: body.error } });
      } else {
        items.push({ index: { ...writeBody(action._index, r), status: r.result === 'created' ? 201 : 200 } });
      }
    }
    return { took: 1, errors: hasErrors, items };
  });
  route({ method: ['POST', 'GET'], path: '/:index/_refresh' }, (p: MockParams) => {
    record(p);
    return { _shards: { total: 2, successful: 1, failed: 0 } };
  });
  // `_query/async` answers within its wait_for_completion_timeout here: the fake cluster is never slow
  route({ method: 'POST', path: ['/_query', '/_query/async'] }, (p: MockParams) => {
    record(p);
    const body = p.body as { query: string; params?: unknown[] };
    try {
      const r = state.esqlSync(body.query, body.params);
      return { took: 1, is_running: false, is_partial: false, documents_found: r.values.length, values_loaded: 0, columns: r.columns, values: r.values };
    } catch (e) {
      const err = e as Error & { type?: string };
      return errorResponse(400, err.type ?? 'verification_exception', err.message);
    }
  });
  const client = new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() });
  return { client, requests, mock, close: () => { void state.close(); } };
}
