// One DataStore contract, run over both backends as openStore opens them: the embedded SQLite store (a temporary
// file, exact longs) and the Elasticsearch store (the ExactSerializer) talking to a fake cluster over loopback HTTP
// (fake-cluster-http.ts: the routes of fake-cluster.ts, JSON as Elasticsearch writes it).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { DataStore, StoreError, VersionConflictError } from '../../../language/store/store';
import { EmbeddedStore } from '../../../language/store/embedded';
import { ElasticsearchStore } from '../../../language/store/elasticsearch';
import { EsqlError } from '../../../language/esql/errors';
import { RecordedRequest, createFakeCluster } from './fake-cluster';
import { startFakeClusterOverHttp } from './fake-cluster-http';

interface Backend {
  store: DataStore;
  /** Requests sent to the cluster (Elasticsearch backend only). */
  requests?: RecordedRequest[];
  dispose(): Promise<void>;
}

const backends: Record<string, () => Promise<Backend>> = {
  embedded: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-contract-'));
    const store = new EmbeddedStore(path.join(dir, 'store.db'), { exactLongs: true });
    return { store, dispose: async () => { await store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  },
  elasticsearch: async () => {
    const fake = await startFakeClusterOverHttp();
    const store = new ElasticsearchStore(fake.client);
    return { store, requests: fake.requests, dispose: async () => { fake.close(); } };
  },
};

async function expectRejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

for (const [name, make] of Object.entries(backends)) {
  describe(`DataStore contract: ${name}`, () => {
    let b: Backend;
    beforeEach(async () => { b = await make(); });
    afterEach(async () => { await b.dispose(); });

    it('creates an index once', async () => {
      expect(await b.store.createIndex('people', { mappings: { properties: { name: { type: 'keyword' }, age: { type: 'integer' } } } }))
        .to.deep.equal({ created: true });
      expect(await b.store.createIndex('people')).to.deep.equal({ created: false });
      expect(await b.store.indexExists('people')).to.equal(true);
      expect(await b.store.indexExists('nobody')).to.equal(false);
    });

    it('indexes and gets a document in real time', async () => {
      const w = await b.store.index('people', { name: 'ada', age: 36 }, { id: 'a1' });
      expect(w.result).to.equal('created');
      expect(w._id).to.equal('a1');
      const doc = await b.store.get('people', 'a1');
      expect(doc?._source).to.deep.equal({ name: 'ada', age: 36 });
      expect(doc?._seq_no).to.equal(w._seq_no);
      expect(doc?._primary_term).to.equal(w._primary_term);
      expect(await b.store.get('people', 'missing')).to.equal(null);
    });

    it('generates ids and increases sequence numbers', async () => {
      const a = await b.store.index('people', { name: 'x' });
      const c = await b.store.index('people', { name: 'y' });
      expect(a._id).to.be.a('string').and.not.equal(c._id);
      expect(c._seq_no).to.be.greaterThan(a._seq_no);
    });

    it('bulk indexes', async () => {
      const r = await b.store.bulk('people', [{ id: 'b1', doc: { name: 'bo', age: 1 } }, { doc: { name: 'cy', age: 2 } }], { refresh: true });
      expect(r.errors).to.equal(false);
      expect(r.items).to.have.length(2);
      expect((await b.store.get('people', 'b1'))?._source).to.deep.equal({ name: 'bo', age: 1 });
    });

    it('compare-and-set succeeds on the current sequence number and fails on a stale one', async () => {
      const first = await b.store.index('people', { name: 'ada', age: 36 }, { id: 'a1' });
      const second = await b.store.index('people', { name: 'ada', age: 37 }, { id: 'a1', ifSeqNo: first._seq_no, ifPrimaryTerm: first._primary_term });
      expect(second.result).to.equal('updated');
      expect(second._seq_no).to.be.greaterThan(first._seq_no);
      const err = await expectRejection(b.store.index('people', { name: 'ada', age: 99 }, { id: 'a1', ifSeqNo: first._seq_no, ifPrimaryTerm: first._primary_term }));
      expect(err).to.be.instanceOf(VersionConflictError);
      expect((await b.store.get('people', 'a1'))?._source).to.deep.equal({ name: 'ada', age: 37 });
    });

    it('create fails when the id exists', async () => {
      await b.store.index('people', { name: 'ada' }, { id: 'a1', opType: 'create' });
      const err = await expectRejection(b.store.index('people', { name: 'eve' }, { id: 'a1', opType: 'create' }));
      expect(err).to.be.instanceOf(VersionConflictError);
      expect((await b.store.get('people', 'a1'))?._source).to.deep.equal({ name: 'ada' });
    });

    it('deletes a document', async () => {
      await b.store.index('people', { name: 'ada' }, { id: 'a1' });
      expect((await b.store.delete('people', 'a1')).result).to.equal('deleted');
      expect(await b.store.get('people', 'a1')).to.equal(null);
      expect((await b.store.delete('people', 'a1')).result).to.equal('not_found');
    });

    it('refreshes and answers ES|QL with parameters', async () => {
      await b.store.createIndex('people', { mappings: { properties: { name: { type: 'keyword' }, age: { type: 'integer' } } } });
      await b.store.bulk('people', [
        { id: '1', doc: { name: 'ada', age: 36 } }, { id: '2', doc: { name: 'bo', age: 12 } }, { id: '3', doc: { name: 'cy', age: 50 } },
      ]);
      await b.store.refresh('people');
      const r = await b.store.esql('FROM people | WHERE age > ? AND name != ?name | SORT age DESC | KEEP name, age', [20, { name: 'cy' }]);
      expect(r.columns).to.deep.equal([{ name: 'name', type: 'keyword' }, { name: 'age', type: 'integer' }]);
      expect(r.values).to.deep.equal([['ada', 36]]);
    });

    it('answers ES|QL with exact longs, dates as ISO strings, nulls and multivalues as arrays', async () => {
      await b.store.createIndex('events', { mappings: { properties: {
        i: { type: 'integer' }, n: { type: 'long' }, u: { type: 'unsigned_long' }, d: { type: 'double' }, at: { type: 'date' }, tags: { type: 'keyword' },
      } } });
      await b.store.bulk('events', [
        { id: '1', doc: { i: 1, n: 9007199254740993n, u: 18446744073709551615n, d: 1.5, at: '2024-05-01T10:00:00Z', tags: ['b', 'a'] } },
        { id: '2', doc: { i: 2, n: [-9007199254740993n, 9223372036854775807n], d: 12345678901234567, at: null, tags: null } },
      ]);
      await b.store.refresh('events');
      expect((await b.store.get('events', '1'))?._source).to.deep.include({ n: 9007199254740993n });
      const rows = await b.store.esql('FROM events | SORT i | KEEP n, u, d, at, tags');
      expect(rows.columns).to.deep.equal([
        { name: 'n', type: 'long' }, { name: 'u', type: 'unsigned_long' }, { name: 'd', type: 'double' }, { name: 'at', type: 'date' }, { name: 'tags', type: 'keyword' },
      ]);
      expect(rows.values).to.deep.equal([
        [9007199254740993n, 18446744073709551615n, 1.5, '2024-05-01T10:00:00.000Z', ['a', 'b']],
        [[-9007199254740993n, 9223372036854775807n], null, 12345678901234568, null, null],
      ]);
      const stats = await b.store.esql('FROM events | STATS top = MAX(n), c = COUNT(*), bumped = MAX(n) - 1 + ?', [1]);
      expect(stats.columns.map((c) => c.type)).to.deep.equal(['long', 'long', 'long']);
      expect(stats.values).to.deep.equal([[9223372036854775807n, 2, 9223372036854775807n]]);
    });

    it('lists indices and returns mappings', async () => {
      await b.store.createIndex('people', { mappings: { properties: { name: { type: 'keyword' } } } });
      await b.store.index('.hidden', { a: 1 });
      expect(await b.store.listIndices()).to.deep.equal(['.hidden', 'people']);
      expect(await b.store.getMapping('people')).to.deep.equal({ properties: { name: { type: 'keyword' } } });
    });

    it('reports a missing index the same way', async () => {
      const err = await expectRejection(b.store.deleteIndex('missing'));
      expect(err).to.be.instanceOf(StoreError);
      expect((err as StoreError).type).to.equal('index_not_found_exception');
      expect(await b.store.get('missing', 'x')).to.equal(null);
    });

    it('deletes an index', async () => {
      await b.store.createIndex('gone');
      await b.store.deleteIndex('gone');
      expect(await b.store.indexExists('gone')).to.equal(false);
    });
  });
}

describe('ElasticsearchStore requests', () => {
  let fake: ReturnType<typeof createFakeCluster>;
  let store: ElasticsearchStore;
  beforeEach(() => {
    fake = createFakeCluster();
    store = new ElasticsearchStore(fake.client);
  });
  afterEach(() => { fake.close(); });

  it('sends if_seq_no and if_primary_term for compare-and-set', async () => {
    await store.index('t', { a: 1 }, { id: 'x', ifSeqNo: 4, ifPrimaryTerm: 2 }).catch(() => undefined);
    const req = fake.requests.find((r) => r.path === '/t/_doc/x')!;
    expect(req.method).to.equal('PUT');
    expect(req.querystring).to.include({ if_seq_no: '4', if_primary_term: '2' });
  });

  it('sends op_type=create', async () => {
    await store.index('t', { a: 1 }, { id: 'x', opType: 'create' });
    const req = fake.requests.find((r) => r.path.startsWith('/t/'))!;
    expect(req.querystring.op_type === 'create' || req.path === '/t/_create/x').to.equal(true);
  });

  it('sends ES|QL text and params to _query/async', async () => {
    await store.index('t', { a: 1 });
    await store.esql('FROM t | WHERE a == ?1 | LIMIT ?2', [1, 5]);
    const req = fake.requests.find((r) => r.path.startsWith('/_query'))!;
    expect(req.method).to.equal('POST');
    expect(req.body).to.include({ query: 'FROM t | WHERE a == ?1 | LIMIT ?2' });
    expect((req.body as { params: unknown[] }).params).to.deep.equal([1, 5]);
  });

  it('sends bulk as index actions with ids', async () => {
    await store.bulk('t', [{ id: 'a', doc: { v: 1 } }, { doc: { v: 2 } }]);
    const req = fake.requests.find((r) => r.path === '/_bulk')!;
    expect(req.body).to.deep.equal([{ index: { _index: 't', _id: 'a' } }, { v: 1 }, { index: { _index: 't' } }, { v: 2 }]);
  });

  it('turns an ES|QL verification failure into an EsqlError with Elasticsearch\'s message', async () => {
    await store.createIndex('t');
    const err = await expectRejection(store.esql('FROM t | EVAL x = nope'));
    expect(err).to.be.instanceOf(EsqlError);
    expect((err as EsqlError).type).to.equal('verification_exception');
    expect(err.message).to.match(/line 1:19: Unknown column \[nope\]/);
  });
});
