// A single huge allocation (issue 14): built-ins that size their output from an argument stop with a limit_error
// before building it (the message names the built-in: the check after the call would name none), the session
// alive; ES|QL's REPEAT, SPACE and CONCAT refuse past 1 MB as Elasticsearch does.
import { expect } from 'chai';
import { Session } from '../../language/session';
import type { ExecuteOutcome } from '../../language/contract';
import { runEsql } from '../../language/esql/engine';
import { EsqlError } from '../../language/esql/errors';
import { RecordingOutput } from './async/support';

async function run(s: Session, code: string): Promise<{ outcome: ExecuteOutcome; out: RecordingOutput }> {
  const out = new RecordingOutput();
  return { outcome: await s.execute(code, out, new AbortController().signal), out };
}

async function limitOf(s: Session, code: string): Promise<string> {
  const { outcome } = await run(s, code);
  expect(outcome.status, code).to.equal('error');
  const error = (outcome as Extract<ExecuteOutcome, { status: 'error' }>).error;
  expect(error.ename, error.evalue).to.equal('limit_error');
  // still alive, variables kept
  expect((await run(s, "PRINT 'alive';")).out.prints).to.deep.equal(['alive']);
  return error.evalue;
}

describe('huge allocations in one step', function () {
  this.timeout(120_000);
  const s = new Session({ env: { ESCRIPT_STORE: 'none' } });
  after(() => s.shutdown());

  it('LPAD and RPAD to huge lengths', async () => {
    expect(await limitOf(s, "PRINT LPAD('x', 2000000000);")).to.match(/^line 1:7: LPAD: string too long: 2000000000 characters exceeds the limit of 100000000/);
    expect(await limitOf(s, "PRINT RPAD('x', 300000000, 'ab');")).to.match(/RPAD: string too long: 300000000 characters/);
  });

  it('REPLACE and REGEXP_REPLACE whose output would pass the limit', async () => {
    await run(s, "DECLARE a STRING = LPAD('', 1000000, 'a'); DECLARE b STRING = LPAD('', 200, 'b');");
    expect(await limitOf(s, "PRINT LENGTH(REPLACE(a, 'a', b));")).to.match(/REPLACE: string too long: 200000000 characters/);
    expect(await limitOf(s, "PRINT LENGTH(REGEXP_REPLACE(a, 'a', b));")).to.match(/REGEXP_REPLACE: string too long: 10000\d{4} characters/);
    // under the limit they still work
    expect((await run(s, "PRINT LENGTH(REPLACE(a, 'a', 'bb'));")).out.prints).to.deep.equal(['2000000']);
  });

  it('REGEXP_REPLACE still reads $ forms as JavaScript does', async () => {
    const cases: Array<[string, string, string]> = [
      ['abc def', '([a-z])([a-z]*)', '$2$1'], ['abc', 'b', '[$&]'], ['abc', 'b', '$$'], ['abc', 'b', '<$`|$\'>'],
      ['abc', '(?<x>b)', '$<x>$<y>'], ['abc', '(b)', '$10$0$2'], ['abc', 'b', '$1'], ['aaa', 'a', 'x'],
    ];
    for (const [text, re, rep] of cases) {
      const code = `PRINT REGEXP_REPLACE('${text}', '${re}', '${rep.replace(/'/g, "''")}');`;
      const { out, outcome } = await run(s, code);
      expect(outcome.status, code).to.equal('ok');
      expect(out.prints, code).to.deep.equal([text.replace(new RegExp(re, 'g'), rep)]);
    }
  });

  it('SPLIT of a huge string into more pieces than an array may hold', async () => {
    expect(await limitOf(s, "SET p = SPLIT(LPAD('', 30000000, ','), ',');")).to.match(/SPLIT: array too long: 30000001 elements exceeds the limit of 20000000/);
    expect(await limitOf(s, "SET p = SPLIT(LPAD('', 30000000, 'x'), '');")).to.match(/SPLIT: array too long: 30000000 elements/);
  });

  it('CONCAT, ARRAY_JOIN and ARRAY_FLATTEN past the limits', async () => {
    await run(s, "DECLARE big STRING = LPAD('', 60000000, 'x');");
    expect(await limitOf(s, 'PRINT LENGTH(CONCAT(big, big));')).to.match(/CONCAT: string too long: 120000000 characters/);
    await run(s, "DECLARE many ARRAY = SPLIT(LPAD('', 12000000, ','), ',');");
    expect(await limitOf(s, "PRINT LENGTH(ARRAY_JOIN(many, LPAD('', 20, '-')));")).to.match(/ARRAY_JOIN: string too long: 240000000 characters/);
    expect(await limitOf(s, 'PRINT LENGTH(ARRAY_FLATTEN([many, many]));')).to.match(/ARRAY_FLATTEN: array too long: 24000002 elements/);
    expect(await limitOf(s, 'SET two = big || big;')).to.match(/string too long: 120000000 characters/);
    await run(s, 'SET big = NULL; SET many = NULL;');
  });

  it('ES|QL REPEAT and SPACE over 1 MB are null with a warning, CONCAT over 1 MB fails the query', async () => {
    const r = await runEsql('ROW a = REPEAT("xy", 2000000000), b = SPACE(2000000000), c = REPEAT("é", 600000), d = LENGTH(REPEAT("é", 500000))');
    expect(r.values).to.deep.equal([[null, null, null, 500000]]);
    expect(r.warnings.join('\n')).to.include('Creating repeated strings with more than [1048576] bytes is not supported');
    expect(r.warnings.join('\n')).to.include('Creating strings longer than [1048576] bytes is not supported');
    let err: unknown;
    try {
      await runEsql('ROW a = REPEAT("x", 600000) | EVAL b = CONCAT(a, a)');
    } catch (e) { err = e; }
    expect(err).to.be.instanceOf(EsqlError);
    expect((err as Error).message).to.equal('concatenating more than [1048576] bytes is not supported');
  });
});
