// The real kernel process on a cluster (a fake async ES|QL cluster over loopback), spoken to over ZeroMQ: a long
// query sent from code (here ESQL_QUERY passed as a value, and a FOR over a query) shows its live line
// as display_data then update_display_data with the same display_id, as a query typed alone in a cell does; an
// interrupt_request deletes the async query on the cluster.
import { expect } from 'chai';
import { ofType, streamText, TestClient } from './client';
import { AsyncEsqlCluster, startAsyncEsqlCluster } from '../language/store/async-esql-cluster';

describe('kernel over ZeroMQ on a cluster: progress of queries sent from code', function () {
  this.timeout(60_000);
  let cluster: AsyncEsqlCluster;
  let k: TestClient;

  before(async () => {
    cluster = await startAsyncEsqlCluster({
      id: 'Z1', answer: { columns: [{ name: 'n', type: 'long' }], values: [[9007199254740993n]] }, documentsPerPoll: 50, pollDelayMs: 20,
      passThrough: (query) => !query.startsWith('FROM logs'), // the session's own reads
    });
    k = await TestClient.start({ ESCRIPT_ELASTICSEARCH_URL: cluster.url, ESCRIPT_ESQL_ASYNC_AFTER_MS: '5' });
  });
  after(async () => {
    await k?.stop();
    await cluster?.close();
  });

  it('ESQL_QUERY passed as a value: a live line updated in place, then the exact long', async () => {
    cluster.pollsUntilDone = 3;
    const { reply, outputs } = await k.execute("DECLARE q = ESQL_QUERY;\nPRINT q('FROM logs | STATS n = COUNT(*)')[0].n;");
    expect(reply.content.status, JSON.stringify(reply.content)).to.equal('ok');
    expect(streamText(outputs)).to.equal('9007199254740993\n');
    const [shown] = ofType(outputs, 'display_data');
    const id = shown.content.transient.display_id;
    expect(shown.content.data['text/plain']).to.match(/^ES\|QL running .*\(async id Z1\)$/);
    const updates = ofType(outputs, 'update_display_data');
    expect(updates.length).to.be.greaterThan(0);
    expect(updates.every((u) => u.content.transient.display_id === id)).to.equal(true);
    expect(updates[updates.length - 1].content.data['text/plain']).to.match(/^ES\|QL done /);
  });

  it('FOR over a query: the same line; an interrupt_request deletes the async query on the cluster', async () => {
    cluster.pollsUntilDone = Infinity;
    const { msgId, reply } = k.send('execute_request', { code: 'FOR r IN (FROM logs | STATS n = COUNT(*)) LOOP PRINT r.n; END LOOP;' });
    const mine = () => k.iopubMessages.filter((m) => m.parent_header.msg_id === msgId);
    for (let i = 0; i < 400 && ofType(mine(), 'update_display_data').length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(ofType(mine(), 'display_data')).to.have.length(1);
    await k.request('interrupt_request', {}, 'control');
    expect((await reply).content.ename).to.equal('interrupted');
    expect(cluster.seen.filter((r) => r.method === 'DELETE').map((r) => r.path)).to.deep.equal(['/_query/async/Z1']);
    const outputs = await k.outputs(msgId);
    const updates = ofType(outputs, 'update_display_data');
    expect(updates[updates.length - 1].content.data['text/plain']).to.match(/^ES\|QL interrupted after .* \(async id Z1 deleted\)$/);
  });
});
