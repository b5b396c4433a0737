// How the kernel process ends: on SIGTERM, SIGHUP and SIGINT, when its parent dies, and on a shutdown request
// it cancels its own runs (CANCELLED, KERNEL_SHUTDOWN, FINALLY runs), closes its ZeroMQ sockets and heartbeat
// thread in order, and exits with the conventional status, never with a native abort.
import { expect } from 'chai';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI, TestClient } from '../client';
import { executionsOf, expectNoNativeAbort } from './processes';

const SETUP = `
CREATE OR REPLACE PROCEDURE forever()
BEGIN
  WHILE TRUE LOOP
    SLEEP(50);
  END LOOP;
END PROCEDURE;
CREATE OR REPLACE PROCEDURE cleanup(who STRING)
BEGIN
  INDEX {'who': who} INTO 'cleanups';
END PROCEDURE;
`;

/** Resolves with the process's exit status (128 + the signal's number if a signal ended it unhandled). */
function exitOf(k: TestClient): Promise<number> {
  if (k.process.exitCode !== null) return Promise.resolve(k.process.exitCode);
  return new Promise((resolve) => k.process.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGABRT' ? 134 : 128))));
}

/** Starts a background run in the kernel that only a cancel stops, with a FINALLY that leaves a document. */
async function startForever(k: TestClient, track: string): Promise<void> {
  const setup = await k.execute(SETUP);
  expect(setup.reply.content.status, JSON.stringify(setup.reply.content)).to.equal('ok');
  const launch = await k.execute(`forever() | FINALLY cleanup('${track}') | TRACK AS '${track}';`);
  expect(launch.reply.content.status, JSON.stringify(launch.reply.content)).to.equal('ok');
}

function cleanupsOf(dataDir: string, track: string): number {
  const run = spawnSync(process.execPath, [CLI, 'esql', `FROM cleanups | WHERE who == "${track}" | STATS n = COUNT(*)`, '--format', 'json'], {
    env: { ...process.env, ESCRIPT_DATA_DIR: dataDir }, encoding: 'utf8',
  });
  expect(run.status, run.stderr).to.equal(0);
  return JSON.parse(run.stdout).values[0][0];
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('kernel process exits', function () {
  this.timeout(60_000);
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const k of clients.splice(0)) await k.stop();
  });

  async function kernel(argv?: string[]): Promise<TestClient> {
    const k = await TestClient.start({}, argv);
    clients.push(k);
    return k;
  }

  for (const [signal, status] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`on ${signal} cancels its runs (KERNEL_SHUTDOWN, FINALLY runs) and exits ${status}, without a native abort`, async () => {
      const k = await kernel();
      const track = `kernel-${signal}`;
      await startForever(k, track);
      const sent = Date.now();
      k.process.kill(signal);
      expect(await exitOf(k)).to.equal(status);
      expect(Date.now() - sent).to.be.below(5_000);
      expectNoNativeAbort(k.stderr);
      expect(k.stderr).to.include(`${signal}: stopping (status ${status})`);
      const env = { ESCRIPT_DATA_DIR: k.dataDir };
      expect(executionsOf(track, env)[0]).to.include({ status: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
      expect(cleanupsOf(k.dataDir, track)).to.equal(1);
    });
  }

  it('on SIGINT interrupts a running cell, and with none running stops like SIGTERM with status 130', async () => {
    const k = await kernel();
    const track = 'kernel-SIGINT';
    await startForever(k, track);
    const { reply } = k.send('execute_request', { code: 'WHILE TRUE LOOP END LOOP;' });
    await new Promise((r) => setTimeout(r, 300));
    k.process.kill('SIGINT');
    expect((await reply).content.ename).to.equal('interrupted');
    expect(k.process.exitCode).to.equal(null);
    k.process.kill('SIGINT');
    expect(await exitOf(k)).to.equal(130);
    expectNoNativeAbort(k.stderr);
    expect(executionsOf(track, { ESCRIPT_DATA_DIR: k.dataDir })[0]).to.include({ status: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
    expect(cleanupsOf(k.dataDir, track)).to.equal(1);
  });

  it('when its parent dies (nothing told it), cancels its runs and exits without a native abort', async () => {
    // The kernel is the child of a shell that stays its parent (no exec); killing the shell re-parents it.
    const k = await kernel(['/bin/sh', '-c', `"${process.execPath}" "${CLI}" kernel -f "$1"; exit 0`, 'sh']);
    const pid = Number(/started \(pid (\d+)\)/.exec(k.stderr)?.[1]);
    expect(pid).to.be.above(0);
    const track = 'kernel-parent';
    await startForever(k, track);
    k.process.kill('SIGKILL');
    await until(() => !alive(pid), 10_000, `kernel ${pid} exits after its parent died`);
    expect(k.stderr).to.match(/parent process \d+ is gone: stopping \(status 0\)/);
    expectNoNativeAbort(k.stderr);
    expect(executionsOf(track, { ESCRIPT_DATA_DIR: k.dataDir })[0]).to.include({ status: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
    expect(cleanupsOf(k.dataDir, track)).to.equal(1);
  });

  it('when the process named by JPY_PARENT_PID dies, stops the same way and exits 0', async () => {
    const server = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      const k = await TestClient.start({ JPY_PARENT_PID: String(server.pid) });
      clients.push(k);
      const track = 'kernel-jpy-parent';
      await startForever(k, track);
      server.kill('SIGKILL');
      expect(await exitOf(k)).to.equal(0);
      expect(k.stderr).to.match(/parent process \d+ \(JPY_PARENT_PID\) is gone/);
      expectNoNativeAbort(k.stderr);
      expect(executionsOf(track, { ESCRIPT_DATA_DIR: k.dataDir })[0]).to.include({ status: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('on a shutdown request cancels its runs and exits 0', async () => {
    const k = await kernel();
    const track = 'kernel-shutdown';
    await startForever(k, track);
    const reply = await k.request('shutdown_request', { restart: false }, 'control');
    expect(reply.content.status).to.equal('ok');
    expect(await exitOf(k)).to.equal(0);
    expectNoNativeAbort(k.stderr);
    expect(executionsOf(track, { ESCRIPT_DATA_DIR: k.dataDir })[0]).to.include({ status: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
    expect(fs.existsSync(path.join(k.dataDir, 'history.db'))).to.equal(true);
  });
});
