// ES|QL on a cluster through the async API. Every query starts as `POST /_query/async` with
// `wait_for_completion_timeout` set to the threshold: a quick query answers in that one request, like `_query`;
// a slower one gets an id, and we poll `GET /_query/async/{id}` until `is_running` is false, reporting progress
// on the way. An interrupt sends `DELETE /_query/async/{id}` so the cluster stops working for nobody.
// (The client's `helpers.esql` only wraps the synchronous `_query` and drops the warning headers, so it does not
// fit here: the columnar body is already what `EsqlResult` holds.)
import type { Client } from '@elastic/elasticsearch';
import type { EsqlParams, EsqlProgress, EsqlResult } from './store';
import { StoreError } from './store';
import { DEFAULT_ESQL_ASYNC_AFTER_MS } from '../config';

export interface ClusterEsqlOptions {
  /** How long a query may run before it is treated as a long one (polled, shown as progress): the configuration's
   * ESCRIPT_ESQL_ASYNC_AFTER_MS, checked at start. */
  asyncAfterMs?: number;
  /** How long each poll waits on the cluster for completion before reporting progress again. */
  pollMs?: number;
  /** How long the cluster keeps a running query's results when nobody polls (`keep_alive`). */
  keepAlive?: string;
  /** Sends one request (the store's retries); by default once, as the client would. */
  call?: <T>(request: (options: { maxRetries: 0 }) => Promise<T>, signal?: AbortSignal) => Promise<T>;
}

interface AsyncBody {
  id?: string;
  is_running?: boolean;
  columns?: { name: string; type: string }[];
  values?: unknown[][];
  documents_found?: number;
  values_loaded?: number;
  _clusters?: EsqlProgress['clusters'];
}

const DEFAULT_POLL_MS = 500;

export async function runClusterEsql(client: Client, query: string, params: EsqlParams | undefined,
  signal: AbortSignal | undefined, onProgress: ((p: EsqlProgress) => void) | undefined,
  options: ClusterEsqlOptions = {}): Promise<EsqlResult> {
  const asyncAfterMs = options.asyncAfterMs ?? DEFAULT_ESQL_ASYNC_AFTER_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const keepAlive = options.keepAlive ?? '5m';
  const call = options.call ?? (<T>(request: (o: { maxRetries: 0 }) => Promise<T>) => request({ maxRetries: 0 }));
  const started = Date.now();
  const warnings: string[] = [];
  const first = await call((o) => client.esql.asyncQuery({
    query, ...(params && params.length ? { params: params as never } : {}),
    wait_for_completion_timeout: `${asyncAfterMs}ms`, keep_alive: keepAlive, keep_on_completion: false,
  }, { ...o, meta: true, ...(signal ? { signal } : {}) }), signal);
  warnings.push(...(first.warnings ?? []));
  let body = first.body as unknown as AsyncBody;
  const id = body.id;
  while (body.is_running) {
    if (!id) throw new StoreError('the cluster reports a running ES|QL query but gave no id to poll', 'illegal_state_exception');
    onProgress?.(progressOf(id, started, body));
    const asked = Date.now();
    try {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const r = await call((o) => client.esql.asyncQueryGet(
        { id, wait_for_completion_timeout: `${pollMs}ms`, keep_alive: keepAlive },
        { ...o, meta: true, ...(signal ? { signal } : {}) },
      ), signal);
      warnings.push(...(r.warnings ?? []));
      body = r.body as unknown as AsyncBody;
      // a cluster that answers at once while still running must not be polled in a busy loop
      if (body.is_running) await pause(pollMs - (Date.now() - asked), signal);
    } catch (e) {
      if (!signal?.aborted) throw e;
      await client.esql.asyncQueryDelete({ id }).catch(() => undefined);
      throw new StoreError(`ES|QL query interrupted; async query [${id}] deleted on the cluster`, 'interrupted');
    }
  }
  if (id) onProgress?.({ ...progressOf(id, started, body), running: false });
  // a TypeError: the store reports it as a malformed response
  if (!Array.isArray(body?.columns) || !Array.isArray(body?.values)) throw new TypeError('an ES|QL answer without columns and values');
  return {
    columns: body.columns.map((c) => ({ name: c.name, type: c.type })),
    values: body.values,
    warnings: parseWarningHeaders(warnings),
  };
}

function progressOf(id: string, started: number, body: AsyncBody): EsqlProgress {
  return {
    id, running: body.is_running === true, elapsedMs: Date.now() - started,
    ...(body.documents_found !== undefined ? { documentsFound: body.documents_found } : {}),
    ...(body.values_loaded !== undefined ? { valuesLoaded: body.values_loaded } : {}),
    ...(body._clusters ? { clusters: body._clusters } : {}),
  };
}

/** Waits `ms` (nothing when not positive); an abort ends the wait at once by throwing. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => { clearTimeout(timer); reject(signal!.reason ?? new Error('aborted')); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', done); resolve(); }, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `299 Elasticsearch-9.4.0-abc "Line 1:2: text \"quoted\""` -> `Line 1:2: text "quoted"`. */
export function parseWarningHeaders(headers: string[]): string[] {
  return headers.map((h) => {
    const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(h);
    return m ? m[1].replace(/\\(.)/g, '$1') : h;
  });
}
