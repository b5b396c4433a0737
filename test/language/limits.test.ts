// Resource limits as errors (language/limits.ts), displays truncated (language/render.ts), PRINT floods capped
// (language/print-cap.ts): each a clear outcome, with the session still usable afterwards.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Session } from '../../language/session';
import type { ExecuteOutcome, MimeBundle, Output, PrintLevel } from '../../language/contract';
import { DISPLAY_LIMITS, toMimeBundle } from '../../language/render';
import { rowsOf } from '../../language/data/rows';
import { MAX_ARRAY_LENGTH, MAX_STRING_LENGTH } from '../../language/limits';

class Recorder implements Output {
  prints: { text: string; level?: PrintLevel }[] = [];
  print(text: string, level?: PrintLevel): void { this.prints.push({ text, level }); }
  display(): void {}
  updateDisplay(): void {}
  clear(): void {}
}

async function run(s: Session, code: string): Promise<{ outcome: ExecuteOutcome; out: Recorder }> {
  const out = new Recorder();
  return { outcome: await s.execute(code, out, new AbortController().signal), out };
}

function errorOf(outcome: ExecuteOutcome) {
  expect(outcome.status).to.equal('error');
  return (outcome as Extract<ExecuteOutcome, { status: 'error' }>).error;
}

function resultOf(outcome: ExecuteOutcome): MimeBundle {
  expect(outcome.status).to.equal('ok');
  return (outcome as { result: MimeBundle }).result;
}

const session = () => new Session({ env: { ESCRIPT_STORE: 'none' } });

describe('resource limits', function () {
  this.timeout(180_000); // the array and heap cases build hundreds of megabytes: slow on a busy machine

  it('doubling a string past the limit is a limit_error at the expression, and the session goes on', async () => {
    const s = session();
    const { outcome } = await run(s, "DECLARE s STRING = 'x';\nFOR i IN 1..40 LOOP\n  SET s = s || s;\nEND LOOP;");
    const err = errorOf(outcome);
    expect(err.ename).to.equal('limit_error');
    expect(err.evalue).to.equal(`line 3:11: string too long: 134217728 characters exceeds the limit of ${MAX_STRING_LENGTH}`);
    expect(err.traceback.slice(1)).to.deep.equal(['    SET s = s || s;', '            ^']);
    const after = await run(s, 'PRINT LENGTH(s);');
    expect(after.out.prints.map((p) => p.text)).to.deep.equal(['67108864']);
  });

  it('`+` on strings and built-ins that would pass the engine limit are limit errors with a position', async () => {
    const s = session();
    const plus = errorOf((await run(s, "DECLARE t STRING = 'x'; FOR i IN 1..40 LOOP SET t = t + t; END LOOP;")).outcome);
    expect(plus.ename).to.equal('limit_error');
    expect(plus.evalue).to.match(/^line 1:53: string too long/);
    const pad = errorOf((await run(s, "PRINT LPAD('x', 1000000000, 'y');")).outcome);
    expect(pad.ename).to.equal('limit_error');
    expect(pad.evalue).to.match(/^line 1:7: LPAD: string too long/);
  });

  it('an array past the limit is a limit_error', async () => {
    const s = session();
    const err = errorOf((await run(s, `PRINT ARRAY_LENGTH(SPLIT(LPAD('', ${MAX_ARRAY_LENGTH}, ','), ','));`)).outcome);
    expect(err.ename).to.equal('limit_error');
    expect(err.evalue).to.equal(`line 1:20: SPLIT: array too long: ${MAX_ARRAY_LENGTH + 1} elements exceeds the limit of ${MAX_ARRAY_LENGTH}`);
    expect((await run(s, 'PRINT 1;')).out.prints[0].text).to.equal('1');
  });

  it('filling the heap is a limit_error, not a dead process (a child with a 512 MB heap)', () => {
    const sessionJs = path.resolve(__dirname, '../../language/session.js');
    const script = `
      const { Session } = require(${JSON.stringify(sessionJs)});
      const s = new Session({ env: { ESCRIPT_STORE: 'none' } });
      const out = { print: (t) => console.log('PRINT ' + t), display() {}, updateDisplay() {}, clear() {} };
      (async () => {
        const sig = new AbortController().signal;
        const a = await s.execute("DECLARE b ARRAY = []; FOR i IN 1..1000 LOOP SET b = ARRAY_APPEND(b, SPLIT(LPAD('', 1000000, ','), ',')); END LOOP;", out, sig);
        console.log(JSON.stringify(a));
        await s.execute("SET b = NULL; PRINT 'alive';", out, sig);
      })();`;
    const r = spawnSync(process.execPath, ['--max-old-space-size=512', '-e', script], { encoding: 'utf8', timeout: 170_000 });
    expect(r.status, r.stderr).to.equal(0);
    const [first, second] = r.stdout.trim().split('\n');
    const outcome = JSON.parse(first) as ExecuteOutcome;
    const err = errorOf(outcome);
    expect(err.ename).to.equal('limit_error');
    expect(err.evalue).to.match(/^line 1:\d+: memory limit: the heap holds \d+ MB, over 75% of its \d+ MB/);
    expect(second).to.equal('PRINT alive');
  });

  it('document keys like __proto__ and constructor are plain keys (no prototype pollution)', async () => {
    const s = session();
    const { out, outcome } = await run(s, `DECLARE d DOCUMENT = {'__proto__': {'polluted': 1}, 'constructor': 'c'};
      SET d['__proto__'] = {'polluted': 2};
      DECLARE e DOCUMENT = {};
      PRINT d['constructor']; PRINT e['polluted']; PRINT e['constructor']; PRINT ARRAY_LENGTH(DOCUMENT_KEYS(d));`);
    expect(outcome.status, JSON.stringify(outcome)).to.equal('ok');
    expect(out.prints.map((p) => p.text)).to.deep.equal(['c', 'NULL', 'NULL', '2']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});

describe('displays of big values', function () {
  this.timeout(60000);

  it('a 2,000,000-element array shows its first elements, how many more and the total', async () => {
    const s = session();
    const bundle = resultOf((await run(s, "SPLIT(LPAD('', 1999999, ','), ',')")).outcome);
    const text = String(bundle['text/plain']);
    expect(text.length).to.be.below(10_000);
    expect(text).to.match(/^\["", "",|^\["",""/);
    expect(text.split('\n').pop()).to.equal(`... ${2_000_000 - DISPLAY_LIMITS.elements} more elements (2000000 elements in all; the first ${DISPLAY_LIMITS.elements} shown)`);
  });

  it('100,000 documents show the first rows as a table with a note, text and HTML', () => {
    const docs = Array.from({ length: 100_000 }, (_, i) => ({ i, s: i % 2 ? 'odd' : null }));
    const bundle = toMimeBundle(docs);
    const text = String(bundle['text/plain']);
    const lines = text.split('\n');
    expect(lines.length).to.equal(2 + DISPLAY_LIMITS.rows + 1);
    expect(lines[2]).to.equal('0   | null'); // widths from the rows shown (up to 999)
    expect(lines.at(-1)).to.equal(`... ${100_000 - DISPLAY_LIMITS.rows} more rows (100000 rows in all; the first ${DISPLAY_LIMITS.rows} shown)`);
    const html = String(bundle['text/html']);
    expect(html.match(/<tr>/g)!.length).to.equal(DISPLAY_LIMITS.rows + 1);
    expect(html).to.contain(`<p>... ${100_000 - DISPLAY_LIMITS.rows} more rows`);
  });

  it('100,000 ES|QL rows show the first rows in ES|QL\'s format with a note; NULL prints null as in every table', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => [i, i % 2 ? 'odd' : null]);
    const rows = rowsOf({ columns: [{ name: 'i', type: 'long' }, { name: 's', type: 'keyword' }], values, warnings: [] });
    const bundle = toMimeBundle(rows);
    const lines = String(bundle['text/plain']).split('\n');
    expect(lines.length).to.equal(2 + DISPLAY_LIMITS.rows + 1);
    expect(lines[2]).to.equal('0              |null           ');
    expect(lines.at(-1)).to.match(/^\.\.\. 99000 more rows \(100000 rows in all/);
    expect(String(bundle['text/html']).match(/<tr>/g)!.length).to.equal(DISPLAY_LIMITS.rows + 1);
  });

  it('5,000 EXECUTIONS rows show the first rows of the executions table with a note', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ execution_id: `exec-${i}`, procedure_name: 'p', state: 'COMPLETED', status: 'COMPLETED' }));
    const bundle = toMimeBundle(rows);
    expect(String(bundle['text/html'])).to.contain('escript-executions');
    expect(String(bundle['text/plain']).split('\n').at(-1)).to.equal(`... 4000 more rows (5000 rows in all; the first ${DISPLAY_LIMITS.rows} shown)`);
    expect(String(bundle['text/plain'])).to.contain('exec-999').and.not.contain('exec-1000');
  });

  it('a value whose text is still too long is cut to the character limit', () => {
    const bundle = toMimeBundle('y'.repeat(3_000_000));
    const text = String(bundle['text/plain']);
    expect(text.length).to.be.below(DISPLAY_LIMITS.chars + 200);
    expect(text.split('\n').pop()).to.equal(`... 2000000 more characters (3000000 characters in all; the first ${DISPLAY_LIMITS.chars} shown)`);
  });
});

