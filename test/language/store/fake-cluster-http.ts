// The fake cluster's routes (fake-cluster.ts) served over real HTTP on loopback, with JSON as Elasticsearch reads
// and writes it: request bodies read with whole numbers exact (up to unsigned_long, as a mapping would take
// them), answers written with bigints as digits. The client reads them with the ExactSerializer, as openStore's
// does; the mock's own connection cannot carry such numbers (it parses and writes with JSON.parse/stringify).
import * as http from 'http';
import type { AddressInfo } from 'net';
import { Client, errors } from '@elastic/elasticsearch';
import { parseExact, stringifyExact } from '../../../language/exact-json';
import { ExactSerializer } from '../../../language/store/exact-serializer';
import { FakeCluster, createFakeCluster } from './fake-cluster';

export async function startFakeClusterOverHttp(): Promise<FakeCluster> {
  const fake = createFakeCluster({ exactLongs: true });
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const read = (t: string) => parseExact(t, { unsignedLongs: true });
      const body = !text ? null : /ndjson/.test(req.headers['content-type'] ?? '')
        ? text.split('\n').filter(Boolean).map(read) : read(text);
      const params = { method: req.method ?? 'GET', path: url.pathname, querystring: Object.fromEntries(url.searchParams), body };
      const resolve = fake.mock.get(params as Parameters<typeof fake.mock.get>[0]);
      let status = 200;
      let answer: unknown = resolve ? resolve(params as never) : { error: 'Mock not found', params };
      if (!resolve) status = 404;
      if (answer instanceof errors.ResponseError) {
        status = answer.statusCode ?? 500;
        answer = answer.body;
      }
      res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      res.end(req.method === 'HEAD' || answer === '' ? undefined : stringifyExact(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new Client({ node: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, Serializer: ExactSerializer });
  return {
    ...fake,
    client,
    close() {
      fake.close();
      void client.close();
      server.closeAllConnections();
      server.close();
    },
  };
}
