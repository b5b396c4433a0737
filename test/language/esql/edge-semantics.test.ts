// STATS and string functions answering as Elasticsearch does at the edges: PERCENTILE outside its domain, case changes of multivalues.
import { expect } from 'chai';
import { runEsqlSync } from '../../../language/esql/engine';

describe('ES|QL aggregates at the edges', () => {
  it('PERCENTILE outside 0..100 is null without a warning; 0 and 100 are the extremes', () => {
    const r = runEsqlSync('ROW v = [3, 1, 2] | MV_EXPAND v | STATS over = PERCENTILE(v, 110), under = PERCENTILE(v, -1), lo = PERCENTILE(v, 0), hi = PERCENTILE(v, 100)');
    expect(r.values).to.deep.equal([[null, null, 1, 3]]);
    expect(r.warnings).to.deep.equal([]);
  });
});

describe('ES|QL string case functions', () => {
  it('TO_UPPER and TO_LOWER change each value of a multivalue', () => {
    const r = runEsqlSync('ROW a = ["Foo", "bAr"], n = null | EVAL u = TO_UPPER(a), l = TO_LOWER(a), x = TO_LOWER(n) | KEEP u, l, x');
    expect(r.values[0]).to.deep.equal([['FOO', 'BAR'], ['foo', 'bar'], null]);
    expect(r.warnings).to.deep.equal([]);
  });
});