describe('PRINT floods', function () {
  this.timeout(60000);

  it('are capped per cell at ESCRIPT_PRINT_LIMIT, with a note when the cap is reached and a count at the end', async () => {
    const s = new Session({ env: { ESCRIPT_STORE: 'none', ESCRIPT_PRINT_LIMIT: '100' } });
    const { out, outcome } = await run(s, "FOR i IN 1..1000 LOOP PRINT 'line ' || i; END LOOP;");
    expect(outcome.status).to.equal('ok');
    const texts = out.prints.map((p) => p.text);
    // 'line 1'..'line 9' are 6 characters, 'line 10'.. 7: 9*6 + 6*7 = 96 fit in 100
    expect(texts.slice(0, 15)).to.deep.equal(Array.from({ length: 15 }, (_, i) => `line ${i + 1}`));
    expect(texts[15]).to.equal('[PRINT output of this cell reached ESCRIPT_PRINT_LIMIT (100 characters): further PRINTs are dropped]');
    expect(texts[16]).to.match(/^\[985 PRINT lines \(\d+ characters\) were dropped\]$/);
    expect(texts.length).to.equal(17);
    expect(out.prints[15].level).to.equal('WARN');
    // the next cell has its own budget
    expect((await run(s, "PRINT 'again';")).out.prints.map((p) => p.text)).to.deep.equal(['again']);
  });

  it('the default cap lets a million characters through', async () => {
    const s = session();
    const { out } = await run(s, "FOR i IN 1..200000 LOOP PRINT 'abcdefghi'; END LOOP;");
    const kept = out.prints.filter((p) => p.level !== 'WARN');
    expect(kept.length).to.equal(1_000_000 / 9 | 0);
    expect(out.prints.at(-1)!.text).to.equal(`[${200_000 - (1_000_000 / 9 | 0)} PRINT lines (${(200_000 - (1_000_000 / 9 | 0)) * 9} characters) were dropped]`);
  });
});
