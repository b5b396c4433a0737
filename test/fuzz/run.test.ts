// The long mode's split among worker processes: every case number once, and the merged counts of the shares
// are those of one process running them all (case i has seed S + i in either).
import { expect } from 'chai';
import { emptyCounts, fuzz } from './oracle';
import { mergeCounts, splitCases } from './run';

describe('language fuzzer long mode (workers)', function () {
  this.timeout(120_000);

  it('splits the case numbers into contiguous shares that cover each once', () => {
    expect(splitCases(10, 3)).to.deep.equal([{ first: 0, count: 4 }, { first: 4, count: 4 }, { first: 8, count: 2 }]);
    expect(splitCases(5, 8).map((s) => s.count).reduce((a, b) => a + b)).to.equal(5);
    expect(splitCases(5, 8).map((s) => s.first)).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('two shares give the counts of one run over the same cases', async () => {
    const whole = await fuzz({ count: 24, seed: 77_000, executeEvery: 0 });
    const shares = await Promise.all(splitCases(24, 2).map((s) => fuzz({ ...s, seed: 77_000, executeEvery: 0 })));
    expect(mergeCounts(shares.map((s) => s.counts))).to.deep.equal(whole.counts);
    expect(whole.counts).to.not.deep.equal(emptyCounts());
  });
});
