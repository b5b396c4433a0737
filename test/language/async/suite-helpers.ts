// Shared by the parts of the engine suite.
import { expect } from 'chai';
import type { ExecutionEngine, StatusView } from '../../../language/async/engine';
import { ExecutionError } from '../../../language/async/errors';
import type { Harness } from './support/harness';

/** The current test's harness and engine (set by the suite's beforeEach). */
export interface SuiteState {
  h: Harness;
  engine: ExecutionEngine;
}

export function asView(status: StatusView | string): StatusView {
  if (typeof status === 'string') throw new Error(`expected a document, got ${status}`);
  return status;
}

export async function expectError(p: Promise<unknown>, kind: string): Promise<ExecutionError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(ExecutionError);
    expect((err as ExecutionError).kind).to.equal(kind);
    return err as ExecutionError;
  }
  throw new Error(`expected an ${kind} error`);
}
