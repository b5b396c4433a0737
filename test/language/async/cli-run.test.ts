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
        "CREATE PROCEDURE finally_ran() BEGIN PRINT 'finally ran'; END PROCEDURE;",
        "slow_hello() | FINALLY finally_ran() | TRACK AS 'cli-run';",
        "PRINT 'script done';",
      ].join('\n'));
      const run = spawnSync(process.execPath, [CLI, 'run', script], { env: { ...process.env, ESCRIPT_DATA_DIR: dir.path }, encoding: 'utf8' });
      expect(run.status, run.stderr).to.equal(0);
      // stdout is what the script printed, the background run's lines included, once each; the summary is on stderr
      expect(run.stdout).to.equal('script done\nhello from the background\nfinally ran\n');
      expect(run.stderr).to.equal('escript run: 1 execution: 1 completed\n');
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
});
