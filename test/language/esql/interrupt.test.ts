// A long ES|QL query on a big embedded index gives the event loop its turns and stops when its signal aborts
// (issue 14), and answers exactly as the synchronous path does, on the scan thread or in-process.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';
import { setColumnarEnabled } from '../../../language/esql/compute/columnar';

const DOCS = 300_000;
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
const SERVICES = ['web', 'auth', 'db', 'cache', 'search', 'billing'];

describe('ES|QL on a big index: interrupts and the scan thread', function () {
  this.timeout(180_000);
  let dir: string;
  let store: EmbeddedStore;

  before(async () => {
    // These queries are about the row path (slices, the scan thread); the vectorised path would answer some of
    // them before the abort, so it is off here.
    setColumnarEnabled(false);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-interrupt-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'), { durability: 'process' });
    await store.createIndex('logs', { mappings: { properties: {
      level: { type: 'keyword' }, service: { type: 'keyword' }, duration_ms: { type: 'long' }, message: { type: 'keyword' },
    } } });
    let batch = [];
    for (let i = 0; i < DOCS; i++) {
      batch.push({ doc: { level: LEVELS[i % 4], service: SERVICES[(i * 7) % 6], duration_ms: (i * 7919) % 2003, message: `request ${i}` } });
      if (batch.length === 20_000) { store.bulkSync('logs', batch); batch = []; }
    }
  });

  after(async () => {
    setColumnarEnabled(true);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `query` and aborts it after `ms`; the outcome, and how many timer turns the event loop had meanwhile. */
  async function interrupted(query: string, ms: number): Promise<{ outcome: unknown; ticks: number }> {
    const controller = new AbortController();
    const reason = new Error('interrupted by the test');
    let ticks = 0;
    const ticker = setInterval(() => { ticks++; }, 5);
    const timer = setTimeout(() => controller.abort(reason), ms);
    try {
      const outcome = await store.esql(query, undefined, controller.signal).then((r) => r, (e: unknown) => e);
      return { outcome: outcome === reason ? 'interrupted' : outcome, ticks };
    } finally {
      clearInterval(ticker);
      clearTimeout(timer);
    }
  }

  const pushedStats = 'FROM logs | STATS n = COUNT(*), s = SUM(duration_ms) BY service, level | SORT service, level';

  it('an aggregate pushed into SQLite (on the scan thread) ends as interrupted, then the session runs the next query', async () => {
    const { outcome } = await interrupted(`FROM logs | EVAL d = duration_ms * 3 | STATS s = SUM(d) BY message | SORT s DESC | LIMIT 3`, 100);
    expect(outcome).to.equal('interrupted');
    const after = await store.esql(pushedStats);
    expect(after.values).to.have.length(12);
    expect(after).to.deep.equal(store.esqlSync(pushedStats));
  });

  it('a query run in JavaScript (not pushed down) ends as interrupted, with event-loop turns while it ran', async () => {
    const { outcome, ticks } = await interrupted('FROM logs | EVAL m = TO_UPPER(CONCAT(message, level)) | STATS c = COUNT(*) BY m | SORT c DESC, m | LIMIT 2', 100);
    expect(outcome).to.equal('interrupted');
    expect(ticks).to.be.greaterThan(0);
    const again = 'FROM logs | WHERE duration_ms > 2000 | KEEP message | SORT message | LIMIT 3';
    expect(await store.esql(again)).to.deep.equal(store.esqlSync(again));
  });

  it('answers as the synchronous path does (rows, columns and warnings)', async () => {
    const queries = [
      pushedStats,
      'FROM logs | SORT duration_ms DESC, message | LIMIT 7',
      'FROM logs | WHERE level == "ERROR" | STATS m = MAX(duration_ms), c = COUNT(duration_ms) BY service | SORT service',
      // overflowing pushed-down arithmetic: warnings come back from the scan thread
      'FROM logs | WHERE duration_ms > 1995 | EVAL d = duration_ms * 9223372036854775807 | STATS s = SUM(d) BY level | SORT level',
      'FROM logs | WHERE duration_ms > 1995 | EVAL d = duration_ms * 9223372036854775807 | SORT d DESC | KEEP d, message | LIMIT 4',
      'FROM logs | STATS c = COUNT(*)',
      'FROM logs | LIMIT 3',
      'FROM logs | EVAL k = duration_ms % 10 | STATS c = COUNT(*) BY k | SORT k',
      'FROM logs | WHERE duration_ms < 300 | STATS c = COUNT(*) BY message | SORT c DESC, message | LIMIT 3',
    ];
    for (const query of queries) {
      const sync = store.esqlSync(query);
      expect(await store.esql(query), query).to.deep.equal(sync);
    }
  });
});
