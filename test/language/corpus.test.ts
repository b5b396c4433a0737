// Runs the conformance corpus through a Session, one fresh session per case.
import { expect } from 'chai';
import { checkCase, loadCorpus } from './corpus';
import { runCells } from './corpus-session';

describe('conformance corpus', () => {
  const cases = loadCorpus();
  it('has hundreds of cases', () => {
    expect(cases.length).to.be.greaterThan(300);
  });
  for (const c of cases) {
    it(`${c.file}: ${c.name}`, async () => {
      const problems = checkCase(c.expect, await runCells(c.cells));
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }
});
