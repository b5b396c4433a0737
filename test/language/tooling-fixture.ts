// A session such as a notebook user has after a few cells: the sample indices in a store in memory, a document
// variable, a procedure with a leading comment, a tracked execution. Shared by the completion and inspect tests.
import { expect } from 'chai';
import type { Output } from '../../language/contract';
import { openSession } from '../../language/open-session';
import { readConfig } from '../../language/config';
import type { Session } from '../../language/session';

const quiet: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} };

export const SETUP_CELLS = [
  'LOAD_SAMPLE_DATA();',
  'DECLARE incident DOCUMENT = {"severity": "high", "service": "web", "details": {"attempts": 3}};',
  "DECLARE threshold NUMBER = 5;",
  `CREATE PROCEDURE analyze_logs(idx STRING, min_errors NUMBER)
BEGIN
  -- Counts the errors of each service
  -- and warns about those above min_errors.
  PRINT idx;
END PROCEDURE;`,
  "analyze_logs('logs-sample', 1) | TRACK AS 'nightly-report';",
];

export async function runCell(s: Session, code: string): Promise<void> {
  const outcome = await s.execute(code, quiet, new AbortController().signal);
  expect(outcome.status, JSON.stringify(outcome)).to.equal('ok');
}

export async function notebookSession(): Promise<Session> {
  const s = openSession(readConfig({ ESCRIPT_STORE: 'memory' }));
  for (const cell of SETUP_CELLS) await runCell(s, cell);
  await s.drain();
  return s;
}

/** Mocha hooks of a describe block: the session opens before its tests and shuts down after them. */
export function withNotebookSession(): () => Session {
  let s: Session | undefined;
  before(async () => {
    s = await notebookSession();
  });
  after(async () => {
    await s?.shutdown();
  });
  return () => s!;
}
