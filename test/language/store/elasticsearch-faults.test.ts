// The Elasticsearch store against a fake cluster over real HTTP on loopback (fault-cluster.ts), through the
// official client: passing failures are retried with backoff where repeating the request is safe, Retry-After
// is respected, attempts and total time are bounded; otherwise a StoreError that names the cause. A session on
// the same fake keeps working after each fault.
import { expect } from 'chai';
import { Client } from '@elastic/elasticsearch';
import { ElasticsearchStore } from '../../../language/store/elasticsearch';
import { StoreError, VersionConflictError } from '../../../language/store/store';
import { elasticsearchOptions } from '../../../language/store/open';
import { openSession } from '../../../language/open-session';
import { readConfig } from '../../../language/config';
import type { ExecuteOutcome } from '../../../language/contract';
import { RecordingOutput } from '../async/support';
import { closedPort, esError, type FaultCluster, startFaultCluster } from './fault-cluster';

const POLICY = { retries: 3, totalMs: 5000, baseMs: 20 };

function storeAt(url: string, timeoutMs = 2000, policy = POLICY): ElasticsearchStore {
  return new ElasticsearchStore(new Client(elasticsearchOptions({ url, timeoutMs })), policy);
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('Elasticsearch store faults (fake cluster on loopback)', function () {
  this.timeout(60_000);
  let es: FaultCluster;
  let store: ElasticsearchStore;
  beforeEach(async () => {
    es = await startFaultCluster();
    store = storeAt(es.url);
    es.docs.set('logs/1', { msg: 'hello' });
  });
  afterEach(async () => {
    await store.close();
    await es.close();
  });

  it('a refused connection: retried within the bounds, then a connection_error saying so', async () => {
    const refused = storeAt(await closedPort());
    const started = Date.now();
    const e = await failure(refused.get('logs', '1'));
    expect(e).to.be.instanceOf(StoreError);
    expect((e as StoreError).type).to.equal('connection_error');
    expect(e.message).to.match(/^cannot reach Elasticsearch: .*\(after 4 attempts\)$/);
    expect(Date.now() - started).to.be.below(5000);
    await refused.close();
  });

  it('429 with Retry-After: a safe request waits what it asks, then succeeds', async () => {
    es.faults.push({ ...esError(429, 'es_rejected_execution_exception', 'rejected execution'), headers: { 'retry-after': '1' } } );
    const started = Date.now();
    expect((await store.get('logs', '1'))?._source).to.deep.equal({ msg: 'hello' });
    expect(Date.now() - started).to.be.at.least(950);
    expect(es.requests).to.deep.equal(['GET /logs/_doc/1', 'GET /logs/_doc/1']);
  });

  it('a Retry-After past the total time is not waited for: the 429 is the answer', async () => {
    es.faults.push({ ...esError(429, 'es_rejected_execution_exception', 'rejected execution'), headers: { 'retry-after': '60' } } );
    const started = Date.now();
    const e = await failure(store.get('logs', '1'));
    expect(Date.now() - started).to.be.below(2000);
    expect((e as StoreError).type).to.equal('es_rejected_execution_exception');
    expect((e as StoreError).status).to.equal(429);
    expect(es.requests.length).to.equal(1);
  });

  it('503: a write that names its document is retried; a write without an id is not (it could index twice)', async () => {
    es.faults.push(esError(503, 'unavailable_shards_exception', 'primary shard is not active'), esError(503, 'unavailable_shards_exception', 'primary shard is not active'));
    expect((await store.index('logs', { a: 1 }, { id: '2' })).result).to.equal('created');
    expect(es.requests.length).to.equal(3);
    es.faults.push(esError(503, 'unavailable_shards_exception', 'primary shard is not active'));
    const e = await failure(store.index('logs', { a: 2 }));
    expect(e.message).to.equal('primary shard is not active');
    expect((e as StoreError).type).to.equal('unavailable_shards_exception');
    expect(es.requests.length).to.equal(4);
    expect([...es.docs.keys()]).to.deep.equal(['logs/1', 'logs/2']);
  });

  it('retries stop after the configured attempts', async () => {
    for (let i = 0; i < 10; i++) es.faults.push(esError(503, 'unavailable_shards_exception', 'still down'));
    const e = await failure(store.get('logs', '1'));
    expect(e.message).to.equal('still down (after 4 attempts)');
    expect(es.requests.length).to.equal(4);
  });

  it('a timeout: a read is tried again, a write without an id is a timeout error', async () => {
    const quick = storeAt(es.url, 300);
    es.faults.push('hang');
    expect((await quick.get('logs', '1'))?._source).to.deep.equal({ msg: 'hello' });
    expect(es.requests.length).to.equal(2);
    es.faults.push('hang');
    const e = await failure(quick.index('logs', { a: 3 }));
    expect((e as StoreError).type).to.equal('timeout');
    expect(e.message).to.match(/^Elasticsearch did not answer in time/);
    expect(es.requests.length).to.equal(3);
    await quick.close();
  });

  it('a dropped connection on a read is retried', async () => {
    es.faults.push('drop');
    expect((await store.esql('FROM logs | STATS n = COUNT(*)')).values).to.deep.equal([[1]]);
    expect(es.requests.length).to.equal(2);
  });

  it('409 on a compare-and-set write: a version conflict at once, never retried', async () => {
    es.faults.push(esError(409, 'version_conflict_engine_exception', '[1]: version conflict, required seqNo [5], primary term [1]. current document has seqNo [6] and primary term [1]'));
    const e = await failure(store.index('logs', { a: 4 }, { id: '1', ifSeqNo: 5, ifPrimaryTerm: 1 }));
    expect(e).to.be.instanceOf(VersionConflictError);
    expect(es.requests.length).to.equal(1);
  });

  it('malformed bodies: not JSON, or JSON of another shape, are a malformed_response error', async () => {
    es.faults.push({ status: 200, body: '<html>proxy login</html>' });
    let e = await failure(store.get('logs', '1'));
    expect((e as StoreError).type).to.equal('malformed_response');
    expect(e.message).to.match(/^Elasticsearch sent a malformed response: /);
    es.faults.push({ status: 200, body: '{"took": 3}' });
    e = await failure(store.esql('FROM logs'));
    expect(e.message).to.equal('Elasticsearch sent a malformed response: an ES|QL answer without columns and values');
    const gateway = { status: 502, headers: { 'content-type': 'text/plain' }, body: 'Bad Gateway' };
    es.faults.push(gateway, gateway, gateway, gateway);
    e = await failure(store.get('logs', '1'));
    expect(e.message).to.equal('Elasticsearch answered HTTP 502 with a body that is not JSON (after 4 attempts)');
  });

  it('a session keeps working after each fault (settings from ESCRIPT_ELASTICSEARCH_*)', async () => {
    const s = openSession(readConfig({ ESCRIPT_ELASTICSEARCH_URL: es.url, ESCRIPT_ELASTICSEARCH_RETRIES: '2', ESCRIPT_ELASTICSEARCH_TIMEOUT_MS: '500' }));
    const cell = async (code: string) => {
      const out = new RecordingOutput();
      const outcome: ExecuteOutcome = await s.execute(code, out, new AbortController().signal);
      return { out, outcome };
    };
    es.faultOn = /^POST \/_query/;
    const count = "DECLARE r ARRAY = ESQL_QUERY('FROM logs | STATS n = COUNT(*)'); PRINT r[0]['n'];";
    es.faults.push(esError(503, 'x', 'down'), 'hang');
    const first = await cell(count);
    expect(first.outcome).to.deep.equal({ status: 'ok' });
    expect(first.out.prints).to.deep.equal(['1']);
    es.faults.push(esError(503, 'x', 'down'), esError(503, 'x', 'down'), esError(503, 'x', 'down'));
    const failed = await cell(count);
    expect(failed.outcome.status).to.equal('error');
    const error = (failed.outcome as Extract<ExecuteOutcome, { status: 'error' }>).error;
    expect(error.ename).to.equal('store_error');
    expect(error.evalue).to.contain('down (after 3 attempts)');
    es.faults.push({ status: 200, body: 'garbage' });
    expect((await cell(count)).outcome.status).to.equal('error');
    expect((await cell(count)).out.prints).to.deep.equal(['1']);
    await s.shutdown();
  });
});
