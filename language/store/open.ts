// Picks the data store from the environment: Elasticsearch when a cluster is configured, else the embedded
// SQLite store under ESCRIPT_DATA_DIR (or the user's data directory).
import * as fs from 'fs';
import * as path from 'path';
import type { ClientOptions } from '@elastic/elasticsearch';
import { DataStore, StoreError } from './store';
import { EmbeddedStore, defaultDataDir } from './embedded';

/** Client options from ESCRIPT_ELASTICSEARCH_* variables, or null when no cluster is configured. */
export function elasticsearchOptions(env: NodeJS.ProcessEnv = process.env): ClientOptions | null {
  const url = env.ESCRIPT_ELASTICSEARCH_URL;
  const cloudId = env.ESCRIPT_ELASTICSEARCH_CLOUD_ID;
  if (!url && !cloudId) return null;
  const options: ClientOptions = cloudId ? { cloud: { id: cloudId } } : { node: url };
  if (env.ESCRIPT_ELASTICSEARCH_API_KEY) options.auth = { apiKey: env.ESCRIPT_ELASTICSEARCH_API_KEY };
  else if (env.ESCRIPT_ELASTICSEARCH_USERNAME) {
    options.auth = { username: env.ESCRIPT_ELASTICSEARCH_USERNAME, password: env.ESCRIPT_ELASTICSEARCH_PASSWORD ?? '' };
  }
  if (env.ESCRIPT_ELASTICSEARCH_CA_FILE) {
    try {
      options.tls = { ca: fs.readFileSync(env.ESCRIPT_ELASTICSEARCH_CA_FILE) };
    } catch (e) {
      throw new StoreError(`cannot read ESCRIPT_ELASTICSEARCH_CA_FILE: ${(e as Error).message}`, 'configuration_error');
    }
  }
  return options;
}

export function openStore(env: NodeJS.ProcessEnv = process.env): DataStore {
  const options = elasticsearchOptions(env);
  if (options) {
    // Loaded only when a cluster is configured: the official client alone takes ~0.1 s to load.
    const { Client } = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');
    const { ElasticsearchStore } = require('./elasticsearch') as typeof import('./elasticsearch');
    return new ElasticsearchStore(new Client(options));
  }
  const durability = env.ESCRIPT_DURABILITY === 'process' ? 'process' : 'os';
  return new EmbeddedStore(path.join(defaultDataDir(env), 'store.db'), { durability });
}
