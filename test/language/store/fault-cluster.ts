// A fake Elasticsearch over real HTTP on loopback for fault injection: enough of the API for the store's
// document and ES|QL calls, answering with Elasticsearch's response shapes (and its product header, which the
// official client checks). Each request first takes the next queued fault, if any: a status with headers and a
// raw body, a hang (the client's timeout fires), or a dropped connection.
import * as http from 'http';
import type { AddressInfo } from 'net';

export type Fault =
  | { status: number; headers?: Record<string, string>; body?: string }
  | 'hang'
  | 'drop';

export interface FaultCluster {
  url: string;
  /** Faults for the next requests, in order. */
  faults: Fault[];
  /** Only requests whose `METHOD /path` matches take the faults (all when unset). */
  faultOn?: RegExp;
  /** Every request seen: method and path. */
  requests: string[];
  docs: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

const PRODUCT = { 'x-elastic-product': 'Elasticsearch', 'content-type': 'application/json' };

export function esError(status: number, type: string, reason: string): { status: number; body: string } {
  return { status, body: JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status }) };
}

export async function startFaultCluster(): Promise<FaultCluster> {
  const docs = new Map<string, Record<string, unknown>>();
  const requests: string[] = [];
  const faults: Fault[] = [];
  const hung = new Set<http.ServerResponse>();
  let seq = 0;
  let autoId = 0;
  const cluster = {} as FaultCluster;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const fault = !cluster.faultOn || cluster.faultOn.test(`${req.method} ${req.url}`) ? faults.shift() : undefined;
      if (fault === 'hang') { hung.add(res); return; }
      if (fault === 'drop') { req.socket.destroy(); return; }
      if (fault) {
        res.writeHead(fault.status, { ...PRODUCT, ...fault.headers });
        res.end(fault.body ?? '');
        return;
      }
      const send = (status: number, body: unknown) => { res.writeHead(status, PRODUCT); res.end(JSON.stringify(body)); };
      const url = new URL(req.url ?? '/', 'http://x');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      // one index exists: `logs`
      if (req.method === 'HEAD') { res.writeHead(parts[0] === 'logs' ? 200 : 404, PRODUCT); res.end(); return; }
      if (parts[0] === '_query') {
        const query = String(JSON.parse(raw || '{}').query ?? '');
        if (!/^FROM logs\b/.test(query)) return send(400, { error: { root_cause: [], type: 'verification_exception', reason: `Found 1 problem\nline 1:6: Unknown index [${query.slice(5)}]` }, status: 400 });
        return send(200, { columns: [{ name: 'n', type: 'long' }], values: [[docs.size]] });
      }
      if (parts[1] === '_doc' && (req.method === 'PUT' || req.method === 'POST')) {
        const id = parts[2] ?? `auto-${++autoId}`;
        const key = `${parts[0]}/${id}`;
        const existed = docs.has(key);
        docs.set(key, JSON.parse(raw || '{}'));
        return send(existed ? 200 : 201, { _index: parts[0], _id: id, _version: 1, result: existed ? 'updated' : 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: seq++, _primary_term: 1 });
      }
      if (parts[1] === '_doc' && req.method === 'GET') {
        const doc = docs.get(`${parts[0]}/${parts[2]}`);
        if (!doc) return send(404, { _index: parts[0], _id: parts[2], found: false });
        return send(200, { _index: parts[0], _id: parts[2], _version: 1, _seq_no: 0, _primary_term: 1, found: true, _source: doc });
      }
      return send(404, { error: { root_cause: [], type: 'index_not_found_exception', reason: `no such index [${parts[0]}]` }, status: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(cluster, {
    url: `http://127.0.0.1:${port}`,
    faults, requests, docs,
    close: () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return cluster;
}

/** A loopback port with nothing listening (a refused connection). */
export async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
