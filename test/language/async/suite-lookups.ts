// The engine suite (suite.ts), part: retention, WAIT, ON CONFLICT, the RETRY verb and PARALLEL.
// `s` holds the harness and engine of the current test.

import { expect } from 'chai';
import { EXECUTIONS_INDEX } from '../../../language/async/document';
import { ExecutionError } from '../../../language/async/errors';
import { ExecutionIdGenerator } from '../../../language/async/ids';
import { describeScriptError } from '../../../language/evaluator/async-statements';
import { ScriptError } from '../../../language/errors';
import type { SuiteState } from './suite-helpers';
import { asView, expectError } from './suite-helpers';

export function defineLookupsSuite(s: SuiteState): void {
    describe('retention and lookups', () => {
      it('answers NOT_FOUND for unknown names and ids, EXPIRED after the retention period, before and after the sweep deletes it', async () => {
        s.h.body('quick', async () => 'x');
        expect(await s.engine.status('nope')).to.equal('NOT_FOUND');
        expect(await s.engine.status(new ExecutionIdGenerator().next(s.h.clock.now()))).to.equal('NOT_FOUND');
        const handle = await s.engine.start(s.h.spec({ procedure: 'quick', track: 'daily' }));
        await s.engine.wait('daily');
        await s.h.clock.advance(7 * 24 * 3600_000 - 1);
        expect(asView(await s.engine.status('daily')).status).to.equal('COMPLETED');
        await s.h.clock.advance(1);
        expect(await s.engine.status('daily')).to.equal('EXPIRED');
        expect(await s.engine.status(handle.execution_id)).to.equal('EXPIRED');
        const report = await s.engine.sweep();
        expect(report.expired).to.equal(1);
        expect(await s.h.store.get(EXECUTIONS_INDEX, handle.execution_id)).to.equal(null);
        expect(await s.engine.status(handle.execution_id)).to.equal('EXPIRED');
        expect(await s.engine.status('daily')).to.equal('EXPIRED');
        await expectError(s.engine.result('daily'), 'execution_expired');
        await expectError(s.engine.wait('nope'), 'execution_not_found');
      });

      it('honours a configured retention', async () => {
        const short = s.h.engine({ kernelId: 'kernel-short', retentionMs: 60_000 });
        s.h.body('quick', async () => 'x');
        const handle = await short.start(s.h.spec({ procedure: 'quick' }));
        await short.wait(handle.execution_id);
        await s.h.clock.advance(60_000);
        expect(await short.status(handle.execution_id)).to.equal('EXPIRED');
      });
    });

    describe('WAIT', () => {
      it('returns the status with wait_timed_out when its TIMEOUT passes, and the run goes on', async () => {
        const work = s.h.controlled('work');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work' }));
        const waiting = s.engine.wait(handle.execution_id, { timeoutMs: 2_000 });
        await s.h.clock.advance(2_000);
        const waited = await waiting;
        expect(waited.kind).to.equal('timed_out');
        expect(waited.document).to.include({ wait_timed_out: true, status: 'RUNNING' });
        (await work.nth(0)).resolve('later');
        const done = await s.engine.wait(handle.execution_id);
        expect(done.kind === 'result' && done.value).to.equal('later');
      });

      it('polls a run of another kernel EVERY n', async () => {
        const work = s.h.controlled('work');
        const b = s.h.engine({ kernelId: 'kernel-b' });
        const handle = await s.engine.start(s.h.spec({ procedure: 'work' }));
        const waiting = b.wait(handle.execution_id, { everyMs: 1_000, timeoutMs: 10_000 });
        (await work.nth(0)).resolve(7);
        await s.h.clock.advance(1_000);
        const waited = await waiting;
        expect(waited.kind === 'result' && waited.value).to.equal(7);
      });
    });

    describe('TRACK AS ... ON CONFLICT', () => {
      it('REJECT (the default) refuses a second run while the first has not settled', async () => {
        const work = s.h.controlled('work');
        await s.engine.start(s.h.spec({ procedure: 'work', track: 'etl' }));
        const err = await expectError(s.engine.start(s.h.spec({ procedure: 'work', track: 'etl' })), 'track_conflict');
        expect(err.message).to.match(/track 'etl' is busy/);
        (await work.nth(0)).resolve(1);
        await s.engine.wait('etl');
        const again = await s.engine.start(s.h.spec({ procedure: 'work', track: 'etl' }));
        expect(asView(await s.engine.status('etl')).execution_id).to.equal(again.execution_id);
      });

      it('ATTACH returns the running execution instead of starting one', async () => {
        const work = s.h.controlled('work');
        const first = await s.engine.start(s.h.spec({ procedure: 'work', track: 'etl' }));
        const second = await s.engine.start(s.h.spec({ procedure: 'work', track: 'etl', onConflict: 'ATTACH' }));
        expect(second).to.include({ execution_id: first.execution_id, attached: true });
        expect(work.invocations).to.have.length(1);
      });

      it('REPLACE cancels the running execution and starts a new one', async () => {
        const work = s.h.controlled('work');
        const first = await s.engine.start(s.h.spec({ procedure: 'work', track: 'etl' }));
        const second = await s.engine.start(s.h.spec({ procedure: 'work', track: 'etl', onConflict: 'REPLACE' }));
        expect(second.execution_id).to.not.equal(first.execution_id);
        const old = await s.engine.wait(first.execution_id);
        expect(old.document).to.include({ state: 'CANCELLED', state_reason: 'REPLACED' });
        expect((await work.nth(1)).ctx.executionId).to.equal(second.execution_id);
        expect(asView(await s.engine.status('etl')).execution_id).to.equal(second.execution_id);
      });

      it('ALLOW runs both; the name points at the newest; HISTORY lists every run', async () => {
        s.h.controlled('work');
        const first = await s.engine.start(s.h.spec({ procedure: 'work', track: 'etl' }));
        const second = await s.engine.start(s.h.spec({ procedure: 'work', track: 'etl', onConflict: 'ALLOW' }));
        expect(asView(await s.engine.status('etl')).execution_id).to.equal(second.execution_id);
        const history = await s.engine.history('etl');
        expect(history.map((d) => d.execution_id)).to.deep.equal([first.execution_id, second.execution_id]);
      });

      it('two kernels racing for one track with REJECT: exactly one starts', async () => {
        const work = s.h.controlled('work');
        const b = s.h.engine({ kernelId: 'kernel-b' });
        const outcomes = await Promise.allSettled([
          s.engine.start(s.h.spec({ procedure: 'work', track: 'once' })),
          b.start(s.h.spec({ procedure: 'work', track: 'once' })),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
        const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect((rejected.reason as ExecutionError).kind).to.equal('track_conflict');
        expect(work.invocations).to.have.length(1);
        expect((await s.engine.list()).map((d) => d.execution_id)).to.have.length(1);
      });
    });

    describe('RETRY verb', () => {
      it('re-runs the stored pipeline as a new execution linked by retry_of; the old document is kept', async () => {
        let fail = true;
        s.h.body('sometimes', async () => {
          if (fail) throw new Error('not yet');
          return 'now';
        });
        const first = await s.engine.start(s.h.spec({ procedure: 'sometimes', track: 'job' }));
        await s.engine.wait('job');
        fail = false;
        const second = await s.engine.retry('job');
        expect(second.execution_id).to.not.equal(first.execution_id);
        const waited = await s.engine.wait('job');
        expect(waited.kind === 'result' && waited.value).to.equal('now');
        expect(waited.document.retry_of).to.equal(first.execution_id);
        expect(asView(await s.engine.status(first.execution_id)).status).to.equal('FAILED');
        expect((await s.engine.history('job')).map((d) => d.status)).to.deep.equal(['FAILED', 'COMPLETED']);
      });

      it('refuses to retry a run that has not finished', async () => {
        s.h.controlled('work');
        const handle = await s.engine.start(s.h.spec({ procedure: 'work' }));
        await expectError(s.engine.retry(handle.execution_id), 'execution_active');
      });
    });

    describe('PARALLEL', () => {
      it('joins every branch: ON_ALL_DONE gets @results in call order, ON_ALL_SETTLED @outcomes, then FINALLY', async () => {
        const a = s.h.controlled('a');
        const b = s.h.controlled('b');
        s.h.handler('all', (bindings) => (bindings.results as number[]).reduce((x, y) => x + y, 0));
        s.h.handler('settled');
        s.h.handler('cleanup');
        const handle = await s.engine.parallel(
          s.h.parallelSpec({ branches: [{ procedure: 'a', args: [1] }, { procedure: 'b' }], onAllDone: ['all'], onAllSettled: ['settled'], finally: ['cleanup'], track: 'fanout' }),
        );
        expect(handle).to.include({ kind: 'PARALLEL', status: 'RUNNING', track_name: 'fanout' });
        (await b.nth(0)).resolve(20);
        (await a.nth(0)).resolve(1);
        const waited = await s.engine.wait('fanout');
        expect(waited.kind === 'result' && waited.value).to.deep.equal([1, 20]);
        expect(waited.document).to.include({ handler_result: 21 });
        expect(s.h.callsOf('all')[0].bindings.results).to.deep.equal([1, 20]);
        expect(s.h.callsOf('settled')[0].bindings.outcomes).to.deep.equal([
          { status: 'COMPLETED', value: 1 },
          { status: 'COMPLETED', value: 20 },
        ]);
        expect(s.h.handlerCalls.map((c) => c.name)).to.deep.equal(['all', 'settled', 'cleanup']);
        expect(waited.document).to.include({ join_policy: 'ALL', branch_count: 2 });
      });

      it('stores one BRANCH document per branch, linked to the parent', async () => {
        s.h.body('x', async (args) => args[0]);
        const handle = await s.engine.parallel(s.h.parallelSpec({ branches: [{ procedure: 'x', args: ['p'] }, { procedure: 'x', args: ['q'] }] }));
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.deep.equal(['p', 'q']);
        const ids = (await s.h.store.esql(`FROM ${EXECUTIONS_INDEX} | WHERE parent_execution_id == ? | SORT branch_index | KEEP execution_id`, [handle.execution_id])).values.map((r) => r[0] as string);
        expect(ids).to.have.length(2);
        const branches = await Promise.all(ids.map((id) => s.engine.status(id)));
        expect(branches.map((b) => asView(b)).map((b) => [b.kind, b.branch_index, b.status, b.result, b.procedure_name])).to.deep.equal([
          ['BRANCH', 0, 'COMPLETED', 'p', 'x'],
          ['BRANCH', 1, 'COMPLETED', 'q', 'x'],
        ]);
        expect(ids.every((id) => id.startsWith(handle.execution_id))).to.equal(true);
        expect((await s.engine.list()).map((d) => d.execution_id)).to.deep.equal([handle.execution_id]);
      });

      it('ON_ANY_FAIL fires at the first failure while the other branches keep running', async () => {
        const slow = s.h.controlled('slow');
        s.h.body('bad', async () => {
          throw new Error('branch broke');
        });
        s.h.handler('anyFail');
        s.h.handler('settled');
        const handle = await s.engine.parallel(s.h.parallelSpec({ branches: [{ procedure: 'slow' }, { procedure: 'bad' }], onAnyFail: ['anyFail'], onAllSettled: ['settled'] }));
        const call = await slow.nth(0);
        await s.h.until(s.engine, () => s.h.callsOf('anyFail').length > 0 || false);
        expect(s.h.callsOf('anyFail')[0].bindings).to.deep.include({ error: 'branch broke', results: [null, null] });
        expect(call.ctx.signal.aborted).to.equal(false);
        call.resolve('late but fine');
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.document).to.include({ status: 'FAILED', error: 'branch broke' });
        expect(s.h.callsOf('anyFail')).to.have.length(1);
        expect(s.h.callsOf('settled')[0].bindings.outcomes).to.deep.equal([
          { status: 'COMPLETED', value: 'late but fine' },
          { status: 'FAILED', error: 'branch broke' },
        ]);
      });

      it('CANCEL SIBLINGS cancels the other branches at the first failure', async () => {
        const slow = s.h.controlled('slow');
        const bad = s.h.controlled('bad');
        s.h.handler('anyFail');
        const handle = await s.engine.parallel(s.h.parallelSpec({ branches: [{ procedure: 'slow' }, { procedure: 'bad' }], onAnyFail: ['anyFail'], cancelSiblings: true }));
        const call = await slow.nth(0);
        (await bad.nth(0)).reject(new Error('boom'));
        const waited = await s.engine.wait(handle.execution_id);
        expect(call.ctx.signal.aborted).to.equal(true);
        expect(waited.document).to.include({ status: 'FAILED', error: 'boom' });
        const sibling = asView(await s.engine.status(`${handle.execution_id}-0000`));
        expect(sibling).to.include({ state: 'CANCELLED', state_reason: 'SIBLING_CANCELLED' });
      });

      it("fails the parent with its failing branch's own error kind, not the session describer's runtime_error", async () => {
        // The session's describer knows script errors only: anything else would become a runtime_error.
        const scripted = s.h.engine({ kernelId: 'kernel-script', describeError: describeScriptError });
        s.h.body('ok', async () => 1);
        s.h.body('divides', async () => {
          throw new ScriptError('division_error', 'division by zero');
        });
        s.h.handler('anyFail');
        const handle = await scripted.parallel(s.h.parallelSpec({ branches: [{ procedure: 'ok' }, { procedure: 'divides' }], onAnyFail: ['anyFail'] }));
        const waited = await scripted.wait(handle.execution_id);
        expect(waited.document).to.include({ status: 'FAILED', error: 'division by zero' });
        expect(waited.document.error_info).to.include({ type: 'division_error', procedure: 'divides' });
        expect(s.h.callsOf('anyFail')[0].bindings.error_info).to.include({ type: 'division_error' });
      });

      it('ON_ANY_DONE fires at the first success; with CANCEL SIBLINGS the first result wins', async () => {
        const slow = s.h.controlled('slow');
        const fast = s.h.controlled('fast');
        s.h.handler('first');
        const handle = await s.engine.parallel(s.h.parallelSpec({ branches: [{ procedure: 'slow' }, { procedure: 'fast' }], onAnyDone: ['first'], cancelSiblings: true }));
        const slowCall = await slow.nth(0);
        (await fast.nth(0)).resolve('fast wins');
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.equal('fast wins');
        expect(waited.document.join_policy).to.equal('ANY');
        expect(s.h.callsOf('first').map((c) => c.bindings.result)).to.deep.equal(['fast wins']);
        expect(slowCall.ctx.signal.aborted).to.equal(true);
      });

      it('MAX n runs at most n branches at a time and runs them all', async () => {
        const work = s.h.controlled('work');
        const branches = Array.from({ length: 5 }, (_, i) => ({ procedure: 'work', args: [i] }));
        const handle = await s.engine.parallel(s.h.parallelSpec({ branches, max: 2 }));
        await work.nth(1);
        await s.h.settle();
        expect(work.running).to.equal(2);
        for (let i = 0; i < 5; i++) {
          const call = await work.nth(i);
          await s.h.settle();
          expect(work.running).to.be.at.most(2);
          call.resolve((call.args[0] as number) * 10);
        }
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.kind === 'result' && waited.value).to.deep.equal([0, 10, 20, 30, 40]);
        expect(work.invocations.map((c) => c.args[0])).to.deep.equal([0, 1, 2, 3, 4]);
      });

      it('TIMEOUT cancels the running branches and the queued ones, then ON_ANY_FAIL and FINALLY', async () => {
        const work = s.h.controlled('work');
        s.h.handler('anyFail');
        s.h.handler('cleanup');
        const handle = await s.engine.parallel(
          s.h.parallelSpec({ branches: [{ procedure: 'work' }, { procedure: 'work' }, { procedure: 'work' }], max: 2, timeoutMs: 1_000, onAnyFail: ['anyFail'], finally: ['cleanup'] }),
        );
        await work.nth(1);
        const done = s.engine.wait(handle.execution_id);
        await s.h.clock.advance(1_000);
        const waited = await done;
        expect(waited.document).to.include({ state: 'TIMED_OUT', status: 'FAILED' });
        expect(work.invocations).to.have.length(2);
        expect(work.invocations.every((c) => c.ctx.signal.aborted)).to.equal(true);
        expect(s.h.callsOf('anyFail').map((c) => c.bindings.error_info!.type)).to.deep.equal(['timeout_error']);
        expect(s.h.callsOf('cleanup')).to.have.length(1);
        const queued = asView(await s.engine.status(`${handle.execution_id}-0002`));
        expect(queued).to.include({ state: 'CANCELLED', state_reason: 'TIMEOUT' });
      });

      it('CANCEL of the parent cancels every branch', async () => {
        const work = s.h.controlled('work');
        s.h.handler('settled');
        const handle = await s.engine.parallel(s.h.parallelSpec({ branches: [{ procedure: 'work' }, { procedure: 'work' }], onAllSettled: ['settled'] }));
        await work.nth(1);
        await s.engine.cancel(handle.execution_id);
        const waited = await s.engine.wait(handle.execution_id);
        expect(waited.document.state).to.equal('CANCELLED');
        expect(s.h.callsOf('settled')[0].bindings.outcomes!.map((o) => o.status)).to.deep.equal(['CANCELLED', 'CANCELLED']);
      });

      it('a PARALLEL whose kernel died is taken over: unfinished branches become LOST, ON_ALL_SETTLED and FINALLY run', async () => {
        const work = s.h.controlled('work');
        s.h.body('quick', async () => 'done');
        s.h.handler('settled');
        s.h.handler('cleanup');
        const handle = await s.engine.parallel(s.h.parallelSpec({ branches: [{ procedure: 'quick' }, { procedure: 'work' }], onAllSettled: ['settled'], finally: ['cleanup'] }));
        await work.nth(0);
        await s.h.until(s.engine, (e) => e.execution_id.endsWith('-0000') && e.document.settled_at !== null);
        s.engine.halt();
        await s.h.clock.advance(30_000);
        const b = s.h.engine({ kernelId: 'kernel-b' });
        await b.sweep();
        const waited = await b.wait(handle.execution_id);
        expect(waited.document).to.include({ state: 'LOST', kind: 'PARALLEL' });
        expect(s.h.callsOf('settled')[0].bindings.outcomes!.map((o) => o.status)).to.deep.equal(['COMPLETED', 'FAILED']);
        expect(asView(await b.status(`${handle.execution_id}-0001`)).state).to.equal('LOST');
        expect(s.h.callsOf('cleanup')).to.have.length(1);
      });

      it('WAIT on a branch of a dead kernel takes its PARALLEL over', async () => {
        s.h.controlled('work');
        const handle = await s.engine.parallel(s.h.parallelSpec({ branches: [{ procedure: 'work' }] }));
        s.engine.halt();
        const b = s.h.engine({ kernelId: 'kernel-b' });
        const branch = `${handle.execution_id}-0000`;
        const waiting = b.wait(branch, { everyMs: 10_000 });
        await s.h.clock.advance(40_000);
        expect((await waiting).document).to.include({ state: 'LOST', kind: 'BRANCH' });
        expect(asView(await b.status(handle.execution_id)).state).to.equal('LOST');
      });
    });
}
