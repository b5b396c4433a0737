// LOOKUP JOIN with a join condition (`ON left == lookup AND left >= lookup2 ...`): every comparison must hold;
// all lookup fields are added (the lookup key too); a side may be written first; conditions on lookup fields
// alone narrow the lookup documents; a multivalued key on either side matches nothing and warns.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';

describe('ES|QL LOOKUP JOIN ON a join condition', () => {
  let dir: string;
  let store: EmbeddedStore;
  const q = (query: string) => store.esqlSync(query);
  const MV = 'java.lang.IllegalArgumentException: LOOKUP JOIN encountered multi-value';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-join-expr-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('tiers', { mappings: { properties: { tier: { type: 'keyword' }, floor: { type: 'integer' }, tags: { type: 'keyword' } } } });
    await store.bulk('tiers', [
      { doc: { tier: 'low', floor: 0, tags: 'a' } },
      { doc: { tier: 'mid', floor: 10, tags: ['a', 'b'] } },
      { doc: { tier: 'high', floor: 100, tags: 'c' } },
    ]);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('joins on an equality of differently named fields and adds every lookup field', () => {
    const r = q('ROW name = "mid" | LOOKUP JOIN tiers ON name == tier');
    expect(r.columns.map((c) => c.name)).to.deep.equal(['name', 'floor', 'tags', 'tier']);
    expect(r.values).to.deep.equal([['mid', 10, ['a', 'b'], 'mid']]);
  });

  it('joins on ranges, written from either side, repeating a row for each match', () => {
    const r = q('ROW n = 50 | LOOKUP JOIN tiers ON n >= floor | SORT floor | KEEP n, tier');
    expect(r.values).to.deep.equal([[50, 'low'], [50, 'mid']]);
    expect(q('ROW n = 50 | LOOKUP JOIN tiers ON floor > n | KEEP tier').values).to.deep.equal([['high']]);
    expect(q('ROW n = 50, t = "low" | LOOKUP JOIN tiers ON n >= floor AND t != tier | KEEP tier').values).to.deep.equal([['mid']]);
  });

  it('narrows the lookup documents by conditions on lookup fields alone', () => {
    expect(q('ROW n = 500 | LOOKUP JOIN tiers ON n >= floor AND floor > 0 AND tier != "high" | KEEP tier').values).to.deep.equal([['mid']]);
  });

  it('matches nothing and warns on a multivalued key on either side', () => {
    const left = q('ROW name = ["low", "mid"] | LOOKUP JOIN tiers ON name == tier | KEEP tier');
    expect(left.values).to.deep.equal([[null]]);
    expect(left.warnings).to.include(`Line 1:29: ${MV}`);
    const right = q('ROW t = "b" | LOOKUP JOIN tiers ON t == tags | KEEP tier');
    expect(right.values).to.deep.equal([[null]]);
    expect(right.warnings).to.include(`Line 1:15: ${MV}`);
  });

  it('refuses a bare field in the condition and a condition on left fields alone', () => {
    expect(() => q('ROW n = 1 | LOOKUP JOIN tiers ON n == floor AND n')).to.throw(/line 1:49: JOIN ON clause only supports fields or AND of Binary Expressions at the moment, found \[n\]/);
    expect(() => q('ROW n = 1 | LOOKUP JOIN tiers ON n == floor AND n > 0')).to.throw(/found \[n > 0\]/);
  });
});
