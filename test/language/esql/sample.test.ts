// SAMPLE p keeps each row with probability p (0 < p < 1, a decimal literal), as Elasticsearch's SAMPLE command.
import { expect } from 'chai';
import { runEsqlSync } from '../../../language/esql/engine';

describe('ES|QL SAMPLE', () => {
  const rows = 'ROW a = 1 | EVAL a = MV_APPEND(a, a) | EVAL a = MV_APPEND(a, a) | EVAL a = MV_APPEND(a, a) | EVAL a = MV_APPEND(a, a) | EVAL a = MV_APPEND(a, a) | EVAL a = MV_APPEND(a, a) | EVAL a = MV_APPEND(a, a) | EVAL a = MV_APPEND(a, a) | EVAL a = MV_APPEND(a, a) | EVAL a = MV_APPEND(a, a) | MV_EXPAND a';

  it('keeps about p of the rows', () => {
    const all = runEsqlSync(`${rows} | STATS c = COUNT(*)`).values[0][0] as number;
    expect(all).to.equal(1024);
    const kept = runEsqlSync(`${rows} | SAMPLE 0.25 | STATS c = COUNT(*)`).values[0][0] as number;
    // 1024 draws at 0.25: mean 256, sd ~14; the bounds are 10 sd away
    expect(kept).to.be.within(120, 400);
  });

  it('refuses a probability that is not a decimal strictly between 0 and 1', () => {
    for (const p of ['1', '0.0', '1.5']) {
      expect(() => runEsqlSync(`ROW a = 1 | SAMPLE ${p}`)).to.throw(`line 1:20: invalid value for SAMPLE probability [${p}], expecting a number between 0 and 1, exclusive`);
    }
  });
});
