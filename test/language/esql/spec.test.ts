// Elasticsearch's csv-spec cases (../shared/esql-spec and ../shared/esql-corpus, next to the repository), one
// mocha test per case. A case on test/language/esql/known-failures.txt is reported as pending while it still fails and
// fails the suite once it passes (take it off the list); any other failure fails the suite. A missing folder is
// a failing test that names it: the corpus is part of the suite, never silently absent.
import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { KNOWN_FAILURES_FILE, SPEC_FOLDERS, SpecStore, loadSpecCases, openSpecStore, packageRoot, readKnownFailures, runSpecCase } from './spec';

const ROOT = packageRoot(__dirname);
const known = readKnownFailures(KNOWN_FAILURES_FILE(ROOT));
const seen = new Set<string>();

for (const folder of SPEC_FOLDERS) {
  const dir = path.resolve(ROOT, '..', 'shared', folder);
  describe(`ES|QL csv-spec conformance: ${folder}`, function () {
    if (!fs.existsSync(dir)) {
      it(`needs the csv-spec folder ${dir}`, () => {
        expect.fail(`csv-spec folder ${dir} is missing: the conformance cases cannot run`);
      });
      return;
    }
    const cases = loadSpecCases(dir);
    let env: SpecStore;
    before(async function () {
      this.timeout(120000);
      env = await openSpecStore(dir);
    });
    after(async () => { await env?.close(); });
    for (const c of cases) {
      seen.add(c.id);
      const reason = known.get(c.id);
      it(reason === undefined ? c.id : `${c.id} [known failure: ${reason}]`, async function () {
        const outcome = await runSpecCase(env.store, env.datasets, c);
        if (outcome.status === 'skipped') this.skip();
        if (reason !== undefined) {
          expect(outcome.status, `${c.id} now passes: remove it from test/language/esql/known-failures.txt`).to.equal('failed');
          this.skip();
        }
        expect(outcome.status === 'failed' ? outcome.message : 'passed').to.equal('passed');
      });
    }
  });
}

describe('ES|QL csv-spec known failures', () => {
  it('lists only cases that exist', () => {
    const stale = [...known.keys()].filter((id) => !seen.has(id) && SPEC_FOLDERS.some((f) => id.startsWith(`${f}/`) &&
      fs.existsSync(path.resolve(ROOT, '..', 'shared', f))));
    expect(stale, 'ids in test/language/esql/known-failures.txt that name no case').to.deep.equal([]);
  });
});
