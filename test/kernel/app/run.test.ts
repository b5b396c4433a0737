// `escript run` as scripts, cron and CI use it: a real process on a temporary data directory, checked by what
// reaches stdout and stderr, its exit status, and the execution documents it leaves in the store.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executionsOf, expectNoNativeAbort, startEscript } from './processes';

const PROCEDURES = `
CREATE OR REPLACE PROCEDURE slow(n NUMBER)
BEGIN
  SLEEP(300);
  PRINT 'bg ' || n;
  RETURN n * 2;
END PROCEDURE;
CREATE OR REPLACE PROCEDURE handled(r NUMBER)
BEGIN
  PRINT 'handled ' || r;
END PROCEDURE;
CREATE OR REPLACE PROCEDURE bad(n NUMBER)
BEGIN
  SLEEP(50);
  RETURN 1 / n;
END PROCEDURE;
CREATE OR REPLACE PROCEDURE noted(e STRING)
BEGIN
  PRINT 'noted: ' || e;
END PROCEDURE;
CREATE OR REPLACE PROCEDURE forever()
BEGIN
  PRINT 'forever started';
  WHILE TRUE LOOP
    SLEEP(50);
  END LOOP;
END PROCEDURE;
CREATE OR REPLACE PROCEDURE cleanup()
BEGIN
  PRINT 'cleanup ran';
END PROCEDURE;
`;

