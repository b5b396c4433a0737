// The async forms as values: `EXECUTION(x) | VERB`, a launch and PARALLEL wherever an expression may stand
// (DECLARE, SET, RETURN, arguments, conditions, `(...).field`), verb statements shown as displays wherever they
// stand, and the error wording of @bindings and PARALLEL failures.
import { expect } from 'chai';
import { ExecutionIdGenerator } from '../../../language/async/ids';
import { TestSession, sessionPerTest } from './support';

const ROUTINES = `
DECLARE go = FALSE;
DECLARE log = [];
CREATE PROCEDURE work(n NUMBER) BEGIN SLEEP(20); RETURN n * 2; END PROCEDURE;
CREATE PROCEDURE gated(v ANY) BEGIN WHILE NOT go LOOP SLEEP(2); END LOOP; RETURN v; END PROCEDURE;
CREATE PROCEDURE forever() BEGIN LOOP SLEEP(5); END LOOP; END PROCEDURE;
CREATE PROCEDURE boom(msg STRING) BEGIN THROW msg; END PROCEDURE;
CREATE PROCEDURE bad_type() BEGIN RETURN 1 + TRUE; END PROCEDURE;
CREATE PROCEDURE note(x ANY) BEGIN SET log = ARRAY_APPEND(log, x); END PROCEDURE;
CREATE FUNCTION state_of(name STRING) RETURNS STRING BEGIN RETURN (EXECUTION(name) | STATUS).status; END FUNCTION;
CREATE FUNCTION track_of(x STRING) RETURNS STRING BEGIN RETURN 'job-' || x; END FUNCTION;
`;

