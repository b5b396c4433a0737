// Runs the conformance corpus through a Session, one fresh session per case.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Session } from '../../language/session';
import type { Output } from '../../language/contract';
import { CorpusActual, checkCase, loadCorpus } from './corpus';

async function runCase(cells: string[]): Promise<CorpusActual> {
  // a data directory of its own: async executions store their documents there
  const dataDir = mkdtempSync(join(tmpdir(), 'escript-corpus-'));
  const session = new Session({ env: { ESCRIPT_INTEGRATIONS: 'dry-run', ESCRIPT_DATA_DIR: dataDir } });
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
  await session.shutdown();
  rmSync(dataDir, { recursive: true, force: true });
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
