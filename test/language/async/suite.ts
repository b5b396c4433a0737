// The engine's behaviour, written once against any DataStore: `defineEngineSuite` is called with the
// in-memory store here, and with the embedded SQLite store and the Elasticsearch mock when they exist.
// Time is a manual clock; tests wait on the engine's own promises and events, never on sleeps.

import { expect } from 'chai';
import { EXECUTIONS_INDEX, TRACKS_INDEX } from '../../../language/async/document';
import type { ExecutionEngine, StatusView } from '../../../language/async/engine';
import { ExecutionError, StopRequest } from '../../../language/async/errors';
import { ExecutionIdGenerator, isExecutionId } from '../../../language/async/ids';
import { Harness, StoreFactory } from './support/harness';
import { describeScriptError } from '../../../language/evaluator/async-statements';
import { ScriptError } from '../../../language/errors';

function asView(status: StatusView | string): StatusView {
  if (typeof status === 'string') throw new Error(`expected a document, got ${status}`);
  return status;
}

async function expectError(p: Promise<unknown>, kind: string): Promise<ExecutionError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(ExecutionError);
    expect((err as ExecutionError).kind).to.equal(kind);
    return err as ExecutionError;
  }
  throw new Error(`expected an ${kind} error`);
}

export function defineEngineSuite(storeName: string, makeStore: StoreFactory): void {
  describe(`async engine on the ${storeName} store`, () => {
    let h: Harness;
    let engine: ExecutionEngine;

    beforeEach(async () => {
      h = new Harness(await makeStore());
      engine = h.engine({ kernelId: 'kernel-a' });
      await engine.open();
    });

    afterEach(async () => {
      for (const e of h.engines) e.halt();
      expect(h.backgroundErrors, 'background errors').to.deep.equal([]);
      await h.store.close();
    });

    describe('starting work', () => {
      it('returns the handle at once and runs the body in the background', async () => {
        const work = h.controlled('work');
        const handle = await engine.start(h.spec({ procedure: 'work', args: [1, 'x'] }));
        expect(isExecutionId(handle.execution_id)).to.equal(true);
        expect(handle).to.include({ status: 'RUNNING', state: 'RUNNING', procedure_name: 'work', kind: 'PROCEDURE', attached: false });
        const call = await work.nth(0);
        expect(call.args).to.deep.equal([1, 'x']);
        expect(call.ctx.executionId).to.equal(handle.execution_id);
        const running = asView(await engine.status(handle.execution_id));
        expect(running.status).to.equal('RUNNING');
        expect(running.parameters).to.deep.equal([1, 'x']);
        call.resolve({ rows: 3 });
        const waited = await engine.wait(handle.execution_id);
        expect(waited.kind).to.equal('result');
        expect(waited.kind === 'result' && waited.value).to.deep.equal({ rows: 3 });
      });

      it('stores the documented fields, the reference mirrors and a settled retention date', async () => {
        h.body('quick', async () => 42);
        h.clock.now();
        const handle = await engine.start(h.spec({ procedure: 'quick', track: 'nightly', timeoutMs: 60_000 }));
        await engine.wait(handle.execution_id);
        const stored = (await h.store.get(EXECUTIONS_INDEX, handle.execution_id))!._source as Record<string, unknown>;
        expect(stored).to.include({
          execution_id: handle.execution_id,
          track_name: 'nightly',
          name: 'nightly',
          procedure_name: 'quick',
          procedure: 'quick',
          status: 'COMPLETED',
          state: 'COMPLETED',
          kind: 'PROCEDURE',
          result: 42,
          error: null,
          attempt: 1,
          max_attempts: 1,
          timeout_ms: 60_000,
          duration_ms: 0,
        });
        for (const field of ['created_at', 'started_at', 'completed_at', 'settled_at', 'expires_at', 'deadline_at']) {
          expect(stored[field], field).to.be.a('string');
        }
        expect(Date.parse(stored.expires_at as string) - Date.parse(stored.settled_at as string)).to.equal(7 * 24 * 3600_000);
        expect(stored.owner).to.include({ kernel_id: 'kernel-a', pid: process.pid });
        expect((stored.lease as Record<string, unknown>).owner_id).to.equal(engine.ownerId);
        expect(stored.pipeline).to.deep.equal({ procedure: 'quick', track: 'nightly', timeoutMs: 60_000 });
      });

      it('renews the lease of a run started by an engine that was never opened', async () => {
        const work = h.controlled('work');
        const fresh = h.engine({ kernelId: 'kernel-fresh' });
        const handle = await fresh.start(h.spec({ procedure: 'work' }));
        await work.nth(0);
        await h.clock.advance(45_000);
        expect(asView(await engine.status(handle.execution_id))).to.include({ status: 'RUNNING', owner_reachable: true });
      });

      it('hands out execution ids that sort by creation', async () => {
        h.body('quick', async () => null);
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push((await engine.start(h.spec({ procedure: 'quick' }))).execution_id);
          if (i % 2 === 0) await h.clock.advance(1);
        }
        expect([...ids].sort()).to.deep.equal(ids);
      });

      it('creates the executions and tracks indices before the first write', async () => {
        expect(await h.store.indexExists(EXECUTIONS_INDEX)).to.equal(true);
        expect(await h.store.indexExists(TRACKS_INDEX)).to.equal(true);
      });
    });

    describe('handlers and bindings', () => {
      it('chains ON_DONE: a non-null return replaces @result, null keeps it; FINALLY runs once; ON_FAIL does not run; result stays the procedure\'s, handler_result is the chain\'s', async () => {
        h.body('fetch', async () => 10);
        h.handler('double', (b) => (b.result as number) * 2);
        h.handler('keep', () => null);
        h.handler('plus1', (b) => (b.result as number) + 1);
        h.handler('onFail');
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'fetch', onDone: ['double', 'keep', 'plus1'], onFail: ['onFail'], finally: ['cleanup'] }));
        const waited = await engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal(10);
        expect(waited.document).to.include({ result: 10, handler_result: 21 });
        expect(h.handlerCalls.map((c) => [c.name, c.bindings.result])).to.deep.equal([
          ['double', 10],
          ['keep', 20],
          ['plus1', 20],
          ['cleanup', undefined],
        ]);
        expect(await engine.result(handle.execution_id)).to.equal(10);
        const stored = (await h.store.get(EXECUTIONS_INDEX, handle.execution_id))!._source;
        expect(stored).to.include({ result: 10, handler_result: 21 });
      });

      it('stores handler_result null when no ON_DONE handler returned a value', async () => {
        h.body('fetch', async () => ({ error_count: 42, index: 'logs-*' }));
        h.handler('noted', () => null);
        const handle = await engine.start(h.spec({ procedure: 'fetch', onDone: ['noted'] }));
        const waited = await engine.wait(handle.execution_id);
        expect(waited.document.result).to.deep.equal({ error_count: 42, index: 'logs-*' });
        expect(waited.document.handler_result).to.equal(null);
      });

      it('binds @error and @error_info on failure, then FINALLY', async () => {
        h.body('broken', async () => {
          throw Object.assign(new Error('line 3:5: division by zero'), { kind: 'runtime', span: { start: { line: 3 } } });
        });
        h.handler('report');
        h.handler('cleanup');
        h.handler('never');
        const handle = await engine.start(h.spec({ procedure: 'broken', onDone: ['never'], onFail: ['report'], finally: ['cleanup'] }));
        const waited = await engine.wait(handle.execution_id);
        expect(waited.kind).to.equal('settled');
        const doc = waited.document;
        expect(doc).to.include({ status: 'FAILED', state: 'FAILED', error: 'line 3:5: division by zero' });
        expect(doc.error_info).to.deep.equal({ type: 'runtime', message: 'line 3:5: division by zero', line: 3, procedure: 'broken' });
        expect(h.handlerCalls.map((c) => c.name)).to.deep.equal(['report', 'cleanup']);
        expect(h.callsOf('report')[0].bindings).to.deep.equal({ error: 'line 3:5: division by zero', error_info: doc.error_info });
      });

      it('fails the execution when an ON_DONE handler fails, and runs ON_FAIL with the handler error', async () => {
        h.body('fetch', async () => 1);
        h.handler('bad', () => {
          throw new Error('cannot write');
        });
        h.handler('report');
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'fetch', onDone: ['bad'], onFail: ['report'], finally: ['cleanup'] }));
        const waited = await engine.wait(handle.execution_id);
        expect(waited.document).to.include({ status: 'FAILED', state_reason: 'HANDLER_FAILED', error: 'cannot write' });
        expect(waited.document.error_info!.procedure).to.equal('bad');
        expect(h.callsOf('report')[0].bindings.error).to.equal('cannot write');
        expect(h.callsOf('cleanup')).to.have.length(1);
      });

      it('keeps PRINT lines of the body and of its handlers with the execution', async () => {
        h.body('talk', async (_a, ctx) => {
          ctx.print('from the body');
          return 1;
        });
        h.handler('say', (_b, ctx) => ctx.print('from ON_DONE'));
        const handle = await engine.start(h.spec({ procedure: 'talk', onDone: ['say'] }));
        const waited = await engine.wait(handle.execution_id);
        expect(waited.document.output).to.deep.equal(['from the body', 'from ON_DONE']);
      });

      it('records a failing FINALLY in handler_errors without changing the outcome', async () => {
        h.body('fetch', async () => 'ok');
        h.handler('cleanup', () => {
          throw new Error('disk full');
        });
        const handle = await engine.start(h.spec({ procedure: 'fetch', finally: ['cleanup'] }));
        const waited = await engine.wait(handle.execution_id);
        expect(waited.kind).to.equal('result');
        expect(waited.document.handler_errors.map((e) => e.message)).to.deep.equal(['disk full']);
      });
    });

    describe('TIMEOUT', () => {
      it('aborts the body with a timeout_error, records TIMED_OUT, then ON_FAIL and FINALLY', async () => {
        const slow = h.controlled('slow');
        h.handler('report');
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'slow', timeoutMs: 1_000, onFail: ['report'], finally: ['cleanup'] }));
        const call = await slow.nth(0);
        await h.clock.advance(999);
        expect(call.ctx.signal.aborted).to.equal(false);
        const settled = engine.wait(handle.execution_id);
        await h.clock.advance(1);
        const waited = await settled;
        expect(call.ctx.signal.aborted).to.equal(true);
        expect((call.ctx.signal.reason as ExecutionError).kind).to.equal('timeout_error');
        expect(waited.document).to.include({ status: 'FAILED', state: 'TIMED_OUT', state_reason: 'TIMEOUT' });
        expect(waited.document.error_info!.type).to.equal('timeout_error');
        expect(h.callsOf('report')[0].bindings.error_info!.type).to.equal('timeout_error');
        expect(h.callsOf('cleanup')).to.have.length(1);
      });

      it('PING pushes the deadline out by the TIMEOUT', async () => {
        const slow = h.controlled('slow');
        const handle = await engine.start(h.spec({ procedure: 'slow', timeoutMs: 1_000 }));
        const call = await slow.nth(0);
        await h.clock.advance(800);
        const pinged = await engine.ping(handle.execution_id);
        expect(pinged.changed).to.equal(true);
        expect(Date.parse(pinged.document.deadline_at!)).to.equal(h.clock.now() + 1_000);
        await h.clock.advance(800);
        expect(call.ctx.signal.aborted).to.equal(false);
        expect(asView(await engine.status(handle.execution_id)).state).to.equal('RUNNING');
        const timedOut = h.untilState(engine, handle.execution_id, 'TIMED_OUT');
        await h.clock.advance(200);
        await timedOut;
        expect(call.ctx.signal.aborted).to.equal(true);
      });

      it('PING from another kernel moves the owner deadline too', async () => {
        const slow = h.controlled('slow');
        const other = h.engine({ kernelId: 'kernel-b' });
        const handle = await engine.start(h.spec({ procedure: 'slow', timeoutMs: 30_000 }));
        const call = await slow.nth(0);
        await h.clock.advance(25_000);
        expect((await other.ping(handle.execution_id)).changed).to.equal(true);
        await h.clock.advance(10_000);
        expect(call.ctx.signal.aborted).to.equal(false);
        const timedOut = h.untilState(engine, handle.execution_id, 'TIMED_OUT');
        await h.clock.advance(20_000);
        await timedOut;
      });
    });

    describe('RETRY n BACKOFF d', () => {
      it('retries a failing body with exponential backoff, then runs the handlers once', async () => {
        let attempts = 0;
        h.body('flaky', async (_args, ctx) => {
          attempts++;
          if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
          return 'third time lucky';
        });
        h.handler('done');
        h.handler('report');
        const handle = await engine.start(h.spec({ procedure: 'flaky', retries: 3, backoffMs: 1_000, onDone: ['done'], onFail: ['report'] }));
        const id = handle.execution_id;
        const first = await h.untilState(engine, id, 'RETRY_SCHEDULED');
        expect(first.document.error).to.equal('attempt 1 failed');
        expect(Date.parse(first.document.retry_at!)).to.equal(h.clock.now() + 1_000);
        expect(asView(await engine.status(id)).status).to.equal('PENDING');
        await h.clock.advance(999);
        expect(attempts).to.equal(1);
        const second = h.untilState(engine, id, 'RETRY_SCHEDULED');
        await h.clock.advance(1);
        const secondDoc = (await second).document;
        expect(attempts).to.equal(2);
        expect(Date.parse(secondDoc.retry_at!)).to.equal(h.clock.now() + 2_000);
        const done = engine.wait(id);
        await h.clock.advance(2_000);
        const waited = await done;
        expect(waited.kind === 'result' && waited.value).to.equal('third time lucky');
        expect(waited.document).to.include({ attempt: 3, max_attempts: 4 });
        expect(h.callsOf('done')).to.have.length(1);
        expect(h.callsOf('report')).to.have.length(0);
      });

      it('fails for good when the retries are used up', async () => {
        h.body('broken', async (_a, ctx) => {
          throw new Error(`no ${ctx.attempt}`);
        });
        h.handler('report');
        const handle = await engine.start(h.spec({ procedure: 'broken', retries: 1, onFail: ['report'] }));
        const done = engine.wait(handle.execution_id);
        await h.untilState(engine, handle.execution_id, 'RETRY_SCHEDULED');
        await h.clock.advance(0);
        const waited = await done;
        expect(waited.document).to.include({ state: 'FAILED', attempt: 2, max_attempts: 2, error: 'no 2' });
        expect(h.callsOf('report')).to.have.length(1);
      });

      it('retries after a timeout', async () => {
        const slow = h.controlled('slow');
        const handle = await engine.start(h.spec({ procedure: 'slow', timeoutMs: 100, retries: 1 }));
        await slow.nth(0);
        await h.clock.advance(100);
        const second = await slow.nth(1);
        expect(second.ctx.attempt).to.equal(2);
        second.resolve('ok');
        const waited = await engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal('ok');
      });
    });

    describe('CANCEL', () => {
      it('is cooperative: the body sees the signal, FINALLY runs, ON_FAIL does not; a second cancel changes nothing', async () => {
        const work = h.controlled('work');
        h.handler('report');
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'work', onFail: ['report'], finally: ['cleanup'] }));
        const call = await work.nth(0);
        const first = await engine.cancel(handle.execution_id);
        expect(first.changed).to.equal(true);
        expect(call.ctx.signal.aborted).to.equal(true);
        expect((call.ctx.signal.reason as ExecutionError).kind).to.equal('cancelled');
        const waited = await engine.wait(handle.execution_id);
        expect(waited.document).to.include({ status: 'CANCELLED', state: 'CANCELLED', state_reason: 'CANCELLED_BY_USER' });
        expect(h.callsOf('cleanup')).to.have.length(1);
        expect(h.callsOf('report')).to.have.length(0);
        const second = await engine.cancel(handle.execution_id);
        expect(second.changed).to.equal(false);
        expect(second.document.state).to.equal('CANCELLED');
      });

      it('shows CANCEL_REQUESTED (status RUNNING) until a slow body stops; after the grace period it is forced', async () => {
        const stubborn = h.controlled('stubborn', true);
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'stubborn', finally: ['cleanup'] }));
        await stubborn.nth(0);
        await engine.cancel(handle.execution_id);
        const requested = asView(await engine.status(handle.execution_id));
        expect(requested).to.include({ state: 'CANCEL_REQUESTED', status: 'RUNNING' });
        const done = engine.wait(handle.execution_id);
        await h.clock.advance(5_000); // grace for the body, then the forced cancel
        await h.clock.advance(5_000); // grace before FINALLY
        const waited = await done;
        expect(waited.document.state).to.equal('CANCELLED');
        expect(h.callsOf('cleanup')).to.have.length(1);
      });

      it('FORCE records CANCELLED at once and runs FINALLY without waiting for the body', async () => {
        const stubborn = h.controlled('stubborn', true);
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'stubborn', finally: ['cleanup'] }));
        const call = await stubborn.nth(0);
        const forced = await engine.cancel(handle.execution_id, { force: true });
        expect(forced.changed).to.equal(true);
        expect(forced.document.state).to.equal('CANCELLED');
        const done = engine.wait(handle.execution_id);
        await h.clock.advance(5_000);
        await done;
        expect(h.callsOf('cleanup')).to.have.length(1);
        call.resolve('too late');
        expect(await engine.result(handle.execution_id)).to.equal(null);
      });

      it('cancels a run waiting for its retry without starting it again', async () => {
        let attempts = 0;
        h.body('broken', async () => {
          attempts++;
          throw new Error('no');
        });
        const handle = await engine.start(h.spec({ procedure: 'broken', retries: 5, backoffMs: 10_000 }));
        await h.untilState(engine, handle.execution_id, 'RETRY_SCHEDULED');
        const cancelled = await engine.cancel(handle.execution_id);
        expect(cancelled.document.state).to.equal('CANCELLED');
        await h.clock.advance(60_000);
        expect(attempts).to.equal(1);
      });
    });

    describe('external COMPLETE and FAIL', () => {
      it('COMPLETE(value) decides the outcome: ON_DONE sees the value, the body is stopped, later calls change nothing', async () => {
        const work = h.controlled('work');
        h.handler('done');
        const handle = await engine.start(h.spec({ procedure: 'work', onDone: ['done'] }));
        const call = await work.nth(0);
        const completed = await engine.complete(handle.execution_id, { approved: true });
        expect(completed.changed).to.equal(true);
        expect(completed.document).to.include({ status: 'COMPLETED', state_reason: 'COMPLETED_EXTERNALLY' });
        expect(call.ctx.signal.aborted).to.equal(true);
        const waited = await engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.deep.equal({ approved: true });
        expect(h.callsOf('done')[0].bindings.result).to.deep.equal({ approved: true });
        expect((await engine.complete(handle.execution_id, 'second')).changed).to.equal(false);
        expect((await engine.fail(handle.execution_id, 'late')).changed).to.equal(false);
        expect(await engine.result(handle.execution_id)).to.deep.equal({ approved: true });
      });

      it('FAIL(message) fails the run and runs ON_FAIL with that message', async () => {
        h.controlled('work');
        h.handler('report');
        const handle = await engine.start(h.spec({ procedure: 'work', onFail: ['report'] }));
        await engine.fail(handle.execution_id, 'rejected by reviewer');
        const waited = await engine.wait(handle.execution_id);
        expect(waited.document).to.include({ status: 'FAILED', error: 'rejected by reviewer', state_reason: 'FAILED_EXTERNALLY' });
        expect(h.callsOf('report')[0].bindings.error).to.equal('rejected by reviewer');
      });

      it('cancel then complete: the cancel wins', async () => {
        h.controlled('work');
        const handle = await engine.start(h.spec({ procedure: 'work' }));
        const [cancel, complete] = [await engine.cancel(handle.execution_id), await engine.complete(handle.execution_id, 1)];
        expect([cancel.changed, complete.changed]).to.deep.equal([true, false]);
        expect((await engine.wait(handle.execution_id)).document.state).to.equal('CANCELLED');
      });

      it('complete then cancel: the completion wins', async () => {
        h.controlled('work');
        const handle = await engine.start(h.spec({ procedure: 'work' }));
        const complete = await engine.complete(handle.execution_id, 1);
        const cancel = await engine.cancel(handle.execution_id);
        expect([complete.changed, cancel.changed]).to.deep.equal([true, false]);
        const waited = await engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal(1);
      });

      it('two engines completing the same run at once: exactly one wins, the owner runs ON_DONE once', async () => {
        h.controlled('work');
        h.handler('done');
        const other = h.engine({ kernelId: 'kernel-b' });
        const handle = await engine.start(h.spec({ procedure: 'work', onDone: ['done'] }));
        const results = await Promise.all([
          engine.complete(handle.execution_id, 'from a'),
          other.complete(handle.execution_id, 'from b'),
          other.cancel(handle.execution_id),
        ]);
        expect(results.filter((r) => r.changed)).to.have.length(1);
        const winner = results.findIndex((r) => r.changed);
        // The remote decisions are noticed by the owner's control watch.
        const done = engine.wait(handle.execution_id);
        await h.clock.advance(500);
        const waited = await done;
        if (winner === 2) {
          expect(waited.document.state).to.equal('CANCELLED');
          expect(h.callsOf('done')).to.have.length(0);
        } else {
          expect(waited.kind === 'result' && waited.value).to.equal(winner === 0 ? 'from a' : 'from b');
          expect(h.callsOf('done')).to.have.length(1);
          expect(h.callsOf('done')[0].executionId).to.equal(handle.execution_id);
        }
      });

      it('a CANCEL, COMPLETE or FAIL from another kernel reaches the owner within one control-watch tick, long before its lease renewal', async () => {
        const work = h.controlled('work');
        h.handler('done');
        h.handler('failed');
        h.handler('cleanup');
        const other = h.engine({ kernelId: 'kernel-b' });
        await engine.start(h.spec({ procedure: 'work', finally: ['cleanup'], track: 'to-cancel' }));
        await engine.start(h.spec({ procedure: 'work', onDone: ['done'], track: 'to-complete' }));
        await engine.start(h.spec({ procedure: 'work', onFail: ['failed'], track: 'to-fail' }));
        const calls = await Promise.all([work.nth(0), work.nth(1), work.nth(2)]);
        await other.cancel('to-cancel');
        await other.complete('to-complete', 'from b');
        await other.fail('to-fail', 'stop it');
        expect(calls.map((c) => c.ctx.signal.aborted)).to.deep.equal([false, false, false]);
        // One tick of the watch: 250 ms on a store that says when others wrote, 500 ms otherwise (renewal: 10 s).
        await h.clock.advance(500);
        expect(calls.map((c) => c.ctx.signal.aborted)).to.deep.equal([true, true, true]);
        const [cancelled, completed, failed] = await Promise.all(['to-cancel', 'to-complete', 'to-fail'].map((x) => engine.wait(x)));
        expect(cancelled.document).to.include({ state: 'CANCELLED', state_reason: 'CANCELLED_BY_USER' });
        expect(h.callsOf('cleanup')).to.have.length(1);
        expect(completed.kind === 'result' && completed.value).to.equal('from b');
        expect(h.callsOf('done').map((c) => c.bindings.result)).to.deep.equal(['from b']);
        expect(failed.document).to.include({ state: 'FAILED', error: 'stop it' });
        expect(h.callsOf('failed').map((c) => c.bindings.error)).to.deep.equal(['stop it']);
      });

      it('the control watch reads the store only when someone else may have written, once per tick for all runs', async () => {
        h.controlled('work');
        const handles = await Promise.all([1, 2, 3].map(() => engine.start(h.spec({ procedure: 'work', timeoutMs: 60_000 }))));
        const watch = engine.upkeep.control;
        await h.clock.advance(500); // the first tick reads: it does not know yet what others did
        const before = watch.reads;
        await h.clock.advance(2_000);
        const told = h.store.othersCommitVersion !== undefined;
        // The embedded store says nobody else wrote: no read at all. A store that cannot tell is asked once a tick.
        expect(watch.reads - before).to.equal(told ? 0 : 4);
        const other = h.engine({ kernelId: 'kernel-b' });
        await other.ping(handles[0].execution_id);
        const afterPing = watch.reads;
        await h.clock.advance(told ? 250 : 500);
        // The versions of all three runs in one call, then the one document that changed.
        expect(watch.reads - afterPing).to.equal(2);
      });
    });

    describe('leases, dead kernels and LOST', () => {
      /** A run with ON_FAIL report and FINALLY cleanup whose kernel dies at 25 s (renewed at 10 s and 20 s: its lease runs to 50 s). */
      async function runOfKernelDyingAt25s(): Promise<string> {
        h.controlled('work');
        h.handler('report');
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'work', onFail: ['report'], finally: ['cleanup'] }));
        await h.clock.advance(25_000);
        expect(asView(await engine.status(handle.execution_id)).status).to.equal('RUNNING');
        engine.halt(); // the kernel dies: no more renewals, nothing in memory survives
        return handle.execution_id;
      }

      it('shows RUNNING (owner unreachable) once the lease expired; a sweep moves it to LOST and runs ON_FAIL and FINALLY once', async () => {
        const id = await runOfKernelDyingAt25s();
        const b = h.engine({ kernelId: 'kernel-b' });
        await h.clock.advance(24_999); // last renewal at 20 s: the lease runs to 50 s
        expect(asView(await b.status(id))).to.include({ status: 'RUNNING', owner_reachable: true });
        await h.clock.advance(1);
        expect(asView(await b.status(id))).to.include({ status: 'RUNNING (owner unreachable)', owner_reachable: false });
        const c = h.engine({ kernelId: 'kernel-c' });
        const [rb, rc] = await Promise.all([b.sweep(), c.sweep()]);
        expect(rb.recovered + rc.recovered).to.equal(1);
        const waited = await b.wait(id);
        expect(waited.document).to.include({ status: 'FAILED', state: 'LOST', state_reason: 'WORKER_LOST' });
        expect(waited.document.error_info!.type).to.equal('WORKER_LOST');
        expect(h.callsOf('report').map((call) => call.bindings.error_info!.type)).to.deep.equal(['WORKER_LOST']);
        expect(h.callsOf('cleanup')).to.have.length(1);
        expect(waited.document.lease!.epoch).to.equal(2);
        await Promise.all([b.sweep(), c.sweep()]);
        expect(h.callsOf('cleanup')).to.have.length(1);
      });

      it("live kernels' lease watches move a dead kernel's run to LOST as its lease runs out, handlers exactly once", async () => {
        const id = await runOfKernelDyingAt25s();
        // Two live kernels watch the store with the default lease watch (and no sweep).
        const [b, c] = ['kernel-b', 'kernel-c'].map((k) => h.engine({ kernelId: k, lostCheckEveryMs: undefined }));
        await Promise.all([b.open(), c.open()]);
        await h.clock.advance(24_999);
        expect(asView(await b.status(id))).to.include({ status: 'RUNNING', owner_reachable: true });
        await h.clock.advance(1);
        const now = asView(await b.status(id));
        expect(now).to.include({ state: 'LOST', state_reason: 'WORKER_LOST' });
        const waited = await b.wait(id).catch(() => c.wait(id));
        expect(waited.document.state).to.equal('LOST');
        expect(h.callsOf('report').map((call) => call.bindings.error_info!.type)).to.deep.equal(['WORKER_LOST']);
        expect(h.callsOf('cleanup')).to.have.length(1);
      });

      it('the lease watch also learns the lease of a document it read, and queries at most every third of the lease', async () => {
        h.controlled('work');
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'work', finally: ['cleanup'] }));
        engine.halt(); // its lease runs to 30 s
        const b = h.engine({ kernelId: 'kernel-b', lostCheckEveryMs: 3_600_000 });
        await b.open();
        expect(asView(await b.status(handle.execution_id)).status).to.equal('RUNNING');
        const lost = h.untilState(b, handle.execution_id, 'LOST');
        await h.clock.advance(30_000);
        await lost;
        expect(b.upkeep.leases.queries, 'no periodic query was needed').to.equal(1);
        await b.wait(handle.execution_id);
        expect(h.callsOf('cleanup')).to.have.length(1);

        const quiet = h.engine({ kernelId: 'kernel-quiet', lostCheckEveryMs: undefined });
        await quiet.open();
        await h.clock.advance(60_000);
        // Every 5 s (a third of the 30 s lease, at most 5 s) on a store that cannot say whether anyone wrote;
        // on the embedded store only after another connection or engine wrote: here nobody did.
        expect(quiet.upkeep.leases.queries).to.equal(h.store.othersCommitVersion !== undefined ? 1 : 12);
      });

      it('re-runs a lost run when its pipeline asked for retries', async () => {
        const work = h.controlled('work');
        h.handler('done');
        const handle = await engine.start(h.spec({ procedure: 'work', retries: 1, onDone: ['done'] }));
        await work.nth(0);
        engine.halt();
        await h.clock.advance(30_000);
        const b = h.engine({ kernelId: 'kernel-b' });
        const report = await b.open();
        expect(report.recovered).to.equal(1);
        const second = await work.nth(1);
        expect(second.ctx.attempt).to.equal(2);
        second.resolve('recovered');
        const waited = await b.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal('recovered');
        expect(waited.document.lease!.owner_id).to.equal(b.ownerId);
        expect(h.callsOf('done')).to.have.length(1);
      });

      it('the periodic sweep of a live kernel takes over runs of a dead one', async () => {
        h.controlled('work');
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'work', finally: ['cleanup'] }));
        engine.halt();
        const b = h.engine({ kernelId: 'kernel-b', sweepEveryMs: 60_000 });
        const lost = h.untilState(b, handle.execution_id, 'LOST');
        await b.open();
        await h.clock.advance(60_000);
        await lost;
        await b.wait(handle.execution_id);
        expect(h.callsOf('cleanup')).to.have.length(1);
      });

      it('WAIT on a dead kernel run takes it over instead of waiting for ever', async () => {
        h.controlled('work');
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'work', finally: ['cleanup'] }));
        engine.halt();
        const b = h.engine({ kernelId: 'kernel-b' });
        const waiting = b.wait(handle.execution_id, { everyMs: 5_000 });
        await h.clock.advance(35_000);
        const waited = await waiting;
        expect(waited.document.state).to.equal('LOST');
        expect(h.callsOf('cleanup')).to.have.length(1);
      });

      it('does not run handlers twice when the owner died while running them', async () => {
        h.body('quick', async () => 1);
        let release!: () => void;
        const entered = new Promise<void>((inside) =>
          h.handler('slowDone', () => {
            inside();
            return new Promise<void>((r) => (release = r));
          }),
        );
        h.handler('cleanup');
        const handle = await engine.start(h.spec({ procedure: 'quick', onDone: ['slowDone'], finally: ['cleanup'] }));
        await entered;
        engine.halt();
        release();
        await h.clock.advance(31_000);
        const b = h.engine({ kernelId: 'kernel-b' });
        await b.sweep();
        const status = asView(await b.status(handle.execution_id));
        expect(status).to.include({ state: 'COMPLETED', state_reason: 'HANDLERS_INTERRUPTED' });
        expect(status.settled_at).to.be.a('string');
        expect(h.callsOf('slowDone')).to.have.length(1);
        expect(h.callsOf('cleanup')).to.have.length(0);
      });

      it('a kernel that lost its lease stops and leaves the run to the new owner', async () => {
        const work = h.controlled('work');
        h.handler('done');
        // An owner that stalls: its renewal timer does not come round before the lease runs out.
        const stalled = h.engine({ kernelId: 'kernel-stalled', renewEveryMs: 3_600_000 });
        await stalled.open();
        const handle = await stalled.start(h.spec({ procedure: 'work', retries: 1, onDone: ['done'] }));
        const first = await work.nth(0);
        const b = h.engine({ kernelId: 'kernel-b' });
        await h.clock.advance(30_000);
        await b.sweep();
        const second = await work.nth(1);
        // ...then wakes up: its late result must not overwrite the new owner's run.
        first.resolve('stale');
        await stalled.renewAll();
        expect(stalled.activeIds).to.deep.equal([]);
        second.resolve('fresh');
        const waited = await b.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal('fresh');
        expect(h.callsOf('done')).to.have.length(1);
      });
    });

    describe('retention and lookups', () => {
      it('answers NOT_FOUND for unknown names and ids, EXPIRED after the retention period, before and after the sweep deletes it', async () => {
        h.body('quick', async () => 'x');
        expect(await engine.status('nope')).to.equal('NOT_FOUND');
        expect(await engine.status(new ExecutionIdGenerator().next(h.clock.now()))).to.equal('NOT_FOUND');
        const handle = await engine.start(h.spec({ procedure: 'quick', track: 'daily' }));
        await engine.wait('daily');
        await h.clock.advance(7 * 24 * 3600_000 - 1);
        expect(asView(await engine.status('daily')).status).to.equal('COMPLETED');
        await h.clock.advance(1);
        expect(await engine.status('daily')).to.equal('EXPIRED');
        expect(await engine.status(handle.execution_id)).to.equal('EXPIRED');
        const report = await engine.sweep();
        expect(report.expired).to.equal(1);
        expect(await h.store.get(EXECUTIONS_INDEX, handle.execution_id)).to.equal(null);
        expect(await engine.status(handle.execution_id)).to.equal('EXPIRED');
        expect(await engine.status('daily')).to.equal('EXPIRED');
        await expectError(engine.result('daily'), 'execution_expired');
        await expectError(engine.wait('nope'), 'execution_not_found');
      });

      it('honours a configured retention', async () => {
        const short = h.engine({ kernelId: 'kernel-short', retentionMs: 60_000 });
        h.body('quick', async () => 'x');
        const handle = await short.start(h.spec({ procedure: 'quick' }));
        await short.wait(handle.execution_id);
        await h.clock.advance(60_000);
        expect(await short.status(handle.execution_id)).to.equal('EXPIRED');
      });
    });

    describe('WAIT', () => {
      it('returns the status with wait_timed_out when its TIMEOUT passes, and the run goes on', async () => {
        const work = h.controlled('work');
        const handle = await engine.start(h.spec({ procedure: 'work' }));
        const waiting = engine.wait(handle.execution_id, { timeoutMs: 2_000 });
        await h.clock.advance(2_000);
        const waited = await waiting;
        expect(waited.kind).to.equal('timed_out');
        expect(waited.document).to.include({ wait_timed_out: true, status: 'RUNNING' });
        (await work.nth(0)).resolve('later');
        const done = await engine.wait(handle.execution_id);
        expect(done.kind === 'result' && done.value).to.equal('later');
      });

      it('polls a run of another kernel EVERY n', async () => {
        const work = h.controlled('work');
        const b = h.engine({ kernelId: 'kernel-b' });
        const handle = await engine.start(h.spec({ procedure: 'work' }));
        const waiting = b.wait(handle.execution_id, { everyMs: 1_000, timeoutMs: 10_000 });
        (await work.nth(0)).resolve(7);
        await h.clock.advance(1_000);
        const waited = await waiting;
        expect(waited.kind === 'result' && waited.value).to.equal(7);
      });
    });

    describe('TRACK AS ... ON CONFLICT', () => {
      it('REJECT (the default) refuses a second run while the first has not settled', async () => {
        const work = h.controlled('work');
        await engine.start(h.spec({ procedure: 'work', track: 'etl' }));
        const err = await expectError(engine.start(h.spec({ procedure: 'work', track: 'etl' })), 'track_conflict');
        expect(err.message).to.match(/track 'etl' is busy/);
        (await work.nth(0)).resolve(1);
        await engine.wait('etl');
        const again = await engine.start(h.spec({ procedure: 'work', track: 'etl' }));
        expect(asView(await engine.status('etl')).execution_id).to.equal(again.execution_id);
      });

      it('ATTACH returns the running execution instead of starting one', async () => {
        const work = h.controlled('work');
        const first = await engine.start(h.spec({ procedure: 'work', track: 'etl' }));
        const second = await engine.start(h.spec({ procedure: 'work', track: 'etl', onConflict: 'ATTACH' }));
        expect(second).to.include({ execution_id: first.execution_id, attached: true });
        expect(work.invocations).to.have.length(1);
      });

      it('REPLACE cancels the running execution and starts a new one', async () => {
        const work = h.controlled('work');
        const first = await engine.start(h.spec({ procedure: 'work', track: 'etl' }));
        const second = await engine.start(h.spec({ procedure: 'work', track: 'etl', onConflict: 'REPLACE' }));
        expect(second.execution_id).to.not.equal(first.execution_id);
        const old = await engine.wait(first.execution_id);
        expect(old.document).to.include({ state: 'CANCELLED', state_reason: 'REPLACED' });
        expect((await work.nth(1)).ctx.executionId).to.equal(second.execution_id);
        expect(asView(await engine.status('etl')).execution_id).to.equal(second.execution_id);
      });

      it('ALLOW runs both; the name points at the newest; HISTORY lists every run', async () => {
        h.controlled('work');
        const first = await engine.start(h.spec({ procedure: 'work', track: 'etl' }));
        const second = await engine.start(h.spec({ procedure: 'work', track: 'etl', onConflict: 'ALLOW' }));
        expect(asView(await engine.status('etl')).execution_id).to.equal(second.execution_id);
        const history = await engine.history('etl');
        expect(history.map((d) => d.execution_id)).to.deep.equal([first.execution_id, second.execution_id]);
      });

      it('two kernels racing for one track with REJECT: exactly one starts', async () => {
        const work = h.controlled('work');
        const b = h.engine({ kernelId: 'kernel-b' });
        const outcomes = await Promise.allSettled([
          engine.start(h.spec({ procedure: 'work', track: 'once' })),
          b.start(h.spec({ procedure: 'work', track: 'once' })),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
        const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect((rejected.reason as ExecutionError).kind).to.equal('track_conflict');
        expect(work.invocations).to.have.length(1);
        expect((await engine.list()).map((d) => d.execution_id)).to.have.length(1);
      });
    });

    describe('RETRY verb', () => {
      it('re-runs the stored pipeline as a new execution linked by retry_of; the old document is kept', async () => {
        let fail = true;
        h.body('sometimes', async () => {
          if (fail) throw new Error('not yet');
          return 'now';
        });
        const first = await engine.start(h.spec({ procedure: 'sometimes', track: 'job' }));
        await engine.wait('job');
        fail = false;
        const second = await engine.retry('job');
        expect(second.execution_id).to.not.equal(first.execution_id);
        const waited = await engine.wait('job');
        expect(waited.kind === 'result' && waited.value).to.equal('now');
        expect(waited.document.retry_of).to.equal(first.execution_id);
        expect(asView(await engine.status(first.execution_id)).status).to.equal('FAILED');
        expect((await engine.history('job')).map((d) => d.status)).to.deep.equal(['FAILED', 'COMPLETED']);
      });

      it('refuses to retry a run that has not finished', async () => {
        h.controlled('work');
        const handle = await engine.start(h.spec({ procedure: 'work' }));
        await expectError(engine.retry(handle.execution_id), 'execution_active');
      });
    });

    describe('PARALLEL', () => {
      it('joins every branch: ON_ALL_DONE gets @results in call order, ON_ALL_SETTLED @outcomes, then FINALLY', async () => {
        const a = h.controlled('a');
        const b = h.controlled('b');
        h.handler('all', (bindings) => (bindings.results as number[]).reduce((x, y) => x + y, 0));
        h.handler('settled');
        h.handler('cleanup');
        const handle = await engine.parallel(
          h.parallelSpec({ branches: [{ procedure: 'a', args: [1] }, { procedure: 'b' }], onAllDone: ['all'], onAllSettled: ['settled'], finally: ['cleanup'], track: 'fanout' }),
        );
        expect(handle).to.include({ kind: 'PARALLEL', status: 'RUNNING', track_name: 'fanout' });
        (await b.nth(0)).resolve(20);
        (await a.nth(0)).resolve(1);
        const waited = await engine.wait('fanout');
        expect(waited.kind === 'result' && waited.value).to.deep.equal([1, 20]);
        expect(waited.document).to.include({ handler_result: 21 });
        expect(h.callsOf('all')[0].bindings.results).to.deep.equal([1, 20]);
        expect(h.callsOf('settled')[0].bindings.outcomes).to.deep.equal([
          { status: 'COMPLETED', value: 1 },
          { status: 'COMPLETED', value: 20 },
        ]);
        expect(h.handlerCalls.map((c) => c.name)).to.deep.equal(['all', 'settled', 'cleanup']);
        expect(waited.document).to.include({ join_policy: 'ALL', branch_count: 2 });
      });

      it('stores one BRANCH document per branch, linked to the parent', async () => {
        h.body('x', async (args) => args[0]);
        const handle = await engine.parallel(h.parallelSpec({ branches: [{ procedure: 'x', args: ['p'] }, { procedure: 'x', args: ['q'] }] }));
        const waited = await engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.deep.equal(['p', 'q']);
        const ids = (await h.store.esql(`FROM ${EXECUTIONS_INDEX} | WHERE parent_execution_id == ? | SORT branch_index | KEEP execution_id`, [handle.execution_id])).values.map((r) => r[0] as string);
        expect(ids).to.have.length(2);
        const branches = await Promise.all(ids.map((id) => engine.status(id)));
        expect(branches.map((b) => asView(b)).map((b) => [b.kind, b.branch_index, b.status, b.result, b.procedure_name])).to.deep.equal([
          ['BRANCH', 0, 'COMPLETED', 'p', 'x'],
          ['BRANCH', 1, 'COMPLETED', 'q', 'x'],
        ]);
        expect(ids.every((id) => id.startsWith(handle.execution_id))).to.equal(true);
        expect((await engine.list()).map((d) => d.execution_id)).to.deep.equal([handle.execution_id]);
      });

      it('ON_ANY_FAIL fires at the first failure while the other branches keep running', async () => {
        const slow = h.controlled('slow');
        h.body('bad', async () => {
          throw new Error('branch broke');
        });
        h.handler('anyFail');
        h.handler('settled');
        const handle = await engine.parallel(h.parallelSpec({ branches: [{ procedure: 'slow' }, { procedure: 'bad' }], onAnyFail: ['anyFail'], onAllSettled: ['settled'] }));
        const call = await slow.nth(0);
        await h.until(engine, () => h.callsOf('anyFail').length > 0 || false);
        expect(h.callsOf('anyFail')[0].bindings).to.deep.include({ error: 'branch broke', results: [null, null] });
        expect(call.ctx.signal.aborted).to.equal(false);
        call.resolve('late but fine');
        const waited = await engine.wait(handle.execution_id);
        expect(waited.document).to.include({ status: 'FAILED', error: 'branch broke' });
        expect(h.callsOf('anyFail')).to.have.length(1);
        expect(h.callsOf('settled')[0].bindings.outcomes).to.deep.equal([
          { status: 'COMPLETED', value: 'late but fine' },
          { status: 'FAILED', error: 'branch broke' },
        ]);
      });

      it('CANCEL SIBLINGS cancels the other branches at the first failure', async () => {
        const slow = h.controlled('slow');
        const bad = h.controlled('bad');
        h.handler('anyFail');
        const handle = await engine.parallel(h.parallelSpec({ branches: [{ procedure: 'slow' }, { procedure: 'bad' }], onAnyFail: ['anyFail'], cancelSiblings: true }));
        const call = await slow.nth(0);
        (await bad.nth(0)).reject(new Error('boom'));
        const waited = await engine.wait(handle.execution_id);
        expect(call.ctx.signal.aborted).to.equal(true);
        expect(waited.document).to.include({ status: 'FAILED', error: 'boom' });
        const sibling = asView(await engine.status(`${handle.execution_id}-0000`));
        expect(sibling).to.include({ state: 'CANCELLED', state_reason: 'SIBLING_CANCELLED' });
      });

      it("fails the parent with its failing branch's own error kind, not the session describer's runtime_error", async () => {
        // The session's describer knows script errors only: anything else would become a runtime_error.
        const scripted = h.engine({ kernelId: 'kernel-script', describeError: describeScriptError });
        h.body('ok', async () => 1);
        h.body('divides', async () => {
          throw new ScriptError('division_error', 'division by zero');
        });
        h.handler('anyFail');
        const handle = await scripted.parallel(h.parallelSpec({ branches: [{ procedure: 'ok' }, { procedure: 'divides' }], onAnyFail: ['anyFail'] }));
        const waited = await scripted.wait(handle.execution_id);
        expect(waited.document).to.include({ status: 'FAILED', error: 'division by zero' });
        expect(waited.document.error_info).to.include({ type: 'division_error', procedure: 'divides' });
        expect(h.callsOf('anyFail')[0].bindings.error_info).to.include({ type: 'division_error' });
      });

      it('ON_ANY_DONE fires at the first success; with CANCEL SIBLINGS the first result wins', async () => {
        const slow = h.controlled('slow');
        const fast = h.controlled('fast');
        h.handler('first');
        const handle = await engine.parallel(h.parallelSpec({ branches: [{ procedure: 'slow' }, { procedure: 'fast' }], onAnyDone: ['first'], cancelSiblings: true }));
        const slowCall = await slow.nth(0);
        (await fast.nth(0)).resolve('fast wins');
        const waited = await engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal('fast wins');
        expect(waited.document.join_policy).to.equal('ANY');
        expect(h.callsOf('first').map((c) => c.bindings.result)).to.deep.equal(['fast wins']);
        expect(slowCall.ctx.signal.aborted).to.equal(true);
      });

      it('MAX n runs at most n branches at a time and runs them all', async () => {
        const work = h.controlled('work');
        const branches = Array.from({ length: 5 }, (_, i) => ({ procedure: 'work', args: [i] }));
        const handle = await engine.parallel(h.parallelSpec({ branches, max: 2 }));
        await work.nth(1);
        await h.settle();
        expect(work.running).to.equal(2);
        for (let i = 0; i < 5; i++) {
          const call = await work.nth(i);
          await h.settle();
          expect(work.running).to.be.at.most(2);
          call.resolve((call.args[0] as number) * 10);
        }
        const waited = await engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.deep.equal([0, 10, 20, 30, 40]);
        expect(work.invocations.map((c) => c.args[0])).to.deep.equal([0, 1, 2, 3, 4]);
      });

      it('TIMEOUT cancels the running branches and the queued ones, then ON_ANY_FAIL and FINALLY', async () => {
        const work = h.controlled('work');
        h.handler('anyFail');
        h.handler('cleanup');
        const handle = await engine.parallel(
          h.parallelSpec({ branches: [{ procedure: 'work' }, { procedure: 'work' }, { procedure: 'work' }], max: 2, timeoutMs: 1_000, onAnyFail: ['anyFail'], finally: ['cleanup'] }),
        );
        await work.nth(1);
        const done = engine.wait(handle.execution_id);
        await h.clock.advance(1_000);
        const waited = await done;
        expect(waited.document).to.include({ state: 'TIMED_OUT', status: 'FAILED' });
        expect(work.invocations).to.have.length(2);
        expect(work.invocations.every((c) => c.ctx.signal.aborted)).to.equal(true);
        expect(h.callsOf('anyFail').map((c) => c.bindings.error_info!.type)).to.deep.equal(['timeout_error']);
        expect(h.callsOf('cleanup')).to.have.length(1);
        const queued = asView(await engine.status(`${handle.execution_id}-0002`));
        expect(queued).to.include({ state: 'CANCELLED', state_reason: 'TIMEOUT' });
      });

      it('CANCEL of the parent cancels every branch', async () => {
        const work = h.controlled('work');
        h.handler('settled');
        const handle = await engine.parallel(h.parallelSpec({ branches: [{ procedure: 'work' }, { procedure: 'work' }], onAllSettled: ['settled'] }));
        await work.nth(1);
        await engine.cancel(handle.execution_id);
        const waited = await engine.wait(handle.execution_id);
        expect(waited.document.state).to.equal('CANCELLED');
        expect(h.callsOf('settled')[0].bindings.outcomes!.map((o) => o.status)).to.deep.equal(['CANCELLED', 'CANCELLED']);
      });

      it('a PARALLEL whose kernel died is taken over: unfinished branches become LOST, ON_ALL_SETTLED and FINALLY run', async () => {
        const work = h.controlled('work');
        h.body('quick', async () => 'done');
        h.handler('settled');
        h.handler('cleanup');
        const handle = await engine.parallel(h.parallelSpec({ branches: [{ procedure: 'quick' }, { procedure: 'work' }], onAllSettled: ['settled'], finally: ['cleanup'] }));
        await work.nth(0);
        await h.until(engine, (e) => e.execution_id.endsWith('-0000') && e.document.settled_at !== null);
        engine.halt();
        await h.clock.advance(30_000);
        const b = h.engine({ kernelId: 'kernel-b' });
        await b.sweep();
        const waited = await b.wait(handle.execution_id);
        expect(waited.document).to.include({ state: 'LOST', kind: 'PARALLEL' });
        expect(h.callsOf('settled')[0].bindings.outcomes!.map((o) => o.status)).to.deep.equal(['COMPLETED', 'FAILED']);
        expect(asView(await b.status(`${handle.execution_id}-0001`)).state).to.equal('LOST');
        expect(h.callsOf('cleanup')).to.have.length(1);
      });

      it('WAIT on a branch of a dead kernel takes its PARALLEL over', async () => {
        h.controlled('work');
        const handle = await engine.parallel(h.parallelSpec({ branches: [{ procedure: 'work' }] }));
        engine.halt();
        const b = h.engine({ kernelId: 'kernel-b' });
        const branch = `${handle.execution_id}-0000`;
        const waiting = b.wait(branch, { everyMs: 10_000 });
        await h.clock.advance(40_000);
        expect((await waiting).document).to.include({ state: 'LOST', kind: 'BRANCH' });
        expect(asView(await b.status(handle.execution_id)).state).to.equal('LOST');
      });
    });

    describe('shutdown, events, progress, lists', () => {
      it('shutdown cancels running executions cooperatively, runs FINALLY and records KERNEL_SHUTDOWN', async () => {
        const work = h.controlled('work');
        h.handler('cleanup');
        const one = await engine.start(h.spec({ procedure: 'work', finally: ['cleanup'] }));
        const two = await engine.parallel(h.parallelSpec({ branches: [{ procedure: 'work' }] }));
        await work.nth(1);
        await engine.shutdown();
        const b = h.engine({ kernelId: 'kernel-b' });
        for (const id of [one.execution_id, two.execution_id]) {
          expect(asView(await b.status(id))).to.include({ status: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
        }
        expect(asView(await b.status(`${two.execution_id}-0000`))).to.include({ state: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
        const reason = work.invocations[0].ctx.signal.reason as StopRequest;
        expect(reason).to.be.instanceOf(StopRequest);
        expect([reason.kind, reason.stateReason]).to.deep.equal(['cancelled', 'KERNEL_SHUTDOWN']);
        expect(h.callsOf('cleanup')).to.have.length(1);
        await expectError(engine.start(h.spec({ procedure: 'work' })), 'invalid_argument');
      });

      it('shutdown with a grace period leaves what has not settled by then, as a killed kernel would', async () => {
        h.controlled('work', true); // ignores its stop signal
        h.handler('stuck', () => new Promise(() => undefined)); // a FINALLY that never returns
        const quick = await engine.start(h.spec({ procedure: 'work' }));
        const stuck = await engine.start(h.spec({ procedure: 'work', finally: ['stuck'] }));
        let left: string[] | null = null;
        const shutdown = engine.shutdown({ graceMs: 8_000 }).then((ids) => (left = ids));
        await h.clock.advance(7_999); // the bodies are cancelled by force after 5 s; one FINALLY hangs
        expect(left).to.equal(null);
        await h.clock.advance(1);
        await shutdown;
        expect(left).to.deep.equal([stuck.execution_id]);
        expect(asView(await engine.status(quick.execution_id))).to.include({ status: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
        expect(asView(await engine.status(stuck.execution_id)).settled_at).to.equal(null);
        expect(engine.activeIds).to.deep.equal([]);
      });

      it('emits an event per transition, PROGRESS and PRINT; progress is stored', async () => {
        const work = h.controlled('work');
        const events: string[] = [];
        engine.onEvent((e) => events.push(`${e.type}:${e.document.state}${e.text ? `:${e.text}` : ''}`));
        const handle = await engine.start(h.spec({ procedure: 'work' }));
        const call = await work.nth(0);
        call.ctx.print('loading');
        await call.ctx.progress(40, 'two of five');
        const stored = asView(await engine.status(handle.execution_id));
        expect(stored.progress).to.deep.equal({ percent: 40, message: 'two of five' });
        expect(((await h.store.get(EXECUTIONS_INDEX, handle.execution_id))!._source.progress as object)).to.deep.equal({ percent: 40, message: 'two of five' });
        call.resolve('ok');
        const waited = await engine.wait(handle.execution_id);
        expect(waited.document.output).to.deep.equal(['loading']);
        expect(events[0]).to.equal('state:RUNNING');
        expect(events).to.include('print:RUNNING:loading');
        expect(events).to.include('progress:RUNNING');
        expect(events[events.length - 1]).to.equal('state:COMPLETED');
      });

      it('coalesces a burst of PROGRESS calls into few writes', async () => {
        const work = h.controlled('work');
        await engine.start(h.spec({ procedure: 'work' }));
        const call = await work.nth(0);
        const store = h.store as unknown as { calls?: Record<string, number> };
        const before = store.calls?.index ?? 0;
        await Promise.all(Array.from({ length: 100 }, (_, i) => call.ctx.progress(i)));
        if (store.calls) expect(store.calls.index - before).to.be.at.most(2);
        expect(asView(await engine.status(call.ctx.executionId)).progress.percent).to.equal(99);
      });

      it('PROGRESS through the engine for a run of this kernel', async () => {
        const work = h.controlled('work');
        const handle = await engine.start(h.spec({ procedure: 'work' }));
        await work.nth(0);
        await engine.progress(handle.execution_id, 75, 'almost');
        expect(asView(await engine.status(handle.execution_id)).progress).to.deep.equal({ percent: 75, message: 'almost' });
        await expectError(engine.progress(new ExecutionIdGenerator().next(h.clock.now()), 1), 'execution_not_found');
      });

      it('EXECUTIONS [WHERE] lists top-level executions newest first through ES|QL', async () => {
        const work = h.controlled('work');
        h.body('quick', async () => 1);
        const done = await engine.start(h.spec({ procedure: 'quick' }));
        await engine.wait(done.execution_id);
        await h.clock.advance(1);
        const running = await engine.start(h.spec({ procedure: 'work' }));
        await work.nth(0);
        expect((await engine.list()).map((d) => d.execution_id)).to.deep.equal([running.execution_id, done.execution_id]);
        expect((await engine.list('status == "RUNNING"')).map((d) => d.execution_id)).to.deep.equal([running.execution_id]);
        expect((await engine.list('procedure_name == "quick"', 10)).map((d) => d.status)).to.deep.equal(['COMPLETED']);
      });
    });
  });
}
