// Cursors on the embedded store: DECLARE ... CURSOR FOR, OPEN (binds variables then), FETCH [LIMIT n] INTO,
// CLOSE, the %-attributes and FOR over a cursor.
import { expect } from 'chai';
import { Harness, printed, sampleDataHarness } from './support';

describe('data: cursors (embedded store)', () => {
  let h: Harness;
  const shared = sampleDataHarness();
  before(() => {
    h = shared.h;
  });

  it('OPEN, FETCH row by row until %NOTFOUND, %ROWCOUNT, %FOUND, %ISOPEN, CLOSE', async () => {
    const r = await h.ok(`DECLARE c CURSOR FOR FROM logs-sample | WHERE level == "ERROR" | KEEP level | LIMIT 3;
DECLARE row DOCUMENT;
PRINT c%ISOPEN;
OPEN c;
PRINT c%ISOPEN || ' ' || c%ROWCOUNT || ' ' || c%NOTFOUND || ' ' || c%FOUND;
LOOP
  FETCH c INTO row;
  EXIT WHEN c%NOTFOUND;
  PRINT c%ROWCOUNT || ' ' || row.level || ' ' || c%FOUND;
END LOOP;
PRINT c%ROWCOUNT || ' ' || c%NOTFOUND || ' ' || c%FOUND;
CLOSE c;
PRINT c%ISOPEN;`);
    expect(printed(r)).to.deep.equal(['false', 'true 0 false NULL', '1 ERROR true', '2 ERROR true', '3 ERROR true', '3 true false', 'false']);
  });

  it("WHILE NOT c%NOTFOUND (the reference's loop) runs", async () => {
    const r = await h.ok(`DECLARE c CURSOR FOR ROW n = [1, 2] | MV_EXPAND n;
DECLARE row DOCUMENT;
DECLARE seen ARRAY = [];
OPEN c;
WHILE NOT c%NOTFOUND LOOP
  FETCH c INTO row;
  IF c%FOUND THEN SET seen = ARRAY_APPEND(seen, row.n); END IF;
END LOOP;
CLOSE c;
PRINT seen;`);
    expect(printed(r)).to.deep.equal(['[1,2]']);
  });

  it('FETCH LIMIT n INTO gives arrays of rows, then an empty array', async () => {
    const r = await h.ok(`DECLARE c CURSOR FOR FROM logs-sample | LIMIT 5;
DECLARE batch ARRAY;
OPEN c;
FETCH c LIMIT 2 INTO batch;
WHILE ARRAY_LENGTH(batch) > 0 LOOP
  PRINT ARRAY_LENGTH(batch) || ' of ' || c%ROWCOUNT;
  FETCH c LIMIT 2 INTO batch;
END LOOP;
PRINT c%NOTFOUND;
CLOSE c;`);
    expect(printed(r)).to.deep.equal(['2 of 2', '2 of 4', '1 of 5', 'true']);
  });

  it('variables are bound at OPEN, not at DECLARE', async () => {
    h.calls.length = 0;
    const r = await h.ok(`DECLARE lvl STRING = 'INFO';
DECLARE c CURSOR FOR FROM logs-sample | WHERE level == :lvl | STATS n = COUNT(*);
DECLARE row DOCUMENT;
SET lvl = 'ERROR';
OPEN c;
FETCH c INTO row;
CLOSE c;
PRINT row.n;`);
    expect(printed(r)).to.deep.equal(['20']);
    expect(h.calls.map((c) => c.params)).to.deep.equal([[{ lvl: 'ERROR' }]]);
  });

  it('FOR r IN cursor opens, reads and closes it', async () => {
    const r = await h.ok(`DECLARE c CURSOR FOR FROM logs-sample | STATS n = COUNT(*) BY level | SORT level;
FOR r IN c LOOP
  PRINT r.level || '=' || r.n;
END LOOP;
PRINT c%ISOPEN;`);
    expect(printed(r)).to.deep.equal(['DEBUG=19', 'ERROR=20', 'INFO=44', 'WARN=17', 'false']);
  });

  it('a cursor in a procedure sees its parameters', async () => {
    await h.ok(`CREATE PROCEDURE slowest(svc STRING, k NUMBER) BEGIN
  DECLARE c CURSOR FOR FROM logs-sample | WHERE service == :svc | SORT duration_ms DESC | KEEP duration_ms | LIMIT 10;
  DECLARE top ARRAY;
  OPEN c;
  FETCH c LIMIT k INTO top;
  CLOSE c;
  RETURN ARRAY_LENGTH(top);
END PROCEDURE;`);
    const r = await h.ok("PRINT slowest('api-gateway', 2);");
    expect(printed(r)).to.deep.equal(['2']);
  });

  it('FETCH from a cursor that is not open is a cursor_error; OPEN twice too', async () => {
    const notOpen = await h.run('DECLARE c CURSOR FOR ROW a = 1;\nDECLARE r DOCUMENT;\nFETCH c INTO r;');
    expect(notOpen.error!.ename).to.equal('cursor_error');
    expect(notOpen.error!.evalue).to.equal('line 3:1: cursor c is not open');
    const twice = await h.run('DECLARE c CURSOR FOR ROW a = 1;\nOPEN c;\nOPEN c;');
    expect(twice.error!.evalue).to.equal('line 3:1: cursor c is already open');
  });

  it('an interrupt stops a loop over query rows', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const outcome = await h.session.execute('FOR r IN (FROM logs-sample) LOOP SLEEP(20); END LOOP;',
      { print() {}, display() {}, updateDisplay() {}, clear() {} }, controller.signal);
    expect(outcome.status).to.equal('error');
    if (outcome.status === 'error') expect(outcome.error.ename).to.equal('interrupted');
    // uninterrupted, 100 rows x 20 ms would take at least 2 s
    expect(Date.now() - started).to.be.lessThan(1900);
  });

  it('an ES|QL error in a cursor query surfaces at OPEN, pointing into the query, and TRY catches it', async () => {
    const r = await h.ok(`DECLARE c CURSOR FOR FROM logs-sample | KEEP nope;
TRY
  OPEN c;
CATCH
  PRINT error.type || ' ' || error.line || ':' || error.column;
FINALLY
  CLOSE c;
END TRY;`);
    expect(printed(r)).to.deep.equal(['esql_error 1:46']);
  });
});
