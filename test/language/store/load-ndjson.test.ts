// `escript load` of NDJSON, read in big chunks and written in big batches: line numbers, ids and the stored
// `_source` stay right across chunk and batch boundaries, and one bad document fails alone.
import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';
import { loadFile } from '../../../language/store/load-file';
import { storePerTest } from './support';

describe('loading NDJSON in chunks and batches', () => {
  const fresh = storePerTest('load-ndjson-');
  let dir: string;
  let store: EmbeddedStore;
  beforeEach(() => ({ dir, store } = fresh));

  // ~6 MB: more than one 4 MB read and more than one batch of documents
  const COUNT = 30000;
  const pad = 'x'.repeat(180);
  const docLine = (i: number): string => JSON.stringify({ n: i, msg: `${pad}${i}` });

  it('a document the mapping refuses fails alone, named by its line; the rest of its batch is written', async () => {
    const bad = 27001; // beyond the first 4 MB chunk and the first batch
    const lines = Array.from({ length: COUNT }, (_, i) => (i + 1 === bad ? '{"n":"not a number","msg":"m"}' : docLine(i)));
    const file = path.join(dir, 'logs.ndjson');
    fs.writeFileSync(file, lines.join('\r\n') + '\r\n');
    expect(fs.statSync(file).size).to.be.greaterThan(4 << 20);
    const r = await loadFile(store, file, 'logs');
    expect(r.loaded).to.equal(COUNT - 1);
    expect(r.failed).to.equal(1);
    expect(r.errors).to.have.length(1);
    expect(r.errors[0]).to.match(/^logs\.ndjson:27001: /);
    const sum = (COUNT * (COUNT - 1)) / 2 - (bad - 1);
    expect((await store.esql('FROM logs | STATS c = COUNT(*), s = SUM(n)')).values).to.deep.equal([[COUNT - 1, sum]]);
    // sequence numbers are handed out only to the documents written, with no gap from the undone batch
    // (the first document gets 0: the next write is the COUNT-th)
    expect((await store.index('logs', { n: -1 }))._seq_no).to.equal(COUNT - 1);
  });

  it('ids from bulk action lines, and the line stored as _source as written', async () => {
    const file = path.join(dir, 'bulk.ndjson');
    const out: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      out.push(JSON.stringify({ index: { _id: `d${i}` } }));
      out.push(i === 22222 ? '{ "n" : 22222 ,  "msg": "spaced" }' : docLine(i));
    }
    fs.writeFileSync(file, out.join('\n'));
    const r = await loadFile(store, file, 'bulk');
    expect(r).to.include({ loaded: COUNT, failed: 0 });
    expect((await store.get('bulk', 'd29999'))?._source).to.deep.equal({ n: 29999, msg: `${pad}29999` });
    expect((await store.get('bulk', 'd22222'))?._source).to.deep.equal({ n: 22222, msg: 'spaced' });
    const ids = await store.esql('FROM bulk METADATA _id | WHERE n == 12345 | KEEP _id');
    expect(ids.values).to.deep.equal([['d12345']]);
  });

  it('a UTF-8 character cut by the 4 MB read is whole again, and ASCII and non-ASCII chunks read alike', async () => {
    const file = path.join(dir, 'utf8.ndjson');
    const head: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < (4 << 20) - 1000; i++) {
      head.push(docLine(i));
      bytes += Buffer.byteLength(docLine(i)) + 2;
    }
    // the euro signs (3 bytes each) of this line straddle byte 4 MB: the first read ends inside one of them
    const prefix = `{"n": -1, "msg": "${'a'.repeat((4 << 20) - bytes - 19)}`;
    const cut = `${prefix}€€€€ 𝄞 é"}`;
    expect(Buffer.byteLength(prefix) + bytes).to.be.lessThan(4 << 20);
    expect(Buffer.byteLength(prefix) + bytes + 12).to.be.greaterThan(4 << 20);
    const tail = ['{"n": -2, "msg": "déjà vu"}', '{"n": "bad", "msg": "ü"}', '{"n": -3, "msg": "plain"}'];
    fs.writeFileSync(file, [...head, cut, ...tail].join('\r\n'));
    const r = await loadFile(store, file, 'utf8');
    expect(r).to.include({ loaded: head.length + 3, failed: 1 });
    expect(r.errors[0]).to.match(new RegExp(`^utf8\\.ndjson:${head.length + 3}: `));
    const rows = await store.esql('FROM utf8 | WHERE n < 0 | SORT n DESC | KEEP n, msg');
    expect(rows.values.map(([n, msg]) => [n, String(msg).replace(/^a+/, '')])).to.deep.equal([
      [-1, '€€€€ 𝄞 é'], [-2, 'déjà vu'], [-3, 'plain'],
    ]);
  });

  it('invalid JSON stops the load with the line number', async () => {
    const file = path.join(dir, 'broken.ndjson');
    const lines = Array.from({ length: COUNT }, (_, i) => docLine(i));
    lines[25000] = '{"n": 1,';
    fs.writeFileSync(file, lines.join('\n'));
    const err = await loadFile(store, file, 'broken').then(() => null, (e: Error) => e);
    expect(err?.message).to.match(/^broken\.ndjson:25001: invalid JSON/);
  });

  it('writes a big file in batches of 2,000 documents, committed every 20,000', async () => {
    const file = path.join(dir, 'many.ndjson');
    fs.writeFileSync(file, Array.from({ length: 45000 }, (_, i) => JSON.stringify({ n: i })).join('\n'));
    const documents = (store as unknown as { documents: { writeMapped(index: string, batch: { count: number }): unknown } }).documents;
    const sizes: number[] = [];
    const writeMapped = documents.writeMapped.bind(documents);
    documents.writeMapped = (index, batch) => { sizes.push(batch.count); return writeMapped(index, batch); };
    const before = store.commitCount;
    const r = await loadFile(store, file, 'many');
    expect(r).to.include({ loaded: 45000, failed: 0 });
    expect(sizes).to.deep.equal([...Array(22).fill(2000), 1000]);
    expect(store.commitCount - before).to.equal(3);
    expect((await store.esql('FROM many | STATS c = COUNT(*), s = SUM(n)')).values).to.deep.equal([[45000, (45000 * 44999) / 2]]);
  });
});
