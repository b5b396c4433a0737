// The engine suite (suite.ts), part: CANCEL, external COMPLETE and FAIL, leases and LOST.
// `s` holds the harness and engine of the current test.

import { expect } from 'chai';
import { ExecutionError } from '../../../language/async/errors';
import type { SuiteState } from './suite-helpers';
import { asView } from './suite-helpers';

export function defineControlSuite(s: SuiteState): void {
    describe('CANCEL', () => {
      it('is cooperative: the body sees the signal, FINALLY runs, ON_FAIL does not; a second cancel changes nothing', async () => {
        const work = s.h.controlled('work');
        s.h.handler('report');
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work', onFail: ['report'], finally: ['cleanup'] }));
        const call = await work.nth(0);
        const first = await s.engine.cancel(handle.execution_id);
        expect(first.changed).to.equal(true);
        expect(call.ctx.signal.aborted).to.equal(true);
        expect((call.ctx.signal.reason as ExecutionError).kind).to.equal('cancelled');
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.document).to.include({ status: 'CANCELLED', state: 'CANCELLED', state_reason: 'CANCELLED_BY_USER' });
        expect(s.h.callsOf('cleanup')).to.have.length(1);
        expect(s.h.callsOf('report')).to.have.length(0);
        const second = await s.engine.cancel(handle.execution_id);
        expect(second.changed).to.equal(false);
        expect(second.document.state).to.equal('CANCELLED');
      });

      it('shows CANCEL_REQUESTED (status RUNNING) until a slow body stops; after the grace period it is forced', async () => {
        const stubborn = s.h.controlled('stubborn', true);
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'stubborn', finally: ['cleanup'] }));
        await stubborn.nth(0);
        await s.engine.cancel(handle.execution_id);
        const requested = asView(await s.engine.status(handle.execution_id));
        expect(requested).to.include({ state: 'CANCEL_REQUESTED', status: 'RUNNING' });
        const done = s.engine.wait(handle.execution_id);
        await s.h.clock.advance(5_000); // grace for the body, then the forced cancel
        await s.h.clock.advance(5_000); // grace before FINALLY
        const waited = await done;
        expect(waited.document.state).to.equal('CANCELLED');
        expect(s.h.callsOf('cleanup')).to.have.length(1);
      });

      it('FORCE records CANCELLED at once and runs FINALLY without waiting for the body', async () => {
        const stubborn = s.h.controlled('stubborn', true);
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'stubborn', finally: ['cleanup'] }));
        const call = await stubborn.nth(0);
        const forced = await s.engine.cancel(handle.execution_id, { force: true });
        expect(forced.changed).to.equal(true);
        expect(forced.document.state).to.equal('CANCELLED');
        const done = s.engine.wait(handle.execution_id);
        await s.h.clock.advance(5_000);
        await done;
        expect(s.h.callsOf('cleanup')).to.have.length(1);
        call.resolve('too late');
        expect(await s.engine.result(handle.execution_id)).to.equal(null);
      });

      it('cancels a run waiting for its retry without starting it again', async () => {
        let attempts = 0;
        s.h.body('broken', async () => {
          attempts++;
          throw new Error('no');
        });
        const handle = await s.engine.start(s.h.spec({ procedure: 'broken', retries: 5, backoffMs: 10_000 }));
        await s.h.untilState(s.engine, handle.execution_id, 'RETRY_SCHEDULED');
        const cancelled = await s.engine.cancel(handle.execution_id);
        expect(cancelled.document.state).to.equal('CANCELLED');
        await s.h.clock.advance(60_000);
        expect(attempts).to.equal(1);
      });
    });

    describe('external COMPLETE and FAIL', () => {
      it('COMPLETE(value) decides the outcome: ON_DONE sees the value, the body is stopped, later calls change nothing', async () => {
        const work = s.h.controlled('work');
        s.h.handler('done');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work', onDone: ['done'] }));
        const call = await work.nth(0);
        const completed = await s.engine.complete(handle.execution_id, { approved: true });
        expect(completed.changed).to.equal(true);
        expect(completed.document).to.include({ status: 'COMPLETED', state_reason: 'COMPLETED_EXTERNALLY' });
        expect(call.ctx.signal.aborted).to.equal(true);
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.deep.equal({ approved: true });
        expect(s.h.callsOf('done')[0].bindings.result).to.deep.equal({ approved: true });
        expect((await s.engine.complete(handle.execution_id, 'second')).changed).to.equal(false);
        expect((await s.engine.fail(handle.execution_id, 'late')).changed).to.equal(false);
        expect(await s.engine.result(handle.execution_id)).to.deep.equal({ approved: true });
      });

      it('FAIL(message) fails the run and runs ON_FAIL with that message', async () => {
        s.h.controlled('work');
        s.h.handler('report');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work', onFail: ['report'] }));
        await s.engine.fail(handle.execution_id, 'rejected by reviewer');
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.document).to.include({ status: 'FAILED', error: 'rejected by reviewer', state_reason: 'FAILED_EXTERNALLY' });
        expect(s.h.callsOf('report')[0].bindings.error).to.equal('rejected by reviewer');
      });

      it('cancel then complete: the cancel wins', async () => {
        s.h.controlled('work');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work' }));
        const [cancel, complete] = [await s.engine.cancel(handle.execution_id), await s.engine.complete(handle.execution_id, 1)];
        expect([cancel.changed, complete.changed]).to.deep.equal([true, false]);
        expect((await s.engine.wait(handle.execution_id)).document.state).to.equal('CANCELLED');
      });

      it('complete then cancel: the completion wins', async () => {
        s.h.controlled('work');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work' }));
        const complete = await s.engine.complete(handle.execution_id, 1);
        const cancel = await s.engine.cancel(handle.execution_id);
        expect([complete.changed, cancel.changed]).to.deep.equal([true, false]);
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal(1);
      });

      it('two engines completing the same run at once: exactly one wins, the owner runs ON_DONE once', async () => {
        s.h.controlled('work');
        s.h.handler('done');
        const other = s.h.engine({ kernelId: 'kernel-b' });
        const handle = await s.engine.start(s.h.spec({ procedure: 'work', onDone: ['done'] }));
        const results = await Promise.all([
          s.engine.complete(handle.execution_id, 'from a'),
          other.complete(handle.execution_id, 'from b'),
          other.cancel(handle.execution_id),
        ]);
        expect(results.filter((r) => r.changed)).to.have.length(1);
        const winner = results.findIndex((r) => r.changed);
        // The remote decisions are noticed by the owner's control watch.
        const done = s.engine.wait(handle.execution_id);
        await s.h.clock.advance(500);
        const waited = await done;
        if (winner === 2) {
          expect(waited.document.state).to.equal('CANCELLED');
          expect(s.h.callsOf('done')).to.have.length(0);
        } else {
          expect(waited.kind === 'result' && waited.value).to.equal(winner === 0 ? 'from a' : 'from b');
          expect(s.h.callsOf('done')).to.have.length(1);
          expect(s.h.callsOf('done')[0].executionId).to.equal(handle.execution_id);
        }
      });

      it('a CANCEL, COMPLETE or FAIL from another kernel reaches the owner within one control-watch tick, long before its lease renewal', async () => {
        const work = s.h.controlled('work');
        s.h.handler('done');
        s.h.handler('failed');
        s.h.handler('cleanup');
        const other = s.h.engine({ kernelId: 'kernel-b' });
        await s.engine.start(s.h.spec({ procedure: 'work', finally: ['cleanup'], track: 'to-cancel' }));
        await s.engine.start(s.h.spec({ procedure: 'work', onDone: ['done'], track: 'to-complete' }));
        await s.engine.start(s.h.spec({ procedure: 'work', onFail: ['failed'], track: 'to-fail' }));
        const calls = await Promise.all([work.nth(0), work.nth(1), work.nth(2)]);
        await other.cancel('to-cancel');
        await other.complete('to-complete', 'from b');
        await other.fail('to-fail', 'stop it');
        expect(calls.map((c) => c.ctx.signal.aborted)).to.deep.equal([false, false, false]);
        // One tick of the watch: 250 ms on a store that says when others wrote, 500 ms otherwise (renewal: 10 s).
        await s.h.clock.advance(500);
        expect(calls.map((c) => c.ctx.signal.aborted)).to.deep.equal([true, true, true]);
        const [cancelled, completed, failed] = await Promise.all(['to-cancel', 'to-complete', 'to-fail'].map((x) => s.engine.wait(x)));
        expect(cancelled.document).to.include({ state: 'CANCELLED', state_reason: 'CANCELLED_BY_USER' });
        expect(s.h.callsOf('cleanup')).to.have.length(1);
        expect(completed.kind === 'result' && completed.value).to.equal('from b');
        expect(s.h.callsOf('done').map((c) => c.bindings.result)).to.deep.equal(['from b']);
        expect(failed.document).to.include({ state: 'FAILED', error: 'stop it' });
        expect(s.h.callsOf('failed').map((c) => c.bindings.error)).to.deep.equal(['stop it']);
      });

      it('the control watch reads the store only when someone else may have written, once per tick for all runs', async () => {
        s.h.controlled('work');
        const handles = await Promise.all([1, 2, 3].map(() => s.engine.start(s.h.spec({ procedure: 'work', timeoutMs: 60_000 }))));
        const watch = s.engine.upkeep.control;
        await s.h.clock.advance(500); // the first tick reads: it does not know yet what others did
        const before = watch.reads;
        await s.h.clock.advance(2_000);
        const told = s.h.store.othersCommitVersion !== undefined;
        // The embedded store says nobody else wrote: no read at all. A store that cannot tell is asked once a tick.
        expect(watch.reads - before).to.equal(told ? 0 : 4);
        const other = s.h.engine({ kernelId: 'kernel-b' });
        await other.ping(handles[0].execution_id);
        const afterPing = watch.reads;
        await s.h.clock.advance(told ? 250 : 500);
        // The versions of all three runs in one call, then the one document that changed.
        expect(watch.reads - afterPing).to.equal(2);
      });
    });

    describe('leases, dead kernels and LOST', () => {
      /** A run with ON_FAIL report and FINALLY cleanup whose kernel dies at 25 s (renewed at 10 s and 20 s: its lease runs to 50 s). */
      async function runOfKernelDyingAt25s(): Promise<string> {
        s.h.controlled('work');
        s.h.handler('report');
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work', onFail: ['report'], finally: ['cleanup'] }));
        await s.h.clock.advance(25_000);
        expect(asView(await s.engine.status(handle.execution_id)).status).to.equal('RUNNING');
        s.engine.halt(); // the kernel dies: no more renewals, nothing in memory survives
        return handle.execution_id;
      }

      it('shows RUNNING (owner unreachable) once the lease expired; a sweep moves it to LOST and runs ON_FAIL and FINALLY once', async () => {
        const id = await runOfKernelDyingAt25s();
        const b = s.h.engine({ kernelId: 'kernel-b' });
        await s.h.clock.advance(24_999); // last renewal at 20 s: the lease runs to 50 s
        expect(asView(await b.status(id))).to.include({ status: 'RUNNING', owner_reachable: true });
        await s.h.clock.advance(1);
        expect(asView(await b.status(id))).to.include({ status: 'RUNNING (owner unreachable)', owner_reachable: false });
        const c = s.h.engine({ kernelId: 'kernel-c' });
        const [rb, rc] = await Promise.all([b.sweep(), c.sweep()]);
        expect(rb.recovered + rc.recovered).to.equal(1);
        const waited = await b.wait(id);
        expect(waited.document).to.include({ status: 'FAILED', state: 'LOST', state_reason: 'WORKER_LOST' });
        expect(waited.document.error_info!.type).to.equal('WORKER_LOST');
        expect(s.h.callsOf('report').map((call) => call.bindings.error_info!.type)).to.deep.equal(['WORKER_LOST']);
        expect(s.h.callsOf('cleanup')).to.have.length(1);
        expect(waited.document.lease!.epoch).to.equal(2);
        await Promise.all([b.sweep(), c.sweep()]);
        expect(s.h.callsOf('cleanup')).to.have.length(1);
      });

      it("live kernels' lease watches move a dead kernel's run to LOST as its lease runs out, handlers exactly once", async () => {
        const id = await runOfKernelDyingAt25s();
        // Two live kernels watch the store with the default lease watch (and no sweep).
        const [b, c] = ['kernel-b', 'kernel-c'].map((k) => s.h.engine({ kernelId: k, lostCheckEveryMs: undefined }));
        await Promise.all([b.open(), c.open()]);
        await s.h.clock.advance(24_999);
        expect(asView(await b.status(id))).to.include({ status: 'RUNNING', owner_reachable: true });
        await s.h.clock.advance(1);
        const now = asView(await b.status(id));
        expect(now).to.include({ state: 'LOST', state_reason: 'WORKER_LOST' });
        const waited = await b.wait(id).catch(() => c.wait(id));
        expect(waited.document.state).to.equal('LOST');
        expect(s.h.callsOf('report').map((call) => call.bindings.error_info!.type)).to.deep.equal(['WORKER_LOST']);
        expect(s.h.callsOf('cleanup')).to.have.length(1);
      });

      it('the lease watch also learns the lease of a document it read, and queries at most every third of the lease', async () => {
        s.h.controlled('work');
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work', finally: ['cleanup'] }));
        s.engine.halt(); // its lease runs to 30 s
        const b = s.h.engine({ kernelId: 'kernel-b', lostCheckEveryMs: 3_600_000 });
        await b.open();
        expect(asView(await b.status(handle.execution_id)).status).to.equal('RUNNING');
        const lost = s.h.untilState(b, handle.execution_id, 'LOST');
        await s.h.clock.advance(30_000);
        await lost;
        expect(b.upkeep.leases.queries, 'no periodic query was needed').to.equal(1);
        await b.wait(handle.execution_id);
        expect(s.h.callsOf('cleanup')).to.have.length(1);

        const quiet = s.h.engine({ kernelId: 'kernel-quiet', lostCheckEveryMs: undefined });
        await quiet.open();
        await s.h.clock.advance(60_000);
        // Every 5 s (a third of the 30 s lease, at most 5 s) on a store that cannot say whether anyone wrote;
        // on the embedded store only after another connection or s.engine wrote: here nobody did.
        expect(quiet.upkeep.leases.queries).to.equal(s.h.store.othersCommitVersion !== undefined ? 1 : 12);
      });

      it('re-runs a lost run when its pipeline asked for retries', async () => {
        const work = s.h.controlled('work');
        s.h.handler('done');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work', retries: 1, onDone: ['done'] }));
        await work.nth(0);
        s.engine.halt();
        await s.h.clock.advance(30_000);
        const b = s.h.engine({ kernelId: 'kernel-b' });
        const report = await b.open();
        expect(report.recovered).to.equal(1);
        const second = await work.nth(1);
        expect(second.ctx.attempt).to.equal(2);
        second.resolve('recovered');
        const waited = await b.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal('recovered');
        expect(waited.document.lease!.owner_id).to.equal(b.ownerId);
        expect(s.h.callsOf('done')).to.have.length(1);
      });

      it('the periodic sweep of a live kernel takes over runs of a dead one', async () => {
        s.h.controlled('work');
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work', finally: ['cleanup'] }));
        s.engine.halt();
        const b = s.h.engine({ kernelId: 'kernel-b', sweepEveryMs: 60_000 });
        const lost = s.h.untilState(b, handle.execution_id, 'LOST');
        await b.open();
        await s.h.clock.advance(60_000);
        await lost;
        await b.wait(handle.execution_id);
        expect(s.h.callsOf('cleanup')).to.have.length(1);
      });

      it('WAIT on a dead kernel run takes it over instead of waiting for ever', async () => {
        s.h.controlled('work');
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work', finally: ['cleanup'] }));
        s.engine.halt();
        const b = s.h.engine({ kernelId: 'kernel-b' });
        const waiting = b.wait(handle.execution_id, { everyMs: 5_000 });
        await s.h.clock.advance(35_000);
        const waited = await waiting;
        expect(waited.document.state).to.equal('LOST');
        expect(s.h.callsOf('cleanup')).to.have.length(1);
      });

      it('does not run handlers twice when the owner died while running them', async () => {
        s.h.body('quick', async () => 1);
        let release!: () => void;
        const entered = new Promise<void>((inside) =>
          s.h.handler('slowDone', () => {
            inside();
            return new Promise<void>((r) => (release = r));
          }),
        );
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'quick', onDone: ['slowDone'], finally: ['cleanup'] }));
        await entered;
        s.engine.halt();
        release();
        await s.h.clock.advance(31_000);
        const b = s.h.engine({ kernelId: 'kernel-b' });
        await b.sweep();
        const status = asView(await b.status(handle.execution_id));
        expect(status).to.include({ state: 'COMPLETED', state_reason: 'HANDLERS_INTERRUPTED' });
        expect(status.settled_at).to.be.a('string');
        expect(s.h.callsOf('slowDone')).to.have.length(1);
        expect(s.h.callsOf('cleanup')).to.have.length(0);
      });

      it('a kernel that lost its lease stops and leaves the run to the new owner', async () => {
        const work = s.h.controlled('work');
        s.h.handler('done');
        // An owner that stalls: its renewal timer does not come round before the lease runs out.
        const stalled = s.h.engine({ kernelId: 'kernel-stalled', renewEveryMs: 3_600_000 });
        await stalled.open();
        const handle = await stalled.start(s.h.spec({ procedure: 'work', retries: 1, onDone: ['done'] }));
        const first = await work.nth(0);
        const b = s.h.engine({ kernelId: 'kernel-b' });
        await s.h.clock.advance(30_000);
        await b.sweep();
        const second = await work.nth(1);
        // ...then wakes up: its late result must not overwrite the new owner's run.
        first.resolve('stale');
        await stalled.renewAll();
        expect(stalled.activeIds).to.deep.equal([]);
        second.resolve('fresh');
        const waited = await b.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal('fresh');
        expect(s.h.callsOf('done')).to.have.length(1);
      });
    });
}
