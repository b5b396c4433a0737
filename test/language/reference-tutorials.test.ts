// The manual reference-tutorials run (reference-tutorials.ts) on a small git repository made here, with a
// notebook written in the reference's habits: it must call those failures expected, and find none once corrected.
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { correctHabits, isExpectedFailure, runTutorial } from './reference-tutorials';

const cells = [
  "CREATE PROCEDURE total(xs ARRAY)\nBEGIN\n  DECLARE s NUMBER = 0;\n  FOR i IN 1..ARRAY_LENGTH(xs) LOOP\n    SET s = s + xs[i];\n  END LOOP;\n  RETURN s;\nEND PROCEDURE",
  'CALL total([4, 5, 6])',
  "DECLARE c CURSOR FOR FROM logs-sample | WHERE level = 'ERROR' | STATS n = COUNT(*);\nFOR r IN c LOOP PRINT r.n; END LOOP;",
  'PRINT UNKNOWN_BUILTIN_XYZ(1);',
];

function makeRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'escript-reference-repo-'));
  mkdirSync(join(dir, 'notebooks'));
  const nb = { cells: [{ cell_type: 'markdown', source: ['# t'] }, ...cells.map((source) => ({ cell_type: 'code', source }))] };
  writeFileSync(join(dir, 'notebooks', 'habits.ipynb'), JSON.stringify(nb));
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'notebook');
  return dir;
}

describe('reference tutorials run (manual command)', function () {
  this.timeout(60000);
  let repo = '';
  before(() => { repo = makeRepo(); });
  after(() => rmSync(repo, { recursive: true, force: true }));

  it('counts the 1-based index and the = in ES|QL as expected failures, anything else as not', async () => {
    const o = await runTutorial(repo, 'habits');
    expect(o.cells).to.equal(4);
    expect(o.failures.map((f) => [f.cell, f.ename, f.expected])).to.deep.equal([
      [2, 'index_error', true],
      [3, 'esql_error', true],
      [4, 'not_found_error', false],
    ]);
  });

  it('finds only the real failure once the two habits are rewritten', async () => {
    const o = await runTutorial(repo, 'habits', true);
    expect(o.failures.map((f) => [f.cell, f.ename, f.expected])).to.deep.equal([[4, 'not_found_error', false]]);
  });

  it('expects an error only when it carries its teaching hint', () => {
    expect(isExpectedFailure('index_error', 'array index 3 out of range (length 3); array indices start at 0, so the last is [2]')).to.equal(true);
    expect(isExpectedFailure('index_error', 'array index 7 out of range (length 3)')).to.equal(false);
    expect(isExpectedFailure('esql_error', 'Unknown index [x]')).to.equal(false);
  });

  it('rewrites the loop bound and the comparison, and leaves STATS assignments alone', () => {
    expect(correctHabits('FOR i IN 1..ARRAY_LENGTH(MAP_KEYS(m)) LOOP')).to.equal('FOR i IN 0..ARRAY_LENGTH(MAP_KEYS(m)) - 1 LOOP');
    expect(correctHabits("FROM t | WHERE level = 'E' | STATS n = COUNT(*)")).to.equal("FROM t | WHERE level == 'E' | STATS n = COUNT(*)");
  });
});
