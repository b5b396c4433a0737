// The Elasticsearch store: a thin mapping of DataStore onto the official client. ES|QL goes to the async
// `_query/async` API with the variables as `params` (elasticsearch-esql.ts); compare-and-set writes carry
// `if_seq_no`/`if_primary_term`; a 409 becomes a VersionConflictError. Requests that fail for a passing reason
// are retried where that is safe (es-retry.ts); every other failure becomes a StoreError that names its cause,
// with no credential in it.
import { Client, errors } from '@elastic/elasticsearch';
import { DEFAULT_RETRY, type RetryPolicy, withRetries } from './es-retry';
import {
  BulkItem, BulkResult, DataStore, EsqlParams, EsqlResult, EsqlRunOptions, IndexDefinition, Source, StoreError, StoredDocument,
  VersionConflictError, WriteOptions, WriteResult,
} from './store';
import { EsqlError } from '../esql/errors';
import { ClusterEsqlOptions, runClusterEsql } from './elasticsearch-esql';

export class ElasticsearchStore implements DataStore {
  readonly kind = 'elasticsearch' as const;

  /** `secrets`: the cluster's credentials, scrubbed from any message that would quote them. */
  constructor(readonly client: Client, private readonly retry: RetryPolicy = DEFAULT_RETRY, private readonly secrets: string[] = [],
    private readonly esqlOptions: ClusterEsqlOptions = {}) {}

  /** One request: a single attempt for the client (its own retries are method-blind), retried here if `safe`. */
  private call<T>(safe: boolean, request: (options: { maxRetries: 0 }) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withRetries(safe, this.retry, () => request({ maxRetries: 0 }), signal);
  }

  private fail(e: unknown, index?: string, id?: string): Error {
    return scrubbed(translate(e, index, id), this.secrets);
  }

  async createIndex(index: string, definition?: IndexDefinition): Promise<{ created: boolean }> {
    try {
      await this.call(true, (o) => this.client.indices.create({
        index,
        ...(definition?.mappings ? { mappings: definition.mappings as never } : {}),
        ...(definition?.settings ? { settings: definition.settings as never } : {}),
      }, o));
      return { created: true };
    } catch (e) {
      if (errorType(e) === 'resource_already_exists_exception') return { created: false };
      throw this.fail(e, index);
    }
  }

  async indexExists(index: string): Promise<boolean> {
    try {
      return await this.call(true, (o) => this.client.indices.exists({ index }, o));
    } catch (e) {
      throw this.fail(e, index);
    }
  }

  async deleteIndex(index: string): Promise<void> {
    try {
      await this.call(true, (o) => this.client.indices.delete({ index }, o));
    } catch (e) {
      throw this.fail(e, index);
    }
  }

  async index(index: string, doc: Source, options: WriteOptions = {}): Promise<WriteResult> {
    try {
      const safe = (options.id !== undefined && options.opType !== 'create') || options.ifSeqNo !== undefined;
      const r = await this.call(safe, (o) => this.client.index({
        index, document: doc,
        ...(options.id !== undefined ? { id: options.id } : {}),
        ...(options.opType ? { op_type: options.opType } : {}),
        ...(options.ifSeqNo !== undefined ? { if_seq_no: options.ifSeqNo } : {}),
        ...(options.ifPrimaryTerm !== undefined ? { if_primary_term: options.ifPrimaryTerm } : {}),
        ...(options.refresh ? { refresh: 'wait_for' as const } : {}),
      }, o));
      return {
        _index: r._index, _id: r._id, _seq_no: r._seq_no ?? -1, _primary_term: r._primary_term ?? 1,
        result: r.result as WriteResult['result'],
      };
    } catch (e) {
      throw this.fail(e, index, options.id);
    }
  }

  async bulk(index: string, items: BulkItem[], options: { refresh?: boolean } = {}): Promise<BulkResult> {
    if (items.length === 0) return { errors: false, items: [] };
    const operations = items.flatMap((it) => [{ index: { _index: index, ...(it.id !== undefined ? { _id: it.id } : {}) } }, it.doc]);
    try {
      // a retried bulk without ids would index its documents twice
      const safe = items.every((it) => it.id !== undefined);
      const r = await this.call(safe, (o) => this.client.bulk({ operations, ...(options.refresh ? { refresh: 'wait_for' as const } : {}) }, o));
      return {
        errors: r.errors,
        items: r.items.map((entry) => {
          const item = Object.values(entry)[0]!;
          if (item.error) return { _id: item._id ?? undefined, error: { type: item.error.type, reason: item.error.reason ?? '' } };
          return {
            _index: item._index, _id: item._id!, _seq_no: item._seq_no ?? -1, _primary_term: item._primary_term ?? 1,
            result: item.result as WriteResult['result'],
          };
        }),
      };
    } catch (e) {
      throw this.fail(e, index);
    }
  }

  async get(index: string, id: string): Promise<StoredDocument | null> {
    try {
      const r = await this.call(true, (o) => this.client.get<Source>({ index, id }, o));
      if (!r.found) return null;
      return { _index: r._index, _id: r._id, _seq_no: r._seq_no ?? -1, _primary_term: r._primary_term ?? 1, _source: r._source ?? {} };
    } catch (e) {
      if (e instanceof errors.ResponseError && e.statusCode === 404) return null;
      throw this.fail(e, index, id);
    }
  }

  /** One `_mget` for all of them; `source: false` asks for the versions only. */
  async getMany(index: string, ids: readonly string[], options: { source?: boolean } = {}): Promise<(StoredDocument | null)[]> {
    if (ids.length === 0) return [];
    try {
      const r = await this.call(true, (o) => this.client.mget<Source>({ index, ids: [...ids], ...(options.source === false ? { _source: false } : {}) }, o));
      return r.docs.map((d) =>
        'found' in d && d.found ? { _index: d._index, _id: d._id, _seq_no: d._seq_no ?? -1, _primary_term: d._primary_term ?? 1, _source: d._source ?? {} } : null,
      );
    } catch (e) {
      throw this.fail(e, index);
    }
  }

