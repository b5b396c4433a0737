// Interrupts and responsiveness: the evaluator yields to the event loop during CPU-bound work and stops at the
// next statement, loop back-edge or call once its AbortSignal fires.
import { expect } from 'chai';
import { Session } from '../../language/session';
import type { ExecuteOutcome, Output } from '../../language/contract';

const quiet: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} };

async function interruptAfter(s: Session, code: string, ms: number): Promise<{ outcome: ExecuteOutcome; ticks: number; elapsed: number }> {
  const ac = new AbortController();
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 2);
  // `ms` after the cell's first PRINT when it has one (a busy machine may be slow to start a cell), else at once
  let armed = false;
  const arm = () => { if (!armed) { armed = true; setTimeout(() => ac.abort(), ms); } };
  if (!/\bPRINT\b/.test(code)) arm();
  const t0 = Date.now();
  const outcome = await s.execute(code, { ...quiet, print: arm }, ac.signal);
  clearInterval(timer);
  return { outcome, ticks, elapsed: Date.now() - t0 };
}

function kind(o: ExecuteOutcome): string {
  return o.status === 'error' ? o.error.ename : 'ok';
}

describe('interrupts', () => {
  it('stop a deep recursion that has no loop, and keep the event loop running meanwhile', async () => {
    const s = new Session();
    await s.execute('CREATE FUNCTION fib(n NUMBER) RETURNS NUMBER AS BEGIN IF n < 2 THEN RETURN n; END IF; RETURN fib(n - 1) + fib(n - 2); END FUNCTION;', quiet, new AbortController().signal);
    const { outcome, ticks, elapsed } = await interruptAfter(s, 'fib(60)', 60);
    expect(kind(outcome)).to.equal('interrupted');
    expect(ticks, 'timer callbacks ran during the computation').to.be.greaterThan(0);
    expect(elapsed).to.be.lessThan(2000);
    // the call stack was unwound: recursion works again to its full depth
    const after = await s.execute('fib(15)', quiet, new AbortController().signal);
    expect(after).to.deep.equal({ status: 'ok', result: { 'text/plain': '610' } });
  });

  it('stop a loop that sleeps', async () => {
    const { outcome, elapsed } = await interruptAfter(new Session(), 'WHILE TRUE LOOP SLEEP(5); END LOOP', 40);
    expect(kind(outcome)).to.equal('interrupted');
    expect(elapsed).to.be.lessThan(1000);
  });

  it('stop a loop inside a procedure and report where', async () => {
    const s = new Session();
    await s.execute('CREATE PROCEDURE spin() BEGIN DECLARE i NUMBER = 0; LOOP SET i = i + 1; END LOOP; END PROCEDURE;', quiet, new AbortController().signal);
    const { outcome } = await interruptAfter(s, 'PRINT 1;\nCALL spin();', 40);
    expect(kind(outcome)).to.equal('interrupted');
    if (outcome.status !== 'error') return;
    expect(outcome.error.evalue).to.match(/^line 1:\d+: execution interrupted$/);
    expect(outcome.error.traceback.some((l) => l.includes('at spin'))).to.equal(true);
  });

  it('are not caught by TRY/CATCH, but FINALLY still runs', async () => {
    const s = new Session();
    const prints: string[] = [];
    const out: Output = { ...quiet, print: (t) => { prints.push(t); } };
    const ac = new AbortController();
    const started = { ...out, print: (t: string) => { if (t === 'in') setTimeout(() => ac.abort(), 30); out.print(t); } };
    const outcome = await s.execute("TRY PRINT 'in'; WHILE TRUE LOOP END LOOP; CATCH PRINT 'caught'; FINALLY PRINT 'finally'; END TRY;", started, ac.signal);
    expect(kind(outcome)).to.equal('interrupted');
    expect(prints).to.deep.equal(['in', 'finally']);
  });

  it('an already aborted signal stops the cell at its first loop', async () => {
    const ac = new AbortController();
    ac.abort();
    const outcome = await new Session().execute('WHILE TRUE LOOP END LOOP', quiet, ac.signal);
    expect(kind(outcome)).to.equal('interrupted');
  });

  it('leave the session variables as they were at the interrupt', async () => {
    const s = new Session();
    await s.execute('DECLARE n NUMBER = 0;', quiet, new AbortController().signal);
    // interrupted 30 ms after the loop has begun (a busy machine may take longer than that to start the cell)
    const ac = new AbortController();
    const started: Output = { ...quiet, print: () => { setTimeout(() => ac.abort(), 30); } };
    await s.execute("PRINT 'in'; LOOP SET n = n + 1; END LOOP", started, ac.signal);
    const after = await s.execute('n > 1000', quiet, new AbortController().signal);
    expect(after).to.deep.equal({ status: 'ok', result: { 'text/plain': 'true' } });
  });

  it('a long loop finishes when nobody interrupts it, yielding along the way', async () => {
    const s = new Session();
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 2);
    const outcome = await s.execute('DECLARE s NUMBER = 0; FOR i IN 1..3000000 LOOP SET s = s + i; END LOOP; s', quiet, new AbortController().signal);
    clearInterval(timer);
    expect(outcome).to.deep.equal({ status: 'ok', result: { 'text/plain': '4500001500000' } });
    expect(ticks).to.be.greaterThan(0);
  });
});
