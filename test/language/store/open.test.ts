import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { readConfig } from '../../../language/config';
import { elasticsearchOptions, openStore } from '../../../language/store/open';
import { EmbeddedStore } from '../../../language/store/embedded';
import { StoreError } from '../../../language/store/store';

describe('openStore', () => {
  it('opens the embedded store under ESCRIPT_DATA_DIR when no cluster is configured', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'open-'));
    const store = openStore(readConfig({ ESCRIPT_DATA_DIR: dir }).store);
    try {
      expect(store.kind).to.equal('embedded');
      expect((store as EmbeddedStore).file).to.equal(path.join(dir, 'store.db'));
      expect(fs.existsSync(path.join(dir, 'store.db'))).to.equal(true);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens an in-memory store for ESCRIPT_STORE=memory, and none for ESCRIPT_STORE=none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'open-'));
    const store = openStore(readConfig({ ESCRIPT_STORE: 'memory', ESCRIPT_DATA_DIR: dir }).store);
    try {
      expect((store as EmbeddedStore).file).to.equal(':memory:');
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(() => openStore(readConfig({ ESCRIPT_STORE: 'none' }).store)).to.throw(StoreError, 'no data store is configured (ESCRIPT_STORE=none)');
  });

  it('configures the Elasticsearch client from the cluster settings', () => {
    expect(elasticsearchOptions({ url: 'https://es:9200', apiKey: 'k' })).to.deep.equal({ node: 'https://es:9200', auth: { apiKey: 'k' }, requestTimeout: 30_000, maxRetries: 0 });
    expect(elasticsearchOptions({ cloudId: 'c:xyz', username: 'u', password: 'p' }))
      .to.deep.equal({ cloud: { id: 'c:xyz' }, auth: { username: 'u', password: 'p' }, requestTimeout: 30_000, maxRetries: 0 });
    expect(elasticsearchOptions({ url: 'https://es:9200', username: 'u' })).to.deep.equal({ node: 'https://es:9200', auth: { username: 'u', password: '' }, requestTimeout: 30_000, maxRetries: 0 });
    expect(openStore(readConfig({ ESCRIPT_ELASTICSEARCH_URL: 'http://localhost:9200' }).store).kind).to.equal('elasticsearch');
  });

  it('reports an unreadable CA file', () => {
    expect(() => elasticsearchOptions({ url: 'https://es:9200', caFile: '/nonexistent/ca.pem' }))
      .to.throw(StoreError, /ESCRIPT_ELASTICSEARCH_CA_FILE/);
  });
});
