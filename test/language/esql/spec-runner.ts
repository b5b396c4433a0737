// `npm run esql-spec -- DIR [DIR ...] [--verbose] [--failures] [--prune-known]`: runs every case of each DIR's
// `*.csv-spec` files on a fresh embedded store loaded with DIR's datasets and prints a per-file table (passed /
// failed / skipped, and the share of runnable cases that pass), the skip reasons, and the failures that are not
// in test/language/esql/known-failures.txt (`--failures`: every failure; `--verbose`: every skip too). `--prune-known`
// removes the listed cases that now pass (and refreshes the reasons of the others). Ends with `N passed, N failed, N skipped`; exits 1 on a new failure.
import * as path from 'path';
import { KNOWN_FAILURES_FILE, Outcome, loadSpecCases, openSpecStore, packageRoot, readKnownFailures, runSpecCase, shortReason, writeKnownFailures } from './spec';
import type { SpecCase } from './spec-reader';

export interface CaseResult { c: SpecCase; outcome: Outcome }

/** Runs every case of `dir`, one store for the folder. */
export async function runSpecFolder(dir: string): Promise<CaseResult[]> {
  const cases = loadSpecCases(dir);
  const env = await openSpecStore(dir);
  const out: CaseResult[] = [];
  try {
    for (const c of cases) out.push({ c, outcome: await runSpecCase(env.store, env.datasets, c) });
  } finally {
    await env.close();
  }
  return out;
}

interface Tally { passed: number; failed: number; skipped: number }

/** The per-file table as text (also what README's table is made from). */
export function fileTable(results: CaseResult[]): string {
  const byFile = new Map<string, Tally>();
  const total: Tally = { passed: 0, failed: 0, skipped: 0 };
  for (const { c, outcome } of results) {
    const key = c.id.slice(0, c.id.indexOf(':'));
    const t = byFile.get(key) ?? { passed: 0, failed: 0, skipped: 0 };
    t[outcome.status]++;
    total[outcome.status]++;
    byFile.set(key, t);
  }
  const width = Math.max(...[...byFile.keys()].map((k) => k.length), 5);
  const row = (name: string, t: Tally): string => {
    const runnable = t.passed + t.failed;
    const share = runnable ? `${((100 * t.passed) / runnable).toFixed(1)}%` : '-';
    return `${name.padEnd(width)}  ${String(t.passed).padStart(6)}  ${String(t.failed).padStart(6)}  ${String(t.skipped).padStart(7)}  ${share.padStart(6)}`;
  };
  return [
    `${'file'.padEnd(width)}  ${'passed'.padStart(6)}  ${'failed'.padStart(6)}  ${'skipped'.padStart(7)}  ${'pass%'.padStart(6)}`,
    ...[...byFile.entries()].map(([k, t]) => row(k, t)),
    row('total', total),
  ].join('\n');
}

/** Skip reasons with their counts (`dataset not present: books` x 4). */
export function skipTable(results: CaseResult[]): string {
  const counts = new Map<string, number>();
  for (const { outcome } of results) if (outcome.status === 'skipped') counts.set(outcome.message, (counts.get(outcome.message) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${String(n).padStart(5)}  ${m}`).join('\n');
}

async function main(dirs: string[], flags: Set<string>): Promise<number> {
  const started = Date.now();
  const results: CaseResult[] = [];
  for (const dir of dirs) results.push(...await runSpecFolder(dir));
  const knownFile = KNOWN_FAILURES_FILE(packageRoot(__dirname));
  const known = readKnownFailures(knownFile);
  let newFailures = 0;
  const nowPassing: string[] = [];
  for (const { c, outcome } of results) {
    if (outcome.status === 'failed') {
      const isNew = !known.has(c.id);
      if (isNew) newFailures++;
      if (isNew || flags.has('--failures')) console.log(`${isNew ? 'NEW FAIL' : 'FAIL'} ${c.id} (line ${c.line}): ${outcome.message}`);
    } else if (outcome.status === 'skipped' && flags.has('--verbose')) console.log(`SKIP ${c.id}: ${outcome.message}`);
    else if (outcome.status === 'passed' && known.has(c.id)) nowPassing.push(c.id);
  }
  for (const id of nowPassing) console.log(`NOW PASSES ${id} (listed in known-failures.txt)`);
  if (flags.has('--prune-known')) {
    // Only takes cases off the list; the reasons of those that stay are refreshed from this run.
    for (const id of nowPassing) known.delete(id);
    for (const { c, outcome } of results) if (outcome.status === 'failed' && known.has(c.id)) known.set(c.id, shortReason(outcome.message));
    writeKnownFailures(knownFile, known);
    console.log(`removed ${nowPassing.length} passing case(s) from ${path.relative(process.cwd(), knownFile)}; reasons refreshed`);
  }
  console.log('\n' + fileTable(results));
  const skips = skipTable(results);
  if (skips) console.log('\nskipped because:\n' + skips);
  const count = (s: Outcome['status']): number => results.filter((r) => r.outcome.status === s).length;
  console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s; ${newFailures} new failure(s), ${nowPassing.length} listed case(s) now passing`);
  console.log(`${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
  return newFailures === 0 ? 0 : 1;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const dirs = args.filter((a) => !a.startsWith('--'));
  if (dirs.length === 0) {
    console.error('usage: spec-runner DIR [DIR ...] [--verbose] [--failures] [--prune-known]');
    process.exit(2);
  }
  main(dirs.map((d) => path.resolve(d)), new Set(args.filter((a) => a.startsWith('--')))).then((code) => process.exit(code), (e) => {
    console.error(e);
    process.exit(2);
  });
}
