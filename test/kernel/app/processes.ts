// Real `escript` processes for the command-line tests: started, watched (stdout, stderr, exit) and signalled.
import { expect } from 'chai';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { CLI } from '../client';

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The exit status, or 128 + the signal's number when a signal ended the process unhandled. */
  exited: Promise<number>;
  /** Resolves once stdout contains `text`. */
  waitForStdout(text: string, timeoutMs?: number): Promise<void>;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15, SIGABRT: 6 };

export function startEscript(args: string[], env: Record<string, string>, options: { input?: string } = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('error', () => undefined);
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? 128 + (SIGNALS[signal ?? ''] ?? 0))),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitForStdout(text: string, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stdout.includes(text)) {
        if (child.exitCode !== null) throw new Error(`escript exited (${child.exitCode}) before printing ${text}: ${stdout}\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`no ${text} on stdout in ${timeoutMs} ms: ${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Execution documents of a track, newest first, read with `escript esql` from the same data directory. */
export function executionsOf(track: string, env: Record<string, string>): Record<string, unknown>[] {
  const query = `FROM .escript_executions | WHERE track_name == "${track}" | KEEP status, state, state_reason, created_at | SORT created_at DESC`;
  const run = spawnSync(process.execPath, [CLI, 'esql', query, '--format', 'json'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  expect(run.status, run.stderr).to.equal(0);
  const table = JSON.parse(run.stdout) as { columns: { name: string }[]; values: unknown[][] };
  return table.values.map((row) => Object.fromEntries(table.columns.map((c, i) => [c.name, row[i]])));
}

/** What a process that exited cleanly never writes: a native abort's words. */
export function expectNoNativeAbort(stderr: string): void {
  expect(stderr).not.to.match(/Napi|terminate called|Abort|core dumped|Assertion/);
}
