// `escript esql` on a configured cluster, as a user runs it: a real process talking to a fake async ES|QL cluster
// over loopback HTTP. Longs past 2^53 print exact in both formats, whether the query answers at once or is polled;
// the cluster's ES|QL errors and a bad ESCRIPT_ESQL_ASYNC_AFTER_MS are clear messages with a non-zero status.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AsyncEsqlCluster, startAsyncEsqlCluster } from '../../language/store/async-esql-cluster';
import { startEscript } from './processes';

const ANSWER = {
  columns: [{ name: 'id', type: 'long' }, { name: 'u', type: 'unsigned_long' }, { name: 'level', type: 'keyword' }],
  values: [[9007199254740993n, 18446744073709551615n, 'ERROR'], [-9223372036854775808n, 0, null]],
};

describe('escript esql on a cluster (fake async ES|QL cluster over loopback)', function () {
  this.timeout(30_000);
  let cluster: AsyncEsqlCluster;
  let dataDir: string;

  beforeEach(async () => {
    cluster = await startAsyncEsqlCluster({ id: 'Q9', answer: ANSWER, documentsPerPoll: 10, pollDelayMs: 10 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-cli-cluster-'));
  });
  afterEach(async () => {
    await cluster.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function esql(args: string[], env: Record<string, string> = {}) {
    const run = startEscript(['esql', ...args], { ESCRIPT_ELASTICSEARCH_URL: cluster.url, ESCRIPT_DATA_DIR: dataDir, ...env });
    const status = await run.exited;
    return { status, stdout: run.stdout(), stderr: run.stderr() };
  }

  it('--format json prints longs and unsigned_longs exact, answered at once and after polls', async () => {
    for (const polls of [0, 2]) {
      cluster.pollsUntilDone = polls;
      cluster.seen.length = 0;
      const r = await esql(['FROM logs | KEEP id, u, level', '--format', 'json'], { ESCRIPT_ESQL_ASYNC_AFTER_MS: '5' });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/\b9007199254740993\b/).and.match(/\b18446744073709551615\b/).and.match(/-9223372036854775808\b/);
      expect(JSON.parse(r.stdout).columns).to.deep.equal(ANSWER.columns);
      expect(cluster.seen.map((s) => s.method)).to.deep.equal(['POST', ...Array(polls).fill('GET')]);
      expect(JSON.parse(cluster.seen[0].body)).to.include({ wait_for_completion_timeout: '5ms' });
    }
  });

  it('--format txt (the default) prints the table with the exact digits', async () => {
    cluster.pollsUntilDone = 1;
    for (const args of [[], ['--format', 'txt']]) {
      const r = await esql(['FROM logs | KEEP id, u, level', ...args]);
      expect(r.status, r.stderr).to.equal(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).to.match(/^\s*id\s*\|\s*u\s*\|\s*level\s*$/);
      expect(lines.slice(2).join('\n')).to.match(/9007199254740993\s*\|\s*18446744073709551615\s*\|\s*ERROR/);
    }
    expect(JSON.parse(cluster.seen[0].body)).to.include({ wait_for_completion_timeout: '1000ms' }); // the default
  });

  it('an unknown --format is a usage error before anything is sent', async () => {
    const r = await esql(['FROM logs', '--format', 'csv']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^escript esql: unknown --format csv: expected txt or json\n/);
    expect(cluster.seen).to.deep.equal([]);
  });

  it("the cluster's ES|QL error is printed as Elasticsearch words it, status 1", async () => {
    cluster.failWith = { status: 400, type: 'verification_exception', reason: 'Found 1 problem\nline 1:18: Unknown column [nope]' };
    const r = await esql(['FROM logs | KEEP nope', '--format', 'json']);
    expect(r).to.deep.equal({ status: 1, stdout: '', stderr: 'escript esql: Found 1 problem\nline 1:18: Unknown column [nope]\n' });
  });

  it('a bad ESCRIPT_ESQL_ASYNC_AFTER_MS is a clear error at start, before anything is sent', async () => {
    const r = await esql(['FROM logs'], { ESCRIPT_ESQL_ASYNC_AFTER_MS: 'soon' });
    expect(r).to.deep.equal({ status: 1, stdout: '', stderr: 'escript esql: ESCRIPT_ESQL_ASYNC_AFTER_MS=soon: expected a whole number of milliseconds\n' });
    expect(cluster.seen).to.deep.equal([]);
  });
});
