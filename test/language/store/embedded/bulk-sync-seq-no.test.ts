// bulkSync runs in a transaction of its own (no group-commit batch). Its sequence numbers are counted in memory and
// written back to `es_indices` once per call; they must still be consecutive, skip the documents that failed, and
// be where the next writer (this store, or another connection to the file) continues from.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../../language/store/embedded';

describe('embedded store: bulkSync sequence numbers', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-seq-'));
    file = path.join(dir, 'store.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const seqNos = (items: { _seq_no?: number; error?: unknown }[]) => items.map((i) => ('error' in i && i.error ? 'error' : i._seq_no));

  it('numbers a call consecutively, skips failed documents and continues across calls and reopening', async () => {
    let store = new EmbeddedStore(file);
    await store.createIndex('s', { mappings: { properties: { n: { type: 'long' } } } });
    expect(seqNos(store.bulkSync('s', [{ doc: { n: 1 } }, { doc: { n: 2 } }, { doc: { n: 3 } }]).items as never)).to.deep.equal([0, 1, 2]);
    const mixed = store.bulkSync('s', [{ doc: { n: 4 } }, { doc: { n: 'not a number' } }, { doc: { n: 6 } }]);
    expect(seqNos(mixed.items as never)).to.deep.equal([3, 'error', 4]);
    await store.close();
    store = new EmbeddedStore(file);
    expect((await store.index('s', { n: 7 }))._seq_no).to.equal(5);
    await store.close();
  });

  it('writes the index row once per call, not once per document', async () => {
    const store = new EmbeddedStore(file);
    await store.createIndex('s', { mappings: { properties: { n: { type: 'long' } } } });
    store.bulkSync('s', [{ doc: { n: 0 } }]);
    // A trigger, from a second connection to the same file, counts the updates of the index's `es_indices` row.
    const other = new Database(file);
    other.exec(`CREATE TABLE seq_updates (n INTEGER);
      CREATE TRIGGER count_seq AFTER UPDATE OF seq_no ON es_indices BEGIN INSERT INTO seq_updates VALUES (1); END;`);
    other.close();
    const result = store.bulkSync('s', Array.from({ length: 100 }, (_, n) => ({ doc: { n } })));
    expect(result.errors).to.equal(false);
    await store.close();
    const check = new Database(file, { readonly: true });
    expect((check.prepare('SELECT COUNT(*) AS c FROM seq_updates').get() as { c: number }).c).to.equal(1);
    expect((check.prepare("SELECT seq_no FROM es_indices WHERE name = 's'").get() as { seq_no: number }).seq_no).to.equal(100);
    check.close();
  });
});
