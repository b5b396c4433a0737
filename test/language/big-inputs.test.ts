// Big and odd cells (issue 14): the statement splitter, the parse limits, exact positions far into a cell, the
// cheap is_complete, and tracebacks that quote only a window of a huge line.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import type { SourceText } from '../../language/ast';
import { ScriptError, positionOf } from '../../language/errors';
import { elasticScriptGrammar } from '../../language/grammar/grammar';
import { parse, tryParse, tryParseAsync, ParseResult } from '../../language/grammar/parse';
import { MAX_NESTING, scanCell } from '../../language/grammar/split';
import { toProgram } from '../../language/grammar/to-ast';
import { isComplete } from '../../language/session/tooling/is-complete';
import { Session } from '../../language/session';
import type { Output } from '../../language/contract';
import { CORPUS_DIR, parseCorpus } from './corpus';

/** What Ohm alone makes of the whole cell (the parser before issue 14): the reference for the split parser. */
export function wholeParse(text: string, name = '<cell>'): ParseResult {
  const m = elasticScriptGrammar().match(text);
  if (m.failed()) return { ok: false, failure: { offset: m.getRightmostFailurePosition(), expected: '' } };
  const source: SourceText = { name, text };
  return { ok: true, program: toProgram(m, source) };
}

function corpusCells(): string[] {
  const cells: string[] = [];
  for (const file of fs.readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.escript-test')).sort()) {
    for (const c of parseCorpus(fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8'), file)) cells.push(...c.cells);
  }
  return cells;
}

function errorOf(f: () => unknown): ScriptError {
  try {
    f();
  } catch (e) {
    return e as ScriptError;
  }
  throw new Error('expected an error');
}

const sink = (lines: string[]): Output => ({ print: (t: string) => lines.push(t), display() {}, updateDisplay() {}, clear() {} }) as unknown as Output;

describe('big inputs: the statement splitter', () => {
  it('cuts after top-level `;` only, never inside strings, comments, brackets or blocks', () => {
    const text = [
      "PRINT 'a;b';",
      '-- a comment; with a semicolon',
      'CREATE PROCEDURE p() BEGIN PRINT 1; IF x THEN PRINT 2; END IF; END PROCEDURE;',
      'SWITCH x CASE 1: PRINT CASE WHEN y THEN 1 ELSE 2 END; CASE 2: PRINT 3; DEFAULT: PRINT 4; END SWITCH;',
      'FROM logs | EVAL c = CASE(a > 1, "x;", "y") | LIMIT 5;',
      'VAR begin = 1; VAR d = {"k": "v;"};',
      'h() | ON_DONE (r) => { PRINT r; PRINT 2; };',
      'PRINT "${a["k"]};";',
    ].join('\n');
    const chunks = scanCell(text).chunks.map((c) => text.slice(c.start, c.end));
    expect(chunks).to.deep.equal([
      "PRINT 'a;b';",
      'CREATE PROCEDURE p() BEGIN PRINT 1; IF x THEN PRINT 2; END IF; END PROCEDURE;',
      'SWITCH x CASE 1: PRINT CASE WHEN y THEN 1 ELSE 2 END; CASE 2: PRINT 3; DEFAULT: PRINT 4; END SWITCH;',
      'FROM logs | EVAL c = CASE(a > 1, "x;", "y") | LIMIT 5;',
      'VAR begin = 1;',
      'VAR d = {"k": "v;"};',
      'h() | ON_DONE (r) => { PRINT r; PRINT 2; };',
      'PRINT "${a["k"]};";',
    ]);
  });

  it('says where a cell ends: in a string, a comment, a bracket or a block', () => {
    expect(scanCell("PRINT 'abc").openLiteral).to.equal(true);
    expect(scanCell('PRINT 1; /* open').openLiteral).to.equal(true);
    // an unterminated comment alone is still given to the parser (found by the fuzzer: it parsed as empty)
    expect(tryParse(' /* {"a": 1').ok).to.equal(false);
    expect(scanCell('PRINT [1,').brackets).to.equal(1);
    expect(scanCell('WHILE TRUE LOOP PRINT 1;').blocks).to.equal(1);
    expect(scanCell('WHILE TRUE LOOP PRINT 1; END LOOP;').blocks).to.equal(0);
  });

  it('parses every corpus cell exactly as Ohm does with the whole cell (same AST, same spans)', () => {
    const cells = corpusCells();
    expect(cells.length).to.be.above(300);
    for (const cell of cells) {
      const split = tryParse(cell);
      const whole = wholeParse(cell);
      expect(split.ok, cell).to.equal(whole.ok);
      if (split.ok && whole.ok) expect(split.program.body, cell).to.deep.equal(whole.program.body);
      if (!split.ok && !whole.ok) expect(split.failure.offset, cell).to.equal(whole.failure.offset);
    }
  });

  it('parses the same when the scanner cuts in the wrong place (an END that closes nothing it saw open)', () => {
    // `x.end` is a field; a CASE label in a SWITCH nested in a CASE expression confuses the scanner's count
    const text = 'SET d = {"end": 1};\nPRINT d.end;\nPRINT 1;\nSWITCH 1 CASE 1: PRINT CASE 1 WHEN 1 THEN 2 END; END SWITCH;\nPRINT 2;';
    const split = tryParse(text);
    const whole = wholeParse(text);
    expect(split.ok && whole.ok).to.equal(true);
    if (split.ok && whole.ok) expect(split.program.body).to.deep.equal(whole.program.body);
  });
});

describe('big inputs: positions, limits and tracebacks', function () {
  this.timeout(60_000);

  it('reports a syntax error 4,000 lines into a cell at its exact line and column', () => {
    const text = `${"PRINT 'x';\n".repeat(3999)}PRINT 1 +* 2;\n${"PRINT 'y';\n".repeat(1000)}`;
    const e = errorOf(() => parse(text));
    expect(e.kind).to.equal('syntax_error');
    expect(e.position).to.deep.equal({ line: 4000, column: 10 });
    expect(e.describe()).to.match(/^line 4000:10: expected/);
  });

  it('gives statements far into a cell their own spans (a runtime error names its line)', async () => {
    const s = new Session();
    const text = `${'VAR a1 = 1;\n'}${"PRINT 'x';\n".repeat(2000)}PRINT 1 / 0;\n`;
    const printed: string[] = [];
    const r = await s.execute(text, sink(printed), new AbortController().signal);
    expect(r.status).to.equal('error');
    if (r.status === 'error') expect(r.error.evalue).to.match(/^line 2002:/);
    expect(printed.length).to.equal(2000);
  });

  it('builds a 1,000-term sum (it overflowed the stack at ~1,000 terms and was reported as a syntax error)', async () => {
    const s = new Session();
    const r = await s.execute(`${Array(1000).fill('1').join(' + ')}`, sink([]), new AbortController().signal);
    expect(r).to.deep.include({ status: 'ok' });
    if (r.status === 'ok') expect(r.result!['text/plain']).to.equal('1000');
  });

  it('turns a 100,000-term expression into a limit_error with its place, quickly', () => {
    const text = `PRINT 0;\nPRINT ${Array(100000).fill('1').join(' + ')};`;
    const t = Date.now();
    const e = errorOf(() => parse(text));
    expect(Date.now() - t).to.be.below(3000);
    expect(e.kind).to.equal('limit_error');
    expect(e.message).to.match(/more than 1,000 operators/);
    expect(e.position!.line).to.equal(2);
    expect(e.position!.column).to.equal(6 + 4 * 1000 + 3); // at the 1,001st `+`
  });

  it('turns nesting beyond the parser into a limit_error, never a syntax_error', () => {
    const deep = (n: number) => `PRINT ${'('.repeat(n)}1${')'.repeat(n)};`;
    expect(tryParse(deep(MAX_NESTING)).ok).to.equal(true);
    const e = errorOf(() => parse(deep(MAX_NESTING + 1)));
    expect(e.kind).to.equal('limit_error');
    expect(e.position).to.deep.equal({ line: 1, column: 7 + MAX_NESTING });
    // unary chains nest without brackets: past what the engine's stack takes, still a limit_error
    const unary = tryParse(`PRINT ${'- '.repeat(900)}1;`);
    if (!unary.ok) expect(unary.failure.kind).to.equal('limit_error');
  });

  it('quotes at most a 120-character window of a 1 MB line in the traceback', async () => {
    const s = new Session();
    const half = "PRINT 'x'; ".repeat(45_000);
    const r = await s.execute(`${half}PRINT 1 @ 2; ${half}`, sink([]), new AbortController().signal);
    expect(r.status).to.equal('error');
    if (r.status !== 'error') return;
    expect(r.error.ename).to.equal('syntax_error');
    expect(r.error.evalue).to.match(/^line 1:495009: /);
    expect(JSON.stringify(r.error).length).to.be.below(2000);
    const [, quoted, caret] = r.error.traceback;
    expect(quoted).to.match(/^ {2}\.\.\.(PRINT 'x'; )*.*PRINT 1 @ 2; .*\.\.\.$/);
    expect(quoted.length).to.be.at.most(2 + 3 + 120 + 3);
    expect(quoted[caret.indexOf('^')]).to.equal('@');
  });

  it('turns a token longer than the parser takes into a limit_error at its start', () => {
    const e = errorOf(() => parse(`PRINT 1;\nPRINT '${'a'.repeat(60_000)}';`));
    expect(e.kind).to.equal('limit_error');
    expect(e.position).to.deep.equal({ line: 2, column: 7 });
    expect(e.message).to.match(/token too long/);
  });

  it('parses a 1 MB cell (95,000 statements) statement by statement', () => {
    const text = "PRINT 'x';\n".repeat(95_000);
    const t = Date.now();
    const r = tryParse(text);
    expect(r.ok).to.equal(true);
    if (r.ok) {
      expect(r.program.body.length).to.equal(95_000);
      const last = r.program.body[94_999];
      expect(positionOf(last.span.source, last.span.start)).to.deep.equal({ line: 95_000, column: 1 });
    }
    // generous: the bench (`npm run bench -- parse`) has the real figure; whole, this took a minute
    expect(Date.now() - t).to.be.below(20_000);
  });

  it('lets the event loop run while it parses (a timer fires before a big parse ends)', async () => {
    // 300 statement shapes (sums of 1..300 terms), so the shape cache cannot make the parse instant.
    const text = Array.from({ length: 1500 }, (_, i) => `VAR v${i} = ${Array(i % 300 + 1).fill(i).join(' + ')};`).join('\n');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const r = await tryParseAsync(text);
      expect(r.ok).to.equal(true);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).to.be.above(2);
  });

  it('stops a big parse when interrupted', async () => {
    // 300 statement shapes, so the shape cache cannot finish the parse before the abort
    const text = Array.from({ length: 3000 }, (_, i) => `VAR w${i} = ${Array(i % 300 + 1).fill(i).join(' * ')};`).join('\n');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    let err: unknown;
    await tryParseAsync(text, '<cell>', ac.signal).catch((e) => { err = e; });
    expect((err as ScriptError).kind).to.equal('interrupted');
  });
});

describe('big inputs: is_complete', function () {
  this.timeout(30_000);

  it('answers for 20,000 lines without parsing them all', () => {
    const text = "PRINT 'x';\n".repeat(20_000);
    const t = Date.now();
    expect(isComplete(text).status).to.equal('complete');
    expect(isComplete(`${text}IF x THEN\n  PRINT 1;\n`)).to.deep.equal({ status: 'incomplete', indent: '  ' });
    expect(isComplete(`${text}PRINT 1 +* 2;`).status).to.equal('invalid');
    // a loose bound (the machine may be shared): ~8 s before (a whole parse per Enter); the bench has the figure
    expect(Date.now() - t).to.be.below(5000);
  });

  it('answers complete for the help forms, so that Enter runs them', () => {
    for (const code of ['UPPER?', 'UPPER??', '?UPPER', '??UPPER', '  ARRAY_MAP? ']) expect(isComplete(code).status, code).to.equal('complete');
    expect(isComplete('PRINT x ?').status).to.not.equal('complete');
  });
});
