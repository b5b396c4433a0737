// Group commit: writes of one event-loop turn share a transaction, yet each succeeds or fails alone.
import { expect } from 'chai';
import * as path from 'path';
import { EmbeddedStore } from '../../../language/store/embedded';
import { VersionConflictError } from '../../../language/store/store';
import { storePerTest } from './support';

/** The store's own SQLite connection (private): these tests provoke a failing COMMIT through it. */
const sqliteOf = (store: EmbeddedStore): import('better-sqlite3').Database =>
  (store as unknown as { conn: { db: import('better-sqlite3').Database } }).conn.db;

describe('embedded store group commit', () => {
  const fresh = storePerTest('escript-gc-');
  let dir: string;
  let store: EmbeddedStore;
  beforeEach(() => ({ dir, store } = fresh));

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

  it('reads a document the open batch did not write at once, without committing the batch', async () => {
    await store.index('runs', { n: 1 }, { id: 'old' });
    const other = new EmbeddedStore(path.join(dir, 'store.db'));
    try {
      const pending = store.index('runs', { n: 2 }, { id: 'new' });
      expect((await store.get('runs', 'old'))?._source).to.deep.equal({ n: 1 });
      // Still not committed: another connection does not see it yet, and the write is not acknowledged.
      expect(await other.get('runs', 'new')).to.equal(null);
      await pending;
      expect((await other.get('runs', 'new'))?._source).to.deep.equal({ n: 2 });
    } finally {
      await other.close();
    }
  });

  it('commits the batch before reading a document it wrote', async () => {
    const other = new EmbeddedStore(path.join(dir, 'store.db'));
    try {
      const pending = store.index('runs', { n: 5 }, { id: 'w' });
      expect((await store.get('runs', 'w'))?._source).to.deep.equal({ n: 5 });
      expect((await other.get('runs', 'w'))?._source).to.deep.equal({ n: 5 }); // on disk before the read answered
      await pending;
    } finally {
      await other.close();
    }
  });

  it('puts a bulk in the same batch as the writes around it, each document failing alone', async () => {
    await store.index('runs', { n: 0 }, { id: 'taken' });
    const [single, bulk] = await Promise.all([
      store.index('runs', { n: 1 }, { id: 's' }),
      store.bulk('runs', [{ id: 'b1', doc: { n: 2 } }, { id: 'b2', doc: { n: 'not a number' } }, { id: 'b3', doc: { n: 3 } }]),
    ]);
    expect(bulk.errors).to.equal(true);
    expect(bulk.items.map((i) => ('error' in i ? 'error' : i.result))).to.deep.equal(['created', 'error', 'created']);
    const seqNos = [single._seq_no, ...bulk.items.flatMap((i) => ('error' in i ? [] : [i._seq_no]))];
    expect(new Set(seqNos).size).to.equal(3); // sequence numbers handed out in memory stay unique
    expect((await store.esql('FROM runs | STATS c = COUNT(*)')).values).to.deep.equal([[4]]);
    const next = await store.index('runs', { n: 9 }, { id: 'after' });
    expect(next._seq_no).to.be.greaterThan(Math.max(...seqNos)); // and are written back at the commit
  });

  it('keeps the batch working when a write that added a field to the mapping is undone', async () => {
    const first = await store.index('runs', { n: 0 }, { id: 'a' });
    // The stale write maps `added` (a new column) before its compare-and-set fails; its savepoint undoes both.
    const [stale, other] = await Promise.allSettled([
      store.index('runs', { n: 1, added: 'x' }, { id: 'a', ifSeqNo: first._seq_no + 10, ifPrimaryTerm: first._primary_term }),
      store.index('runs', { n: 2 }, { id: 'b' }),
    ]);
    expect(stale.status).to.equal('rejected');
    expect((stale as PromiseRejectedResult).reason).to.be.instanceOf(VersionConflictError);
    expect(other.status).to.equal('fulfilled');
    expect(Object.keys((await store.getMapping('runs')).properties as object)).to.deep.equal(['n']);
    await store.index('runs', { n: 3, added: 'y' }, { id: 'c' });
    expect((await store.esql('FROM runs | WHERE added == "y" | KEEP n')).values).to.deep.equal([[3]]);
  });

  it('fails every write of a batch whose commit fails, keeps none of them, and goes on working', async () => {
    // A deferred foreign key is checked at COMMIT: a real commit failure, provoked inside the open batch.
    const db = sqliteOf(store);
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (pid INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
    const writes = [store.index('runs', { n: 1 }, { id: 'x1' }), store.index('runs', { n: 2 }, { id: 'x2' })];
    db.exec('INSERT INTO child VALUES (42)'); // joins the open transaction
    const outcomes = await Promise.allSettled(writes);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).to.match(/FOREIGN KEY/);
    expect(await store.get('runs', 'x1')).to.equal(null);
    const again = await store.index('runs', { n: 3 }, { id: 'x3' });
    expect(again.result).to.equal('created');
    expect((await store.get('runs', 'x3'))?._source).to.deep.equal({ n: 3 });
  });

  it('never lets a query read rows of a batch that then fails to commit', async () => {
    await store.index('runs', { n: 1 }, { id: 'kept' });
    const db = sqliteOf(store);
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (pid INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
    const query = store.esql('FROM runs | STATS c = COUNT(*)'); // runs after a turn of the event loop
    const late = store.index('runs', { n: 2 }, { id: 'doomed' }); // asked for after the query, applied before it runs
    db.exec('INSERT INTO child VALUES (42)'); // the batch holding it cannot commit
    expect((await query).values).to.deep.equal([[1]]);
    expect((await Promise.allSettled([late]))[0].status).to.equal('rejected');
  });

  it('keeps a held batch open across event-loop turns until it is flushed (a bulk load commits every N documents)', async () => {
    const commits = (store as unknown as { commits: { hold(on: boolean): void; flush(): void } }).commits;
    const other = new EmbeddedStore(path.join(dir, 'store.db'));
    try {
      commits.hold(true);
      let acknowledged = 0;
      const first = store.index('held', { n: 1 }, { id: 'h1' }).then(() => acknowledged++);
      await new Promise((resolve) => setTimeout(resolve, 20)); // several turns
      const second = store.index('held', { n: 2 }, { id: 'h2' }).then(() => acknowledged++);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(acknowledged).to.equal(0);
      expect(await other.get('held', 'h1')).to.equal(null);
      commits.flush();
      await Promise.all([first, second]);
      expect((await other.get('held', 'h2'))?._source).to.deep.equal({ n: 2 });
      const third = store.index('held', { n: 3 }, { id: 'h3' });
      commits.hold(false); // commits what is open
      await third;
      expect((await other.get('held', 'h3'))?._source).to.deep.equal({ n: 3 });
    } finally {
      commits.hold(false);
      await other.close();
    }
  });
});
