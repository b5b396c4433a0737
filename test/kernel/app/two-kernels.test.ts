// Two `escript run` processes on one SQLite store write at the same time (distinct documents, merged updates of
// one shared document, tracked executions) while this process does compare-and-set increments on that document:
// nothing acknowledged is lost, conflicts are version conflicts, and no SQLITE_BUSY reaches anyone.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import { EmbeddedStore } from '../../../language/store/embedded';
import { VersionConflictError } from '../../../language/store/store';
import { startEscript } from './processes';

const WRITES = 2000;
const BUSY = /SQLITE_BUSY|database is locked/i;

/** Child `who`: WRITES documents, its own field of the shared document every 10th, a tracked run every 200th. */
function writerScript(who: string): string {
  return `
CREATE OR REPLACE PROCEDURE note_${who}(n NUMBER)
BEGIN
  INDEX {'who': '${who}', 'n': n} INTO 'two_tracked';
END PROCEDURE;
DECLARE i NUMBER = 0;
WHILE i < ${WRITES} LOOP
  INDEX_DOCUMENT('two_docs', {'who': '${who}', 'n': i}, '${who}' || i);
  IF i % 10 == 0 THEN
    UPDATE_DOCUMENT('two_shared', 'shared', {'${who}': i});
  END IF;
  IF i % 200 == 0 THEN
    note_${who}(i) | TRACK AS '${who}-t' || i;
  END IF;
  PRINT 'ack ${who} ' || i;
  SET i = i + 1;
END LOOP;
`;
}

describe('two escript processes on one embedded store (issue 14)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-two-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loses no acknowledged write and reports conflicts as version conflicts', async () => {
    const file = path.join(dir, 'store.db');
    const store = new EmbeddedStore(file);
    await store.index('two_shared', { count: 0 }, { id: 'shared' });

    const env = { ESCRIPT_DATA_DIR: dir };
    const runs = ['a', 'b'].map((who) => {
      fs.writeFileSync(path.join(dir, `${who}.es`), writerScript(who));
      return startEscript(['run', path.join(dir, `${who}.es`)], env);
    });
    const done = Promise.all(runs.map((r) => r.exited));
    let finished = false;
    void done.then(() => (finished = true));

    // Compare-and-set increments from this process while both children write.
    let increments = 0;
    let conflicts = 0;
    const otherErrors: string[] = [];
    while (!finished) {
      const current = (await store.get('two_shared', 'shared'))!;
      try {
        const next = { ...current._source, count: (current._source.count as number) + 1 };
        await store.index('two_shared', next, { id: 'shared', ifSeqNo: current._seq_no, ifPrimaryTerm: current._primary_term });
        increments++;
      } catch (e) {
        if (e instanceof VersionConflictError) conflicts++;
        else otherErrors.push(String(e));
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const statuses = await done;

    for (const [k, run] of runs.entries()) {
      expect(statuses[k], run.stderr()).to.equal(0);
      expect(run.stdout() + run.stderr()).not.to.match(BUSY);
    }
    expect(otherErrors).to.deep.equal([]);

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).to.equal('ok');
    raw.close();

    try {
      // Every acknowledged document, with its content.
      let checked = 0;
      for (const [k, who] of ['a', 'b'].entries()) {
        const acks = [...runs[k].stdout().matchAll(new RegExp(`^ack ${who} (\\d+)$`, 'gm'))].map((m) => Number(m[1]));
        expect(acks.length, who).to.equal(WRITES);
        const docs = await store.getMany('two_docs', acks.map((n) => `${who}${n}`));
        docs.forEach((d, n) => expect(d?._source, `${who}${n}`).to.deep.equal({ who, n }));
        checked += docs.length;
      }
      const counts = await store.esql('FROM two_docs | STATS n = COUNT(*) BY who | SORT who');
      expect(counts.values).to.deep.equal([[WRITES, 'a'], [WRITES, 'b']]);

      // No update was lost: each writer's last value, and every successful increment of this process.
      const shared = (await store.get('two_shared', 'shared'))!._source;
      expect(shared).to.deep.equal({ count: increments, a: WRITES - 10, b: WRITES - 10 });
      expect(increments).to.be.greaterThan(0);

      // Every tracked run completed and left its document.
      const runsPerWriter = WRITES / 200;
      const tracked = await store.esql('FROM two_tracked | STATS n = COUNT(*) BY who | SORT who');
      expect(tracked.values).to.deep.equal([[runsPerWriter, 'a'], [runsPerWriter, 'b']]);
      const states = await store.esql('FROM .escript_executions | STATS n = COUNT(*) BY status');
      expect(states.values).to.deep.equal([[2 * runsPerWriter, 'COMPLETED']]);
      console.log(`      ${checked} acknowledged writes checked, ${increments} CAS increments, ${conflicts} version conflicts`);
    } finally {
      await store.close();
    }
  });
});
