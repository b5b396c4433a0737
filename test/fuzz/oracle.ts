// The language fuzzer: cases from the grammars and from edits of the corpora, and what must hold for each.
// elastic-script: the parser never throws; a failure is a syntax_error or limit_error at a line:column inside the
// cell, with a short report; the statement-by-statement parse gives what Ohm gives for the whole cell (same AST,
// same failure offset); is_complete answers, and says complete for a cell that parses. ES|QL: the query parser
// returns a query or throws an EsqlError with a line and column. Executed cells: an outcome (never a throw),
// never an internal_error, an interrupt ends a running one.
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import type { SourceText } from '../../language/ast';
import type { Output } from '../../language/contract';
import { readConfig } from '../../language/config';
import { EsqlError } from '../../language/esql/errors';
import { parseQuery } from '../../language/esql/parse';
import { elasticScriptGrammar } from '../../language/grammar/grammar';
import { grammarFrom, grammarText } from '../../language/grammar/load';
import { parseError, tryParse } from '../../language/grammar/parse';
import { scanCell } from '../../language/grammar/split';
import { toProgram } from '../../language/grammar/to-ast';
import { openSession } from '../../language/open-session';
import type { Session } from '../../language/session';
import { isComplete } from '../../language/session/tooling/is-complete';
import { CORPUS_DIR, parseCorpus } from '../language/corpus';
import { GrammarGenerator, mutate, Random } from './generate';

export interface Counts {
  scripts: number;
  scriptsParsed: number;
  syntaxErrors: number;
  limitErrors: number;
  queries: number;
  queriesParsed: number;
  queryErrors: number;
  executed: number;
  executeErrors: number;
  interrupted: number;
  /** Scripts whose whole-cell reference parse was skipped as a repeat of the split parse (one statement). */
  wholeParseSkipped: number;
}

export function emptyCounts(): Counts {
  return { scripts: 0, scriptsParsed: 0, syntaxErrors: 0, limitErrors: 0, queries: 0, queriesParsed: 0, queryErrors: 0, executed: 0, executeErrors: 0, interrupted: 0, wholeParseSkipped: 0 };
}

export interface Problem {
  seed: number;
  what: string;
  text: string;
}

const LINE_COL = /^line \d+:\d+: /;

/** Checks one elastic-script cell; a description of what went wrong, or null. */
export function checkScript(text: string, counts: Counts): string | null {
  counts.scripts++;
  let r;
  try {
    r = tryParse(text);
  } catch (e) {
    return `tryParse threw ${(e as Error).stack ?? e}`;
  }
  let status;
  try {
    status = isComplete(text).status;
  } catch (e) {
    return `isComplete threw ${(e as Error).stack ?? e}`;
  }
  if (r.ok) {
    counts.scriptsParsed++;
    if (status !== 'complete') return `parses, but is_complete says ${status}`;
  } else {
    const { kind = 'syntax_error', offset } = r.failure;
    if (kind === 'limit_error') counts.limitErrors++;
    else counts.syntaxErrors++;
    if (offset < 0 || offset > text.length) return `failure offset ${offset} outside the cell (${text.length})`;
    const report = parseError(text, '<cell>', r.failure).report();
    if (!LINE_COL.test(report.evalue)) return `error without line:column: ${report.evalue}`;
    if (JSON.stringify(report).length > 4000) return `report of ${JSON.stringify(report).length} characters`;
  }
  if (text.length > 3000) return null;
  // A cell the scanner finds to be one statement spanning the whole text was given to Ohm whole by the split
  // parse already (the same match): comparing it with itself would only double the cost.
  if (isOnePiece(text)) { counts.wholeParseSkipped++; return null; }
  // the reference: Ohm on the whole cell (what the kernel did before issue 14)
  const whole = wholeParse(text);
  if (whole === 'overflow') return null;
  if (whole.ok !== r.ok) {
    if (!r.ok && r.failure.kind === 'limit_error') return null;
    return `split parse ${r.ok ? 'succeeds' : `fails at ${r.failure.offset}`}, whole parse ${whole.ok ? 'succeeds' : `fails at ${whole.offset}`}`;
  }
  if (whole.ok && r.ok && !isDeepStrictEqual(whole.body, r.program.body)) return 'split parse builds a different AST than the whole parse';
  if (!whole.ok && !r.ok && r.failure.kind !== 'limit_error' && whole.offset !== r.failure.offset) {
    return `split parse fails at ${r.failure.offset}, whole parse at ${whole.offset}`;
  }
  return null;
}

function isOnePiece(text: string): boolean {
  const { chunks, limit } = scanCell(text);
  return !limit && chunks.length === 1 && text.slice(0, chunks[0].start).trim() === '' && text.slice(chunks[0].end).trim() === '';
}

type Whole = { ok: true; body: unknown } | { ok: false; offset: number } | 'overflow';

function wholeParse(text: string): Whole {
  try {
    const m = elasticScriptGrammar().match(text);
    if (m.failed()) return { ok: false, offset: (m as unknown as { getRightmostFailurePosition(): number }).getRightmostFailurePosition() };
    try {
      return { ok: true, body: toProgram(m, { name: '<cell>', text } as SourceText).body };
    } catch (e) {
      if (e instanceof RangeError) return 'overflow';
      return { ok: false, offset: (e as { offset?: number }).offset ?? 0 };
    }
  } catch (e) {
    if (e instanceof RangeError) return 'overflow';
    throw e;
  }
}

