// The store file's page size: 16 KiB in a new file (fewer pages written twice by a bulk load, fewer read by a scan);
// a file made with another page size keeps it and works as before.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../../language/store/embedded';

function pageSize(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('embedded store: page size', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'page-size-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes a new file with 16 KiB pages, and keeps the 4 KiB pages of a file written before', async () => {
    const fresh = path.join(dir, 'new.db');
    const store = new EmbeddedStore(fresh);
    await store.index('docs', { n: 1 }, { id: 'a' });
    await store.close();
    expect(pageSize(fresh)).to.equal(16384);

    const older = path.join(dir, 'old.db');
    const db = new Database(older);
    db.pragma('page_size = 4096');
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE before_us (x)');
    db.close();
    const reopened = new EmbeddedStore(older);
    await reopened.index('docs', { n: 2 }, { id: 'b' });
    expect((await reopened.get('docs', 'b'))?._source).to.deep.equal({ n: 2 });
    await reopened.close();
    expect(pageSize(older)).to.equal(4096);
  });
});
