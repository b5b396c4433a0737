// EXECUTION(x) | verb, EXECUTIONS, PRINT and PROGRESS inside background bodies, the live display, interrupts
// of the foreground, shutdown, and RETRY of a stored pipeline from another session.
import { expect } from 'chai';
import { EXECUTIONS_INDEX } from '../../../language/async/document';
import { EmbeddedStore } from '../../../language/store/embedded';
import { TestSession, tempDir, RecordingOutput, sessionPerTest } from './support';
import { join } from 'path';

const ROUTINES = `
DECLARE go = FALSE;
DECLARE log = [];
DECLARE runs = 0;
CREATE PROCEDURE note(x ANY) BEGIN SET log = ARRAY_APPEND(log, x); END PROCEDURE;
CREATE PROCEDURE wait_for_go(v ANY) BEGIN WHILE NOT go LOOP SLEEP(2); END LOOP; RETURN v; END PROCEDURE;
CREATE PROCEDURE forever() BEGIN LOOP SLEEP(5); END LOOP; END PROCEDURE;
CREATE PROCEDURE counted(n NUMBER) BEGIN SET runs = runs + 1; IF runs = 1 THEN THROW 'first run fails'; END IF; RETURN n * runs; END PROCEDURE;
CREATE PROCEDURE steps(n NUMBER) BEGIN
  FOR i IN 1..n LOOP
    PRINT 'step ' || i;
    PROGRESS(i * 100 / n, 'step ' || i || ' of ' || n);
  END LOOP;
  WHILE NOT go LOOP SLEEP(2); END LOOP;
  RETURN n;
END PROCEDURE;
`;

