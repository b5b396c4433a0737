// The summary `escript run` prints on stderr about the executions a script started.
import { expect } from 'chai';
import { LaunchedOutcome, summarise } from '../../../kernel/app/commands/run-summary';

function outcome(state: string, extra: Partial<NonNullable<LaunchedOutcome['doc']>> = {}, unhandledFailure = false): LaunchedOutcome {
  return {
    id: `exec-${state}`,
    doc: {
      state, state_reason: null, track_name: null, procedure_name: 'p', settled_at: '2026-01-01T00:00:00Z',
      error: null, error_info: null, ...extra,
    },
    unhandledFailure,
  };
}

describe('escript run summary', () => {
  it('counts by final state in a fixed order, with the shutdown reason of cancelled runs', () => {
    const lines = summarise([
      outcome('CANCELLED', { state_reason: 'KERNEL_SHUTDOWN' }),
      outcome('COMPLETED'),
      outcome('TIMED_OUT'),
      outcome('COMPLETED'),
      outcome('RUNNING', { settled_at: null }),
    ]);
    expect(lines).to.deep.equal(['5 executions: 2 completed, 1 timed out, 1 cancelled (KERNEL_SHUTDOWN), 1 left running (their lease runs out)']);
  });

  it('names each failure nothing handled before the count, with its error and where it happened', () => {
    const failed = outcome('FAILED', {
      track_name: 'nightly', error: 'boom',
      error_info: { type: 'division_error', message: 'division by zero', line: 4, procedure: 'p' },
    }, true);
    expect(summarise([failed, outcome('FAILED', { error: 'handled' })])).to.deep.equal([
      "'nightly' p [exec-FAILED] FAILED, not handled: division_error: division by zero (in p line 4)",
      '2 executions: 2 failed (1 failed with no handler)',
    ]);
    expect(summarise([{ id: 'exec-x', doc: null, unhandledFailure: false }])).to.deep.equal(['1 execution: 1 not found']);
  });
});
