// The elastic-script conformance corpus: cases in `corpus/*.escript-test`, each a script (one or more cells)
// with what it must produce. Hosts (the Session directly, the Jupyter kernel, `escript run`) run the cells and
// compare with `checkCase`.
//
// File format:
//   === case name
//   <cell source>
//   +++                       (optional: starts the next cell of the same case; variables carry over)
//   <cell source>
//   --- prints                the PRINT output of all cells, in order, one PRINT per line (compared as text, so a
//                             PRINT of a string with a newline takes two lines)
//   --- result                the text/plain of the last cell's result; `--- result` followed by nothing = none
//   --- display               the text/plain of each DISPLAY, separated by lines `~~~`
//   --- error KIND [L:C]      the last cell fails with this kind (ename), at line L column C when given
//   --- error-message TEXT    ... and its message contains TEXT
// Sections are optional; an absent section is not checked, except that a case without `--- error` must not fail.
import * as fs from 'fs';
import * as path from 'path';

export interface CorpusExpect {
  prints?: string[];
  /** undefined: not checked; null: the cell has no result. */
  result?: string | null;
  displays?: string[];
  error?: { kind: string; line?: number; column?: number; messageContains?: string };
}

export interface CorpusCase {
  name: string;
  file: string;
  /** The cells, run in order in one session. */
  cells: string[];
  /** All cells joined, for hosts that run a whole script at once. */
  source: string;
  expect: CorpusExpect;
}

/** What a host observed when running a case. */
export interface CorpusActual {
  prints: string[];
  result: string | null;
  displays: string[];
  error?: { ename: string; evalue: string };
}

export const CORPUS_DIR = path.join(__dirname, '..', '..', '..', 'test', 'language', 'corpus');

export function parseCorpus(text: string, file: string): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const header = /^=== (.+)$/.exec(lines[i]);
    if (!header) { i++; continue; }
    const name = header[1].trim();
    i++;
    const cells: string[][] = [[]];
    while (i < lines.length && !lines[i].startsWith('--- ') && !lines[i].startsWith('=== ')) {
      if (lines[i] === '+++') cells.push([]);
      else cells[cells.length - 1].push(lines[i]);
      i++;
    }
    const expect: CorpusExpect = {};
    while (i < lines.length && lines[i].startsWith('--- ')) {
      const section = lines[i].slice(4).trim();
      i++;
      const body: string[] = [];
      while (i < lines.length && !lines[i].startsWith('--- ') && !lines[i].startsWith('=== ')) body.push(lines[i++]);
      while (body.length && body[body.length - 1] === '') body.pop();
      const [kind, ...rest] = section.split(/\s+/);
      switch (kind) {
        case 'prints': expect.prints = body; break;
        case 'result': expect.result = body.length ? body.join('\n') : null; break;
        case 'display': expect.displays = body.join('\n').split(/\n~~~\n/); break;
        case 'error': {
          const at = rest[1] ? /^(\d+):(\d+)$/.exec(rest[1]) : null;
          expect.error = { ...expect.error, kind: rest[0], ...(at ? { line: Number(at[1]), column: Number(at[2]) } : {}) };
          break;
        }
        case 'error-message':
          expect.error = { kind: expect.error?.kind ?? '', ...expect.error, messageContains: section.slice('error-message'.length).trim() };
          break;
        default: throw new Error(`${file}: case "${name}": unknown section "--- ${section}"`);
      }
    }
    const sources = cells.map((c) => c.join('\n').trim());
    cases.push({ name, file, cells: sources, source: sources.join('\n'), expect });
  }
  return cases;
}

export function loadCorpus(dir = CORPUS_DIR): CorpusCase[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.escript-test')).sort()
    .flatMap((f) => parseCorpus(fs.readFileSync(path.join(dir, f), 'utf8'), f));
}

/** The differences between what a case expects and what happened; empty when the case passes. */
export function checkCase(expect: CorpusExpect, actual: CorpusActual): string[] {
  const problems: string[] = [];
  if (expect.error) {
    if (!actual.error) problems.push(`expected a ${expect.error.kind} error, but the cell succeeded`);
    else {
      if (actual.error.ename !== expect.error.kind) problems.push(`expected error kind ${expect.error.kind}, got ${actual.error.ename}: ${actual.error.evalue}`);
      if (expect.error.line !== undefined) {
        const m = /^line (\d+):(\d+):/.exec(actual.error.evalue);
        const where = m ? `${m[1]}:${m[2]}` : 'no position';
        if (where !== `${expect.error.line}:${expect.error.column}`) problems.push(`expected the error at ${expect.error.line}:${expect.error.column}, got ${where} (${actual.error.evalue})`);
      }
      if (expect.error.messageContains && !actual.error.evalue.includes(expect.error.messageContains)) {
        problems.push(`expected the error message to contain "${expect.error.messageContains}", got "${actual.error.evalue}"`);
      }
    }
  } else if (actual.error) {
    problems.push(`unexpected ${actual.error.ename}: ${actual.error.evalue}`);
  }
  if (expect.prints && expect.prints.join('\n') !== actual.prints.join('\n')) {
    problems.push(`expected prints ${JSON.stringify(expect.prints)}, got ${JSON.stringify(actual.prints)}`);
  }
  if (expect.result !== undefined && expect.result !== actual.result) {
    problems.push(`expected result ${JSON.stringify(expect.result)}, got ${JSON.stringify(actual.result)}`);
  }
  if (expect.displays && JSON.stringify(expect.displays) !== JSON.stringify(actual.displays)) {
    problems.push(`expected displays ${JSON.stringify(expect.displays)}, got ${JSON.stringify(actual.displays)}`);
  }
  return problems;
}
