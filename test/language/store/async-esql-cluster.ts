// A fake cluster over real HTTP on loopback playing Elasticsearch's async ES|QL API for one query id: POST
// /_query/async answers "running", each GET poll (held a while, as wait_for_completion_timeout asks) answers
// "running" until `pollsUntilDone` polls, then the answer (with `pollsUntilDone` 0, the POST answers at once, as a
// quick query's is); DELETE acknowledges. Every other route is a 404. Bodies are written as Elasticsearch writes
// them (a bigint as its digits); the client reads them with the ExactSerializer, as openStore's does.
import * as http from 'http';
import { AddressInfo } from 'net';
import { Client } from '@elastic/elasticsearch';
import { stringifyExact } from '../../../language/exact-json';
import { ExactSerializer } from '../../../language/store/exact-serializer';

export interface SeenRequest { method: string; path: string; body: string }

export interface AsyncEsqlCluster {
  /** The official client pointed at the fake. */
  readonly client: Client;
  /** Where it listens (for an `escript` process). */
  readonly url: string;
  /** An Elasticsearch error the POST answers with instead (e.g. a verification_exception). */
  failWith?: { status: number; type: string; reason: string };
  /** The requests of the async query, in order (not those `passThrough` answered). */
  readonly seen: SeenRequest[];
  /** Polls answered "running" before the answer (Infinity: never done; 0: the POST answers). */
  pollsUntilDone: number;
  close(): Promise<void>;
}

export interface AsyncEsqlClusterOptions {
  id: string;
  answer: { columns: { name: string; type: string }[]; values: unknown[][] };
  /** `documents_found` grows by this much per poll. */
  documentsPerPoll: number;
  pollDelayMs: number;
  /** Queries answered at once as finished and empty, and not recorded (a session's own reads). */
  passThrough?: (query: string) => boolean;
}

export async function startAsyncEsqlCluster(options: AsyncEsqlClusterOptions): Promise<AsyncEsqlCluster> {
  const { id, answer, documentsPerPoll, pollDelayMs, passThrough } = options;
  const seen: SeenRequest[] = [];
  let polls = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const method = req.method ?? '';
      const path = (req.url ?? '').split('?')[0];
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        res.end(stringifyExact(value));
      };
      const query = method === 'POST' && body ? String(JSON.parse(body).query ?? '') : '';
      if (path === '/_query/async' && passThrough?.(query)) return send(200, { is_running: false, columns: [], values: [] });
      seen.push({ method, path, body });
      if (method === 'POST' && path === '/_query/async') {
        const f = cluster.failWith;
        if (f) return send(f.status, { error: { root_cause: [{ type: f.type, reason: f.reason }], type: f.type, reason: f.reason }, status: f.status });
        return send(200, cluster.pollsUntilDone === 0 ? { is_running: false, ...answer } : { id, is_running: true, documents_found: 0 });
      }
      if (method === 'GET' && path === `/_query/async/${id}`) {
        polls++;
        return setTimeout(() => send(200, polls < cluster.pollsUntilDone
          ? { id, is_running: true, documents_found: polls * documentsPerPoll }
          : { id, is_running: false, ...answer }), pollDelayMs);
      }
      if (method === 'DELETE' && path === `/_query/async/${id}`) return send(200, { acknowledged: true });
      send(404, { error: { type: 'index_not_found_exception', reason: `no such index or route [${method} ${path}]` }, status: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new Client({ node: url, Serializer: ExactSerializer });
  const cluster: AsyncEsqlCluster = {
    client,
    url,
    seen,
    pollsUntilDone: Infinity,
    async close() {
      await client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return cluster;
}
