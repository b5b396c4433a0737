// The two optional DataStore methods the async engine's watches use: getMany (one `_mget`) on both backends,
// and othersCommitVersion (SQLite's data_version) on the embedded store.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';
import { ElasticsearchStore } from '../../../language/store/elasticsearch';
import type { DataStore } from '../../../language/store/store';
import { createFakeCluster } from './fake-cluster';

describe('DataStore.getMany', () => {
  const backends: Record<string, () => { store: DataStore; requests?: { path: string; querystring: Record<string, unknown> }[]; dispose(): Promise<void> }> = {
    embedded: () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-get-many-'));
      const store = new EmbeddedStore(path.join(dir, 'store.db'));
      return { store, dispose: async () => { await store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
    },
    elasticsearch: () => {
      const fake = createFakeCluster();
      return { store: new ElasticsearchStore(fake.client), requests: fake.requests, dispose: async () => fake.close() };
    },
  };

  for (const [name, make] of Object.entries(backends)) {
    it(`${name}: returns the documents in the order asked, null where missing, versions only without sources`, async () => {
      const b = make();
      try {
        await b.store.index('jobs', { n: 1 }, { id: 'a' });
        const second = await b.store.index('jobs', { n: 2 }, { id: 'b' });
        const updated = await b.store.index('jobs', { n: 3 }, { id: 'b', ifSeqNo: second._seq_no, ifPrimaryTerm: second._primary_term });
        const full = await b.store.getMany!('jobs', ['b', 'missing', 'a']);
        expect(full.map((d) => d && [d._id, d._source.n, d._seq_no])).to.deep.equal([['b', 3, updated._seq_no], null, ['a', 1, (await b.store.get('jobs', 'a'))!._seq_no]]);
        const before = b.requests?.length ?? 0;
        const versions = await b.store.getMany!('jobs', ['a', 'b'], { source: false });
        expect(versions.map((d) => d && [d._id, d._seq_no, d._primary_term, d._source])).to.deep.equal([
          ['a', full[2]!._seq_no, full[2]!._primary_term, {}],
          ['b', updated._seq_no, updated._primary_term, {}],
        ]);
        if (b.requests) {
          const sent = b.requests.slice(before);
          expect(sent.map((r) => [r.path, r.querystring._source])).to.deep.equal([['/jobs/_mget', 'false']]);
        }
        expect(await b.store.getMany!('nope', ['a'])).to.deep.equal([null]);
      } finally {
        await b.dispose();
      }
    });
  }
});

describe('EmbeddedStore.othersCommitVersion', () => {
  it("changes when another connection commits, not on this connection's own writes", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-data-version-'));
    const file = path.join(dir, 'store.db');
    const mine = new EmbeddedStore(file);
    const theirs = new EmbeddedStore(file);
    try {
      await mine.index('jobs', { n: 1 }, { id: 'a' });
      const start = mine.othersCommitVersion();
      await mine.index('jobs', { n: 2 }, { id: 'b' });
      expect(mine.othersCommitVersion()).to.equal(start);
      await theirs.index('jobs', { n: 3 }, { id: 'c' });
      const after = mine.othersCommitVersion();
      expect(after).to.not.equal(start);
      expect(mine.othersCommitVersion()).to.equal(after);
    } finally {
      await mine.close();
      await theirs.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
