// A session that dies mid-run (its engine halted: no more writes, no lease renewal) leaves a run that the next
// session takes over: LOST with ON_FAIL (WORKER_LOST) and FINALLY, or a re-run of the stored pipeline when it
// asked for retries. The next session's clock runs ahead, so the dead lease has expired without waiting for it.
import { expect } from 'chai';
import type { Clock } from '../../../language/async/clock';
import { systemClock } from '../../../language/async/clock';
import { TestSession, tempDir } from './support';

const ahead = (ms: number): Clock => ({ now: () => Date.now() + ms, setTimer: systemClock.setTimer });

const ROUTINES = `
DECLARE log = [];
DECLARE go = FALSE;
CREATE PROCEDURE note(x ANY) BEGIN SET log = ARRAY_APPEND(log, x); END PROCEDURE;
CREATE PROCEDURE job(n NUMBER) BEGIN WHILE NOT go LOOP SLEEP(2); END LOOP; RETURN n + 1; END PROCEDURE;
`;

describe('async executions of a session that died', function () {
  this.timeout(10_000);
  let dir: ReturnType<typeof tempDir>;

  beforeEach(() => { dir = tempDir(); });
  afterEach(() => dir.remove());

  async function dieWhileRunning(pipeline: string): Promise<void> {
    const doomed = new TestSession(dir.path, { executions: { engine: { sweepEveryMs: 0, leaseMs: 1_000 } } });
    await doomed.run(ROUTINES);
    await doomed.run(pipeline);
    (await doomed.session.executions.engine()).halt();
    await doomed.session.shutdown(); // writes nothing more: the halted engine has forgotten its runs
  }

  it('marks the run LOST and runs ON_FAIL with WORKER_LOST and FINALLY in the session that takes over', async () => {
    await dieWhileRunning(`job(1) | ON_FAIL note(@error_info.type) | FINALLY note('finally') | TRACK AS 'orphan';`);
    const next = new TestSession(dir.path, { executions: { engine: { sweepEveryMs: 0, clock: ahead(60_000) } } });
    try {
      await next.run(ROUTINES);
      const status = await next.value(`EXECUTION('orphan') | WAIT;`);
      expect(status).to.include({ state: 'LOST', state_reason: 'WORKER_LOST' });
      expect(next.variable('log')).to.deep.equal(['WORKER_LOST', 'finally']);
      // The cell that took it over shows it, live, ending with its final state.
      expect(next.out.displays.map((d) => d.id)).to.include(status.execution_id);
      expect(next.out.latest(status.execution_id)).to.match(/LOST/);
    } finally {
      await next.session.shutdown();
    }
  });

  it('re-runs the stored pipeline when it asked for RETRY', async () => {
    await dieWhileRunning(`job(41) | ON_DONE note(@result) | RETRY 2 | TRACK AS 'orphan-retried';`);
    const next = new TestSession(dir.path, { executions: { engine: { sweepEveryMs: 0, clock: ahead(60_000) } } });
    try {
      await next.run(ROUTINES);
      await next.run('SET go = TRUE;');
      expect(await next.value(`EXECUTION('orphan-retried') | WAIT;`)).to.equal(42);
      expect(next.variable('log')).to.deep.equal([42]);
      expect((await next.value(`EXECUTION('orphan-retried') | STATUS;`)).attempt).to.equal(2);
    } finally {
      await next.session.shutdown();
    }
  });
});
