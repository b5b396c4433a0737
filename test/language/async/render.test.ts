import { expect } from 'chai';
import type { ExecutionDocument } from '../../../language/async/document';
import { newExecutionDocument } from '../../../language/async/new-document';
import { formatDuration, renderExecution } from '../../../language/async/render';

const T0 = Date.UTC(2026, 0, 1, 12);

function doc(overrides: Partial<ExecutionDocument>): ExecutionDocument {
  return newExecutionDocument({
    id: 'exec-019b7a3c-1e00-7123-8456-0123456789ab',
    kind: 'PROCEDURE',
    procedure: 'load_sales',
    now: T0,
    owner: { kernel_id: 'k', host: 'h', pid: 1, notebook: null },
    lease: null,
    fields: { track_name: 'nightly', name: 'nightly', ...overrides },
  });
}

describe('execution display', () => {
  it('shows a running execution with its progress bar, elapsed time and recent PRINT lines', () => {
    const bundle = renderExecution(doc({ progress: { percent: 40, message: '2 of 5 <files>' }, output: ['one', 'two'] }), { now: T0 + 3_500 });
    const plain = bundle['text/plain'] as string;
    expect(plain.split('\n')[0]).to.equal("'nightly' load_sales [exec-019b7a3c-1e00-7123-8456-0123456789ab] RUNNING 40% 2 of 5 <files> 3.5 s");
    expect(plain.split('\n').slice(1)).to.deep.equal(['  one', '  two']);
    const html = bundle['text/html'] as string;
    expect(html).to.contain('width:40%');
    expect(html).to.contain('2 of 5 &lt;files&gt;');
    expect(html).to.contain('<pre style="margin:4px 0">one\ntwo</pre>');
    expect(html).to.contain('data-execution-id="exec-019b7a3c-1e00-7123-8456-0123456789ab"');
  });

  it('shows the result of a settled run and its stored duration', () => {
    const settled = doc({
      status: 'COMPLETED',
      state: 'COMPLETED',
      result: { rows: 3 },
      completed_at: new Date(T0 + 61_000).toISOString(),
      settled_at: new Date(T0 + 61_000).toISOString(),
      duration_ms: 61_000,
    });
    const plain = renderExecution(settled, { now: T0 + 999_999 })['text/plain'] as string;
    expect(plain).to.contain('COMPLETED 1 min 1 s');
    expect(plain).to.contain('result: {\n  "rows": 3\n}');
    expect(plain).to.not.contain('handler_result');
  });

  it("shows what the handlers returned beside the procedure's result", () => {
    const settled = doc({ status: 'COMPLETED', state: 'COMPLETED', result: 42, handler_result: 'handled', settled_at: new Date(T0).toISOString() });
    const plain = renderExecution(settled, { now: T0 })['text/plain'] as string;
    expect(plain.split('\n').slice(-2)).to.deep.equal(['result: 42', 'handler_result: "handled"']);
  });

  it('shows the error kind and message, the reason, the attempt and an unreachable owner', () => {
    const failed = doc({
      status: 'FAILED',
      state: 'TIMED_OUT',
      state_reason: 'TIMEOUT',
      attempt: 2,
      max_attempts: 3,
      error: 'timed out after 100 ms',
      error_info: { type: 'timeout_error', message: 'timed out after 100 ms', line: null, procedure: 'load_sales' },
    });
    const plain = renderExecution(failed, { now: T0 })['text/plain'] as string;
    expect(plain).to.contain('TIMED_OUT (TIMEOUT), attempt 2/3');
    expect(plain).to.contain('error: [timeout_error] timed out after 100 ms');
    expect(renderExecution(failed, { now: T0 })['text/html']).to.contain('color:#b91c1c');
    const unreachable = { ...doc({}), status: 'RUNNING (owner unreachable)' };
    expect(renderExecution(unreachable, { now: T0 })['text/plain']).to.contain('RUNNING (owner unreachable)');
  });

  it('formats durations for people', () => {
    expect([formatDuration(null), formatDuration(250), formatDuration(12_340), formatDuration(3_725_000)]).to.deep.equal(['-', '250 ms', '12.3 s', '1 h 2 min']);
  });
});
