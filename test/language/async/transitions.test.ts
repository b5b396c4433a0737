// The pure decisions behind every compare-and-set: what each state accepts, and what it leaves alone.

import { expect } from 'chai';
import { EXECUTIONS_INDEX_DEFINITION, ExecutionDocument, ExecutionState, isTerminal } from '../../../language/async/document';
import { newExecutionDocument } from '../../../language/async/new-document';
import * as t from '../../../language/async/transitions';

const T0 = Date.UTC(2026, 0, 1, 12);
const ME = 'kernel-a:1';
const actor = (now = T0): t.Actor => ({ me: ME, now, leaseMs: 30_000, retentionMs: 1_000_000 });
const claim: t.Finish = { claimHandlers: true, settle: false };
const remote: t.Finish = { claimHandlers: false, settle: false };

function doc(state: ExecutionState, overrides: Partial<ExecutionDocument> = {}): ExecutionDocument {
  return newExecutionDocument({
    id: 'exec-X',
    kind: 'PROCEDURE',
    procedure: 'p',
    now: T0,
    owner: { kernel_id: 'kernel-a', host: 'h', pid: 1, notebook: null },
    lease: { owner_id: ME, epoch: 1, expires_at: new Date(T0 + 30_000).toISOString() },
    fields: { state, ...overrides },
  });
}

const ALL_STATES: ExecutionState[] = ['PENDING', 'RETRY_SCHEDULED', 'RUNNING', 'CANCEL_REQUESTED', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'LOST', 'CANCELLED'];

