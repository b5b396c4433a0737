// The engine's behaviour, written once against any DataStore: `defineEngineSuite` is called with the
// in-memory store here, and with the embedded SQLite store and the Elasticsearch mock when they exist.
// Time is a manual clock; tests wait on the engine's own promises and events, never on sleeps.

import { expect } from 'chai';
import { EXECUTIONS_INDEX } from '../../../language/async/document';
import { StopRequest } from '../../../language/async/errors';
import { ExecutionIdGenerator } from '../../../language/async/ids';
import { Harness, StoreFactory } from './support/harness';
import { SuiteState, asView, expectError } from './suite-helpers';
import { defineStartingSuite } from './suite-starting';
import { defineControlSuite } from './suite-control';
import { defineLookupsSuite } from './suite-lookups';

export function defineEngineSuite(storeName: string, makeStore: StoreFactory): void {
  describe(`async engine on the ${storeName} store`, () => {
    const s = {} as SuiteState;

    beforeEach(async () => {
      s.h = new Harness(await makeStore());
      s.engine = s.h.engine({ kernelId: 'kernel-a' });
      await s.engine.open();
    });

    afterEach(async () => {
      for (const e of s.h.engines) e.halt();
      expect(s.h.backgroundErrors, 'background errors').to.deep.equal([]);
      await s.h.store.close();
    });

    defineStartingSuite(s);

    defineControlSuite(s);

    defineLookupsSuite(s);

    describe('shutdown, events, progress, lists', () => {
      it('shutdown cancels running executions cooperatively, runs FINALLY and records KERNEL_SHUTDOWN', async () => {
        const work = s.h.controlled('work');
        s.h.handler('cleanup');
        const one = await s.engine.start(s.h.spec({ procedure: 'work', finally: ['cleanup'] }));
        const two = await s.engine.parallel(s.h.parallelSpec({ branches: [{ procedure: 'work' }] }));
        await work.nth(1);
        await s.engine.shutdown();
        const b = s.h.engine({ kernelId: 'kernel-b' });
        for (const id of [one.execution_id, two.execution_id]) {
          expect(asView(await b.status(id))).to.include({ status: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
        }
        expect(asView(await b.status(`${two.execution_id}-0000`))).to.include({ state: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
        const reason = work.invocations[0].ctx.signal.reason as StopRequest;
        expect(reason).to.be.instanceOf(StopRequest);
        expect([reason.kind, reason.stateReason]).to.deep.equal(['cancelled', 'KERNEL_SHUTDOWN']);
        expect(s.h.callsOf('cleanup')).to.have.length(1);
        await expectError(s.engine.start(s.h.spec({ procedure: 'work' })), 'invalid_argument');
      });

      it('shutdown with a grace period leaves what has not settled by then, as a killed kernel would', async () => {
        s.h.controlled('work', true); // ignores its stop signal
        s.h.handler('stuck', () => new Promise(() => undefined)); // a FINALLY that never returns
        const quick = await s.engine.start(s.h.spec({ procedure: 'work' }));
        const stuck = await s.engine.start(s.h.spec({ procedure: 'work', finally: ['stuck'] }));
        let left: string[] | null = null;
        const shutdown = s.engine.shutdown({ graceMs: 8_000 }).then((ids) => (left = ids));
        await s.h.clock.advance(7_999); // the bodies are cancelled by force after 5 s; one FINALLY hangs
        expect(left).to.equal(null);
        await s.h.clock.advance(1);
        await shutdown;
        expect(left).to.deep.equal([stuck.execution_id]);
        expect(asView(await s.engine.status(quick.execution_id))).to.include({ status: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
        expect(asView(await s.engine.status(stuck.execution_id)).settled_at).to.equal(null);
        expect(s.engine.activeIds).to.deep.equal([]);
      });

      it('emits an event per transition, PROGRESS and PRINT; progress is stored', async () => {
        const work = s.h.controlled('work');
        const events: string[] = [];
        s.engine.onEvent((e) => events.push(`${e.type}:${e.document.state}${e.text ? `:${e.text}` : ''}`));
        const handle = await s.engine.start(s.h.spec({ procedure: 'work' }));
        const call = await work.nth(0);
        call.ctx.print('loading');
        await call.ctx.progress(40, 'two of five');
        const stored = asView(await s.engine.status(handle.execution_id));
        expect(stored.progress).to.deep.equal({ percent: 40, message: 'two of five' });
        expect(((await s.h.store.get(EXECUTIONS_INDEX, handle.execution_id))!._source.progress as object)).to.deep.equal({ percent: 40, message: 'two of five' });
        call.resolve('ok');
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.document.output).to.deep.equal(['loading']);
        expect(events[0]).to.equal('state:RUNNING');
        expect(events).to.include('print:RUNNING:loading');
        expect(events).to.include('progress:RUNNING');
        expect(events[events.length - 1]).to.equal('state:COMPLETED');
      });

      it('coalesces a burst of PROGRESS calls into few writes', async () => {
        const work = s.h.controlled('work');
        await s.engine.start(s.h.spec({ procedure: 'work' }));
        const call = await work.nth(0);
        const store = s.h.store as unknown as { calls?: Record<string, number> };
        const before = store.calls?.index ?? 0;
        await Promise.all(Array.from({ length: 100 }, (_, i) => call.ctx.progress(i)));
        if (store.calls) expect(store.calls.index - before).to.be.at.most(2);
        expect(asView(await s.engine.status(call.ctx.executionId)).progress.percent).to.equal(99);
      });

      it('PROGRESS through the s.engine for a run of this kernel', async () => {
        const work = s.h.controlled('work');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work' }));
        await work.nth(0);
        await s.engine.progress(handle.execution_id, 75, 'almost');
        expect(asView(await s.engine.status(handle.execution_id)).progress).to.deep.equal({ percent: 75, message: 'almost' });
        await expectError(s.engine.progress(new ExecutionIdGenerator().next(s.h.clock.now()), 1), 'execution_not_found');
      });

      it('EXECUTIONS [WHERE] lists top-level executions newest first through ES|QL', async () => {
        const work = s.h.controlled('work');
        s.h.body('quick', async () => 1);
        const done = await s.engine.start(s.h.spec({ procedure: 'quick' }));
        await s.engine.wait(done.execution_id);
        await s.h.clock.advance(1);
        const running = await s.engine.start(s.h.spec({ procedure: 'work' }));
        await work.nth(0);
        expect((await s.engine.list()).map((d) => d.execution_id)).to.deep.equal([running.execution_id, done.execution_id]);
        expect((await s.engine.list('status == "RUNNING"')).map((d) => d.execution_id)).to.deep.equal([running.execution_id]);
        expect((await s.engine.list('procedure_name == "quick"', 10)).map((d) => d.status)).to.deep.equal(['COMPLETED']);
      });
    });
  });
}
