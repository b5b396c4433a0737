// Runs the conformance corpus through a Session, one fresh session per case.
import { expect } from 'chai';
import { Session } from '../../language/session';
import type { Output } from '../../language/contract';
import { CorpusActual, checkCase, loadCorpus } from './corpus';

async function runCase(cells: string[]): Promise<CorpusActual> {
  const session = new Session({ env: { ESCRIPT_INTEGRATIONS: 'dry-run' } });
  const actual: CorpusActual = { prints: [], result: null, displays: [] };
  const out: Output = {
    print: (text) => { actual.prints.push(text); },
    display: (bundle) => { actual.displays.push(String(bundle['text/plain'])); },
    updateDisplay: () => {},
    clear: () => {},
  };
  for (const cell of cells) {
    const outcome = await session.execute(cell, out, new AbortController().signal);
    actual.result = null;
    delete actual.error;
    if (outcome.status === 'ok') actual.result = outcome.result ? String(outcome.result['text/plain']) : null;
    else actual.error = { ename: outcome.error.ename, evalue: outcome.error.evalue };
  }
  return actual;
}

describe('conformance corpus', () => {
  const cases = loadCorpus();
  it('has hundreds of cases', () => {
    expect(cases.length).to.be.greaterThan(300);
  });
  for (const c of cases) {
    it(`${c.file}: ${c.name}`, async () => {
      const problems = checkCase(c.expect, await runCase(c.cells));
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }
});
