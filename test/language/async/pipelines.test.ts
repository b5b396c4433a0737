// Async pipelines and PARALLEL through the language: the statement returns at once, bodies and handlers run
// in the background with their `@` bindings. Every wait is `EXECUTION(x) | WAIT` or an engine promise.
import { expect } from 'chai';
import { TestSession, sessionPerTest } from './support';

const ROUTINES = `
DECLARE go = FALSE;
DECLARE seen = NULL;
DECLARE log = [];
DECLARE attempts = 0;
CREATE PROCEDURE analyze_logs(n NUMBER) BEGIN PRINT 'analyzing ' || n; PROGRESS(50, 'half way'); RETURN {count: n * 2}; END PROCEDURE;
CREATE PROCEDURE handle_success(r DOCUMENT) BEGIN SET seen = r; RETURN r.count + 1; END PROCEDURE;
CREATE PROCEDURE note(x ANY) BEGIN SET log = ARRAY_APPEND(log, x); END PROCEDURE;
CREATE PROCEDURE wait_for_go(v ANY) BEGIN WHILE NOT go LOOP SLEEP(2); END LOOP; RETURN v; END PROCEDURE;
CREATE PROCEDURE boom(msg STRING) BEGIN THROW msg; END PROCEDURE;
CREATE PROCEDURE forever() BEGIN LOOP SLEEP(5); END LOOP; END PROCEDURE;
CREATE PROCEDURE flaky() BEGIN SET attempts = attempts + 1; IF attempts < 3 THEN THROW 'flaky ' || attempts; END IF; RETURN 'ok after ' || attempts; END PROCEDURE;
CREATE FUNCTION double(x NUMBER) RETURNS NUMBER BEGIN RETURN x * 2; END FUNCTION;
`;

