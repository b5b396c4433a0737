// The columnar form of an index (columns.ts): built on first use, caught up from sequence numbers (only changed
// rows read), compacted after deletes, and current with writes made through another connection or process.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../../language/store/embedded';
import { ColumnCache } from '../../../../language/store/embedded/columns';
import type { ColumnarSnapshot } from '../../../../language/esql/compute/blocks';
import { valueAt } from '../../../../language/esql/compute/blocks';

const WRITER = path.join(__dirname, '..', '..', 'esql', 'compute', 'fixtures', 'columnar-writer.js');

function cacheOf(store: EmbeddedStore): ColumnCache {
  return (store as unknown as { catalog: { columns: ColumnCache } }).catalog.columns;
}

/** Every position's value of a field, in order. */
function values(snap: ColumnarSnapshot, field: string, boolean = false): unknown[] {
  const b = snap.block(field);
  if (!b) return ['<no block>'];
  return Array.from({ length: snap.length }, (_v, i) => valueAt(b, i, boolean));
}

describe('embedded store: columnar form of an index', () => {
  let dir: string;
  let file: string;
  let store: EmbeddedStore;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'columns-'));
    file = path.join(dir, 'store.db');
    store = new EmbeddedStore(file);
    await store.createIndex('t', { mappings: { properties: { n: { type: 'long' }, k: { type: 'keyword' }, ok: { type: 'boolean' }, x: { type: 'double' } } } });
    store.bulkSync('t', [
      { id: 'a', doc: { n: 1, k: 'p', ok: true, x: 0.5 } },
      { id: 'b', doc: { n: 2, k: 'q', ok: false } },
      { id: 'c', doc: { k: 'p' } },
    ]);
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('builds each column on first use only, dictionary-encoding keywords', () => {
    const cache = cacheOf(store);
    const snap = cache.snapshot('t')!;
    expect(cache.stats.builds).to.equal(0);
    expect(values(snap, 'n')).to.deep.equal([1, 2, null]);
    expect(values(snap, 'ok', true)).to.deep.equal([true, false, null]);
    const k = snap.block('k')!;
    expect(k.kind).to.equal('dict');
    expect((k as { dict: readonly unknown[] }).dict).to.deep.equal(['p', 'q']);
    expect(cache.stats.builds).to.equal(3);
    cache.snapshot('t')!.block('n');
    expect(cache.stats.builds).to.equal(3);
  });

  it('reads only the changed rows after an update, and nothing when nothing changed', () => {
    const cache = cacheOf(store);
    values(cache.snapshot('t')!, 'n');
    values(cache.snapshot('t')!, 'k');
    expect(cache.stats.refreshedRows).to.equal(0);
    store.indexSync('t', { n: 20, k: 'z' }, { id: 'b' });
    const snap = cache.snapshot('t')!;
    expect(cache.stats.refreshedRows).to.equal(1);
    expect(values(snap, 'n')).to.deep.equal([1, 20, null]);
    expect(values(snap, 'k')).to.deep.equal(['p', 'z', 'p']);
    cache.snapshot('t');
    expect(cache.stats.refreshedRows).to.equal(1);
    expect(cache.stats.builds).to.equal(2);
  });

  it('drops deleted documents and appends new ones in row order', () => {
    const cache = cacheOf(store);
    values(cache.snapshot('t')!, 'n');
    store.deleteSync('t', 'a');
    store.indexSync('t', { n: 7 }, { id: 'd' });
    const snap = cache.snapshot('t')!;
    expect(cache.stats.compactions).to.equal(1);
    expect(values(snap, 'n')).to.deep.equal([2, null, 7]);
    // The last row deleted and a new one written: SQLite may reuse its rowid; the columns follow.
    store.deleteSync('t', 'd');
    store.indexSync('t', { n: 8 }, { id: 'e' });
    expect(values(cache.snapshot('t')!, 'n')).to.deep.equal([2, null, 8]);
  });

  it('sees writes made through another connection and another process', async () => {
    const cache = cacheOf(store);
    values(cache.snapshot('t')!, 'n');
    const other = new EmbeddedStore(file);
    try {
      other.indexSync('t', { n: 100 }, { id: 'from-other' });
      other.deleteSync('t', 'c');
    } finally {
      await other.close();
    }
    expect(values(cache.snapshot('t')!, 'n')).to.deep.equal([1, 2, 100]);
    const r = spawnSync(process.execPath, [WRITER, file, 't', '0', '5', '1000'], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const snap = cache.snapshot('t')!;
    // 3 rows + 5 written there + 20 ids d0..d19 written there (none deleted: DELETE_EVERY is beyond the range).
    expect(snap.length).to.equal(3 + 5 + 20);
    expect(values(snap, 'n').slice(0, 3)).to.deep.equal([1, 2, 100]);
  });

  it('keeps multivalue offsets current through writes and deletes; a long past 2^53 makes a field unreadable', async () => {
    const cache = cacheOf(store);
    values(cache.snapshot('t')!, 'k');
    values(cache.snapshot('t')!, 'n');
    store.indexSync('t', { k: ['q', 'p', 'r'], n: [7, 3, 7] }, { id: 'mv' });
    let snap = cache.snapshot('t')!;
    // keyword doc values come sorted and deduplicated, numbers sorted
    expect(values(snap, 'k')).to.deep.equal(['p', 'q', 'p', ['p', 'q', 'r']]);
    expect(values(snap, 'n')).to.deep.equal([1, 2, null, [3, 7, 7]]);
    const n = snap.block('n')!;
    expect(Array.from(n.mv!.first)).to.deep.equal([0, 1, 2, 2, 5]);
    expect(Array.from(n.mv!.values)).to.deep.equal([1, 2, 3, 7, 7]);
    // a multivalue written over a single value and back; a delete before it moves the offsets
    store.indexSync('t', { k: ['s', 'p'], n: [5, 6] }, { id: 'a' });
    store.indexSync('t', { k: 'z', n: 9 }, { id: 'mv' });
    store.deleteSync('t', 'b');
    snap = cache.snapshot('t')!;
    expect(values(snap, 'k')).to.deep.equal([['p', 's'], 'p', 'z']);
    expect(values(snap, 'n')).to.deep.equal([[5, 6], null, 9]);
    expect(Array.from(snap.block('n')!.mv!.first)).to.deep.equal([0, 2, 2, 3]);
    // no multivalue left: no offsets
    store.indexSync('t', { k: 'a', n: 1 }, { id: 'a' });
    expect(cache.snapshot('t')!.block('n')!.mv).to.equal(undefined);
    store.indexSync('t', { n: 9007199254740993n }, { id: 'big' });
    expect(cache.snapshot('t')!.block('n')).to.equal(null);
    await store.deleteIndex('t');
    expect(cache.snapshot('t')).to.equal(null);
    await store.createIndex('t', { mappings: { properties: { k: { type: 'keyword' } } } });
    store.indexSync('t', { k: 'fresh' }, { id: 'a' });
    expect(values(cache.snapshot('t')!, 'k')).to.deep.equal(['fresh']);
  });
});