  async delete(index: string, id: string, options: WriteOptions = {}): Promise<WriteResult> {
    try {
      const r = await this.call(true, (o) => this.client.delete({
        index, id,
        ...(options.ifSeqNo !== undefined ? { if_seq_no: options.ifSeqNo } : {}),
        ...(options.ifPrimaryTerm !== undefined ? { if_primary_term: options.ifPrimaryTerm } : {}),
        ...(options.refresh ? { refresh: 'wait_for' as const } : {}),
      }, o));
      return { _index: r._index, _id: r._id, _seq_no: r._seq_no ?? -1, _primary_term: r._primary_term ?? 1, result: r.result as WriteResult['result'] };
    } catch (e) {
      if (e instanceof errors.ResponseError && e.statusCode === 404 && errorType(e) === undefined) {
        const body = e.body as { _index?: string; _seq_no?: number; _primary_term?: number } | undefined;
        return { _index: body?._index ?? index, _id: id, _seq_no: body?._seq_no ?? -1, _primary_term: body?._primary_term ?? 1, result: 'not_found' };
      }
      throw this.fail(e, index, id);
    }
  }

  async refresh(index: string): Promise<void> {
    try {
      await this.call(true, (o) => this.client.indices.refresh({ index }, o));
    } catch (e) {
      throw this.fail(e, index);
    }
  }

  async esql(query: string, params?: EsqlParams, signal?: AbortSignal, options: EsqlRunOptions = {}): Promise<EsqlResult> {
    try {
      // starting, polling and reading a query change nothing: all retry-safe
      return await runClusterEsql(this.client, query, params, signal, options.onProgress,
        { ...this.esqlOptions, call: (request, s) => this.call(true, request, s) });
    } catch (e) {
      const type = errorType(e);
      if (type === 'verification_exception' || type === 'parsing_exception') {
        const reason = ((e as errors.ResponseError).body as { error: { reason: string } }).error.reason;
        throw new EsqlError(reason, type);
      }
      throw this.fail(e);
    }
  }

  async listIndices(): Promise<string[]> {
    try {
      const r = await this.call(true, (o) => this.client.indices.get({ index: '*', expand_wildcards: 'all', features: ['settings'] }, o));
      return Object.keys(r).sort();
    } catch (e) {
      throw this.fail(e);
    }
  }

  async getMapping(index: string): Promise<Record<string, unknown>> {
    try {
      const r = await this.call(true, (o) => this.client.indices.getMapping({ index }, o));
      const entry = Object.values(r)[0] as { mappings?: Record<string, unknown> } | undefined;
      return entry?.mappings ?? {};
    } catch (e) {
      throw this.fail(e, index);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function errorType(e: unknown): string | undefined {
  if (!(e instanceof errors.ResponseError)) return undefined;
  const body = e.body as { error?: { type?: string } | string } | undefined;
  return typeof body?.error === 'object' ? body.error.type : undefined;
}

/** A response that parsed but is not what Elasticsearch sends. */
class MalformedResponse extends Error {}

function attemptsOf(e: unknown): string {
  const n = (e as { attempts?: number }).attempts ?? 1;
  return n > 1 ? ` (after ${n} attempts)` : '';
}

function translate(e: unknown, index?: string, id?: string): Error {
  if (e instanceof errors.DeserializationError || e instanceof MalformedResponse || e instanceof TypeError) {
    // a body that is not JSON, or JSON of another shape (a proxy's page, a cut-off answer)
    return new StoreError(`Elasticsearch sent a malformed response: ${(e as Error).message}`, 'malformed_response');
  }
  if (e instanceof errors.ResponseError && typeof e.body !== 'object') {
    return new StoreError(`Elasticsearch answered HTTP ${e.statusCode} with a body that is not JSON${attemptsOf(e)}`, e.statusCode === 429 ? 'too_many_requests' : 'http_error', e.statusCode);
  }
  if (e instanceof errors.ResponseError) {
    const body = e.body as { error?: { type?: string; reason?: string; root_cause?: { reason?: string }[] } } | undefined;
    const type = body?.error?.type ?? 'http_error';
    const reason = body?.error?.reason ?? e.message;
    if (e.statusCode === 409 || type === 'version_conflict_engine_exception') {
      return new VersionConflictError(index ?? '', id ?? '', reason);
    }
    return new StoreError(`${reason}${attemptsOf(e)}`, type, e.statusCode);
  }
  if (e instanceof errors.TimeoutError) {
    return new StoreError(`Elasticsearch did not answer in time: ${e.message}${attemptsOf(e)}`, 'timeout');
  }
  if (e instanceof errors.ConnectionError || e instanceof errors.NoLivingConnectionsError) {
    return new StoreError(`cannot reach Elasticsearch: ${(e as Error).message}${attemptsOf(e)}`, 'connection_error');
  }
  if (e instanceof errors.RequestAbortedError) return e;
  return e instanceof Error ? e : new StoreError(String(e));
}

/** The error with any credential, and any user:password in a URL, replaced by `[redacted]`. */
function scrubbed(e: Error, secrets: string[]): Error {
  let message = e.message.replace(/(\/\/)[^/@\s]+@/g, '$1[redacted]@');
  for (const secret of secrets) if (secret.length >= 4) message = message.split(secret).join('[redacted]');
  if (message === e.message) return e;
  if (e instanceof VersionConflictError) return e;
  if (e instanceof StoreError) return new StoreError(message, e.type, e.status);
  e.message = message;
  return e;
}
