// The ES|QL conformance sample (../shared/esql-spec, next to the repository) as one mocha test per case.
import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../language/store/embedded';
import { loadSpecCases, openSpecStore, runSpecCase } from './spec';

function packageRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

const SPEC_DIR = path.resolve(packageRoot(__dirname), '..', 'shared', 'esql-spec');

describe('ES|QL csv-spec conformance', function () {
  if (!fs.existsSync(SPEC_DIR)) {
    it.skip(`needs ${SPEC_DIR}`);
    return;
  }
  const cases = loadSpecCases(SPEC_DIR);
  let env: { store: EmbeddedStore; datasets: string[]; close(): Promise<void> };
  before(async () => { env = await openSpecStore(SPEC_DIR); });
  after(async () => { await env?.close(); });
  for (const c of cases) {
    it(`${c.file} ${c.name}`, async function () {
      const outcome = await runSpecCase(env.store, env.datasets, c);
      if (outcome.status === 'skipped') this.skip();
      expect(outcome.status === 'failed' ? outcome.message : 'passed').to.equal('passed');
    });
  }
});
