// A cell's long query on a cluster (real HTTP on loopback, the async ES|QL API): a live line updated in place
// while it runs, the rows when it ends; an interrupt deletes the query on the cluster and fails the cell.
import * as http from 'http';
import { AddressInfo } from 'net';
import { expect } from 'chai';
import { Client } from '@elastic/elasticsearch';
import { openSession } from '../../../language/open-session';
import { readConfig } from '../../../language/config';
import { ElasticsearchStore } from '../../../language/store/elasticsearch';
import { DEFAULT_RETRY } from '../../../language/store/es-retry';
import { RecordingOutput } from '../async/support';

describe('data: a long query on a cluster in a cell', () => {
  let server: http.Server;
  let client: Client;
  let seen: string[];
  let pollsUntilDone: number;

  beforeEach(async () => {
    seen = [];
    let polls = 0;
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => { raw += c; });
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0];
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
          res.end(JSON.stringify(body));
        };
        const query = req.method === 'POST' && raw ? String(JSON.parse(raw).query ?? '') : '';
        if (path === '/_query/async' && !query.startsWith('FROM logs')) {
          return send(200, { is_running: false, columns: [], values: [] }); // the session's own reads
        }
        seen.push(`${req.method} ${path}`);
        if (req.method === 'POST' && path === '/_query/async') return send(200, { id: 'C1', is_running: true, documents_found: 0 });
        if (req.method === 'GET' && path === '/_query/async/C1') {
          polls++;
          return setTimeout(() => send(200, polls < pollsUntilDone
            ? { id: 'C1', is_running: true, documents_found: polls * 100 }
            : { id: 'C1', is_running: false, columns: [{ name: 'n', type: 'long' }], values: [[42]] }), 20);
        }
        if (req.method === 'DELETE' && path === '/_query/async/C1') return send(200, { acknowledged: true });
        send(404, { error: { type: 'index_not_found_exception', reason: `no such index [${path}]` }, status: 404 });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new Client({ node: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  afterEach(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const session = () => openSession(readConfig({ ESCRIPT_INTEGRATIONS: 'dry-run' }),
    () => new ElasticsearchStore(client, DEFAULT_RETRY, [], { asyncAfterMs: 5, pollMs: 10 }));

  it('shows progress in one display updated in place, then the rows', async () => {
    pollsUntilDone = 3;
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
    pollsUntilDone = Infinity;
    const out = new RecordingOutput();
    const controller = new AbortController();
    const running = session().execute('FROM logs | STATS n = COUNT(*)', out, controller.signal);
    while (out.updates.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const outcome = await running;
    expect(outcome.status).to.equal('error');
    expect((outcome as { error: { ename: string } }).error.ename).to.equal('interrupted');
    expect(seen).to.include('DELETE /_query/async/C1');
    expect(String(out.updates[out.updates.length - 1].bundle['text/plain'])).to.match(/^ES\|QL interrupted after .* \(async id C1 deleted\)$/);
  });
});
