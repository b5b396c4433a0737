import { expect } from 'chai';
import { Session } from '../../language/session';
import type { MimeBundle, Output, PrintLevel } from '../../language/contract';

class Recorder implements Output {
  prints: { text: string; level?: PrintLevel }[] = [];
  displays: MimeBundle[] = [];
  print(text: string, level?: PrintLevel): void { this.prints.push({ text, level }); }
  display(bundle: MimeBundle): void { this.displays.push(bundle); }
  updateDisplay(): void {}
  clear(): void {}
}

async function run(s: Session, code: string, signal = new AbortController().signal) {
  const out = new Recorder();
  const outcome = await s.execute(code, out, signal);
  return { outcome, out, lines: out.prints.map((p) => p.text) };
}

describe('Session (milestone 1)', () => {
  it('runs every statement of a cell and keeps variables across cells', async () => {
    const s = new Session();
    const a = await run(s, "DECLARE x NUMBER = 40; SET x = x + 2; PRINT x; PRINT 'done';");
    expect(a.lines).to.deep.equal(['42', 'done']);
    const b = await run(s, 'x * 2');
    expect(b.outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '84' } });
  });

  it('prints integers without .0 and decimals as decimals', async () => {
    const { lines } = await run(new Session(), 'PRINT 42.0; PRINT 2.5; PRINT 10 / 4; PRINT 1e3;');
    expect(lines).to.deep.equal(['42', '2.5', '2.5', '1000']);
  });

  it('renders an array of documents as a table and a document as JSON', async () => {
    const s = new Session();
    const t = await run(s, "[{'a': 1, 'b': 'x'}, {'a': 2}]");
    expect(t.outcome.status).to.equal('ok');
    const result = (t.outcome as { result: MimeBundle }).result;
    expect(result['text/html']).to.contain('<th>a</th>').and.contain('<td>x</td>');
    expect(result['text/plain']).to.match(/^a \| b/);
    const d = await run(s, "{'k': [1, 2]}");
    expect((d.outcome as { result: MimeBundle }).result['application/json']).to.deep.equal({ k: [1, 2] });
  });

  it('DISPLAY sends a bundle to the output', async () => {
    const { out } = await run(new Session(), "DISPLAY [{'a': 1}];");
    expect(out.displays).to.have.length(1);
    expect(out.displays[0]['text/html']).to.contain('<td>1</td>');
  });

  it('reports errors with kind, line:column, source line and caret', async () => {
    const { outcome } = await run(new Session(), "PRINT 'ok';\nPRINT 1 / 0;");
    expect(outcome.status).to.equal('error');
    if (outcome.status !== 'error') return;
    expect(outcome.error.ename).to.equal('division_error');
    expect(outcome.error.evalue).to.equal('line 2:7: division by zero');
    expect(outcome.error.traceback[1]).to.equal('  PRINT 1 / 0;');
    expect(outcome.error.traceback[2]).to.equal('        ^');
  });

  it('reports a syntax error at the offending position', async () => {
    const { outcome } = await run(new Session(), 'PRINT (1 + ;');
    expect(outcome.status === 'error' && outcome.error.ename).to.equal('syntax_error');
    expect(outcome.status === 'error' && outcome.error.evalue).to.match(/^line 1:12: /);
  });

  it('stops an endless loop on interrupt and stays usable', async () => {
    const s = new Session();
    await run(s, 'DECLARE n NUMBER = 0;');
    const ac = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    setTimeout(() => ac.abort(), 50);
    const { outcome } = await run(s, 'WHILE TRUE LOOP SET n = n + 1; END LOOP', ac.signal);
    clearInterval(timer);
    expect(outcome.status === 'error' && outcome.error.ename).to.equal('interrupted');
    expect(ticks, 'event loop ran during the loop').to.be.greaterThan(0);
    const after = await run(s, 'n > 0');
    expect(after.outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': 'true' } });
  });

  it('interrupts an empty endless loop', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const { outcome } = await run(new Session(), 'WHILE TRUE LOOP END LOOP', ac.signal);
    expect(outcome.status === 'error' && outcome.error.ename).to.equal('interrupted');
  });

  it('completes keywords, built-ins and variables with names containing _', async () => {
    const s = new Session();
    await run(s, 'DECLARE my_total NUMBER = 1;');
    const code = 'PRINT my_to';
    const c = await s.complete(code, code.length);
    expect(c.matches).to.include('my_total');
    expect(c.cursorStart).to.equal(6);
    expect(c.cursorEnd).to.equal(code.length);
    const b = await s.complete('ARRAY_LE', 8);
    expect(b.matches).to.include('ARRAY_LENGTH');
    expect(b.cursorStart).to.equal(0);
    expect((await s.complete('WHI', 3)).matches).to.include('WHILE');
  });

  it('inspects built-ins as markdown', async () => {
    const help = await new Session().inspect('ARRAY_LENGTH(x)', 3, 0);
    expect(help?.['text/markdown']).to.contain('ARRAY_LENGTH').and.contain('RETURNS NUMBER');
    expect(await new Session().inspect('nothing_here', 3, 0)).to.equal(null);
  });

  it('tells complete, incomplete and invalid input apart', () => {
    const s = new Session();
    expect(s.isComplete('PRINT 1;').status).to.equal('complete');
    expect(s.isComplete('IF x THEN PRINT 1;').status).to.equal('incomplete');
    expect(s.isComplete('CREATE PROCEDURE p() BEGIN PRINT 1;').status).to.equal('incomplete');
    expect(s.isComplete('PRINT 1')).to.deep.equal({ status: 'incomplete', indent: '' });
    expect(s.isComplete('PRINT 1;; END IF').status).to.equal('invalid');
  });
});
