// The data corpus: cases in the language corpus format (test/language/corpus.ts) that need a store. Each case
// runs in a fresh session over its own SQLite file with the sample data loaded.
import { expect } from 'chai';
import * as path from 'path';
import { CorpusActual, checkCase, loadCorpus } from '../corpus';
import { embeddedHarness, removeDir, tempDataDir } from './support';

const DATA_CORPUS_DIR = path.join(__dirname, '..', '..', '..', '..', 'test', 'language', 'data', 'corpus');

async function runCase(cells: string[]): Promise<CorpusActual> {
  const dir = tempDataDir();
  const h = embeddedHarness(dir);
  try {
    await h.ok('LOAD_SAMPLE_DATA();');
    const actual: CorpusActual = { prints: [], result: null, displays: [] };
    for (const cell of cells) {
      const r = await h.run(cell);
      actual.prints.push(...r.prints.map((p) => p.text));
      actual.displays.push(...r.displays.map((d) => String(d['text/plain'])));
      actual.result = r.result ? String(r.result['text/plain']) : null;
      delete actual.error;
      if (r.error) actual.error = { ename: r.error.ename, evalue: r.error.evalue };
    }
    return actual;
  } finally {
    await h.session.shutdown();
    removeDir(dir);
  }
}

describe('data corpus (embedded store with the sample data)', () => {
  const cases = loadCorpus(DATA_CORPUS_DIR);
  it('has cases', () => {
    expect(cases.length).to.be.greaterThan(20);
  });
  for (const c of cases) {
    it(`${c.file}: ${c.name}`, async () => {
      const problems = checkCase(c.expect, await runCase(c.cells));
      expect(problems, problems.join('\n')).to.deep.equal([]);
    });
  }
});
