// runVerb: what each `EXECUTION(x) | VERB` evaluates to, for the statement and expression forms alike.

import { expect } from 'chai';
import { ExecutionIdGenerator } from '../../../language/async/ids';
import type { ExecutionEngine } from '../../../language/async/engine';
import { runVerb, statusDocument } from '../../../language/async/verbs';
import { Harness } from './support/harness';
import { MemoryStore } from './support/memory-store';

describe('EXECUTION(x) | VERB as a value (runVerb)', () => {
  let h: Harness;
  let engine: ExecutionEngine;

  beforeEach(async () => {
    h = new Harness(new MemoryStore());
    engine = h.engine({ kernelId: 'k' });
    await engine.open();
  });

  afterEach(async () => {
    engine.halt();
    expect(h.backgroundErrors).to.deep.equal([]);
  });

  it('STATUS is always a document: NOT_FOUND for a name or id nobody knows, EXPIRED after retention', async () => {
    expect(await statusDocument(engine, 'nobody')).to.deep.equal({ execution_id: null, track_name: 'nobody', status: 'NOT_FOUND', state: 'NOT_FOUND' });
    const unknownId = new ExecutionIdGenerator().next(h.clock.now());
    expect((await runVerb(engine, unknownId, { op: 'STATUS' })).value).to.include({ execution_id: unknownId, status: 'NOT_FOUND' });
    h.body('quick', async () => 7);
    await engine.start(h.spec({ procedure: 'quick', track: 'daily' }));
    await engine.wait('daily');
    expect((await runVerb(engine, 'daily', { op: 'STATUS' })).value).to.include({ status: 'COMPLETED', result: 7, track_name: 'daily' });
    await h.clock.advance(8 * 24 * 3600_000);
    expect((await runVerb(engine, 'daily', { op: 'STATUS' })).value).to.include({ status: 'EXPIRED', track_name: 'daily' });
  });

  it("WAIT is the procedure's result, RESULT too; HISTORY by an execution id is its track's", async () => {
    h.body('quick', async () => ({ n: 1 }));
    h.handler('handled', () => 'handled');
    const first = await engine.start(h.spec({ procedure: 'quick', onDone: ['handled'], track: 'job' }));
    expect((await runVerb(engine, 'job', { op: 'WAIT' })).value).to.deep.equal({ n: 1 });
    expect((await runVerb(engine, 'job', { op: 'RESULT' })).value).to.deep.equal({ n: 1 });
    const retried = await runVerb(engine, 'job', { op: 'RETRY' });
    expect(retried.launched).to.include({ track_name: 'job' });
    expect(retried.value).to.equal(retried.launched);
    await engine.wait(retried.launched!.execution_id);
    const history = (await runVerb(engine, first.execution_id, { op: 'HISTORY' })).value as { execution_id: string }[];
    expect(history.map((d) => d.execution_id)).to.deep.equal([first.execution_id, retried.launched!.execution_id]);
  });

  it('WAIT on a run that does not finish: TIMEOUT gives the status with wait_timed_out; an aborted waiter stops', async () => {
    h.controlled('slow');
    await engine.start(h.spec({ procedure: 'slow', track: 'slow' }));
    const waiting = runVerb(engine, 'slow', { op: 'WAIT', timeoutMs: 1_000 });
    await h.clock.advance(1_000);
    expect((await waiting).value).to.include({ status: 'RUNNING', wait_timed_out: true });
    const waiter = new AbortController();
    const aborted = runVerb(engine, 'slow', { op: 'WAIT' }, { signal: waiter.signal });
    waiter.abort(new Error('interrupted'));
    let error: unknown;
    await aborted.catch((e) => (error = e));
    expect(String(error)).to.contain('interrupted');
    expect((await statusDocument(engine, 'slow')).status).to.equal('RUNNING');
  });

  it('CANCEL, COMPLETE, FAIL and PING are the document after the decision', async () => {
    h.controlled('slow');
    for (const track of ['c', 'd', 'f', 'p']) await engine.start(h.spec({ procedure: 'slow', track, timeoutMs: 60_000 }));
    expect((await runVerb(engine, 'c', { op: 'CANCEL', force: true })).value).to.include({ state: 'CANCELLED' });
    expect((await runVerb(engine, 'd', { op: 'COMPLETE', value: 42 })).value).to.include({ state: 'COMPLETED', result: 42 });
    expect((await runVerb(engine, 'f', { op: 'FAIL', message: 'no' })).value).to.include({ state: 'FAILED', error: 'no' });
    await h.clock.advance(1_000);
    const pinged = (await runVerb(engine, 'p', { op: 'PING' })).value as { deadline_at: string };
    expect(Date.parse(pinged.deadline_at)).to.equal(h.clock.now() + 60_000);
  });
});
