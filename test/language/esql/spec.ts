// The csv-spec harness: runs Elasticsearch's `*.csv-spec` cases (spec-reader.ts) on a store loaded with their
// datasets (spec-datasets.ts) and compares as Elasticsearch does (spec-compare.ts). A case is skipped only for a
// reason Elasticsearch's own runs share or that no engine could overcome here: `-Ignore` in its name, a dataset
// that is not in the folder, or an ENRICH policy (the corpus has none).
import * as fs from 'fs';
import * as path from 'path';
import { EmbeddedStore } from '../../../language/store/embedded';
import { EsqlResult } from '../../../language/store/store';
import { matchIndices } from '../../../language/esql/catalog';
import { SpecCase } from './spec-reader';
import { compareResult } from './spec-compare';

export { SpecCase, loadSpecCases, parseSpecFile } from './spec-reader';
export { openSpecStore, SpecStore } from './spec-datasets';
export { compareResult } from './spec-compare';

export type Outcome = { status: 'passed' } | { status: 'failed'; message: string } | { status: 'skipped'; message: string };

/** Why a case cannot run here, or null when it can. */
export function skipReason(c: SpecCase, datasets: string[]): string | null {
  if (c.ignored) return 'marked -Ignore';
  const missing = sourcePatterns(c.query).filter((p) => matchIndices(datasets, [p]).indices.length === 0);
  if (missing.length) return `dataset not present: ${missing.join(', ')}`;
  if (/\|\s*enrich\s/i.test(c.query)) return 'enrich policy not present';
  return null;
}

/** Index patterns a case reads: every FROM / TS source (also in subqueries, after SET statements) and LOOKUP JOIN target. */
export function sourcePatterns(query: string): string[] {
  const out: string[] = [];
  const body = query.replace(/"(?:[^"\\]|\\.)*"/g, (s) => (/^"[\w.*:,\s-]*"$/.test(s) ? s.slice(1, -1) : '""'));
  for (const m of body.matchAll(/(?:^|;|\()\s*(?:from|ts)\s+([^|()]+?)(?=\s+(?:metadata|options)\b|\||\)|$)/gis)) {
    for (const p of m[1].split(',').map((s) => s.trim())) if (p && !p.startsWith('-')) out.push(p);
  }
  for (const j of body.matchAll(/\|\s*lookup\s+join\s+([^\s|]+)/gi)) out.push(j[1]);
  return out;
}

export async function runSpecCase(store: EmbeddedStore, datasets: string[], c: SpecCase): Promise<Outcome> {
  const skip = skipReason(c, datasets);
  if (skip) return { status: 'skipped', message: skip };
  let result: EsqlResult;
  try {
    result = await store.esql(c.query);
  } catch (e) {
    return { status: 'failed', message: `error: ${(e as Error).message.replace(/\s*\n\s*/g, ' ')}` };
  }
  const problem = compareResult(c, result);
  return problem ? { status: 'failed', message: problem } : { status: 'passed' };
}

// ---- known failures ------------------------------------------------------------------------------------

/**
 * `test/language/esql/known-failures.txt`: one failing case a line, `id  # reason`. The suite fails when a case not on the
 * list fails and when a listed case passes, so the list only ever shrinks.
 */
export function readKnownFailures(file: string): Map<string, string> {
  const known = new Map<string, string>();
  if (!fs.existsSync(file)) return known;
  for (const raw of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf(' # ');
    known.set(at < 0 ? line : line.slice(0, at).trim(), at < 0 ? '' : line.slice(at + 3).trim());
  }
  return known;
}

export function writeKnownFailures(file: string, failures: Map<string, string>): void {
  const header = [
    '# csv-spec cases that fail today, one a line: <folder>/<file>:<test name>  # why.',
    '# npm test fails when a case not listed here fails, and when a listed case passes: remove it then.',
    '# Rewrite with `npm run esql-spec -- ../shared/esql-spec ../shared/esql-corpus --prune-known` (removes passing cases only).',
  ];
  const lines = [...failures.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, reason]) => (reason ? `${id}  # ${reason}` : id));
  fs.writeFileSync(file, [...header, ...lines, ''].join('\n'));
}

/** A failure message cut to a short reason for the list (numbers and names kept, long tails dropped). */
export function shortReason(message: string): string {
  return message.replace(/\s+/g, ' ').slice(0, 160);
}

export { packageRoot } from '../../../language/package-root';

export const KNOWN_FAILURES_FILE = (root: string): string => path.join(root, 'test', 'language', 'esql', 'known-failures.txt');

/** The corpus folders `npm test` runs, next to the repository. */
export const SPEC_FOLDERS = ['esql-spec', 'esql-corpus'];
