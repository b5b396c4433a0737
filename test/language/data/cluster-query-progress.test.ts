// A cell's long query on a cluster (real HTTP on loopback, the async ES|QL API): a live line updated in place
// while it runs, the rows when it ends; an interrupt deletes the query on the cluster and fails the cell.
import { expect } from 'chai';
import { openSession } from '../../../language/open-session';
import { readConfig } from '../../../language/config';
import { ElasticsearchStore } from '../../../language/store/elasticsearch';
import { DEFAULT_RETRY } from '../../../language/store/es-retry';
import { RecordingOutput } from '../async/support';
import { AsyncEsqlCluster, startAsyncEsqlCluster } from '../store/async-esql-cluster';

describe('data: a long query on a cluster in a cell', () => {
  let cluster: AsyncEsqlCluster;

  beforeEach(async () => {
    cluster = await startAsyncEsqlCluster({
      id: 'C1', answer: { columns: [{ name: 'n', type: 'long' }], values: [[42]] }, documentsPerPoll: 100, pollDelayMs: 20,
      passThrough: (query) => !query.startsWith('FROM logs'), // the session's own reads
    });
  });
  afterEach(() => cluster.close());

  const session = () => openSession(readConfig({ ESCRIPT_INTEGRATIONS: 'dry-run' }),
    () => new ElasticsearchStore(cluster.client, DEFAULT_RETRY, [], { asyncAfterMs: 5, pollMs: 10 }));

  it('shows progress in one display updated in place, then the rows', async () => {
    cluster.pollsUntilDone = 3;
    const out = new RecordingOutput();
    const outcome = await session().execute('DECLARE n NUMBER FROM logs | STATS n = COUNT(*);\nPRINT n;', out, new AbortController().signal);
    expect(outcome).to.deep.equal({ status: 'ok' });
    expect(out.prints).to.deep.equal(['42']);
    expect(out.displays).to.have.length(1);
    const id = out.displays[0].id!;
    expect(String(out.displays[0].bundle['text/plain'])).to.match(/^ES\|QL running \d+\.\d s, 0 documents found, \(async id C1\)$/);
    expect(out.updates.every((u) => u.id === id)).to.equal(true);
    expect(String(out.updates[out.updates.length - 1].bundle['text/plain'])).to.match(/^ES\|QL done /);
  });

  it('an interrupt deletes the query on the cluster and fails the cell as interrupted', async () => {
    cluster.pollsUntilDone = Infinity;
    const out = new RecordingOutput();
    const controller = new AbortController();
    const running = session().execute('FROM logs | STATS n = COUNT(*)', out, controller.signal);
    while (out.updates.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const outcome = await running;
    expect(outcome.status).to.equal('error');
    expect((outcome as { error: { ename: string } }).error.ename).to.equal('interrupted');
    expect(cluster.seen.map((r) => `${r.method} ${r.path}`)).to.include('DELETE /_query/async/C1');
    expect(String(out.updates[out.updates.length - 1].bundle['text/plain'])).to.match(/^ES\|QL interrupted after .* \(async id C1 deleted\)$/);
  });
});
