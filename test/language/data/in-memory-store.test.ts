// The language's ES|QL statements, cursors, first-class commands and data built-ins, run against the embedded
// store (in memory) with the project's ES|QL engine behind `services.store`.
import { expect } from 'chai';
import { Session } from '../../../language/session';
import type { Output } from '../../../language/contract';
import { EmbeddedStore } from '../../../language/store/embedded';
import { prepareQuery } from '../../../language/data/query-text';

function sessionWithStore(): { s: Session; store: EmbeddedStore } {
  const store = new EmbeddedStore(':memory:');
  return { s: new Session({ services: { store }, env: {} }), store };
}

async function run(s: Session, code: string) {
  const prints: string[] = [];
  const out: Output = { print: (t) => { prints.push(t); }, display() {}, updateDisplay() {}, clear() {} };
  const outcome = await s.execute(code, out, new AbortController().signal);
  if (outcome.status === 'error') return { prints, error: outcome.error, result: undefined };
  return { prints, error: undefined, result: outcome.result?.['text/plain'] as string | undefined };
}

const SETUP = `
CREATE INDEX 'logs' WITH MAPPINGS {"properties": {"level": {"type": "keyword"}, "ms": {"type": "long"}, "service": {"type": "keyword"}}};
INDEX {"level": "ERROR", "ms": 120, "service": "api"} INTO 'logs';
INDEX {"level": "INFO", "ms": 15, "service": "api"} INTO 'logs';
INDEX {"level": "ERROR", "ms": 300, "service": "db"} INTO 'logs';
REFRESH 'logs';`;

