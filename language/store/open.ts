// Opens the data store the configuration names: an Elasticsearch cluster, the embedded SQLite file, or an
// embedded store in memory.
import * as fs from 'fs';
import type { ClientOptions } from '@elastic/elasticsearch';
import type { ClusterSettings, StoreSettings } from '../config';
import { DataStore, StoreError } from './store';
import { EmbeddedStore } from './embedded';

/** The official client's options for a cluster (reads the CA file, when one is named). */
export function elasticsearchOptions(cluster: ClusterSettings): ClientOptions {
  const options: ClientOptions = cluster.cloudId ? { cloud: { id: cluster.cloudId } } : { node: cluster.url };
  // one attempt per request from the client: the store retries where it is safe (es-retry.ts)
  options.requestTimeout = cluster.timeoutMs ?? 30_000;
  options.maxRetries = 0;
  if (cluster.apiKey) options.auth = { apiKey: cluster.apiKey };
  else if (cluster.username) options.auth = { username: cluster.username, password: cluster.password ?? '' };
  if (cluster.caFile) {
    try {
      options.tls = { ca: fs.readFileSync(cluster.caFile) };
    } catch (e) {
      throw new StoreError(`cannot read ESCRIPT_ELASTICSEARCH_CA_FILE: ${(e as Error).message}`, 'configuration_error');
    }
  }
  return options;
}

/** The store `settings` name; ESCRIPT_STORE=none names none, which is a configuration_error here. */
export function openStore(settings: StoreSettings): DataStore {
  switch (settings.kind) {
    case 'elasticsearch': {
      // Loaded only when a cluster is configured: the official client alone takes ~0.1 s to load.
      const { Client } = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');
      const { ElasticsearchStore } = require('./elasticsearch') as typeof import('./elasticsearch');
      const { ExactSerializer } = require('./exact-serializer') as typeof import('./exact-serializer');
      const { DEFAULT_RETRY } = require('./es-retry') as typeof import('./es-retry');
      const { cluster } = settings;
      // the credentials as given, and as a Basic header carries them
      const basic = cluster.username ? Buffer.from(`${cluster.username}:${cluster.password ?? ''}`).toString('base64') : undefined;
      const secrets = [cluster.apiKey, cluster.password, basic].filter((x): x is string => !!x);
      return new ElasticsearchStore(new Client({ ...elasticsearchOptions(cluster), Serializer: ExactSerializer }), { ...DEFAULT_RETRY, ...(cluster.retries !== undefined ? { retries: cluster.retries } : {}), ...(cluster.retryMs !== undefined ? { totalMs: cluster.retryMs } : {}) }, secrets,
        { asyncAfterMs: cluster.esqlAsyncAfterMs });
    }
    case 'embedded':
      // exactLongs: a long past 2^53 reaches scripts exact (a bigint NUMBER), as Elasticsearch's JSON writes it
      return new EmbeddedStore(settings.file, { durability: settings.durability, exactLongs: true });
    case 'memory':
      return new EmbeddedStore(':memory:', { exactLongs: true });
    case 'none':
      throw new StoreError('no data store is configured (ESCRIPT_STORE=none)', 'configuration_error');
  }
}