describe('escript run (scripts, cron, CI)', function () {
  this.timeout(60_000);
  let dataDir: string;
  let env: Record<string, string>;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-run-'));
    env = { ESCRIPT_DATA_DIR: dataDir };
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  function script(name: string, code: string): string {
    const file = path.join(dataDir, name);
    fs.writeFileSync(file, PROCEDURES + code);
    return file;
  }

  async function runToEnd(args: string[], input?: string) {
    const run = startEscript(['run', ...args], env, { input });
    const status = await run.exited;
    return { status, stdout: run.stdout(), stderr: run.stderr() };
  }

  it('prints each PRINT once on stdout, background ones included, waits, and sums up on stderr', async () => {
    const file = script('ok.es', `
PRINT 'one';
slow(1) | ON_DONE handled(@result) | TRACK AS 'run-ok';
PRINT 'two';
1 + 1;`);
    const r = await runToEnd([file]);
    expect(r).to.deep.equal({ status: 0, stdout: 'one\ntwo\nbg 1\nhandled 2\n', stderr: 'escript run: 1 execution: 1 completed\n' });
    const withResult = await runToEnd(['--print-result', file]);
    expect(withResult.stdout).to.equal('one\ntwo\n2\nbg 1\nhandled 2\n');
  });

  it('shows state changes on stderr with --progress, never on stdout', async () => {
    const file = script('progress.es', "slow(3) | TRACK AS 'run-progress';\nPRINT 'launched';");
    const r = await runToEnd(['--progress', file]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('launched\nbg 3\n');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).to.match(/^'run-progress' slow \[exec-[\w-]+\] (PENDING|RUNNING) /);
    expect(lines).to.satisfy((ls: string[]) => ls.some((l) => /^'run-progress' slow \[exec-[\w-]+\] COMPLETED /.test(l)));
    expect(lines[lines.length - 1]).to.equal('escript run: 1 execution: 1 completed');
  });

  it('fails (status 1) when an execution it started failed with nothing to handle it', async () => {
    const unhandled = await runToEnd([script('unhandled.es', "bad(0) | TRACK AS 'run-bad';\nPRINT 'started';")]);
    expect(unhandled.status).to.equal(1);
    expect(unhandled.stdout).to.equal('started\n');
    expect(unhandled.stderr).to.match(/^escript run: 'run-bad' bad \[exec-[\w-]+\] FAILED, not handled: division_error: division by zero \(in bad line \d+\)\n/);
    expect(unhandled.stderr).to.match(/\nescript run: 1 execution: 1 failed \(1 failed with no handler\)\n$/);

    const onFail = await runToEnd([script('on-fail.es', "bad(0) | ON_FAIL noted(@error) | TRACK AS 'run-bad-handled';")]);
    expect(onFail.status, onFail.stderr).to.equal(0);
    expect(onFail.stdout).to.match(/^noted: .*division by zero/);
    expect(onFail.stderr).to.equal('escript run: 1 execution: 1 failed\n');

    const settled = await runToEnd([script('settled.es', "PARALLEL [slow(1), bad(0)] | ON_ALL_SETTLED noted('settled') | TRACK AS 'run-par';")]);
    expect(settled.status, settled.stderr).to.equal(0);
    const bare = await runToEnd([script('bare.es', "PARALLEL [slow(1), bad(0)] | TRACK AS 'run-par-bare';")]);
    expect(bare.status).to.equal(1);
    expect(bare.stderr).to.include('not handled');
  });

  it('names the script file in errors, waits for what it started, and fails', async () => {
    const file = script('err.es', "slow(5) | TRACK AS 'run-err';\nCALL bad(0);");
    const r = await runToEnd([file]);
    expect(r.status).to.equal(1);
    const line = PROCEDURES.split('\n').findIndex((l) => l.includes('RETURN 1 / n')) + 1;
    expect(r.stderr).to.include(`${file}:${line}:10: division_error: division by zero\n    RETURN 1 / n;\n`);
    expect(r.stderr).to.include(`  at bad (${file} line ${PROCEDURES.split('\n').length + 1}:1)\n`);
    expect(r.stdout).to.equal('bg 5\n'); // the background run was waited for
    expect(r.stderr).to.match(/escript run: 1 execution: 1 completed\n$/);
  });

  for (const [signal, status] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
    it(`on ${signal} cancels its runs (KERNEL_SHUTDOWN, FINALLY runs) and exits ${status}`, async () => {
      const track = `run-${signal}`;
      const run = startEscript(['run', script(`${signal}.es`, `forever() | FINALLY cleanup() | TRACK AS '${track}';\nPRINT 'launched';\nSLEEP(60000);`)], env);
      await run.waitForStdout('forever started');
      await run.waitForStdout('launched');
      const sent = Date.now();
      run.child.kill(signal);
      expect(await run.exited).to.equal(status);
      expect(Date.now() - sent).to.be.below(4_000);
      expect(run.stdout()).to.equal('forever started\nlaunched\ncleanup ran\n');
      expect(run.stderr()).to.equal(`escript run: ${signal}: stopping, cancelling 1 running execution\nescript run: 1 execution: 1 cancelled (KERNEL_SHUTDOWN)\n`);
      expectNoNativeAbort(run.stderr());
      const [doc] = executionsOf(track, env);
      expect(doc).to.include({ status: 'CANCELLED', state: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
    });
  }

  it('ends quietly with status 141 when its stdout is closed (escript run x | head -1)', async () => {
    const run = startEscript(['run', script('pipe.es', `forever() | FINALLY cleanup() | TRACK AS 'run-pipe';
FOR i IN 1..1000000 LOOP
  PRINT 'line ' || i;
END LOOP;`)], env);
    await run.waitForStdout('line 1\n');
    run.child.stdout!.destroy();
    expect(await run.exited).to.equal(141);
    expect(run.stderr()).to.equal('');
    const [doc] = executionsOf('run-pipe', env);
    expect(doc).to.include({ status: 'CANCELLED', state_reason: 'KERNEL_SHUTDOWN' });
  });

  it('documents its flags, output, waiting, exit statuses and signals in --help', async () => {
    const r = await runToEnd(['--help']);
    expect(r.status).to.equal(0);
    for (const text of ['--print-result', '--progress', 'waits for the executions', 'ON_FAIL', '129, 130, 143', 'KERNEL_SHUTDOWN', '141', 'ESCRIPT_SHUTDOWN_GRACE_MS']) {
      expect(r.stdout).to.include(text);
    }
    const bad = await runToEnd(['a.es', 'b.es']);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/^escript run: run takes one FILE, got 2\nusage: escript/);
  });
});