describe('ES|QL in the language (embedded store)', () => {
  it('turns :name placeholders into ?name parameters, outside strings only', () => {
    // single-quoted strings (the reference's style) become ES|QL's double-quoted ones
    const p = prepareQuery("FROM t | WHERE a == :lvl AND b == ':not' AND c == ?x | LIMIT :1");
    expect({ text: p.text, names: p.names, positional: p.positional }).to.deep.equal({
      text: 'FROM t | WHERE a == ?lvl AND b == ":not" AND c == ?x | LIMIT ?1',
      names: ['lvl', 'x'],
      positional: 1,
    });
  });

  it('runs a query statement as the cell value', async () => {
    const { s } = sessionWithStore();
    expect((await run(s, SETUP)).error).to.equal(undefined);
    const r = await run(s, 'FROM logs | WHERE level == "ERROR" | SORT ms | KEEP service, ms');
    expect(r.error).to.equal(undefined);
    // ES|QL's own text table (Elasticsearch's format=txt)
    expect(r.result!.split('\n').map((l) => l.trimEnd())).to.deep.equal(['    service    |      ms', '---------------+---------------', 'api            |120', 'db             |300']);
  });

  it('binds variables as parameters', async () => {
    const { s } = sessionWithStore();
    await run(s, SETUP);
    const r = await run(s, "DECLARE lvl STRING = 'ERROR';\nDECLARE n NUMBER FROM logs | WHERE level == :lvl | STATS c = COUNT(*);\nPRINT n;");
    expect(r.error).to.equal(undefined);
    expect(r.prints).to.deep.equal(['2']);
  });

  it('iterates a cursor with OPEN / FETCH / %NOTFOUND / CLOSE', async () => {
    const { s } = sessionWithStore();
    await run(s, SETUP);
    const r = await run(s, `
      DECLARE c CURSOR FOR FROM logs | SORT ms DESC | KEEP ms;
      DECLARE row DOCUMENT;
      OPEN c;
      LOOP
        FETCH c INTO row;
        EXIT WHEN c%NOTFOUND;
        PRINT row.ms;
      END LOOP;
      PRINT c%ROWCOUNT;
      CLOSE c;
      PRINT c%ISOPEN;`);
    expect(r.error).to.equal(undefined);
    expect(r.prints).to.deep.equal(['300', '120', '15', '3', 'false']);
  });

  it('FETCH ... LIMIT n INTO takes batches', async () => {
    const { s } = sessionWithStore();
    await run(s, SETUP);
    const r = await run(s, 'DECLARE c CURSOR FOR FROM logs | SORT ms | KEEP ms; OPEN c; FETCH c LIMIT 2 INTO batch; PRINT ARRAY_MAP(batch, \'ms\'); FETCH c LIMIT 2 INTO batch; PRINT ARRAY_LENGTH(batch);');
    expect(r.prints).to.deep.equal(['[15,120]', '1']);
  });

  it('a cursor FOR loop opens and closes the cursor', async () => {
    const { s } = sessionWithStore();
    await run(s, SETUP);
    const r = await run(s, "DECLARE svc STRING = 'api';\nDECLARE c CURSOR FOR FROM logs | WHERE service == :svc | SORT ms;\nFOR log IN c LOOP PRINT log.level; END LOOP;\nPRINT c%ISOPEN;");
    expect(r.prints).to.deep.equal(['INFO', 'ERROR', 'false']);
  });

  it('FOR over an inline query, BULK COLLECT, typed bindings and INTO', async () => {
    const { s } = sessionWithStore();
    await run(s, SETUP);
    const r = await run(s, `
      FOR r IN (FROM logs | STATS total = SUM(ms) BY level | SORT level) LOOP PRINT r.level || '=' || r.total; END LOOP;
      BULK COLLECT INTO all_logs FROM logs | KEEP ms;
      PRINT ARRAY_LENGTH(all_logs);
      DECLARE top DOCUMENT FROM logs | SORT ms DESC | LIMIT 1;
      PRINT top.service;
      DECLARE rows ARRAY FROM logs | WHERE ms > 100;
      PRINT ARRAY_LENGTH(rows);
      FROM logs | WHERE service == "db" INTO db_rows;
      PRINT db_rows[0].ms;`);
    expect(r.error).to.equal(undefined);
    expect(r.prints).to.deep.equal(['ERROR=420', 'INFO=15', '3', 'db', '2', '300']);
  });

  it('EXECUTE IMMEDIATE with USING and INTO', async () => {
    const { s } = sessionWithStore();
    await run(s, SETUP);
    const r = await run(s, `
      DECLARE q STRING = 'FROM logs | WHERE service == :1 AND ms > :2 | KEEP ms';
      EXECUTE IMMEDIATE q INTO results USING 'api', 100;
      PRINT results;
      EXECUTE IMMEDIATE 'FROM logs | STATS n = COUNT(*), m = MAX(ms)' INTO n, m;
      PRINT n || ' ' || m;`);
    expect(r.error).to.equal(undefined);
    expect(r.prints).to.deep.equal(['[{"ms":120}]', '3 300']);
  });

  it('ESQL_QUERY with named and positional parameters', async () => {
    const { s } = sessionWithStore();
    await run(s, SETUP);
    const r = await run(s, `
      PRINT ARRAY_LENGTH(ESQL_QUERY('FROM logs | WHERE level == ?lvl', {"lvl": "ERROR"}));
      PRINT ESQL_QUERY('FROM logs | WHERE ms > ?1 | STATS c = COUNT(*)', [100])[0].c;`);
    expect(r.prints).to.deep.equal(['2', '2']);
  });

  it('PROCESS WITH calls a procedure per row', async () => {
    const { s } = sessionWithStore();
    await run(s, SETUP);
    const r = await run(s, "CREATE PROCEDURE handle(row DOCUMENT) BEGIN PRINT row.service || ':' || row.ms; END PROCEDURE;\nFROM logs | SORT ms | KEEP service, ms PROCESS WITH handle;");
    expect(r.error).to.equal(undefined);
    expect(r.prints).to.deep.equal(['api:15', 'api:120', 'db:300']);
  });

  it('a query error is an esql_error at the query', async () => {
    const { s } = sessionWithStore();
    await run(s, SETUP);
    const r = await run(s, 'PRINT 1;\nDECLARE x ARRAY FROM logs | WHERE nope == 1;');
    expect(r.error?.ename).to.equal('esql_error');
    // the ES|QL problem is reported where it is in the script: `nope` on line 2
    expect(r.error?.evalue).to.match(/^line 2:35: .*nope/);
  });

  it('data built-ins read and write documents', async () => {
    const { s } = sessionWithStore();
    const r = await run(s, `
      DECLARE res DOCUMENT = INDEX_DOCUMENT('users', {"name": "ann", "age": 30}, 'u1');
      PRINT res._id;
      PRINT GET_DOCUMENT('users', 'u1').name;
      UPDATE_DOCUMENT('users', 'u1', {"age": 31});
      PRINT GET_DOCUMENT('users', 'u1').age;
      PRINT GET_DOCUMENT('users', 'nope');
      PRINT INDEX_BULK('users', [{"name": "bob"}, {"name": "cy"}]).indexed;
      PRINT REFRESH_INDEX('users');
      PRINT ESQL_QUERY('FROM users | STATS n = COUNT(*)')[0].n;`);
    expect(r.error).to.equal(undefined);
    expect(r.prints).to.deep.equal(['u1', 'ann', '31', 'NULL', '2', 'true', '3']);
  });

  it('UPDATE_DOCUMENT of a missing document is a not_found_error', async () => {
    const { s } = sessionWithStore();
    await run(s, "INDEX_DOCUMENT('users', {\"a\": 1}, 'x');");
    const r = await run(s, "UPDATE_DOCUMENT('users', 'missing', {\"a\": 2});");
    expect(r.error?.ename).to.equal('not_found_error');
  });
});
