import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';
import { loadFile } from '../../../language/store/load-file';
import { generateSampleData, loadSampleData } from '../../../language/store/sample-data';
import { storePerTest } from './support';

describe('loading files and sample data', () => {
  const fresh = storePerTest('loaders-');
  let dir: string;
  let store: EmbeddedStore;
  beforeEach(() => ({ dir, store } = fresh));

  it('loads NDJSON, honouring bulk action lines', async () => {
    const file = path.join(dir, 'docs.ndjson');
    fs.writeFileSync(file, '{"index":{"_id":"a"}}\n{"n":1,"s":"x"}\n{"n":2,"s":"y"}\n\n');
    const r = await loadFile(store, file, 'nd');
    expect(r).to.include({ loaded: 2, failed: 0 });
    expect((await store.get('nd', 'a'))?._source).to.deep.equal({ n: 1, s: 'x' });
    expect((await store.esql('FROM nd | STATS s = SUM(n)')).values).to.deep.equal([[3]]);
  });

  it('refuses a line that is not a JSON object (an array, a number), naming its line; the others load', async () => {
    const file = path.join(dir, 'mixed.ndjson');
    fs.writeFileSync(file, '{"a":1}\n[1,2]\n5\n{"a":2}\n');
    const r = await loadFile(store, file, 'mixed');
    expect(r).to.include({ loaded: 2, failed: 2 });
    expect(r.errors).to.deep.equal([
      'mixed.ndjson:2: failed to parse: a document must be a JSON object ({...}), got an array',
      'mixed.ndjson:3: failed to parse: a document must be a JSON object ({...}), got a number',
    ]);
    const array = path.join(dir, 'mixed.json');
    fs.writeFileSync(array, '[{"a":1}, "x"]');
    expect((await loadFile(store, array, 'mixed2')).errors).to.deep.equal(['mixed.json:2: failed to parse: a document must be a JSON object ({...}), got a string']);
  });

  it('the embedded store refuses a non-object document as Elasticsearch does (document_parsing_exception)', async () => {
    for (const doc of [[1, 2], 'text', 7, null]) {
      const err = await store.index('plain', doc as never).then(() => null, (e: Error & { type?: string }) => e);
      expect(err?.type, JSON.stringify(doc)).to.equal('document_parsing_exception');
    }
    const bulk = await store.bulk('plain', [{ doc: { a: 1 } }, { doc: [3] as never }]);
    expect(bulk.items.map((it) => ('error' in it ? it.error.type : 'ok'))).to.deep.equal(['ok', 'document_parsing_exception']);
  });

  it('keeps whole numbers past 2^53 of a loaded line exact in queries', async () => {
    const file = path.join(dir, 'big.ndjson');
    fs.writeFileSync(file, '{"n": 9007199254740993}\n');
    // a session's store keeps longs exact in ES|QL results (exactLongs); the loaded doc value must be exact too
    const exact = new EmbeddedStore(path.join(dir, 'exact.db'), { exactLongs: true });
    try {
      await loadFile(exact, file, 'big');
      expect((await exact.esql('FROM big | KEEP n')).values).to.deep.equal([[9007199254740993n]]);
    } finally {
      await exact.close();
    }
  });

  it('loads a JSON array of documents', async () => {
    const file = path.join(dir, 'docs.json');
    fs.writeFileSync(file, JSON.stringify([{ n: 1 }, { n: 2 }, { n: 3 }]));
    expect((await loadFile(store, file, 'arr')).loaded).to.equal(3);
    expect((await store.esql('FROM arr | STATS s = SUM(n)')).values).to.deep.equal([[6]]);
  });

  it('reads a .json file that is not an array as NDJSON, and loads more documents than one batch holds', async () => {
    const file = path.join(dir, 'lines.json');
    const count = 5001; // one more than a bulk batch: a full batch is sent mid-file, the rest at the end
    fs.writeFileSync(file, Array.from({ length: count }, (_, i) => JSON.stringify({ n: i })).join('\n'));
    expect(await loadFile(store, file, 'many')).to.deep.equal({ index: 'many', loaded: count, failed: 0, errors: [] });
    expect((await store.esql('FROM many | STATS c = COUNT(*), s = SUM(n)')).values).to.deep.equal([[count, (count * (count - 1)) / 2]]);
  });

  it('loads CSV with typed headers, quotes and multivalues', async () => {
    const file = path.join(dir, 'people.csv');
    fs.writeFileSync(file, 'name:keyword,age:integer,tags:keyword\n"Lovelace, Ada",36,[a,b]\nBo,,x\n');
    const r = await loadFile(store, file, 'people');
    expect(r.loaded).to.equal(2);
    const q = await store.esql('FROM people | SORT name | KEEP name, age, tags');
    expect(q.columns.map((c) => c.type)).to.deep.equal(['keyword', 'integer', 'keyword']);
    expect(q.values).to.deep.equal([['Bo', null, 'x'], ['Lovelace, Ada', 36, ['a', 'b']]]);
  });

  it('generates the same sample documents for the same seed and clock', () => {
    const a = generateSampleData(1_700_000_000_000, 7);
    const b = generateSampleData(1_700_000_000_000, 7);
    expect(a).to.deep.equal(b);
    expect(a.map((i) => [i.name, i.docs.length])).to.deep.equal([
      ['logs-sample', 100], ['metrics-sample', 80], ['users-sample', 30], ['orders-sample', 50],
      ['products-sample', 40], ['security-events', 60],
    ]);
  });

  it('loads the tutorial indices with their mappings, relative to now', async () => {
    const now = Date.now();
    await loadSampleData(store, { now });
    expect((await store.esql('FROM logs-sample | WHERE level == "ERROR" | STATS c = COUNT(*)')).values).to.deep.equal([[20]]);
    expect((await store.esql('FROM logs-sample | STATS s = COUNT_DISTINCT(service)')).values[0][0]).to.be.at.most(8);
    const recent = await store.esql('FROM logs-sample | WHERE @timestamp > NOW() - 24 hours | STATS c = COUNT(*)');
    expect(recent.values).to.deep.equal([[100]]);
    const ip = await store.esql('FROM security-events | KEEP source_ip | LIMIT 1');
    expect(ip.columns[0].type).to.equal('ip');
    const tags = await store.esql('FROM products-sample | WHERE MV_COUNT(tags) == 2 | STATS c = COUNT(*)');
    expect(tags.values).to.deep.equal([[40]]);
  });
});
