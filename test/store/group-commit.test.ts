// Group commit: writes of one event-loop turn share a transaction, yet each succeeds or fails alone.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EmbeddedStore } from '../../language/store/embedded';
import { VersionConflictError } from '../../language/store/store';

describe('embedded store group commit', () => {
  let dir: string;
  let store: EmbeddedStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-gc-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails only the write whose compare-and-set lost, in a batch of concurrent writes', async () => {
    const first = await store.index('runs', { n: 0 }, { id: 'a' });
    const [ok, stale, other] = await Promise.allSettled([
      store.index('runs', { n: 1 }, { id: 'a', ifSeqNo: first._seq_no, ifPrimaryTerm: first._primary_term }),
      store.index('runs', { n: 2 }, { id: 'a', ifSeqNo: first._seq_no, ifPrimaryTerm: first._primary_term }),
      store.index('runs', { n: 3 }, { id: 'b' }),
    ]);
    expect(ok.status).to.equal('fulfilled');
    expect(stale.status).to.equal('rejected');
    expect((stale as PromiseRejectedResult).reason).to.be.instanceOf(VersionConflictError);
    expect(other.status).to.equal('fulfilled');
    expect((await store.get('runs', 'a'))?._source).to.deep.equal({ n: 1 });
    expect((await store.get('runs', 'b'))?._source).to.deep.equal({ n: 3 });
  });

  it('lets a read see a write issued before it, even when the write was not awaited yet', async () => {
    const pending = store.index('runs', { n: 7 }, { id: 'c' });
    expect((await store.get('runs', 'c'))?._source).to.deep.equal({ n: 7 });
    expect((await store.esql('FROM runs | KEEP n')).values).to.deep.equal([[7]]);
    await pending;
  });

  it('keeps writes acknowledged only after they are on disk: a new store on the file sees them', async () => {
    await Promise.all([1, 2, 3].map((n) => store.index('runs', { n }, { id: `d${n}` })));
    const again = new EmbeddedStore(path.join(dir, 'store.db'));
    try {
      expect((await again.get('runs', 'd3'))?._source).to.deep.equal({ n: 3 });
    } finally {
      await again.close();
    }
  });
});
