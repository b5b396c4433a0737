// The session's side of the engine: a kernel that opens it at start (watchIfUsed) looks after other kernels'
// runs before it starts any of its own, and never creates the indices in a store that has no executions.

import { expect } from 'chai';
import { EXECUTIONS_INDEX } from '../../../language/async/document';
import { describeError } from '../../../language/async/errors';
import { SessionExecutions } from '../../../language/async/session-executions';
import { Harness } from './support/harness';
import { MemoryStore } from './support/memory-store';

describe('SessionExecutions.watchIfUsed', () => {
  it('leaves a store without executions alone', async () => {
    const store = new MemoryStore();
    const executions = new SessionExecutions({ store: () => store, resolve: () => Promise.reject(new Error('none')), describeError, settings: {}, notebook: null });
    expect(await executions.watchIfUsed()).to.equal(false);
    expect(executions.started).to.equal(false);
    expect(await store.indexExists(EXECUTIONS_INDEX)).to.equal(false);
  });

  it("opens the engine on a store with executions: a dead kernel's run becomes LOST as its lease runs out", async () => {
    const h = new Harness(new MemoryStore());
    h.controlled('work');
    h.handler('cleanup');
    const dead = h.engine({ kernelId: 'dead' });
    const handle = await dead.start(h.spec({ procedure: 'work', finally: ['cleanup'] }));
    dead.halt(); // its lease runs to 30 s
    const executions = new SessionExecutions({
      store: () => h.store,
      resolve: (p) => h.resolve(p),
      describeError,
      settings: {},
      notebook: null,
      engine: { clock: h.clock, kernelId: 'starting-kernel' },
    });
    expect(await executions.watchIfUsed()).to.equal(true);
    expect(executions.started).to.equal(true);
    const engine = await executions.engine();
    await h.clock.advance(30_000);
    const status = await engine.status(handle.execution_id);
    expect(status).to.include({ state: 'LOST' });
    await engine.wait(handle.execution_id);
    expect(h.callsOf('cleanup')).to.have.length(1);
    await executions.shutdown();
  });
});