describe('EXECUTION verbs, displays, interrupts and shutdown', function () {
  this.timeout(10_000);
  let dir: ReturnType<typeof tempDir>;
  let t: TestSession;
  const fresh = sessionPerTest(ROUTINES);
  beforeEach(() => {
    ({ t, dir } = fresh);
  });

  it('STATUS answers a document whose status is NOT_FOUND for an unknown name, HISTORY an empty list; the other verbs fail with execution_not_found', async () => {
    expect(await t.value(`EXECUTION('nope') | STATUS;`)).to.deep.equal({ execution_id: null, track_name: 'nope', status: 'NOT_FOUND', state: 'NOT_FOUND' });
    expect(await t.value(`EXECUTION('nope') | HISTORY;`)).to.deep.equal([]);
    for (const verb of ['WAIT', 'CANCEL', 'RETRY', 'PING', 'RESULT', 'COMPLETE(1)', "FAIL('x')"]) {
      const err = await t.fails(`EXECUTION('nope') | ${verb};`);
      expect(err.ename, verb).to.equal('execution_not_found');
    }
  });

  it('WAIT TIMEOUT returns the status with wait_timed_out and leaves the run going; RESULT is NULL until it completes', async () => {
    await t.run(`wait_for_go('late') | TRACK AS 'w';`);
    const waited = await t.value(`EXECUTION('w') | WAIT TIMEOUT 20 MILLISECONDS EVERY 5 MILLISECONDS;`);
    expect(waited).to.include({ wait_timed_out: true, status: 'RUNNING' });
    expect(await t.value(`EXECUTION('w') | RESULT;`)).to.equal(null);
    await t.run('SET go = TRUE;');
    expect(await t.value(`EXECUTION('w') | WAIT TIMEOUT 5 SECONDS;`)).to.equal('late');
    expect(await t.value(`EXECUTION('w') | RESULT;`)).to.equal('late');
  });

  it('CANCEL stops the body cooperatively, runs FINALLY only, and is idempotent', async () => {
    await t.run(`forever() | ON_FAIL note('fail') | FINALLY note('finally') | TRACK AS 'c';`);
    const cancelled = await t.value(`EXECUTION('c') | CANCEL;`);
    expect(cancelled.state).to.be.oneOf(['CANCEL_REQUESTED', 'CANCELLED']);
    const settled = await t.value(`EXECUTION('c') | WAIT;`);
    expect(settled).to.include({ status: 'CANCELLED', state: 'CANCELLED', state_reason: 'CANCELLED_BY_USER' });
    expect(t.variable('log')).to.deep.equal(['finally']);
    expect(await t.value(`EXECUTION('c') | CANCEL;`)).to.include({ state: 'CANCELLED' });
  });

  it('CANCEL FORCE decides at once', async () => {
    await t.run(`forever() | TRACK AS 'cf';`);
    expect(await t.value(`EXECUTION('cf') | CANCEL FORCE;`)).to.include({ status: 'CANCELLED' });
    expect(await t.value(`EXECUTION('cf') | WAIT;`)).to.include({ state: 'CANCELLED' });
  });

  it('COMPLETE(v) and FAIL(msg) settle a run from outside; the first decision wins', async () => {
    await t.run(`forever() | ON_DONE note(@result) | TRACK AS 'done-outside';`);
    await t.run(`EXECUTION('done-outside') | COMPLETE({answer: 42});`);
    expect(await t.value(`EXECUTION('done-outside') | WAIT;`)).to.deep.equal({ answer: 42 });
    expect((await t.value(`EXECUTION('done-outside') | FAIL('too late');`)).status).to.equal('COMPLETED');
    expect(t.variable('log')).to.deep.equal([{ answer: 42 }]);

    await t.run(`forever() | ON_FAIL note(@error) | TRACK AS 'failed-outside';`);
    await t.run(`EXECUTION('failed-outside') | FAIL('operator said no');`);
    expect(await t.value(`EXECUTION('failed-outside') | WAIT;`)).to.include({ status: 'FAILED', error: 'operator said no' });
    expect(t.variable('log')).to.deep.equal([{ answer: 42 }, 'operator said no']);
  });

  it('PING pushes the deadline out', async () => {
    await t.run(`forever() | TIMEOUT 1 HOUR | TRACK AS 'p';`);
    const before = await t.value(`EXECUTION('p') | STATUS;`);
    const pinged = await t.value(`EXECUTION('p') | PING;`);
    expect(Date.parse(pinged.deadline_at)).to.be.at.least(Date.parse(before.deadline_at));
    await t.run(`EXECUTION('p') | CANCEL FORCE;`);
  });

  it('RETRY re-runs the stored pipeline as a new run linked by retry_of; HISTORY lists both', async () => {
    await t.run(`counted(5) | ON_DONE note(@result) | TRACK AS 'r';`);
    const first = await t.value(`EXECUTION('r') | WAIT;`);
    expect(first).to.include({ status: 'FAILED', error: 'first run fails' });
    const again = await t.value(`EXECUTION('r') | RETRY;`);
    expect(again.execution_id).to.not.equal(first.execution_id);
    expect(await t.value(`EXECUTION('r') | WAIT;`)).to.equal(10);
    expect((await t.value(`EXECUTION('r') | STATUS;`)).retry_of).to.equal(first.execution_id);
    expect(t.variable('log')).to.deep.equal([10]);
    await (await t.session.executions.engine()).documents.store.refresh(EXECUTIONS_INDEX);
    const history = await t.value(`EXECUTION('r') | HISTORY;`);
    expect(history.map((h: { execution_id: string }) => h.execution_id)).to.deep.equal([first.execution_id, again.execution_id]);
  });

  it('EXECUTIONS lists top-level runs, newest first, filtered by an ES|QL condition', async () => {
    await t.run(`wait_for_go(1) | TRACK AS 'one'; wait_for_go(2) | TRACK AS 'two';`);
    await t.run('SET go = TRUE;');
    await t.run(`EXECUTION('one') | WAIT; EXECUTION('two') | WAIT;`);
    await t.run(`forever() | TRACK AS 'three';`);
    await (await t.session.executions.engine()).documents.store.refresh(EXECUTIONS_INDEX);
    const all = await t.value('EXECUTIONS;');
    expect(all.map((e: { track_name: string }) => e.track_name)).to.deep.equal(['three', 'two', 'one']);
    const running = await t.value('EXECUTIONS WHERE status == "RUNNING";');
    expect(running.map((e: { track_name: string }) => e.track_name)).to.deep.equal(['three']);
    expect(Object.keys(running[0])).to.include.members(['execution_id', 'status', 'state', 'procedure_name', 'progress', 'result', 'error']);
  });

  it('PRINT and PROGRESS of a background body go to its live display and document, not to the cell', async () => {
    const launch = new RecordingOutput();
    const outcome = await t.exec(`steps(4) | TRACK AS 'steps';`, new AbortController().signal, launch);
    expect(outcome.status).to.equal('ok');
    expect(launch.prints).to.deep.equal([]);
    expect(launch.displays).to.have.length(1);
    const id = launch.displays[0].id!;
    expect(id).to.match(/^exec-/);
    await t.run('SET go = TRUE;');
    const status = await t.value(`EXECUTION('steps') | WAIT; EXECUTION('steps') | STATUS;`);
    expect(status.output).to.deep.equal(['step 1', 'step 2', 'step 3', 'step 4']);
    expect(status.progress).to.deep.equal({ percent: 100, message: 'step 4 of 4' });
    // the final state reached the launching cell's Output, after that cell had finished
    const final = launch.latest(id);
    expect(final).to.contain('COMPLETED').and.to.contain('step 4').and.to.contain('100%').and.to.contain('result: 4');
    expect(t.out.prints).to.deep.equal([]);
  });

  it('throttles display updates but always sends the final state', async () => {
    const quiet = new TestSession(dir.path + '-throttled', {
      executions: { engine: { sweepEveryMs: 0 }, displays: { minIntervalMs: 60_000 } },
      store: () => new EmbeddedStore(join(dir.path, 'throttled.db')),
    });
    try {
      await quiet.run(ROUTINES);
      const launch = new RecordingOutput();
      await quiet.exec(`steps(50) | TRACK AS 'many';`, new AbortController().signal, launch);
      await quiet.run('SET go = TRUE;');
      await quiet.run(`EXECUTION('many') | WAIT;`);
      const id = launch.displays[0].id!;
      // 50 PRINTs and 50 PROGRESS calls, but within one interval: at most one intermediate update plus the final
      expect(launch.updates.length).to.be.within(1, 2);
      expect(launch.latest(id)).to.contain('COMPLETED');
    } finally {
      await quiet.session.shutdown();
    }
  });

  it('sends a final state that arrived between cells again with the next cell', async () => {
    const launch = new RecordingOutput();
    await t.exec(`forever() | TRACK AS 'idle';`, new AbortController().signal, launch);
    const id = launch.displays[0].id!;
    const engine = await t.session.executions.engine();
    await engine.cancel('idle', { force: true });
    await engine.wait('idle');
    expect(launch.latest(id)).to.contain('CANCELLED');
    const next = new RecordingOutput();
    await t.exec(`PRINT 'next cell';`, new AbortController().signal, next);
    expect(next.updates.map((u) => u.id)).to.deep.equal([id]);
    expect(next.latest(id)).to.contain('CANCELLED');
    const after = new RecordingOutput();
    await t.exec(`PRINT 'and the one after';`, new AbortController().signal, after);
    expect(after.updates).to.deep.equal([]);
  });

  it('shows a PARALLEL with one line per branch', async () => {
    const launch = new RecordingOutput();
    await t.exec(`PARALLEL [wait_for_go('a'), wait_for_go('b')] | TRACK AS 'pair';`, new AbortController().signal, launch);
    await t.run('SET go = TRUE;');
    await t.run(`EXECUTION('pair') | WAIT;`);
    const text = launch.latest(launch.displays[0].id!);
    expect(text).to.contain('PARALLEL[wait_for_go, wait_for_go]').and.to.contain('COMPLETED');
    expect(text.split('\n').filter((l) => l.startsWith('  ') && l.includes('wait_for_go'))).to.have.length(2);
  });

  it('an interrupt stops the foreground cell and leaves background executions running', async () => {
    await t.run(`forever() | TRACK AS 'bg';`);
    const controller = new AbortController();
    const foreground = t.exec('WHILE TRUE LOOP SET runs = runs + 1; END LOOP;', controller.signal);
    setImmediate(() => controller.abort());
    const outcome = await foreground;
    expect(outcome.status === 'error' && outcome.error.ename).to.equal('interrupted');
    expect(await t.value(`EXECUTION('bg') | STATUS;`)).to.include({ status: 'RUNNING', state: 'RUNNING' });
    // a WAIT in the foreground is interruptible too, and the run still goes on
    const waiting = new AbortController();
    const wait = t.exec(`EXECUTION('bg') | WAIT;`, waiting.signal);
    setImmediate(() => waiting.abort());
    const waited = await wait;
    expect(waited.status === 'error' && waited.error.ename).to.equal('interrupted');
    expect(await t.value(`EXECUTION('bg') | STATUS;`)).to.include({ state: 'RUNNING' });
    await t.run(`EXECUTION('bg') | CANCEL;`);
    expect(await t.value(`EXECUTION('bg') | WAIT;`)).to.include({ state: 'CANCELLED' });
  });

  it('shutdown cancels running executions cooperatively, runs FINALLY and records KERNEL_SHUTDOWN', async () => {
    await t.run(`forever() | FINALLY (@result) => { PRINT 'finally ran'; } | TRACK AS 'victim';`);
    await t.session.shutdown();
    const later = new TestSession(dir.path);
    try {
      const status = await later.value(`EXECUTION('victim') | STATUS;`);
      expect(status).to.include({ status: 'CANCELLED', state: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
      expect(status.output).to.deep.equal(['finally ran']);
    } finally {
      await later.session.shutdown();
    }
  });

  it('RETRY from another session rebuilds the pipeline from the store, with the captured locals', async () => {
    await t.run(`
      CREATE PROCEDURE launch() BEGIN
        DECLARE tag = 'captured';
        counted(7) | ON_DONE note([tag, @result]) | TRACK AS 'cross';
      END PROCEDURE;
      CALL launch();`);
    expect(await t.value(`EXECUTION('cross') | WAIT;`)).to.include({ status: 'FAILED' });
    await t.session.shutdown();
    const other = new TestSession(dir.path);
    try {
      await other.run(ROUTINES);
      await other.run('SET runs = 1;');
      await other.run(`EXECUTION('cross') | RETRY;`);
      expect(await other.value(`EXECUTION('cross') | WAIT;`)).to.equal(14);
      expect(other.variable('log')).to.deep.equal([['captured', 14]]);
    } finally {
      await other.session.shutdown();
    }
  });

  it('drain waits for every execution the session started', async () => {
    await t.run(`steps(2) | TRACK AS 'd1'; PARALLEL [wait_for_go(1), wait_for_go(2)] | TRACK AS 'd2';`);
    const drained = t.session.drain();
    await t.run('SET go = TRUE;');
    await drained;
    expect((await t.value(`EXECUTION('d1') | STATUS;`)).settled_at).to.be.a('string');
    expect((await t.value(`EXECUTION('d2') | STATUS;`)).settled_at).to.be.a('string');
  });
});
