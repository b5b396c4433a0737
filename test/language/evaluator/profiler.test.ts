// The profiler (PROFILE CALL, SHOW / ANALYZE / CLEAR PROFILE[S], the reference's docs/language/profiler.md) on a
// real SQLite store: real timings and counts per statement, per routine and built-in call, per ES|QL query.
import { expect } from 'chai';
import { embeddedHarness, Harness, printed, removeDir, tempDataDir } from '../data/support';

const WORK = `CREATE FUNCTION sq(x NUMBER) RETURNS NUMBER BEGIN RETURN x * x; END FUNCTION;
CREATE PROCEDURE work(n NUMBER)
BEGIN
  DECLARE total NUMBER = 0;
  FOR i IN 1..n LOOP
    SET total = total + sq(i);
  END LOOP;
  PRINT UPPER('total ') || total;
  SLEEP(30);
END PROCEDURE;`;

type Doc = Record<string, unknown>;

function value(r: { result?: Record<string, unknown> }): Doc {
  return JSON.parse(String(r.result!['text/plain'])) as Doc;
}

describe('language: profiler', () => {
  let dir: string;
  let h: Harness;
  beforeEach(() => { dir = tempDataDir(); h = embeddedHarness(dir); });
  afterEach(async () => { await h.session.shutdown(); removeDir(dir); });

  it('PROFILE CALL runs the call and counts statements, routine and built-in calls', async () => {
    await h.ok(WORK);
    const r = await h.ok('PROFILE CALL work(4)');
    expect(printed(r)).to.deep.equal(['TOTAL 30']);
    const summary = value(r).profile as Doc;
    // 1 DECLARE + 1 FOR + 4 SET + 4 RETURN (in sq) + PRINT + SLEEP
    expect(summary).to.deep.include({ procedure_name: 'work', statement_count: 12, esql_query_count: 0 });
    const p = value(await h.ok('SHOW PROFILE'));
    const st = (p.statements as Doc[]).map((s) => [s.routine, s.line, s.type, s.count]);
    expect(st).to.deep.equal([
      ['work', 3, 'declare', 1], ['work', 4, 'forRange', 1], ['work', 5, 'set', 4], ['work', 7, 'print', 1],
      ['work', 8, 'expr', 1], ['sq', 1, 'return', 4],
    ]);
    const calls = Object.fromEntries((p.function_calls as Doc[]).map((c) => [`${c.kind} ${c.name}`, c.call_count]));
    expect(calls).to.deep.equal({ 'procedure work': 1, 'function sq': 4, 'builtin UPPER': 1, 'builtin SLEEP': 1 });
    // timings are real: the SLEEP statement and the whole call take at least its 30 ms
    const sleep = (p.statements as Doc[]).find((s) => s.line === 8)!;
    expect(sleep.duration_ms as number).to.be.at.least(29);
    expect(p.total_duration_ms as number).to.be.at.least(sleep.duration_ms as number);
    expect((p.slowest_statements as Doc[])[0].line).to.equal(8);
  });

  it('counts and times the ES|QL queries of the call with their row counts; ANALYZE suggests batching', async () => {
    await h.ok("CREATE INDEX metrics_x; INDEX {v: 1} INTO metrics_x; INDEX {v: 2} INTO metrics_x; REFRESH metrics_x;");
    await h.ok(`CREATE PROCEDURE chatty()
BEGIN
  FOR i IN 1..12 LOOP
    ESQL_QUERY 'FROM metrics_x | LIMIT 5';
  END LOOP;
  DECLARE rows ARRAY = ESQL_QUERY('FROM metrics_x | LIMIT 1');
END PROCEDURE;`);
    await h.ok('PROFILE CALL chatty();');
    const p = value(await h.ok('SHOW PROFILE FOR chatty'));
    expect(p.esql_query_count).to.equal(13);
    const q = (p.slowest_esql_queries as Doc[]);
    expect(q).to.have.length(5);
    expect(new Set(q.map((x) => `${x.query} ${x.row_count}`)).size).to.be.at.most(2);
    expect((p.statements as Doc[]).find((s) => s.line === 4)!.count).to.equal(12);
    const a = value(await h.ok('ANALYZE PROFILE'));
    expect(a.recommendations).to.include('High number of ESQL queries (13). Consider batching or using BULK COLLECT.');
    expect((a.time_breakdown as Doc).esql_time_ms as number).to.be.greaterThan(0);
  });

  it('SHOW PROFILES lists newest first; CLEAR PROFILE FOR removes one procedure, CLEAR PROFILES all', async () => {
    await h.ok(WORK);
    await h.ok("CREATE PROCEDURE quick() BEGIN PRINT 'q'; END PROCEDURE;");
    await h.ok('PROFILE CALL work(1)');
    await h.ok('PROFILE CALL quick()');
    // a table, one row per profile
    const table = String((await h.ok('SHOW PROFILES')).result!['text/plain']).split('\n').slice(2).map((l) => l.split('|')[1].trim());
    expect(table).to.deep.equal(['quick', 'work']);
    expect(value(await h.ok('ANALYZE PROFILE FOR quick')).recommendations).to.deep.equal(['No significant performance issues detected.']);
    expect(value(await h.ok('CLEAR PROFILE FOR quick'))).to.deep.include({ cleared: 1 });
    const gone = await h.run('SHOW PROFILE FOR quick');
    expect(gone.error!.ename).to.equal('not_found_error');
    expect(gone.error!.evalue).to.equal('line 1:1: no profile for procedure quick: run PROFILE CALL quick(...) first');
    expect(value(await h.ok('SHOW PROFILE')).procedure_name).to.equal('work');
    expect(value(await h.ok('CLEAR PROFILES'))).to.deep.include({ cleared: 1 });
    expect((await h.run('ANALYZE PROFILE')).error!.ename).to.equal('not_found_error');
  });

  it('profiles are kept in .escript_profiles: a new session on the store shows them', async () => {
    await h.ok(WORK);
    await h.ok('PROFILE CALL work(2)');
    const other = embeddedHarness(dir);
    try {
      const p = value(await other.ok('SHOW PROFILE'));
      expect(p).to.deep.include({ procedure_name: 'work', statement_count: 8 });
    } finally {
      await other.session.shutdown();
    }
  });

  it('ordinary calls stay uninstrumented; a failing profiled call fails as it would and leaves the store as it was', async () => {
    await h.ok(WORK);
    await h.ok('PROFILE CALL work(1)');
    const before = value(await h.ok('SHOW PROFILE'));
    expect(printed(await h.ok('CALL work(3);'))).to.deep.equal(['TOTAL 14']);
    expect(value(await h.ok('SHOW PROFILE'))).to.deep.equal(before);
    await h.ok("CREATE PROCEDURE broken() BEGIN PRINT 1 / 0; END PROCEDURE;");
    const r = await h.run('PRINT 0;\nPROFILE CALL broken()');
    expect(r.error!.ename).to.equal('division_error');
    await h.ok("CREATE INDEX after_x; INDEX {v: 1} INTO after_x; REFRESH after_x;");
    await h.ok('FROM after_x | LIMIT 1');
  });
});
