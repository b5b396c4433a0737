// STATS answers as Elasticsearch gives them at the edges of an aggregate's domain.
import { expect } from 'chai';
import { runEsqlSync } from '../../../language/esql/engine';

describe('ES|QL aggregates at the edges', () => {
  it('PERCENTILE outside 0..100 is null without a warning; 0 and 100 are the extremes', () => {
    const r = runEsqlSync('ROW v = [3, 1, 2] | MV_EXPAND v | STATS over = PERCENTILE(v, 110), under = PERCENTILE(v, -1), lo = PERCENTILE(v, 0), hi = PERCENTILE(v, 100)');
    expect(r.values).to.deep.equal([[null, null, 1, 3]]);
    expect(r.warnings).to.deep.equal([]);
  });
});
