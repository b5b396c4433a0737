// The engine suite (suite.ts), part: starting work, handlers and bindings, TIMEOUT and RETRY.
// `s` holds the harness and engine of the current test.

import { expect } from 'chai';
import { EXECUTIONS_INDEX, TRACKS_INDEX } from '../../../language/async/document';
import { ExecutionError } from '../../../language/async/errors';
import { isExecutionId } from '../../../language/async/ids';
import type { SuiteState } from './suite-helpers';
import { asView } from './suite-helpers';

export function defineStartingSuite(s: SuiteState): void {
    describe('starting work', () => {
      it('returns the handle at once and runs the body in the background', async () => {
        const work = s.h.controlled('work');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work', args: [1, 'x'] }));
        expect(isExecutionId(handle.execution_id)).to.equal(true);
        expect(handle).to.include({ status: 'RUNNING', state: 'RUNNING', procedure_name: 'work', kind: 'PROCEDURE', attached: false });
        const call = await work.nth(0);
        expect(call.args).to.deep.equal([1, 'x']);
        expect(call.ctx.executionId).to.equal(handle.execution_id);
        const running = asView(await s.engine.status(handle.execution_id));
        expect(running.status).to.equal('RUNNING');
        expect(running.parameters).to.deep.equal([1, 'x']);
        call.resolve({ rows: 3 });
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.kind).to.equal('result');
        expect(waited.kind === 'result' && waited.value).to.deep.equal({ rows: 3 });
      });

      it('stores the documented fields, the reference mirrors and a settled retention date', async () => {
        s.h.body('quick', async () => 42);
        s.h.clock.now();
        const handle = await s.engine.start(s.h.spec({ procedure: 'quick', track: 'nightly', timeoutMs: 60_000 }));
        await s.engine.wait(handle.execution_id);
        const stored = (await s.h.store.get(EXECUTIONS_INDEX, handle.execution_id))!._source as Record<string, unknown>;
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
        expect((stored.lease as Record<string, unknown>).owner_id).to.equal(s.engine.ownerId);
        expect(stored.pipeline).to.deep.equal({ procedure: 'quick', track: 'nightly', timeoutMs: 60_000 });
      });

      it('renews the lease of a run started by an s.engine that was never opened', async () => {
        const work = s.h.controlled('work');
        const fresh = s.h.engine({ kernelId: 'kernel-fresh' });
        const handle = await fresh.start(s.h.spec({ procedure: 'work' }));
        await work.nth(0);
        await s.h.clock.advance(45_000);
        expect(asView(await s.engine.status(handle.execution_id))).to.include({ status: 'RUNNING', owner_reachable: true });
      });

      it('hands out execution ids that sort by creation', async () => {
        s.h.body('quick', async () => null);
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push((await s.engine.start(s.h.spec({ procedure: 'quick' }))).execution_id);
          if (i % 2 === 0) await s.h.clock.advance(1);
        }
        expect([...ids].sort()).to.deep.equal(ids);
      });

      it('creates the executions and tracks indices before the first write', async () => {
        expect(await s.h.store.indexExists(EXECUTIONS_INDEX)).to.equal(true);
        expect(await s.h.store.indexExists(TRACKS_INDEX)).to.equal(true);
      });
    });

    describe('handlers and bindings', () => {
      it('chains ON_DONE: a non-null return replaces @result, null keeps it; FINALLY runs once; ON_FAIL does not run; result stays the procedure\'s, handler_result is the chain\'s', async () => {
        s.h.body('fetch', async () => 10);
        s.h.handler('double', (b) => (b.result as number) * 2);
        s.h.handler('keep', () => null);
        s.h.handler('plus1', (b) => (b.result as number) + 1);
        s.h.handler('onFail');
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'fetch', onDone: ['double', 'keep', 'plus1'], onFail: ['onFail'], finally: ['cleanup'] }));
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal(10);
        expect(waited.document).to.include({ result: 10, handler_result: 21 });
        expect(s.h.handlerCalls.map((c) => [c.name, c.bindings.result])).to.deep.equal([
          ['double', 10],
          ['keep', 20],
          ['plus1', 20],
          ['cleanup', undefined],
        ]);
        expect(await s.engine.result(handle.execution_id)).to.equal(10);
        const stored = (await s.h.store.get(EXECUTIONS_INDEX, handle.execution_id))!._source;
        expect(stored).to.include({ result: 10, handler_result: 21 });
      });

      it('stores handler_result null when no ON_DONE handler returned a value', async () => {
        s.h.body('fetch', async () => ({ error_count: 42, index: 'logs-*' }));
        s.h.handler('noted', () => null);
        const handle = await s.engine.start(s.h.spec({ procedure: 'fetch', onDone: ['noted'] }));
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.document.result).to.deep.equal({ error_count: 42, index: 'logs-*' });
        expect(waited.document.handler_result).to.equal(null);
      });

      it('binds @error and @error_info on failure, then FINALLY', async () => {
        s.h.body('broken', async () => {
          throw Object.assign(new Error('line 3:5: division by zero'), { kind: 'runtime', span: { start: { line: 3 } } });
        });
        s.h.handler('report');
        s.h.handler('cleanup');
        s.h.handler('never');
        const handle = await s.engine.start(s.h.spec({ procedure: 'broken', onDone: ['never'], onFail: ['report'], finally: ['cleanup'] }));
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.kind).to.equal('settled');
        const doc = waited.document;
        expect(doc).to.include({ status: 'FAILED', state: 'FAILED', error: 'line 3:5: division by zero' });
        expect(doc.error_info).to.deep.equal({ type: 'runtime', message: 'line 3:5: division by zero', line: 3, procedure: 'broken' });
        expect(s.h.handlerCalls.map((c) => c.name)).to.deep.equal(['report', 'cleanup']);
        expect(s.h.callsOf('report')[0].bindings).to.deep.equal({ error: 'line 3:5: division by zero', error_info: doc.error_info });
      });

      it('fails the execution when an ON_DONE handler fails, and runs ON_FAIL with the handler error', async () => {
        s.h.body('fetch', async () => 1);
        s.h.handler('bad', () => {
          throw new Error('cannot write');
        });
        s.h.handler('report');
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'fetch', onDone: ['bad'], onFail: ['report'], finally: ['cleanup'] }));
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.document).to.include({ status: 'FAILED', state_reason: 'HANDLER_FAILED', error: 'cannot write' });
        expect(waited.document.error_info!.procedure).to.equal('bad');
        expect(s.h.callsOf('report')[0].bindings.error).to.equal('cannot write');
        expect(s.h.callsOf('cleanup')).to.have.length(1);
      });

      it('keeps PRINT lines of the body and of its handlers with the execution', async () => {
        s.h.body('talk', async (_a, ctx) => {
          ctx.print('from the body');
          return 1;
        });
        s.h.handler('say', (_b, ctx) => ctx.print('from ON_DONE'));
        const handle = await s.engine.start(s.h.spec({ procedure: 'talk', onDone: ['say'] }));
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.document.output).to.deep.equal(['from the body', 'from ON_DONE']);
      });

      it('records a failing FINALLY in handler_errors without changing the outcome', async () => {
        s.h.body('fetch', async () => 'ok');
        s.h.handler('cleanup', () => {
          throw new Error('disk full');
        });
        const handle = await s.engine.start(s.h.spec({ procedure: 'fetch', finally: ['cleanup'] }));
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.kind).to.equal('result');
        expect(waited.document.handler_errors.map((e) => e.message)).to.deep.equal(['disk full']);
      });
    });

    describe('TIMEOUT', () => {
      it('aborts the body with a timeout_error, records TIMED_OUT, then ON_FAIL and FINALLY', async () => {
        const slow = s.h.controlled('slow');
        s.h.handler('report');
        s.h.handler('cleanup');
        const handle = await s.engine.start(s.h.spec({ procedure: 'slow', timeoutMs: 1_000, onFail: ['report'], finally: ['cleanup'] }));
        const call = await slow.nth(0);
        await s.h.clock.advance(999);
        expect(call.ctx.signal.aborted).to.equal(false);
        const settled = s.engine.wait(handle.execution_id);
        await s.h.clock.advance(1);
        const waited = await settled;
        expect(call.ctx.signal.aborted).to.equal(true);
        expect((call.ctx.signal.reason as ExecutionError).kind).to.equal('timeout_error');
        expect(waited.document).to.include({ status: 'FAILED', state: 'TIMED_OUT', state_reason: 'TIMEOUT' });
        expect(waited.document.error_info!.type).to.equal('timeout_error');
        expect(s.h.callsOf('report')[0].bindings.error_info!.type).to.equal('timeout_error');
        expect(s.h.callsOf('cleanup')).to.have.length(1);
      });

      it('PING pushes the deadline out by the TIMEOUT', async () => {
        const slow = s.h.controlled('slow');
        const handle = await s.engine.start(s.h.spec({ procedure: 'slow', timeoutMs: 1_000 }));
        const call = await slow.nth(0);
        await s.h.clock.advance(800);
        const pinged = await s.engine.ping(handle.execution_id);
        expect(pinged.changed).to.equal(true);
        expect(Date.parse(pinged.document.deadline_at!)).to.equal(s.h.clock.now() + 1_000);
        await s.h.clock.advance(800);
        expect(call.ctx.signal.aborted).to.equal(false);
        expect(asView(await s.engine.status(handle.execution_id)).state).to.equal('RUNNING');
        const timedOut = s.h.untilState(s.engine, handle.execution_id, 'TIMED_OUT');
        await s.h.clock.advance(200);
        await timedOut;
        expect(call.ctx.signal.aborted).to.equal(true);
      });

      it('PING from another kernel moves the owner deadline too', async () => {
        const slow = s.h.controlled('slow');
        const other = s.h.engine({ kernelId: 'kernel-b' });
        const handle = await s.engine.start(s.h.spec({ procedure: 'slow', timeoutMs: 30_000 }));
        const call = await slow.nth(0);
        await s.h.clock.advance(25_000);
        expect((await other.ping(handle.execution_id)).changed).to.equal(true);
        await s.h.clock.advance(10_000);
        expect(call.ctx.signal.aborted).to.equal(false);
        const timedOut = s.h.untilState(s.engine, handle.execution_id, 'TIMED_OUT');
        await s.h.clock.advance(20_000);
        await timedOut;
      });
    });

    describe('RETRY n BACKOFF d', () => {
      it('retries a failing body with exponential backoff, then runs the handlers once', async () => {
        let attempts = 0;
        s.h.body('flaky', async (_args, ctx) => {
          attempts++;
          if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
          return 'third time lucky';
        });
        s.h.handler('done');
        s.h.handler('report');
        const handle = await s.engine.start(s.h.spec({ procedure: 'flaky', retries: 3, backoffMs: 1_000, onDone: ['done'], onFail: ['report'] }));
        const id = handle.execution_id;
        const first = await s.h.untilState(s.engine, id, 'RETRY_SCHEDULED');
        expect(first.document.error).to.equal('attempt 1 failed');
        expect(Date.parse(first.document.retry_at!)).to.equal(s.h.clock.now() + 1_000);
        expect(asView(await s.engine.status(id)).status).to.equal('PENDING');
        await s.h.clock.advance(999);
        expect(attempts).to.equal(1);
        const second = s.h.untilState(s.engine, id, 'RETRY_SCHEDULED');
        await s.h.clock.advance(1);
        const secondDoc = (await second).document;
        expect(attempts).to.equal(2);
        expect(Date.parse(secondDoc.retry_at!)).to.equal(s.h.clock.now() + 2_000);
        const done = s.engine.wait(id);
        await s.h.clock.advance(2_000);
        const waited = await done;
        expect(waited.kind === 'result' && waited.value).to.equal('third time lucky');
        expect(waited.document).to.include({ attempt: 3, max_attempts: 4 });
        expect(s.h.callsOf('done')).to.have.length(1);
        expect(s.h.callsOf('report')).to.have.length(0);
      });

      it('fails for good when the retries are used up', async () => {
        s.h.body('broken', async (_a, ctx) => {
          throw new Error(`no ${ctx.attempt}`);
        });
        s.h.handler('report');
        const handle = await s.engine.start(s.h.spec({ procedure: 'broken', retries: 1, onFail: ['report'] }));
        const done = s.engine.wait(handle.execution_id);
        await s.h.untilState(s.engine, handle.execution_id, 'RETRY_SCHEDULED');
        await s.h.clock.advance(0);
        const waited = await done;
        expect(waited.document).to.include({ state: 'FAILED', attempt: 2, max_attempts: 2, error: 'no 2' });
        expect(s.h.callsOf('report')).to.have.length(1);
      });

      it('retries after a timeout', async () => {
        const slow = s.h.controlled('slow');
        const handle = await s.engine.start(s.h.spec({ procedure: 'slow', timeoutMs: 100, retries: 1 }));
        await slow.nth(0);
        await s.h.clock.advance(100);
        const second = await slow.nth(1);
        expect(second.ctx.attempt).to.equal(2);
        second.resolve('ok');
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal('ok');
      });
    });
}