describe('async forms as values', function () {
  this.timeout(10_000);
  let t: TestSession;
  const fresh = sessionPerTest(ROUTINES);
  beforeEach(() => {
    t = fresh.t;
  });

  const lastDisplay = () => String(t.out.displays[t.out.displays.length - 1]?.bundle['text/plain']);

  it('a launch in DECLARE is the handle document, and its live display is shown', async () => {
    await t.run(`DECLARE h DOCUMENT = gated(5) | TRACK AS 't';`);
    const h = t.variable('h');
    expect(h).to.include({ track_name: 't', procedure_name: 'gated', kind: 'PROCEDURE', status: 'RUNNING' });
    expect(h.execution_id).to.match(/^exec-/);
    expect(t.out.displays.some((d) => d.id === h.execution_id), 'live display').to.equal(true);
    // a handle kept in a variable is an ordinary value: shown when asked for
    expect(await t.run('h;')).to.include({ execution_id: h.execution_id });
    await t.run('SET go = TRUE;');
    expect(await t.value('EXECUTION(h.execution_id) | WAIT;')).to.equal(5);
  });

  it('STATUS, WAIT, RESULT and HISTORY are values in DECLARE, SET, arguments, conditions and (...).field', async () => {
    await t.run(`work(21) | TRACK AS 'w';`);
    await t.run(`
      DECLARE polls = 0;
      WHILE (EXECUTION('w') | STATUS).status == 'RUNNING' LOOP SET polls = polls + 1; SLEEP(5); END LOOP;
      DECLARE s = EXECUTION('w') | STATUS;
      DECLARE r NUMBER = EXECUTION('w') | WAIT;
      DECLARE again = 0;
      SET again = EXECUTION('w') | RESULT;
      DECLARE runs = ARRAY_LENGTH(EXECUTION('w') | HISTORY);
      DECLARE got = state_of('w');
      IF (EXECUTION('w') | STATUS).result == 42 THEN PRINT 'result is 42'; END IF;`);
    expect(t.variable('s')).to.include({ track_name: 'w', status: 'COMPLETED', result: 42 });
    expect(t.variable('r')).to.equal(42);
    expect(t.variable('again')).to.equal(42);
    expect(t.variable('runs')).to.equal(1);
    expect(t.variable('got')).to.equal('COMPLETED');
    expect(t.variable('polls')).to.be.a('number');
    expect(t.out.prints).to.include('result is 42');
  });

  it('STATUS of an unknown name is a document whose status is NOT_FOUND; RETURN takes a verb', async () => {
    await t.run(`CREATE FUNCTION lookup(n STRING) RETURNS DOCUMENT BEGIN RETURN EXECUTION(n) | STATUS; END FUNCTION;`);
    expect(await t.value(`lookup('nobody');`)).to.deep.equal({ execution_id: null, track_name: 'nobody', status: 'NOT_FOUND', state: 'NOT_FOUND' });
    const unknown = new ExecutionIdGenerator().next(Date.now());
    expect(await t.value(`EXECUTION('${unknown}') | STATUS;`)).to.include({ execution_id: unknown, track_name: null, status: 'NOT_FOUND' });
    // an id from before the retention period (ids carry their creation time): EXPIRED, not NOT_FOUND
    expect(await t.value(`(EXECUTION('${new ExecutionIdGenerator().next(Date.parse('2020-01-01'))}') | STATUS).status;`)).to.equal('EXPIRED');
    expect(await t.value(`state_of('nobody');`)).to.equal('NOT_FOUND');
    // the other verbs fail as statements do
    expect((await t.fails(`DECLARE x = EXECUTION('nobody') | WAIT;`)).ename).to.equal('execution_not_found');
  });

  it('WAIT TIMEOUT as a value: the status with wait_timed_out, the run goes on', async () => {
    await t.run(`gated('late') | TRACK AS 'slow';`);
    await t.run(`DECLARE w = EXECUTION('slow') | WAIT TIMEOUT 20 MILLISECONDS EVERY 5 MILLISECONDS;`);
    expect(t.variable('w')).to.include({ wait_timed_out: true, status: 'RUNNING', track_name: 'slow' });
    await t.run('SET go = TRUE;');
    expect(await t.value(`(EXECUTION('slow') | WAIT TIMEOUT 5 SECONDS) || '!';`)).to.equal('late!');
  });

  it('CANCEL, COMPLETE, FAIL, PING and RETRY are values too', async () => {
    await t.run(`forever() | TIMEOUT 10 SECONDS | TRACK AS 'p';`);
    await t.run(`DECLARE pinged = EXECUTION('p') | PING;`);
    expect(t.variable('pinged')).to.include({ track_name: 'p', status: 'RUNNING' });
    expect(t.variable('pinged').deadline_at).to.be.a('string');
    await t.run(`DECLARE c = EXECUTION('p') | CANCEL;`);
    expect(t.variable('c').state).to.be.oneOf(['CANCEL_REQUESTED', 'CANCELLED']);
    expect(await t.value(`(EXECUTION('p') | WAIT).status;`)).to.equal('CANCELLED');

    await t.run(`forever() | TRACK AS 'ext';`);
    await t.run(`DECLARE done = (EXECUTION('ext') | COMPLETE({answer: 42})).status;`);
    expect(t.variable('done')).to.equal('COMPLETED');
    expect(await t.value(`EXECUTION('ext') | WAIT;`)).to.deep.equal({ answer: 42 });
    expect(await t.value(`(EXECUTION('ext') | FAIL('too late')).status;`)).to.equal('COMPLETED');

    await t.run(`boom('first') | TRACK AS 'again';`);
    await t.run(`EXECUTION('again') | WAIT;`);
    const displaysBefore = t.out.displays.length;
    await t.run(`DECLARE second = EXECUTION('again') | RETRY;`);
    const second = t.variable('second');
    expect(second.execution_id).to.match(/^exec-/);
    expect(t.out.displays.slice(displaysBefore).some((d) => d.id === second.execution_id), 'the retry shows its live display').to.equal(true);
    expect((await t.value(`EXECUTION(second.execution_id) | WAIT;`)).retry_of).to.be.a('string');
  });

  it('a launch re-runs from its stored text: RETRY of a run started as an expression', async () => {
    await t.run(`DECLARE h = boom('x') | TRACK AS 'expr-launch';`);
    await t.run(`EXECUTION('expr-launch') | WAIT;`);
    expect((await t.value(`EXECUTION('expr-launch') | STATUS;`)).pipeline.statement).to.equal(`boom('x') | TRACK AS 'expr-launch';`);
    await t.run(`EXECUTION('expr-launch') | RETRY;`);
    const runs = await t.value(`EXECUTION('expr-launch') | HISTORY;`);
    expect(runs.map((r: { attempt: number; status: string }) => r.status)).to.have.length(2);
  });

  it("polls in plain elastic-script, as the tutorial's poll(name, poll_ms, timeout_ms) does", async () => {
    await t.run(`
      CREATE FUNCTION poll(name STRING, poll_ms NUMBER, timeout_ms NUMBER) RETURNS DOCUMENT
      BEGIN
        DECLARE waited NUMBER = 0;
        DECLARE s DOCUMENT = EXECUTION(name) | STATUS;
        WHILE s.status IN ('PENDING', 'RUNNING') AND waited < timeout_ms LOOP
          SLEEP(poll_ms);
          SET waited = waited + poll_ms;
          SET s = EXECUTION(name) | STATUS;
        END LOOP;
        RETURN {status: s.status, polled_ms: waited, timed_out: s.status IN ('PENDING', 'RUNNING'), result: s.result};
      END FUNCTION;
      DECLARE job DOCUMENT = gated('polled') | TRACK AS 'polled';`);
    expect(await t.value('poll(job.execution_id, 10, 30);')).to.deep.equal({ status: 'RUNNING', polled_ms: 30, timed_out: true, result: null });
    await t.run('SET go = TRUE;');
    const done = await t.value(`poll('polled', 10, 5000);`);
    expect(done).to.include({ status: 'COMPLETED', timed_out: false, result: 'polled' });
    expect(done.polled_ms).to.be.below(5000);
  });

  it('PARALLEL is an expression (with and without stages); its value is the parent handle', async () => {
    await t.run(`DECLARE p = PARALLEL [work(1), work(2)] | TRACK AS 'both'; DECLARE q = PARALLEL [work(3), work(4)];`);
    expect(t.variable('p')).to.include({ kind: 'PARALLEL', track_name: 'both' });
    expect(await t.value('EXECUTION(p.execution_id) | WAIT;')).to.deep.equal([2, 4]);
    expect(await t.value('EXECUTION(q.execution_id) | WAIT;')).to.deep.equal([6, 8]);
  });

  it("a stage's value stays a plain expression: TRACK AS f() | TIMEOUT ... keeps TIMEOUT on the outer pipeline", async () => {
    await t.run(`DECLARE h = work(1) | TRACK AS track_of('a') | TIMEOUT 5 SECONDS;`);
    expect(await t.value(`EXECUTION('job-a') | WAIT;`)).to.equal(2);
    expect(await t.value(`(EXECUTION('job-a') | STATUS).timeout_ms;`)).to.equal(5000);
  });

  it('launches and verbs as arguments of calls and handlers', async () => {
    await t.run(`note(work(5) | TRACK AS 'arg');`);
    expect(t.variable('log')[0]).to.include({ track_name: 'arg' });
    await t.run(`EXECUTION('arg') | WAIT;`);
    await t.run(`work(1) | ON_DONE note(EXECUTION('arg') | RESULT) | TRACK AS 'nested';`);
    await t.run(`EXECUTION('nested') | WAIT;`);
    expect(t.variable('log')[1]).to.equal(10);
  });

  it('a verb statement shows its value as a display inside a procedure, a loop, and before the last statement', async () => {
    await t.run(`work(21) | TRACK AS 'basic-test'; EXECUTION('basic-test') | WAIT;`);
    await t.run(`CREATE PROCEDURE check_status() BEGIN EXECUTION('basic-test') | STATUS; END PROCEDURE;`);
    t.out.displays.length = 0;
    const outcome = await t.exec('CALL check_status();');
    expect(outcome.status).to.equal('ok');
    expect(t.out.displays).to.have.length(1);
    const shown = t.out.displays[0].bundle['application/json'] as Record<string, unknown>;
    expect(shown).to.include({ track_name: 'basic-test', status: 'COMPLETED', result: 42 });
    expect(lastDisplay()).to.include("'basic-test' work");

    t.out.displays.length = 0;
    await t.run(`FOR i IN 1..2 LOOP EXECUTION('basic-test') | RESULT; END LOOP;`);
    expect(t.out.displays.map((d) => d.bundle['text/plain'])).to.deep.equal(['42', '42']);

    // at the cell's end it is the cell's result; before that a display
    t.out.displays.length = 0;
    const last = await t.exec(`EXECUTION('basic-test') | RESULT;\nEXECUTION('nobody') | STATUS; -- the end`);
    expect(t.out.displays.map((d) => d.bundle['text/plain'])).to.deep.equal(['42']);
    expect(last.status === 'ok' && last.result?.['application/json']).to.include({ status: 'NOT_FOUND' });
  });

  it('names the handlers that bind an @name used where it is not bound', async () => {
    const err = await t.fails(`work(1) | ON_DONE note(@error) | TRACK AS 'x';`);
    expect(err.ename).to.equal('name_error');
    expect(err.evalue).to.include('@error is not bound in ON_DONE: ON_DONE binds @result; @error is bound in ON_FAIL');
    expect(err.evalue).to.match(/line 1, column 24|1:24/);
    const parallel = await t.fails(`PARALLEL [work(1)] | ON_ALL_DONE note(@error_info);`);
    expect(parallel.evalue).to.include('@error_info is not bound in ON_ALL_DONE: ON_ALL_DONE binds @result, @results; @error_info is bound in ON_ANY_FAIL');
    expect((await t.fails(`work(1) | FINALLY note(@result);`)).evalue).to.include('FINALLY binds nothing; @result is bound in ON_DONE');
    expect((await t.fails(`work(1) | ON_DONE note(@whatever);`)).evalue).to.include('no handler binds @whatever');
    // a lambda's own parameters are declarations, not reads; its body's other reads must be bound
    expect((await t.fails(`work(1) | FINALLY () => { PRINT @result; };`)).evalue).to.include('FINALLY binds nothing');
    await t.run(`work(1) | FINALLY (@result) => { PRINT 'cleaned'; } | TRACK AS 'lambda-finally'; EXECUTION('lambda-finally') | WAIT;`);
    // a pipeline nested in a handler binds its own names
    await t.run(`work(1) | ON_DONE () => { boom('inner') | ON_FAIL note(@error) | TRACK AS 'inner'; } | TRACK AS 'outer';`);
    await t.run(`EXECUTION('outer') | WAIT; EXECUTION('inner') | WAIT;`);
    expect(t.variable('log')).to.deep.equal(['inner']);
  });

  it("a PARALLEL parent fails with its failing branch's kind, and ON_ANY_FAIL sees it in @error_info", async () => {
    await t.run(`PARALLEL [work(1), bad_type()] | ON_ANY_FAIL note(@error_info.type) | TRACK AS 'typed';`);
    const doc = await t.value(`EXECUTION('typed') | WAIT;`);
    expect(doc.status).to.equal('FAILED');
    expect(doc.error_info).to.include({ type: 'type_error', procedure: 'bad_type' });
    expect(t.variable('log')).to.deep.equal(['type_error']);
    await t.run(`PARALLEL [boom('no')] | TRACK AS 'thrown';`);
    expect((await t.value(`EXECUTION('thrown') | WAIT;`)).error_info).to.include({ type: 'user_error', message: 'no' });
  });
});
