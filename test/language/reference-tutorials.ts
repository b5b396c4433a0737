// Manual check (not a mocha test): runs the reference implementation's offline tutorial notebooks, read from a
// local clone of bahaaldine/elastic-script, cell by cell in one session on a scratch embedded store with the
// sample data loaded, and reports each failing cell. Failures of the two kinds we keep on purpose (the tutorials
// index arrays from 1, and write `=` or single-quoted strings inside ES|QL; both fail on the reference too) are
// "expected" when their message teaches the fix; anything else makes the run fail.
//   npm run reference-tutorials -- [--corrected] [REPO_GIT_DIR] [notebook ...]
// --corrected first rewrites the two habits (`FOR i IN 1..ARRAY_LENGTH(a)` to `0..ARRAY_LENGTH(a) - 1`, `WHERE x =`
// to `WHERE x ==`) and then expects no failure at all.
// REPO_GIT_DIR defaults to $ESCRIPT_REFERENCE_REPO; it may be a bare repository (read with `git show HEAD:`).
// Our own versions of these programs are the test: test/language/data/corpus/05-offline-tutorials.escript-test.
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadSampleData, openSession, readConfig } from '../../language/tools';
import type { Output } from '../../language/contract';

/** The reference's tutorials that need neither an LLM nor a service beyond the sample data (see README). */
export const OFFLINE_TUTORIALS = [
  '01-getting-started', '02-esql-integration', '04-async-execution', '09-esql-binding', '10-first-class-commands',
  '12-exception-handling', '13-user-defined-functions', '14-execute-immediate', '15-map-type', '16-cursors',
  '17-bulk-operations',
];

export interface CellFailure { cell: number; ename: string; evalue: string; expected: boolean }
export interface TutorialOutcome { notebook: string; cells: number; failures: CellFailure[] }

/** An error the tutorials make on purpose, with the hint that teaches the fix. */
export function isExpectedFailure(ename: string, evalue: string): boolean {
  if (ename === 'index_error') return /indices start at 0/.test(evalue);
  if (ename === 'esql_error') return /ES\|QL compares with ==|ES\|QL strings take double quotes/.test(evalue);
  return false;
}

/** The tutorials' two habits rewritten the way the errors teach (a textual rewrite, good enough for them). */
export function correctHabits(source: string): string {
  return source
    .replace(/FOR (\w+) IN 1\.\.ARRAY_LENGTH\(([^()]*(?:\([^()]*\))?)\)/g, 'FOR $1 IN 0..ARRAY_LENGTH($2) - 1')
    .replace(/(\| WHERE [^\n;|]*?\w) = /g, '$1 == ');
}

function notebookCells(repo: string, name: string): string[] {
  const text = execFileSync('git', ['-C', repo, 'show', `HEAD:notebooks/${name}.ipynb`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const nb = JSON.parse(text) as { cells: { cell_type: string; source: string | string[] }[] };
  return nb.cells.filter((c) => c.cell_type === 'code').map((c) => ([] as string[]).concat(c.source).join(''));
}

export async function runTutorial(repo: string, name: string, corrected = false): Promise<TutorialOutcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'escript-reference-'));
  const env = { ESCRIPT_DATA_DIR: dataDir, ESCRIPT_STORE: 'embedded', ESCRIPT_INTEGRATIONS: 'dry-run' };
  const outcome: TutorialOutcome = { notebook: name, cells: 0, failures: [] };
  const out: Output = { print: () => {}, display: () => {}, updateDisplay: () => {}, clear: () => {} };
  try {
    await loadSampleData(readConfig(env));
    const session = openSession(readConfig(env));
    try {
      for (const cell of notebookCells(repo, name)) {
        const source = corrected ? correctHabits(cell) : cell;
        outcome.cells++;
        if (!source.trim()) continue;
        const r = await session.execute(source, out, new AbortController().signal);
        if (r.status === 'ok') continue;
        const { ename, evalue } = r.error;
        outcome.failures.push({ cell: outcome.cells, ename, evalue, expected: !corrected && isExpectedFailure(ename, evalue) });
      }
    } finally {
      await session.shutdown();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return outcome;
}

async function main(args: string[]): Promise<number> {
  const corrected = args[0] === '--corrected';
  const argv = corrected ? args.slice(1) : args;
  const repo = argv[0] ?? process.env.ESCRIPT_REFERENCE_REPO;
  if (!repo) {
    process.stderr.write('usage: reference-tutorials [--corrected] REPO_GIT_DIR [notebook ...] (or set ESCRIPT_REFERENCE_REPO)\n');
    return 2;
  }
  const names = argv.length > 1 ? argv.slice(1) : OFFLINE_TUTORIALS;
  let unexpected = 0;
  for (const name of names) {
    const o = await runTutorial(repo, name, corrected);
    const bad = o.failures.filter((f) => !f.expected);
    unexpected += bad.length;
    process.stdout.write(`${bad.length ? 'FAIL' : 'ok  '} ${name}: ${o.cells} cells, ${o.failures.length - bad.length} expected failures, ${bad.length} other\n`);
    for (const f of o.failures) {
      process.stdout.write(`     cell ${f.cell} ${f.expected ? 'expected' : 'UNEXPECTED'} ${f.ename}: ${f.evalue.split('\n')[0].slice(0, 160)}\n`);
    }
  }
  return unexpected ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 1; });
}