/** Checks one ES|QL query. */
export function checkQuery(text: string, counts: Counts): string | null {
  counts.queries++;
  try {
    parseQuery(text);
    counts.queriesParsed++;
    return null;
  } catch (e) {
    counts.queryErrors++;
    if (!(e instanceof EsqlError)) return `parseQuery threw ${(e as Error).stack ?? e}`;
    if (!(e.line! >= 1 && e.column! >= 1)) return `EsqlError without line:column: ${e.message}`;
    return null;
  }
}

const quiet: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} } as unknown as Output;

/** Runs one cell with an interrupt after `budgetMs`; it must answer within two seconds of the interrupt. */
export async function checkExecute(session: Session, text: string, counts: Counts, budgetMs = 150): Promise<string | null> {
  counts.executed++;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), budgetMs);
  let hung: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      session.execute(text, quiet, ac.signal),
      new Promise<'hung'>((resolve) => { hung = setTimeout(() => resolve('hung'), budgetMs + 2000); }),
    ]);
    if (outcome === 'hung') return `no answer ${budgetMs + 2000} ms after the start (interrupt at ${budgetMs} ms)`;
    if (outcome.status === 'error') {
      counts.executeErrors++;
      if (outcome.error.ename === 'interrupted') counts.interrupted++;
      if (outcome.error.ename === 'internal_error') return `internal_error: ${outcome.error.evalue}`;
      if ((outcome.error.ename === 'syntax_error' || outcome.error.ename === 'limit_error') && !LINE_COL.test(outcome.error.evalue)) {
        return `${outcome.error.ename} without line:column: ${outcome.error.evalue}`;
      }
    }
    return null;
  } catch (e) {
    return `execute threw ${(e as Error).stack ?? e}`;
  } finally {
    clearTimeout(timer);
    clearTimeout(hung);
  }
}

export function corpusCells(): string[] {
  const cells: string[] = [];
  for (const file of fs.readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.escript-test')).sort()) {
    for (const c of parseCorpus(fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8'), file)) cells.push(...c.cells);
  }
  return cells;
}

/** ES|QL queries: those in the corpus cells, and the csv-spec corpora when a folder of them is given. */
export function corpusQueries(cells: string[], specDirs: string[] = []): string[] {
  const queries = new Set<string>();
  for (const cell of cells) {
    for (const m of cell.matchAll(/(?:^|;|\()\s*((?:FROM|ROW) [^;()]*(?:\([^;()]*\)[^;()]*)*)/gim)) queries.add(m[1].trim());
  }
  for (const dir of specDirs) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.csv-spec'))) {
      // a query runs from a line starting with a source command to the line ending in `;`
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const m of text.matchAll(/^((?:FROM|ROW|SHOW) [\s\S]*?);\s*$/gm)) queries.add(m[1].trim());
    }
  }
  return [...queries];
}

export interface FuzzOptions {
  count: number;
  seed: number;
  /** The first case's index (a worker's share of a long run: case i has seed `seed + i` in every split). */
  first?: number;
  /** How many of the cases also run (mutated corpus cells, interrupted after 150 ms). */
  executeEvery: number;
  specDirs?: string[];
  /** Stop early after this long (the fast mode on a busy machine): the counts say how many ran. */
  budgetMs?: number;
  onProgress?: (done: number, counts: Counts, problems: Problem[]) => void;
}

/** Runs `count` cases: in turn a generated script, a mutated corpus cell, a generated query, a mutated query. */
export async function fuzz(options: FuzzOptions): Promise<{ counts: Counts; problems: Problem[] }> {
  const counts = emptyCounts();
  const problems: Problem[] = [];
  const cells = corpusCells();
  const queries = corpusQueries(cells, options.specDirs);
  const esqlGrammar = grammarFrom('esql', grammarText('esql.ohm')).grammar;
  let session: Session | undefined;
  const deadline = Date.now() + (options.budgetMs ?? Infinity);
  const first = options.first ?? 0;
  for (let i = first; i < first + options.count && Date.now() < deadline; i++) {
    const seed = options.seed + i;
    const random = new Random(seed);
    let text: string;
    let problem: string | null;
    switch (i % 4) {
      case 0:
        text = new GrammarGenerator(elasticScriptGrammar(), random).generate(random.int(4) ? 'Program' : 'Statement');
        problem = checkScript(text, counts);
        break;
      case 1: {
        text = random.pick(cells);
        for (let n = 1 + random.int(3); n > 0; n--) text = mutate(text, random);
        problem = checkScript(text, counts);
        if (!problem && options.executeEvery > 0 && i % options.executeEvery === 1) {
          session ??= openSession(readConfig({ ESCRIPT_STORE: 'memory' }));
          problem = await checkExecute(session, text, counts);
        }
        break;
      }
      case 2:
        text = new GrammarGenerator(esqlGrammar, random).generate('Query');
        problem = checkQuery(text, counts);
        break;
      default:
        text = random.pick(queries);
        for (let n = 1 + random.int(3); n > 0; n--) text = mutate(text, random);
        problem = checkQuery(text, counts);
    }
    if (problem) problems.push({ seed, what: problem, text });
    options.onProgress?.(i + 1 - first, counts, problems);
  }
  await session?.shutdown();
  return { counts, problems };
}
