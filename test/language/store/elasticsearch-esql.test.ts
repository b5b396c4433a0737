// ES|QL on a cluster through the async API: the official client against @elastic/elasticsearch-mock, and against
// a real HTTP server on loopback playing `_query/async` (running -> done; an interrupt must DELETE the query).
import { expect } from 'chai';
import { Client } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { ElasticsearchStore } from '../../../language/store/elasticsearch';
import { DEFAULT_RETRY } from '../../../language/store/es-retry';
import type { EsqlProgress } from '../../../language/store/store';
import { AsyncEsqlCluster, startAsyncEsqlCluster } from './async-esql-cluster';

const COLUMNS = [{ name: 'n', type: 'long' }, { name: 'level', type: 'keyword' }];
const VALUES = [[20, 'ERROR'], [5, 'WARN']];

describe('store: ES|QL on a cluster through the async API', () => {
  describe('with the client mock', () => {
    it('a quick query is answered by the one POST /_query/async, with no progress', async () => {
      const mock = new Mock();
      const bodies: Record<string, unknown>[] = [];
      mock.add({ method: 'POST', path: '/_query/async' }, (p) => {
        bodies.push(p.body as Record<string, unknown>);
        return { is_running: false, took: 3, columns: COLUMNS, values: VALUES };
      });
      const store = new ElasticsearchStore(new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() }), DEFAULT_RETRY, [], { asyncAfterMs: 250 });
      const progress: EsqlProgress[] = [];
      const r = await store.esql('FROM logs | STATS n = COUNT(*) BY level', [], undefined, { onProgress: (p) => progress.push(p) });
      expect(r.columns).to.deep.equal(COLUMNS);
      expect(r.values).to.deep.equal(VALUES);
      expect(progress).to.deep.equal([]);
      expect(bodies[0]).to.include({ query: 'FROM logs | STATS n = COUNT(*) BY level', wait_for_completion_timeout: '250ms', keep_on_completion: false });
    });

    it('a long query is polled by id until is_running is false, reporting progress', async () => {
      const mock = new Mock();
      let polls = 0;
      mock.add({ method: 'POST', path: '/_query/async' }, () => ({ id: 'Q1', is_running: true, documents_found: 10, values_loaded: 30 }));
      mock.add({ method: 'GET', path: '/_query/async/Q1' }, () => (++polls < 3
        ? { id: 'Q1', is_running: true, documents_found: 10 * (polls + 1), _clusters: { total: 2, successful: polls - 1, running: 3 - polls } }
        : { id: 'Q1', is_running: false, columns: COLUMNS, values: VALUES, documents_found: 40 }));
      const store = new ElasticsearchStore(new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() }), DEFAULT_RETRY, [], { asyncAfterMs: 10, pollMs: 20 });
      const progress: EsqlProgress[] = [];
      const r = await store.esql('FROM logs', [], undefined, { onProgress: (p) => progress.push(p) });
      expect(r.values).to.deep.equal(VALUES);
      expect(polls).to.equal(3);
      expect(progress.map((p) => [p.running, p.documentsFound])).to.deep.equal([[true, 10], [true, 20], [true, 30], [false, 40]]);
      expect(progress[2].clusters).to.deep.equal({ total: 2, successful: 1, running: 1 });
      expect(progress.every((p) => p.id === 'Q1')).to.equal(true);
    });

    it('an ES|QL error on the POST is an EsqlError, as with _query', async () => {
      const mock = new Mock();
      mock.add({ method: 'POST', path: '/_query/async' }, () => new (require('@elastic/elasticsearch').errors.ResponseError)({
        body: { error: { type: 'verification_exception', reason: 'Found 1 problem\nline 1:13: Unknown column [nope]' }, status: 400 },
        statusCode: 400, headers: {}, warnings: null, meta: {},
      }));
      const store = new ElasticsearchStore(new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() }));
      const err = await store.esql('FROM t | KEEP nope').then(() => null, (e: Error) => e);
      expect(err?.name).to.equal('EsqlError');
    });
  });

  describe('over real HTTP on loopback', () => {
    let cluster: AsyncEsqlCluster;

    beforeEach(async () => {
      cluster = await startAsyncEsqlCluster({ id: 'A1', answer: { columns: COLUMNS, values: VALUES }, documentsPerPoll: 1000, pollDelayMs: 30 });
    });
    afterEach(() => cluster.close());

    it('running -> done: polls GET /_query/async/{id} and returns the final columns and values', async () => {
      cluster.pollsUntilDone = 3;
      const store = new ElasticsearchStore(cluster.client, DEFAULT_RETRY, [], { asyncAfterMs: 5, pollMs: 10 });
      const progress: EsqlProgress[] = [];
      const r = await store.esql('FROM logs | STATS n = COUNT(*) BY level', [], undefined, { onProgress: (p) => progress.push(p) });
      expect(r.values).to.deep.equal(VALUES);
      expect(cluster.seen.map((s) => `${s.method} ${s.path}`)).to.deep.equal(
        ['POST /_query/async', 'GET /_query/async/A1', 'GET /_query/async/A1', 'GET /_query/async/A1']);
      expect(JSON.parse(cluster.seen[0].body)).to.include({ wait_for_completion_timeout: '5ms', keep_alive: '5m' });
      expect(progress.map((p) => p.documentsFound)).to.deep.equal([0, 1000, 2000, undefined]);
      expect(progress[progress.length - 1].running).to.equal(false);
    });

    it('longs, counter_longs and unsigned_longs come back exact, answered at once or after polls; a double stays a double', async () => {
      // as Elasticsearch writes them: digits past 2^53 (and an unsigned_long past 2^63); a whole number in a
      // double column, a multivalue, nulls
      const answer = {
        columns: [{ name: 'l', type: 'long' }, { name: 'u', type: 'unsigned_long' }, { name: 'c', type: 'counter_long' },
          { name: 'd', type: 'double' }, { name: 'm', type: 'long' }],
        values: [
          [9007199254740993n, 18446744073709551615n, 9223372036854775807n, 12345678901234567n, [9007199254740993n, 1]],
          [-9007199254740993n, 9223372036854775808n, null, 1.5, null],
        ],
      };
      const expected = [
        [9007199254740993n, 18446744073709551615n, 9223372036854775807n, 12345678901234568, [9007199254740993n, 1]],
        [-9007199254740993n, 9223372036854775808n, null, 1.5, null],
      ];
      await cluster.close();
      for (const pollsUntilDone of [0, 2]) {
        cluster = await startAsyncEsqlCluster({ id: 'A1', answer, documentsPerPoll: 1, pollDelayMs: 5 });
        cluster.pollsUntilDone = pollsUntilDone;
        const store = new ElasticsearchStore(cluster.client, DEFAULT_RETRY, [], { asyncAfterMs: 5, pollMs: 10 });
        const r = await store.esql('FROM longs');
        expect(r.values, `pollsUntilDone ${pollsUntilDone}`).to.deep.equal(expected);
        expect(cluster.seen.length).to.equal(pollsUntilDone + 1);
        if (pollsUntilDone === 0) await cluster.close();
      }
    });

    it('an interrupt mid-way sends DELETE /_query/async/{id} and fails as interrupted', async () => {
      cluster.pollsUntilDone = Infinity;
      const store = new ElasticsearchStore(cluster.client, DEFAULT_RETRY, [], { asyncAfterMs: 5, pollMs: 10 });
      const controller = new AbortController();
      const progress: EsqlProgress[] = [];
      const run = store.esql('FROM logs', [], controller.signal, {
        onProgress: (p) => { progress.push(p); if (progress.length === 3) controller.abort(); },
      });
      const err = await run.then(() => null, (e: Error & { type?: string }) => e);
      expect(err?.type).to.equal('interrupted');
      expect(err?.message).to.match(/async query \[A1\] deleted/);
      expect(cluster.seen.filter((s) => s.method === 'DELETE').map((s) => s.path)).to.deep.equal(['/_query/async/A1']);
      const polls = cluster.seen.filter((s) => s.method === 'GET').length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(cluster.seen.filter((s) => s.method === 'GET').length).to.equal(polls); // no polling after the interrupt
    });
  });
});
