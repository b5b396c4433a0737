// A cell's long query on a cluster (real HTTP on loopback, the async ES|QL API): a live line updated in place
// while it runs, the rows when it ends; an interrupt deletes the query on the cluster and fails the cell. The same
// holds for a query code sends (ESQL_QUERY called or passed as a value, FOR, EXECUTE IMMEDIATE, in procedures and
// functions, under PROFILE CALL): routines are stored in an embedded store, `FROM logs` queries go to the cluster.
import { expect } from 'chai';
import { openSession } from '../../../language/open-session';
import { readConfig } from '../../../language/config';
import { ElasticsearchStore } from '../../../language/store/elasticsearch';
import { DEFAULT_RETRY } from '../../../language/store/es-retry';
import { EmbeddedStore } from '../../../language/store/embedded';
import type { DataStore } from '../../../language/store/store';
import { RecordingOutput } from '../async/support';
import { AsyncEsqlCluster, startAsyncEsqlCluster } from '../store/async-esql-cluster';

describe('data: a long query on a cluster in a cell', () => {
  let cluster: AsyncEsqlCluster;

  beforeEach(async () => {
    cluster = await startAsyncEsqlCluster({
      id: 'C1', answer: { columns: [{ name: 'n', type: 'long' }], values: [[42]] }, documentsPerPoll: 100, pollDelayMs: 20,
      passThrough: (query) => !query.startsWith('FROM logs'), // the session's own reads
    });
  });
  afterEach(() => cluster.close());

  const session = () => openSession(readConfig({ ESCRIPT_INTEGRATIONS: 'dry-run' }),
    () => new ElasticsearchStore(cluster.client, DEFAULT_RETRY, [], { asyncAfterMs: 5, pollMs: 10 }));

  it('shows progress in one display updated in place, then the rows', async () => {
    cluster.pollsUntilDone = 3;
    const out = new RecordingOutput();
    const outcome = await session().execute('DECLARE n NUMBER FROM logs | STATS n = COUNT(*);\nPRINT n;', out, new AbortController().signal);
    expect(outcome).to.deep.equal({ status: 'ok' });
    expect(out.prints).to.deep.equal(['42']);
    expect(out.displays).to.have.length(1);
    const id = out.displays[0].id!;
    expect(String(out.displays[0].bundle['text/plain'])).to.match(/^ES\|QL running \d+\.\d s, 0 documents found, \(async id C1\)$/);
    expect(out.updates.every((u) => u.id === id)).to.equal(true);
    expect(String(out.updates[out.updates.length - 1].bundle['text/plain'])).to.match(/^ES\|QL done /);
  });

  it('an interrupt deletes the query on the cluster and fails the cell as interrupted', async () => {
    cluster.pollsUntilDone = Infinity;
    const out = new RecordingOutput();
    const controller = new AbortController();
    const running = session().execute('FROM logs | STATS n = COUNT(*)', out, controller.signal);
    while (out.updates.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const outcome = await running;
    expect(outcome.status).to.equal('error');
    expect((outcome as { error: { ename: string } }).error.ename).to.equal('interrupted');
    expect(cluster.seen.map((r) => `${r.method} ${r.path}`)).to.include('DELETE /_query/async/C1');
    expect(String(out.updates[out.updates.length - 1].bundle['text/plain'])).to.match(/^ES\|QL interrupted after .* \(async id C1 deleted\)$/);
  });

  /** The cluster for `FROM logs` queries, an embedded store in memory for the rest (stored routines). */
  const splitSession = () => {
    const cluster_ = new ElasticsearchStore(cluster.client, DEFAULT_RETRY, [], { asyncAfterMs: 5, pollMs: 10 });
    const local = new EmbeddedStore(':memory:', { exactLongs: true });
    const store = new Proxy(local, {
      get(target, prop, receiver) {
        if (prop === 'esql') {
          return (query: string, ...rest: Parameters<DataStore['esql']> extends [unknown, ...infer R] ? R : never) =>
            (query.startsWith('FROM logs') ? cluster_ : target).esql(query, ...rest);
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as DataStore;
    return openSession(readConfig({ ESCRIPT_INTEGRATIONS: 'dry-run' }), () => store);
  };

  const ROUTINES = `CREATE PROCEDURE loop_over() BEGIN FOR r IN (FROM logs | STATS n = COUNT(*)) LOOP PRINT r.n; END LOOP; END PROCEDURE;
CREATE PROCEDURE immediate() BEGIN DECLARE rows ARRAY; EXECUTE IMMEDIATE 'FROM logs | STATS n = COUNT(*)' INTO rows; PRINT rows[0].n; END PROCEDURE;
CREATE FUNCTION counted() RETURNS NUMBER BEGIN RETURN ESQL_QUERY('FROM logs | STATS n = COUNT(*)')[0].n; END FUNCTION;
CREATE PROCEDURE as_value() BEGIN DECLARE q = ESQL_QUERY; PRINT q('FROM logs | STATS n = COUNT(*)')[0].n; END PROCEDURE;`;

  const FROM_CODE: Record<string, string> = {
    'ESQL_QUERY in a cell': "PRINT ESQL_QUERY('FROM logs | STATS n = COUNT(*)')[0].n;",
    'ESQL_QUERY passed as a value': "DECLARE q = ESQL_QUERY;\nPRINT q('FROM logs | STATS n = COUNT(*)')[0].n;",
    'a cursor': 'DECLARE c CURSOR FOR FROM logs | STATS n = COUNT(*);\nDECLARE row DOCUMENT;\nOPEN c;\nFETCH c INTO row;\nCLOSE c;\nPRINT row.n;',
    'FOR over a query in a procedure': 'CALL loop_over();',
    'EXECUTE IMMEDIATE in a procedure': 'CALL immediate();',
    'ESQL_QUERY in a function': 'PRINT counted();',
    'ESQL_QUERY as a value in a procedure': 'CALL as_value();',
    'a procedure under PROFILE CALL': 'PROFILE CALL loop_over();',
  };

  for (const [what, code] of Object.entries(FROM_CODE)) {
    it(`${what}: the same live line, then the rows`, async () => {
      const s = splitSession();
      expect(await s.execute(ROUTINES, new RecordingOutput(), new AbortController().signal)).to.deep.equal({ status: 'ok' });
      cluster.pollsUntilDone = 3;
      const out = new RecordingOutput();
      const outcome = await s.execute(code, out, new AbortController().signal);
      expect(outcome.status, JSON.stringify(outcome)).to.not.equal('error');
      expect(out.prints).to.include('42');
      const lines = out.displays.filter((d) => String(d.bundle['text/plain']).startsWith('ES|QL'));
      expect(lines).to.have.length(1);
      expect(String(lines[0].bundle['text/plain'])).to.match(/^ES\|QL running \d+\.\d s, 0 documents found, \(async id C1\)$/);
      expect(out.latest(lines[0].id!)).to.match(/^ES\|QL done .*\(async id C1\)$/);
    });
  }

  for (const [what, code] of [['a procedure', 'CALL loop_over();'], ['ESQL_QUERY passed as a value', "DECLARE q = ESQL_QUERY;\nPRINT q('FROM logs');"]]) {
    it(`an interrupt inside ${what} deletes the query on the cluster`, async () => {
      const s = splitSession();
      await s.execute(ROUTINES, new RecordingOutput(), new AbortController().signal);
      cluster.pollsUntilDone = Infinity;
      const out = new RecordingOutput();
      const controller = new AbortController();
      const running = s.execute(code, out, controller.signal);
      while (out.updates.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      const outcome = await running;
      expect((outcome as { error?: { ename: string } }).error?.ename).to.equal('interrupted');
      expect(cluster.seen.filter((r) => r.method === 'DELETE').map((r) => r.path)).to.deep.equal(['/_query/async/C1']);
      expect(out.latest(out.displays[0].id!)).to.match(/^ES\|QL interrupted after .* \(async id C1 deleted\)$/);
    });
  }
});