describe('async pipelines in the language', function () {
  this.timeout(10_000);
  let t: TestSession;
  const fresh = sessionPerTest(ROUTINES);
  beforeEach(() => {
    t = fresh.t;
  });

  it('returns the handle at once while the body runs in the background', async () => {
    const handle = await t.value(`wait_for_go(7) | TRACK AS 'gate';`);
    expect(handle).to.include({ track_name: 'gate', procedure_name: 'wait_for_go', kind: 'PROCEDURE', status: 'RUNNING' });
    expect(handle.execution_id).to.match(/^exec-/);
    expect((await t.value(`EXECUTION('gate') | STATUS;`)).status).to.equal('RUNNING');
    await t.run('SET go = TRUE;');
    expect(await t.value(`EXECUTION('gate') | WAIT;`)).to.equal(7);
  });

  it('shows a launch as its live display and does not repeat the handle as the cell result', async () => {
    const outcome = await t.exec(`analyze_logs(1) | TRACK AS 'shown';`);
    expect(outcome).to.deep.equal({ status: 'ok' });
    const shown = t.out.displays[t.out.displays.length - 1];
    expect(shown.id).to.match(/^exec-/);
    expect(String(shown.bundle['text/plain'])).to.include("'shown'");
    await t.run(`EXECUTION('shown') | WAIT;`);
    expect(t.out.latest(shown.id!)).to.include('COMPLETED');
  });

  it('runs the seed flow: ON_DONE with @result, TRACK AS, STATUS', async () => {
    await t.run(`analyze_logs(21) | ON_DONE handle_success(@result) | TRACK AS 'basic-test';`);
    expect(await t.value(`EXECUTION('basic-test') | WAIT;`)).to.deep.equal({ count: 42 });
    expect(t.variable('seen')).to.deep.equal({ count: 42 });
    const status = await t.value(`EXECUTION('basic-test') | STATUS;`);
    expect(status).to.include({ status: 'COMPLETED', state: 'COMPLETED', track_name: 'basic-test', procedure_name: 'analyze_logs', handler_result: 43 });
    expect(status.result).to.deep.equal({ count: 42 });
    expect(status.parameters).to.deep.equal([21]);
    expect(status.output).to.deep.equal(['analyzing 21']);
    expect(status.progress).to.deep.equal({ percent: 50, message: 'half way' });
  });

  it('chains ON_DONE handlers: a non-null return replaces @result, NULL keeps it; the chain ends in handler_result', async () => {
    await t.run(`analyze_logs(1) | ON_DONE note(@result) | ON_DONE handle_success(@result) | ON_DONE double(@result) | TRACK AS 'chain';`);
    expect(await t.value(`EXECUTION('chain') | WAIT;`)).to.deep.equal({ count: 2 });
    expect((await t.value(`EXECUTION('chain') | STATUS;`)).handler_result).to.equal(6);
    expect(t.variable('log')).to.deep.equal([{ count: 2 }]);
  });

  it('evaluates handler arguments as ordinary expressions, with locals captured at launch', async () => {
    await t.run(`
      CREATE PROCEDURE launcher() BEGIN
        DECLARE label = 'from launcher';
        analyze_logs(5) | ON_DONE note({label: label, doubled: @result.count * 2, text: 'n=' || @result.count}) | TRACK AS 'exprs';
      END PROCEDURE;
      CALL launcher();`);
    await t.run(`EXECUTION('exprs') | WAIT;`);
    expect(t.variable('log')).to.deep.equal([{ label: 'from launcher', doubled: 20, text: 'n=10' }]);
  });

  it('runs a function value kept in a session variable in the context of the background body that calls it', async () => {
    await t.run(`
      CREATE FUNCTION shout(s STRING) RETURNS STRING BEGIN PRINT 'shouting ' || s; RETURN UPPER(s); END FUNCTION;
      DECLARE loud = (s) => shout(s);
      DECLARE by_name = shout;
      CREATE PROCEDURE speaker() BEGIN RETURN loud('hi') || ' ' || by_name('there') || ' ' || ARRAY_JOIN(ARRAY_MAP(['x'], loud), ''); END PROCEDURE;`);
    const printed = t.out.prints.length;
    await t.run(`speaker() | TRACK AS 'function-values';`);
    const status = await t.value(`EXECUTION('function-values') | WAIT; EXECUTION('function-values') | STATUS;`);
    expect(status.result).to.equal('HI THERE X');
    // The PRINTs belong to the execution (its output), not to whichever cell ran last.
    expect(status.output).to.deep.equal(['shouting hi', 'shouting there', 'shouting x']);
    expect(t.out.prints.slice(printed)).to.not.include('shouting hi');
  });

  it('runs ON_FAIL with @error and @error_info, then FINALLY exactly once', async () => {
    await t.run(`boom('disk full') | ON_DONE note('not me') | ON_FAIL note([@error, @error_info.type]) | FINALLY note('finally') | TRACK AS 'failing';`);
    const status = await t.value(`EXECUTION('failing') | WAIT;`);
    expect(status).to.include({ status: 'FAILED', state: 'FAILED', error: 'disk full' });
    expect(status.error_info).to.include({ message: 'disk full', procedure: 'boom' });
    expect(status.error_info.line).to.be.a('number');
    expect(t.variable('log')).to.deep.equal([['disk full', status.error_info.type], 'finally']);
  });

  it('accepts block handlers with statements', async () => {
    await t.run(`analyze_logs(3) | ON_DONE (@result) => { PRINT 'block saw ' || @result.count; SET seen = @result.count + 100; } | TRACK AS 'block';`);
    const status = await t.value(`EXECUTION('block') | WAIT; EXECUTION('block') | STATUS;`);
    expect(t.variable('seen')).to.equal(106);
    expect(status.output).to.deep.equal(['analyzing 3', 'block saw 6']);
  });

  it('enforces TIMEOUT: the body is stopped, ON_FAIL sees timeout_error, FINALLY runs', async () => {
    await t.run(`forever() | ON_FAIL note(@error_info.type) | FINALLY note('cleaned') | TIMEOUT 30 MILLISECONDS | TRACK AS 'slow';`);
    const status = await t.value(`EXECUTION('slow') | WAIT;`);
    expect(status).to.include({ state: 'TIMED_OUT', status: 'FAILED', timeout_ms: 30 });
    expect(t.variable('log')).to.deep.equal(['timeout_error', 'cleaned']);
  });

  it('retries with RETRY n BACKOFF d until an attempt succeeds', async () => {
    await t.run(`flaky() | RETRY 3 BACKOFF 1 MILLISECOND | TRACK AS 'flaky';`);
    expect(await t.value(`EXECUTION('flaky') | WAIT;`)).to.equal('ok after 3');
    const status = await t.value(`EXECUTION('flaky') | STATUS;`);
    expect(status).to.include({ attempt: 3, max_attempts: 4, status: 'COMPLETED' });
  });

  it('applies ON CONFLICT: REJECT fails, ATTACH returns the running run, ALLOW starts another', async () => {
    const first = await t.value(`wait_for_go(1) | TRACK AS 'busy';`);
    const rejected = await t.fails(`wait_for_go(2) | TRACK AS 'busy';`);
    expect(rejected.ename).to.equal('track_conflict');
    expect(rejected.evalue).to.match(/^line 1:1: track 'busy' is busy/);
    const attached = await t.value(`wait_for_go(3) | TRACK AS 'busy' ON CONFLICT ATTACH;`);
    expect(attached).to.include({ execution_id: first.execution_id, attached: true });
    const allowed = await t.value(`wait_for_go(4) | TRACK AS 'busy' ON CONFLICT ALLOW;`);
    expect(allowed.execution_id).to.not.equal(first.execution_id);
    await t.run('SET go = TRUE;');
    expect(await t.value(`EXECUTION('${first.execution_id}') | WAIT;`)).to.equal(1);
    expect(await t.value(`EXECUTION('busy') | WAIT;`)).to.equal(4);
  });

  it('rejects handlers of the other form and wrong option values with precise errors', async () => {
    expect(await t.fails(`analyze_logs(1) | ON_ALL_DONE note(@results);`)).to.include({ ename: 'syntax_error' });
    expect((await t.fails(`PARALLEL [analyze_logs(1)] | ON_DONE note(@result);`)).evalue).to.contain('ON_DONE does not apply to PARALLEL');
    expect((await t.fails(`analyze_logs(1) | TIMEOUT -1;`)).evalue).to.contain('TIMEOUT must be a non-negative NUMBER');
    expect((await t.fails(`analyze_logs(1) | TRACK AS 42;`)).evalue).to.contain('TRACK AS needs a non-empty STRING');
    expect((await t.fails(`analyze_logs(1) | CANCEL SIBLINGS;`)).evalue).to.contain('CANCEL SIBLINGS applies to PARALLEL only');
  });

  describe('PARALLEL', () => {
    it('joins with ON_ALL_DONE(@results) in call order', async () => {
      await t.run(`PARALLEL [analyze_logs(1), double(5), analyze_logs(2)] | ON_ALL_DONE note(@results) | TRACK AS 'par';`);
      const results = await t.value(`EXECUTION('par') | WAIT;`);
      expect(results).to.deep.equal([{ count: 2 }, 10, { count: 4 }]);
      expect(t.variable('log')).to.deep.equal([[{ count: 2 }, 10, { count: 4 }]]);
      const status = await t.value(`EXECUTION('par') | STATUS;`);
      expect(status).to.include({ kind: 'PARALLEL', status: 'COMPLETED', join_policy: 'ALL' });
    });

    it('runs at most MAX branches at a time', async () => {
      await t.run(`PARALLEL [wait_for_go(1), wait_for_go(2), wait_for_go(3)] MAX 1 | TRACK AS 'one-at-a-time';`);
      const id = (await t.value(`EXECUTION('one-at-a-time') | STATUS;`)).execution_id;
      const states = [];
      for (let i = 0; i < 3; i++) states.push((await t.value(`EXECUTION('${id}-${String(i).padStart(4, '0')}') | STATUS;`)).state);
      expect(states).to.deep.equal(['RUNNING', 'PENDING', 'PENDING']);
      await t.run('SET go = TRUE;');
      expect(await t.value(`EXECUTION('one-at-a-time') | WAIT;`)).to.deep.equal([1, 2, 3]);
    });

    it('fires ON_ANY_FAIL(@error, @results) and ON_ALL_SETTLED(@outcomes), and CANCEL SIBLINGS stops the rest', async () => {
      await t.run(`PARALLEL [boom('branch broke'), forever()]
        | ON_ANY_FAIL note({error: @error, results: @results})
        | ON_ALL_SETTLED note(@outcomes)
        | CANCEL SIBLINGS | TRACK AS 'fail-fast';`);
      const status = await t.value(`EXECUTION('fail-fast') | WAIT;`);
      expect(status).to.include({ status: 'FAILED', error: 'branch broke' });
      const [anyFail, settled] = t.variable('log');
      expect(anyFail.error).to.equal('branch broke');
      expect(settled.map((o: { status: string }) => o.status)).to.deep.equal(['FAILED', 'CANCELLED']);
      expect(settled[0].error).to.equal('branch broke');
    });

    it('ON_ANY_DONE alone: the first success is the result', async () => {
      await t.run(`PARALLEL [forever(), double(21)] | ON_ANY_DONE note(@result) | CANCEL SIBLINGS | TRACK AS 'race';`);
      expect(await t.value(`EXECUTION('race') | WAIT;`)).to.equal(42);
      expect(t.variable('log')).to.deep.equal([42]);
      expect((await t.value(`EXECUTION('race') | STATUS;`)).join_policy).to.equal('ANY');
    });

    it('times out a PARALLEL as a whole', async () => {
      await t.run(`PARALLEL [forever(), forever()] | FINALLY note('done') | TIMEOUT 30 MS | TRACK AS 'par-slow';`);
      expect(await t.value(`EXECUTION('par-slow') | WAIT;`)).to.include({ state: 'TIMED_OUT' });
      expect(t.variable('log')).to.deep.equal(['done']);
    });
  });
});
