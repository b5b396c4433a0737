// `escript run FILE` waits for the async executions the script started before it exits.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { TestSession, tempDir } from './support';

const CLI = join(__dirname, '..', '..', '..', 'kernel', 'cli.js');

describe('escript run with async executions', function () {
  this.timeout(20_000);

  it('lets background executions settle (handlers, FINALLY) before exiting', async () => {
    const dir = tempDir();
    try {
      const script = join(dir.path, 'script.escript');
      writeFileSync(script, [
        "CREATE PROCEDURE slow_hello() BEGIN SLEEP(200); PRINT 'hello from the background'; RETURN 'hi'; END PROCEDURE;",
        "slow_hello() | FINALLY (@result) => { PRINT 'finally ran'; } | TRACK AS 'cli-run';",
        "PRINT 'script done';",
      ].join('\n'));
      const run = spawnSync(process.execPath, [CLI, 'run', script], { env: { ...process.env, ESCRIPT_DATA_DIR: dir.path }, encoding: 'utf8' });
      expect(run.status, run.stderr).to.equal(0);
      // the script's own PRINT first, then what the background run printed while the CLI waited for it
      const lines = run.stdout.trim().split('\n');
      expect(lines).to.deep.equal(['script done', 'hello from the background', 'finally ran']);
      expect(run.stderr).to.contain('1 completed');
      const later = new TestSession(dir.path, { store: undefined, env: { ESCRIPT_DATA_DIR: dir.path } });
      try {
        const status = await later.value(`EXECUTION('cli-run') | STATUS;`);
        expect(status).to.include({ status: 'COMPLETED', result: 'hi' });
        expect(status.output).to.deep.equal(['hello from the background', 'finally ran']);
      } finally {
        await later.session.shutdown();
      }
    } finally {
      dir.remove();
    }
  });

  it('runs the value forms: a handle in a variable, a polling loop on STATUS, WAIT as a value', () => {
    const dir = tempDir();
    try {
      const script = join(dir.path, 'poll.escript');
      writeFileSync(script, [
        'CREATE PROCEDURE work(n NUMBER) BEGIN SLEEP(100); RETURN n * 2; END PROCEDURE;',
        "DECLARE h DOCUMENT = work(21) | TRACK AS 'cli-poll';",
        'DECLARE polls = 0;',
        "WHILE (EXECUTION(h.execution_id) | STATUS).status == 'RUNNING' LOOP SET polls = polls + 1; SLEEP(10); END LOOP;",
        "PRINT 'polled: ' || (polls > 0);",
        "PRINT 'result: ' || (EXECUTION('cli-poll') | WAIT);",
      ].join('\n'));
      const run = spawnSync(process.execPath, [CLI, 'run', script], { env: { ...process.env, ESCRIPT_DATA_DIR: dir.path }, encoding: 'utf8' });
      expect(run.status, run.stderr).to.equal(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines).to.deep.equal(['polled: true', 'result: 42']);
    } finally {
      dir.remove();
    }
  });
});
