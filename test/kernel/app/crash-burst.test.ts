// SIGKILL in the middle of a burst of writes and tracked executions: every write the script acknowledged
// (PRINTed after it returned) is in the SQLite file with its content, the file is intact, and the runs the dead
// process left RUNNING are shown as such, then moved to LOST by a live kernel once their lease runs out.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import { EmbeddedStore } from '../../../language/store/embedded';
import { startEscript } from './processes';

// Short leases so the orphans of a killed process expire within the test.
const LEASE = { ESCRIPT_EXECUTION_LEASE_MS: '1500', ESCRIPT_EXECUTION_LOST_CHECK_MS: '200' };

/** Writes documents `<prefix>N` and starts a held tracked run every 25 writes, acknowledging each on stdout. */
function burstScript(prefix: string): string {
  return `
CREATE OR REPLACE PROCEDURE hold(n NUMBER)
BEGIN
  INDEX {'n': n} INTO 'crash_tracked';
  SLEEP(600000);
END PROCEDURE;
DECLARE i NUMBER = 0;
WHILE i < 100000 LOOP
  INDEX_DOCUMENT('burst', {'n': i, 'payload': '${prefix}-' || i}, '${prefix}' || i);
  PRINT 'ack ${prefix} ' || i;
  IF i % 25 == 0 THEN
    hold(i) | TRACK AS '${prefix}-t' || i;
    PRINT 'tracked ${prefix} ' || i;
  END IF;
  SET i = i + 1;
END LOOP;
`;
}

/** The numbers acknowledged by complete lines `<word> <prefix> N` (a line cut by the kill does not count). */
function acknowledged(stdout: string, word: string, prefix: string): number[] {
  const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
  const re = new RegExp(`^${word} ${prefix} (\\d+)$`, 'gm');
  return [...complete.matchAll(re)].map((m) => Number(m[1]));
}

/** Execution documents by track name, read in this process from the store file (one query for all). */
async function executionsByTrack(file: string): Promise<Map<string, Record<string, unknown>[]>> {
  const store = new EmbeddedStore(file);
  try {
    const table = await store.esql('FROM .escript_executions | KEEP track_name, status, state, state_reason | LIMIT 10000');
    const byTrack = new Map<string, Record<string, unknown>[]>();
    for (const row of table.values) {
      const doc = Object.fromEntries(table.columns.map((c, i) => [c.name, row[i]]));
      byTrack.set(String(doc.track_name), [...(byTrack.get(String(doc.track_name)) ?? []), doc]);
    }
    return byTrack;
  } finally {
    await store.close();
  }
}

describe('escript run killed with SIGKILL during a burst (issue 14)', function () {
  this.timeout(90_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-crash-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loses no acknowledged write, keeps the file intact and leaves its runs to the lease', async () => {
    const env = { ESCRIPT_DATA_DIR: dir, ...LEASE };
    // Kill at different moments: right after the first acknowledgement, and deeper into the burst.
    const killAfter = [1, 40, 180, 400];
    const acks = new Map<string, number[]>();
    const tracked = new Map<string, number[]>();
    for (const [k, after] of killAfter.entries()) {
      const prefix = `k${k}`;
      fs.writeFileSync(path.join(dir, `${prefix}.es`), burstScript(prefix));
      const run = startEscript(['run', path.join(dir, `${prefix}.es`)], env);
      await run.waitForStdout(`ack ${prefix} ${after - 1}\n`, 60_000);
      run.child.kill('SIGKILL');
      expect(await run.exited).to.equal(137);
      acks.set(prefix, acknowledged(run.stdout(), 'ack', prefix));
      tracked.set(prefix, acknowledged(run.stdout(), 'tracked', prefix));
      expect(run.stderr()).not.to.match(/SQLITE_BUSY|database is locked/i);
    }

    const file = path.join(dir, 'store.db');
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).to.equal('ok');
    raw.close();

    const store = new EmbeddedStore(file);
    let checked = 0;
    try {
      for (const [prefix, numbers] of acks) {
        expect(numbers.length, prefix).to.be.greaterThan(0);
        for (const n of numbers) {
          const doc = await store.get('burst', `${prefix}${n}`);
          expect(doc, `${prefix}${n} was acknowledged`).not.to.equal(null);
          expect(doc!._source).to.deep.equal({ n, payload: `${prefix}-${n}` });
          checked++;
        }
      }
    } finally {
      await store.close();
    }
    expect(checked).to.be.at.least(killAfter.reduce((a, b) => a + b, 0));

    // Each acknowledged tracked run has its execution document, left RUNNING by the dead process.
    const orphans: string[] = [];
    for (const [prefix, numbers] of tracked) for (const n of numbers) orphans.push(`${prefix}-t${n}`);
    expect(orphans.length).to.be.at.least(killAfter.length);
    // The runs of earlier kills may already be LOST: the later bursts are live kernels on the same store.
    // Nothing has run since the last kill, so its runs are still RUNNING.
    const last = `k${killAfter.length - 1}-`;
    const before = await executionsByTrack(file);
    for (const track of orphans) {
      const docs = before.get(track) ?? [];
      expect(docs.length, track).to.equal(1);
      if (track.startsWith(last)) expect(docs[0].status, track).to.equal('RUNNING');
      else expect([docs[0].status === 'RUNNING', docs[0].state === 'LOST'], track).to.include(true);
    }

    // A live kernel with async executions takes them over once their lease expires: LOST (WORKER_LOST).
    const live = path.join(dir, 'live.es');
    fs.writeFileSync(live, `
CREATE OR REPLACE PROCEDURE idle() BEGIN SLEEP(4000); END PROCEDURE;
idle() | TRACK AS 'live';
`);
    const survivor = startEscript(['run', live], env);
    expect(await survivor.exited, survivor.stderr()).to.equal(0);
    const afterwards = await executionsByTrack(file);
    for (const track of orphans) {
      const [doc] = afterwards.get(track) ?? [{}];
      expect(doc.state, track).to.equal('LOST');
      expect(doc.state_reason, track).to.equal('WORKER_LOST');
    }
    console.log(`      ${killAfter.length} kills, ${checked} acknowledged writes and ${orphans.length} orphaned runs checked`);
  });
});
