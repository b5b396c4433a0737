// The language fuzzer's fast mode (issue 14): 2,000 cases from a fixed seed, so a failure here is reproducible
// (on a machine so busy that they take over 90 s, the first ones that fit); `npm run fuzz -- --count 100000` is
// the long mode (test/fuzz/run.ts).
import { expect } from 'chai';
import { fuzz } from './oracle';

describe('language fuzzer (fast mode)', function () {
  this.timeout(180_000);

  it('parses, checks and runs 2,000 generated and mutated cells and queries: no crash, no hang, every error placed', async () => {
    const { counts, problems } = await fuzz({ count: 2000, seed: 14_000, executeEvery: 20, budgetMs: 90_000 });
    expect(problems.map((p) => `seed ${p.seed}: ${p.what}\n${JSON.stringify(p.text).slice(0, 500)}`)).to.deep.equal([]);
    // the cases exercise both outcomes, and the executions ran
    expect(counts.scripts + counts.queries).to.be.at.least(400);
    expect(counts.scriptsParsed).to.be.above(20);
    expect(counts.syntaxErrors).to.be.above(20);
    expect(counts.queriesParsed).to.be.above(10);
    expect(counts.queryErrors).to.be.above(20);
    expect(counts.executed).to.be.above(5);
  });
});
