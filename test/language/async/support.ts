// A Session on a fresh embedded store in a temp directory, an Output that records what the notebook would
// see, and helpers that run cells and fail loudly on a script error.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { MimeBundle, Output, ExecuteOutcome } from '../../../language/contract';
import { Session, SessionOptions } from '../../../language/session';
import { EmbeddedStore } from '../../../language/store/embedded';
import { Value, toJsonable } from '../../../language/values';

export class RecordingOutput implements Output {
  readonly prints: string[] = [];
  readonly displays: { id?: string; bundle: MimeBundle }[] = [];
  readonly updates: { id: string; bundle: MimeBundle }[] = [];

  print(text: string): void {
    this.prints.push(text);
  }

  display(bundle: MimeBundle, id?: string): void {
    this.displays.push({ id, bundle });
  }

  updateDisplay(bundle: MimeBundle, id: string): void {
    this.updates.push({ id, bundle });
  }

  clear(): void {}

  /** The latest text shown for a display id. */
  latest(id: string): string {
    const all = [...this.displays.filter((d) => d.id === id), ...this.updates.filter((u) => u.id === id)];
    return String(all[all.length - 1]?.bundle['text/plain'] ?? '');
  }
}

export class TestSession {
  readonly out = new RecordingOutput();
  readonly session: Session;

  private lastSet: Value | undefined;

  constructor(readonly dir: string, options: SessionOptions = {}) {
    this.session = new Session({
      store: () => new EmbeddedStore(join(dir, 'store.db')),
      executions: { engine: { sweepEveryMs: 0, cancelGraceMs: 200 }, displays: { minIntervalMs: 50 } },
      ...options,
    });
    // Records the statement values a cell produces (the cell result is only their rendering).
    let stored: Value | undefined;
    Object.defineProperty(this.session.host, 'lastValue', {
      get: () => stored,
      set: (v: Value | undefined) => {
        stored = v;
        if (v !== undefined) this.lastSet = v;
      },
    });
  }

  /** Runs a cell that must succeed; returns the value of its last statement as plain JSON. */
  async value(code: string): Promise<any> {
    this.lastSet = undefined;
    await this.run(code);
    return this.lastSet === undefined ? undefined : toJsonable(this.lastSet);
  }

  /** A session variable's value as plain JSON. */
  variable(name: string): any {
    return toJsonable(this.session.host.global(name).v);
  }

  /** Runs a cell; returns its outcome. */
  exec(code: string, signal: AbortSignal = new AbortController().signal, out: Output = this.out): Promise<ExecuteOutcome> {
    return this.session.execute(code, out, signal);
  }

  /** Runs a cell that must succeed; returns its result as JSON (or undefined). */
  async run(code: string): Promise<any> {
    const outcome = await this.exec(code);
    if (outcome.status === 'error') throw new Error(`cell failed: ${outcome.error.evalue}\n${code}`);
    const result = outcome.result;
    if (!result) return undefined;
    return result['application/json'] !== undefined ? result['application/json'] : result['text/plain'];
  }

  /** Runs a cell that must fail; returns its error name and message. */
  async fails(code: string): Promise<{ ename: string; evalue: string }> {
    const outcome = await this.exec(code);
    if (outcome.status !== 'error') throw new Error(`cell should have failed: ${code}`);
    return outcome.error;
  }
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'escript-lang-async-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Mocha hooks for a describe block: before each test a fresh TestSession in its own data directory with
 * `routines` defined; after it, shutdown, no background errors, and the directory removed.
 */
export function sessionPerTest(routines: string): { readonly t: TestSession; readonly dir: ReturnType<typeof tempDir> } {
  const state = {} as { t: TestSession; dir: ReturnType<typeof tempDir> };
  beforeEach(async () => {
    state.dir = tempDir();
    state.t = new TestSession(state.dir.path);
    await state.t.run(routines);
  });
  afterEach(async () => {
    await state.t.session.shutdown();
    expect(state.t.session.executions.backgroundErrors, 'background errors').to.deep.equal([]);
    state.dir.remove();
  });
  return state;
}
