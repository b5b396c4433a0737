// A bulk call's new documents go in through multi-row INSERTs (row-inserts.ts): the rows, sequence numbers,
// mappings and failures are the same as when each document is indexed on its own.
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../../language/store/embedded';
import type { BulkItem, Source } from '../../../../language/store/store';
import { storePerTest } from '../support';

/** Every row of an index's table in insertion order, without the generated ids. */
function tableRows(store: EmbeddedStore, file: string, index: string): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    const { table } = store.physicalName(index);
    const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all() as Record<string, unknown>[];
    return rows.map(({ _id, ...rest }) => (typeof _id === 'string' && _id.startsWith('given-') ? { _id, ...rest } : rest));
  } finally {
    db.close();
  }
}

/** A refusal names the document's id, which differs between the two indices when generated. */
const withoutId = (reason: string): string => reason.replace(/with id '[^']*'/, "with id '?'");

/** 80 documents: a field first seen at 40 (the width grows), a multivalue at 50, a long beyond 2^53 at 60,
 * given ids at 70 and 71, one the mapping refuses at `bad` (when given). */
function documents(bad?: number): BulkItem[] {
  return Array.from({ length: 80 }, (_, i): BulkItem => {
    const doc: Source = { n: i, level: i % 3 === 0 ? 'ERROR' : 'INFO', '@timestamp': new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString() };
    if (i >= 40) doc.extra = i / 2;
    if (i === 50) doc.tags = ['b', 'a', 'b'];
    if (i === 60) doc.big = 2n ** 60n + 1n;
    if (i === bad) doc.n = 'not a number';
    const item: BulkItem = { doc };
    if (i === 70 || i === 71) item.id = `given-${i}`;
    return item;
  });
}

describe('embedded store: multi-row inserts of a bulk call', () => {
  const fresh = storePerTest('row-inserts-');

  for (const bad of [undefined, 45]) {
    it(`writes the same rows, mapping and sequence numbers as one write per document${bad ? ' (one document refused)' : ''}`, async () => {
      const { store, file } = fresh;
      const bulk = await store.bulk('bulk', documents(bad));
      const single: ({ _seq_no: number } | { error: string })[] = [];
      for (const item of documents(bad)) {
        single.push(await store.index('single', item.doc, { id: item.id }).then((r) => r, (e: Error) => ({ error: e.message })));
      }
      expect(bulk.errors).to.equal(bad !== undefined);
      bulk.items.forEach((item, i) => {
        if ('error' in item) expect(withoutId(item.error.reason)).to.equal(withoutId((single[i] as { error: string }).error));
        else expect(item._seq_no).to.equal((single[i] as { _seq_no: number })._seq_no);
      });
      expect(tableRows(store, file, 'bulk')).to.deep.equal(tableRows(store, file, 'single'));
      expect(await store.getMapping('bulk')).to.deep.equal(await store.getMapping('single'));
      const query = (index: string) => store.esql(`FROM ${index} | STATS c = COUNT(*), s = SUM(n), e = SUM(extra), t = COUNT(tags) BY level | SORT level`);
      expect((await query('bulk')).values).to.deep.equal((await query('single')).values);
      expect((await store.get('bulk', 'given-70'))?._source).to.deep.equal(documents()[70].doc);
    });
  }

  it('inserts full groups of rows with one statement', async () => {
    const { store } = fresh;
    await store.bulk('bulk', documents().slice(0, 40));
    const meta = (store as unknown as { metadata: { read(index: string): { insertMany?: unknown } } }).metadata.read('bulk');
    expect(meta?.insertMany).to.not.equal(undefined);
  });
});
