// An interrupt during the sliced build of an index's columns (the first vectorised query on a big index) ends the
// query as interrupted, keeps nothing half-built, and the next query builds what it needs and answers as the
// row engine does (issue 14). A sliced run whose columns are caught up with a write while it pauses runs again.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../../language/store/embedded';
import type { EmbeddedCatalog } from '../../../../language/store/embedded/catalog';
import { columnarCounters, setColumnarEnabled } from '../../../../language/esql/compute/columnar';
import { setPageSize } from '../../../../language/esql/compute/pages';

const DOCS = 100_000;
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
const SERVICES = ['web', 'auth', 'db', 'cache', 'search', 'billing'];

describe('embedded store: interrupting the build of an index\'s columns', function () {
  this.timeout(120_000);
  let dir: string;
  let store: EmbeddedStore;
  let columns: EmbeddedCatalog['columns'];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'columns-interrupt-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'), { durability: 'process' });
    columns = (store.esqlCatalog as EmbeddedCatalog).columns;
    await store.createIndex('logs', { mappings: { properties: {
      level: { type: 'keyword' }, service: { type: 'keyword' }, duration_ms: { type: 'long' },
    } } });
    let batch = [];
    for (let i = 0; i < DOCS; i++) {
      batch.push({ id: `d${i}`, doc: { level: LEVELS[i % 4], service: SERVICES[(i * 7) % 6], duration_ms: (i * 7919) % 2003 } });
      if (batch.length === 20_000) { store.bulkSync('logs', batch); batch = []; }
    }
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `query`, aborting it as soon as a pass over the table has started; the outcome. */
  async function interruptedInBuild(query: string): Promise<unknown> {
    const controller = new AbortController();
    const reason = new Error('interrupted by the test');
    const passes = columns.stats.passes;
    let watching = true;
    const watch = (): void => {
      if (!watching) return;
      if (columns.stats.passes > passes) controller.abort(reason);
      else setImmediate(watch);
    };
    setImmediate(watch);
    try {
      const outcome = await store.esql(query, undefined, controller.signal).then((r) => r, (e: unknown) => e);
      return outcome === reason ? 'interrupted' : outcome;
    } finally {
      watching = false;
    }
  }

  function rowEngine(query: string): unknown {
    setColumnarEnabled(false);
    try {
      return store.esqlSync(query);
    } finally {
      setColumnarEnabled(true);
    }
  }

  const stats = 'FROM logs | EVAL d = duration_ms * 2 | STATS s = SUM(d), n = COUNT(*) BY service, level | SORT service, level';

  it('during the first build (row ids and columns): interrupted, nothing kept, the next query right', async () => {
    expect(await interruptedInBuild(stats)).to.equal('interrupted');
    expect(columns.memory('logs')).to.equal(0);
    expect(columns.stats.builds).to.equal(0);
    const runs = columnarCounters.runs;
    const answer = await store.esql(stats);
    expect(columnarCounters.runs).to.equal(runs + 1);
    expect(answer.values).to.have.length(12);
    expect(answer).to.deep.equal(rowEngine(stats));
  });

  it('during the build of more columns of an index already held: interrupted, the held columns unchanged, the next query right', async () => {
    const first = 'FROM logs | WHERE duration_ms > 1000 | STATS n = COUNT(*)';
    expect(await store.esql(first)).to.deep.equal(rowEngine(first));
    const held = columns.memory('logs');
    const built = columns.stats.builds;
    expect(held).to.be.greaterThan(0);
    expect(await interruptedInBuild(stats)).to.equal('interrupted');
    expect(columns.memory('logs')).to.equal(held);
    expect(columns.stats.builds).to.equal(built);
    const answer = await store.esql(stats);
    expect(answer).to.deep.equal(rowEngine(stats));
    expect(columns.stats.builds).to.equal(built + 2);
  });

  it('a write between the interrupted build and the next query is seen', async () => {
    expect(await interruptedInBuild(stats)).to.equal('interrupted');
    await store.index('logs', { level: 'INFO', service: 'web', duration_ms: 5 }, { id: 'extra' });
    const answer = await store.esql(stats);
    expect(answer).to.deep.equal(rowEngine(stats));
  });

  it('a write caught up while a sliced run paused: the run starts again and answers as of the write', async () => {
    const sum = 'FROM logs | EVAL d = duration_ms * 1 | STATS s = SUM(d)';
    await store.esql(sum);
    setPageSize(1);
    try {
      // The signal is read at each pause: the third read is the first pause inside the run (after the query's
      // start and its planning turn). There the first and the last document change, and another query catches
      // the columns up, writing both rows in place: pages before the pause saw the old first row.
      let reads = 0;
      let wrote = false;
      const signal = { get aborted() {
        if (++reads === 3) {
          wrote = true;
          store.bulkSync('logs', [0, DOCS - 1].map((i) => ({ id: `d${i}`, doc: { level: 'INFO', service: 'web', duration_ms: 100_000 } })));
          store.esqlSync('FROM logs | WHERE duration_ms > 0 | STATS n = COUNT(*)');
        }
        return false;
      } } as unknown as AbortSignal;
      const answer = await store.esql(sum, undefined, signal);
      expect(wrote).to.equal(true);
      expect(answer).to.deep.equal(rowEngine(sum));
    } finally {
      setPageSize(1 << 15);
    }
  });
});
