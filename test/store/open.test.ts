import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { elasticsearchOptions, openStore } from '../../language/store/open';
import { EmbeddedStore } from '../../language/store/embedded';
import { StoreError } from '../../language/store/store';

describe('openStore', () => {
  it('opens the embedded store under ESCRIPT_DATA_DIR when no cluster is configured', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'open-'));
    const store = openStore({ ESCRIPT_DATA_DIR: dir });
    try {
      expect(store.kind).to.equal('embedded');
      expect((store as EmbeddedStore).file).to.equal(path.join(dir, 'store.db'));
      expect(fs.existsSync(path.join(dir, 'store.db'))).to.equal(true);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('configures the Elasticsearch client from ESCRIPT_ELASTICSEARCH_* variables', () => {
    expect(elasticsearchOptions({})).to.equal(null);
    expect(elasticsearchOptions({ ESCRIPT_ELASTICSEARCH_URL: 'https://es:9200', ESCRIPT_ELASTICSEARCH_API_KEY: 'k' }))
      .to.deep.equal({ node: 'https://es:9200', auth: { apiKey: 'k' } });
    expect(elasticsearchOptions({ ESCRIPT_ELASTICSEARCH_CLOUD_ID: 'c:xyz', ESCRIPT_ELASTICSEARCH_USERNAME: 'u', ESCRIPT_ELASTICSEARCH_PASSWORD: 'p' }))
      .to.deep.equal({ cloud: { id: 'c:xyz' }, auth: { username: 'u', password: 'p' } });
    expect(openStore({ ESCRIPT_ELASTICSEARCH_URL: 'http://localhost:9200' }).kind).to.equal('elasticsearch');
  });

  it('reports an unreadable CA file', () => {
    expect(() => elasticsearchOptions({ ESCRIPT_ELASTICSEARCH_URL: 'https://es:9200', ESCRIPT_ELASTICSEARCH_CA_FILE: '/nonexistent/ca.pem' }))
      .to.throw(StoreError, /ESCRIPT_ELASTICSEARCH_CA_FILE/);
  });
});