describe('execution state transitions', () => {
  it('COMPLETE and FAIL apply only before any decision (first wins)', () => {
    for (const state of ALL_STATES) {
      const applies = !isTerminal(state) && state !== 'CANCEL_REQUESTED';
      expect(t.completeExternally(doc(state), 1, actor(), remote) !== null, `COMPLETE on ${state}`).to.equal(applies);
      expect(t.failExternally(doc(state), 'x', actor(), remote) !== null, `FAIL on ${state}`).to.equal(applies);
    }
  });

  it('CANCEL requests a running body to stop, ends a run with nothing running at once, and leaves decided runs alone', () => {
    expect(t.requestCancel(doc('RUNNING'), actor(), false, 'CANCELLED_BY_USER', remote)!.state).to.equal('CANCEL_REQUESTED');
    expect(t.requestCancel(doc('RUNNING'), actor(), true, 'CANCELLED_BY_USER', remote)!.state).to.equal('CANCELLED');
    expect(t.requestCancel(doc('RETRY_SCHEDULED'), actor(), false, 'CANCELLED_BY_USER', remote)!.state).to.equal('CANCELLED');
    expect(t.requestCancel(doc('PENDING'), actor(), false, 'TIMEOUT', remote)!.state_reason).to.equal('TIMEOUT');
    expect(t.requestCancel(doc('CANCEL_REQUESTED'), actor(), false, 'CANCELLED_BY_USER', remote)).to.equal(null);
    const forced = t.requestCancel(doc('CANCEL_REQUESTED', { state_reason: 'KERNEL_SHUTDOWN' }), actor(), true, 'CANCELLED_BY_USER', remote)!;
    expect(forced).to.include({ state: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
    for (const state of ALL_STATES.filter(isTerminal)) expect(t.requestCancel(doc(state), actor(), true, 'CANCELLED_BY_USER', remote)).to.equal(null);
  });

  it("records the body's outcome only for the current attempt of a run this engine owns", () => {
    const ok: t.AttemptOutcome = { ok: true, value: 5 };
    expect(t.afterAttempt(doc('RUNNING'), 1, ok, actor(T0 + 250), claim)).to.include({ state: 'COMPLETED', result: 5, duration_ms: 250 });
    expect(t.afterAttempt(doc('RUNNING', { attempt: 2 }), 1, ok, actor(), claim)).to.equal(null);
    expect(t.afterAttempt(doc('RUNNING', { lease: { owner_id: 'other', epoch: 2, expires_at: '' } }), 1, ok, actor(), claim)).to.equal(null);
    expect(t.afterAttempt(doc('TIMED_OUT'), 1, ok, actor(), claim)).to.equal(null);
    expect(t.afterAttempt(doc('CANCEL_REQUESTED'), 1, ok, actor(), claim)!.state).to.equal('CANCELLED');
  });

  it('schedules retries with exponential backoff while attempts remain', () => {
    const failure: t.AttemptOutcome = { ok: false, info: { type: 'runtime', message: 'no', line: null, procedure: 'p' } };
    const first = t.afterAttempt(doc('RUNNING', { max_attempts: 3, backoff_ms: 100 }), 1, failure, actor(), claim)!;
    expect(first).to.include({ state: 'RETRY_SCHEDULED', retry_at: new Date(T0 + 100).toISOString(), handlers_started_at: null });
    const second = t.afterAttempt(doc('RUNNING', { attempt: 2, max_attempts: 3, backoff_ms: 100 }), 2, failure, actor(), claim)!;
    expect(second.retry_at).to.equal(new Date(T0 + 200).toISOString());
    const last = t.afterAttempt(doc('RUNNING', { attempt: 3, max_attempts: 3, backoff_ms: 100 }), 3, failure, actor(), claim)!;
    expect(last).to.include({ state: 'FAILED', error: 'no' });
    expect(t.beginRetry(first, actor(T0 + 99))).to.equal(null);
    expect(t.beginRetry(first, actor(T0 + 100))).to.include({ state: 'RUNNING', attempt: 2 });
  });

  it('takes over only runs whose lease has expired, bumping the epoch, once', () => {
    const other = (expiresAt: number) => ({ owner_id: 'dead', epoch: 4, expires_at: new Date(expiresAt).toISOString() });
    expect(t.takeOver(doc('RUNNING', { lease: other(T0 + 1) }), actor(), true)).to.equal(null);
    const lost = t.takeOver(doc('RUNNING', { lease: other(T0) }), actor(), true)!;
    expect(lost).to.include({ state: 'LOST', state_reason: 'WORKER_LOST' });
    expect(lost.lease).to.deep.include({ owner_id: ME, epoch: 5 });
    expect(lost.handlers_started_at).to.be.a('string');
    expect(t.takeOver(lost, actor(), true)).to.equal(null);
    expect(t.takeOver(doc('RUNNING', { lease: other(T0), max_attempts: 2 }), actor(), true)!.state).to.equal('RETRY_SCHEDULED');
    expect(t.takeOver(doc('RUNNING', { lease: other(T0), max_attempts: 2 }), actor(), false)!.state).to.equal('LOST');
    expect(t.takeOver(doc('CANCEL_REQUESTED', { lease: other(T0) }), actor(), true)!.state).to.equal('CANCELLED');
    const interrupted = t.takeOver(doc('COMPLETED', { lease: other(T0), handlers_started_at: 'x' }), actor(), true)!;
    expect(interrupted).to.include({ state: 'COMPLETED', state_reason: 'HANDLERS_INTERRUPTED' });
    expect(interrupted.settled_at).to.be.a('string');
    expect(t.takeOver(doc('RUNNING', { kind: 'BRANCH', lease: null }), actor(), true)).to.equal(null);
  });

  it('PING moves the deadline of an unfinished run with a TIMEOUT', () => {
    expect(t.ping(doc('RUNNING', { timeout_ms: 5_000 }), actor(T0 + 1_000))!.deadline_at).to.equal(new Date(T0 + 6_000).toISOString());
    expect(t.ping(doc('RUNNING'), actor())).to.equal(null);
    expect(t.ping(doc('COMPLETED', { timeout_ms: 5 }), actor())).to.equal(null);
  });
});

describe('.escript_executions mapping', () => {
  it('is hidden, not dynamic, and keeps result, parameters and pipeline out of the index', () => {
    const def = EXECUTIONS_INDEX_DEFINITION as { settings: Record<string, unknown>; mappings: { dynamic: unknown; properties: Record<string, Record<string, unknown>> } };
    expect(def.settings['index.hidden']).to.equal(true);
    expect(def.mappings.dynamic).to.equal(false);
    for (const field of ['result', 'parameters', 'pipeline']) expect(def.mappings.properties[field]).to.deep.equal({ type: 'object', enabled: false });
    for (const field of ['execution_id', 'track_name', 'status', 'state', 'kind', 'name', 'procedure']) expect(def.mappings.properties[field].type).to.equal('keyword');
    for (const field of ['created_at', 'started_at', 'completed_at', 'settled_at', 'expires_at']) expect(def.mappings.properties[field].type).to.equal('date');
  });
});
