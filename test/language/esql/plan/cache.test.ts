// Analysed plans kept per query text: a repeated query skips parsing and analysis, and a kept plan is never
// used once the catalog answers differently (new fields, a field become multivalued, a new index matching).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../../language/store/embedded';
import { runEsqlSync } from '../../../../language/esql/engine';
import { planCacheFor } from '../../../../language/esql/plan/cache';
import { setColumnarEnabled } from '../../../../language/esql/compute/columnar';

describe('ES|QL plan cache', function () {
  this.timeout(60000);
  let dir: string;
  let store: EmbeddedStore;
  const hits = (): number => planCacheFor(store.esqlCatalog).hits;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-cache-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('logs', { mappings: { properties: { n: { type: 'long' }, k: { type: 'keyword' } } } });
    store.bulkSync('logs', Array.from({ length: 50 }, (_v, i) => ({ doc: { n: i, k: `k${i % 3}` } })));
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reuses the analysis of a repeated query', () => {
    const q = 'FROM logs | WHERE n > 10 | STATS c = COUNT(*) BY k | SORT k';
    const first = store.esqlSync(q);
    const before = hits();
    expect(store.esqlSync(q)).to.deep.equal(first);
    expect(store.esqlSync(q)).to.deep.equal(first);
    expect(hits()).to.equal(before + 2);
  });

  it('plans again when a new field appears', () => {
    const q = 'FROM logs | SORT n | LIMIT 1';
    expect(store.esqlSync(q).columns.map((c) => c.name)).to.deep.equal(['k', 'n']);
    store.indexSync('logs', { n: -1, k: 'x', extra: 5 });
    const after = store.esqlSync(q);
    expect(after.columns.map((c) => c.name)).to.deep.equal(['extra', 'k', 'n']);
    expect(after.values).to.deep.equal([[5, 'x', -1]]);
  });

  it('plans again when a field becomes multivalued (the columnar path must not read it)', () => {
    const q = 'FROM logs | STATS c = COUNT(*) BY k';
    store.esqlSync(q);
    store.indexSync('logs', { n: 100, k: ['k1', 'k9'] });
    const cached = store.esqlSync(q);
    setColumnarEnabled(false);
    try {
      const rows = store.esqlSync(q);
      const canon = (r: typeof rows): string[] => r.values.map((v) => JSON.stringify(v)).sort();
      expect(canon(cached)).to.deep.equal(canon(rows));
      expect(canon(cached)).to.include(JSON.stringify([1, 'k9']));
    } finally {
      setColumnarEnabled(true);
    }
  });

  it('plans again when a FROM pattern matches a new index', async () => {
    const q = 'FROM lo* | STATS c = COUNT(*)';
    expect(store.esqlSync(q).values).to.deep.equal([[50]]);
    await store.createIndex('logs2', { mappings: { properties: { n: { type: 'long' } } } });
    store.bulkSync('logs2', [{ doc: { n: 1 } }, { doc: { n: 2 } }]);
    expect(store.esqlSync(q).values).to.deep.equal([[52]]);
  });

  it('keeps parameters apart and does not keep NOW() or failing queries', () => {
    const q = 'FROM logs | WHERE n > ? | STATS c = COUNT(*)';
    expect(store.esqlSync(q, [10]).values).to.deep.equal([[39]]);
    expect(store.esqlSync(q, [40]).values).to.deep.equal([[9]]);
    expect(store.esqlSync(q, [10]).values).to.deep.equal([[39]]);
    const clock = 'ROW t = NOW()';
    expect(runEsqlSync(clock, { catalog: store.esqlCatalog, now: 1000 }).values).to.deep.equal([['1970-01-01T00:00:01.000Z']]);
    const before = hits();
    expect(runEsqlSync(clock, { catalog: store.esqlCatalog, now: 2000 }).values).to.deep.equal([['1970-01-01T00:00:02.000Z']]);
    expect(hits()).to.equal(before);
    expect(() => store.esqlSync('FROM logs | KEEP nope')).to.throw(/Unknown column \[nope\]/);
    expect(() => store.esqlSync('FROM logs | KEEP nope')).to.throw(/Unknown column \[nope\]/);
    expect(hits()).to.equal(before);
  });
});
