// ES|QL from the language on the embedded store (a real SQLite file): queries as cell values, variables as
// parameters, typed binding, BULK COLLECT, EXECUTE IMMEDIATE, ESQL_QUERY, INTO and PROCESS WITH, and errors.
import { expect } from 'chai';
import { Harness, printed, sampleDataHarness } from './support';

describe('data: ES|QL in the language (embedded store)', () => {
  let h: Harness;
  const shared = sampleDataHarness();
  before(() => {
    h = shared.h;
  });
  beforeEach(() => { h.calls.length = 0; });

  describe('a query typed alone in a cell', () => {
    it('is the cell value, as an ES|QL text table and an HTML table', async () => {
      const r = await h.ok('FROM logs-sample | WHERE level == "ERROR" | STATS n = COUNT(*) BY level');
      const text = String(r.result!['text/plain']);
      expect(text.split('\n')[0]).to.match(/^\s+n\s+\|\s+level\s*$/);
      expect(text).to.match(/\n20\s+\|ERROR/);
      const html = String(r.result!['text/html']);
      expect(html).to.contain('<table class="esql-result">');
      expect(html).to.contain('<th title="long">n</th>');
      expect(html).to.contain('<td>ERROR</td>');
    });

    it('runs WHERE / SORT / LIMIT and keeps the row order', async () => {
      const r = await h.ok('FROM users-sample | SORT user_id | KEEP user_id | LIMIT 3');
      const rows = String(r.result!['text/plain']).trim().split('\n').slice(2).map((l) => l.trim());
      expect(rows).to.have.length(3);
      expect([...rows].sort()).to.deep.equal(rows);
    });

    it('prints ES|QL warnings as WARN', async () => {
      const r = await h.ok('ROW x = [1, 2] | EVAL y = x + 1');
      const warns = r.prints.filter((p) => p.level === 'WARN').map((p) => p.text);
      expect(warns.join('\n')).to.contain('single-value function encountered multi-value');
      expect(String(r.result!['text/plain'])).to.contain('null');
    });

    it('EXPLAIN before a query shows its plans instead of its rows', async () => {
      const r = await h.ok('EXPLAIN FROM logs-sample | WHERE level == "ERROR" | KEEP level');
      const lines = String(r.result!['text/plain']).split('\n').map((l) => l.trim());
      expect(lines[0]).to.match(/^plan$/);
      expect(lines).to.include('== physical plan ==');
      expect(lines, lines.join('\n')).to.include('\\_ScanExec[logs-sample; columns=level; filter=level == "ERROR"; limit=1000] -> [level:keyword]');
      const row = await h.ok('EXPLAIN ROW a = 1');
      expect(String(row.result!['text/plain'])).to.contain('LocalSourceExec[1 row] -> [a:integer]');
      const text = await h.ok("ESQL_QUERY('EXPLAIN ROW a = 1')");
      expect(String(text.result!['text/plain'])).to.contain('== optimised logical plan (rules applied: add_implicit_limit) ==');
    });

    it('a ROW query alone in a cell works too', async () => {
      const r = await h.ok('ROW a = 1, b = "two"');
      expect(String(r.result!['text/plain'])).to.match(/1\s+\|two/);
    });
  });

  describe('variables reach the query as parameters', () => {
    it(':name and ?name send the value as a named parameter, never in the text', async () => {
      await h.ok(`DECLARE lvl STRING = 'ERROR';
DECLARE min_status NUMBER = 500;
FROM logs-sample | WHERE level == :lvl AND status_code >= ?min_status | STATS n = COUNT(*)`);
      expect(h.calls).to.have.length(1);
      expect(h.calls[0].query).to.equal('FROM logs-sample | WHERE level == ?lvl AND status_code >= ?min_status | STATS n = COUNT(*)');
      expect(h.calls[0].params).to.deep.equal([{ lvl: 'ERROR' }, { min_status: 500 }]);
    });

    it('procedure parameters and locals are bound where the query runs', async () => {
      await h.ok(`CREATE PROCEDURE count_level(lvl STRING) BEGIN
  DECLARE n NUMBER FROM logs-sample | WHERE level == :lvl | STATS COUNT(*);
  RETURN n;
END PROCEDURE;`);
      const r = await h.ok("PRINT count_level('ERROR'); PRINT count_level('NOPE');");
      expect(printed(r)).to.deep.equal(['20', '0']);
      expect(h.calls.map((c) => c.params)).to.deep.equal([[{ lvl: 'ERROR' }], [{ lvl: 'NOPE' }]]);
    });

    it('DATE variables are compared as dates', async () => {
      const r = await h.ok(`DECLARE since DATE = DATE_SUB(CURRENT_TIMESTAMP(), 400, 'DAY');
DECLARE n NUMBER FROM logs-sample | WHERE @timestamp > :since | STATS COUNT(*);
PRINT n;`);
      expect(printed(r)).to.deep.equal(['100']);
      expect(h.calls[0].params![0]).to.have.property('since').that.is.instanceOf(Date);
    });

    it('an unknown name is an esql_error about the parameter', async () => {
      const r = await h.run('FROM logs-sample | WHERE level == :nobody');
      expect(r.error!.ename).to.equal('esql_error');
      expect(r.error!.evalue).to.contain('Unknown query parameter [nobody]');
    });

    it("single-quoted strings (the reference's style) become ES|QL strings", async () => {
      const r = await h.ok("DECLARE n NUMBER FROM logs-sample | WHERE level == 'ERROR' | STATS COUNT(*); PRINT n;");
      expect(printed(r)).to.deep.equal(['20']);
      expect(h.calls[0].query).to.contain('level == "ERROR"');
    });
  });

  describe('rows are documents', () => {
    it('FOR r IN (FROM ...) gives documents with DATE values', async () => {
      const r = await h.ok(`FOR r IN (FROM logs-sample | SORT @timestamp DESC | KEEP @timestamp, level, status_code | LIMIT 2) LOOP
  PRINT DOCUMENT_KEYS(r);
  PRINT r['@timestamp'] < CURRENT_TIMESTAMP();
  PRINT r.status_code > 0;
END LOOP;`);
      expect(printed(r)).to.deep.equal(['["@timestamp","level","status_code"]', 'true', 'true',
        '["@timestamp","level","status_code"]', 'true', 'true']);
    });

    it('EXIT leaves a FOR over a query', async () => {
      const r = await h.ok(`DECLARE seen NUMBER = 0;
FOR r IN (FROM logs-sample | LIMIT 50) LOOP
  SET seen = seen + 1;
  EXIT WHEN seen = 3;
END LOOP;
PRINT seen;`);
      expect(printed(r)).to.deep.equal(['3']);
    });
  });

  describe('typed binding DECLARE x T FROM <esql>', () => {
    it('a scalar type takes the first column of the first row', async () => {
      const r = await h.ok('DECLARE errors NUMBER FROM logs-sample | WHERE level == "ERROR" | STATS c = COUNT(*); PRINT errors + 1;');
      expect(printed(r)).to.deep.equal(['21']);
    });
    it('DOCUMENT takes the first row, ARRAY all rows', async () => {
      const r = await h.ok(`DECLARE top DOCUMENT FROM logs-sample | STATS n = COUNT(*) BY level | SORT n DESC | LIMIT 1;
DECLARE all_levels ARRAY FROM logs-sample | STATS n = COUNT(*) BY level | SORT level;
PRINT top.level;
PRINT ARRAY_LENGTH(all_levels);
PRINT all_levels[1];`);
      expect(printed(r)).to.deep.equal(['INFO', '4', '{"n":20,"level":"ERROR"}']);
    });
    it('no rows: NULL', async () => {
      const r = await h.ok('DECLARE d DOCUMENT FROM logs-sample | WHERE level == "NOPE"; PRINT d IS NULL;');
      expect(printed(r)).to.deep.equal(['true']);
    });
    it('the value is type-checked', async () => {
      const r = await h.run('DECLARE s NUMBER FROM logs-sample | KEEP level | LIMIT 1;');
      expect(r.error!.ename).to.equal('type_error');
    });
  });

  describe('BULK COLLECT', () => {
    it('collects the rows into a new or declared variable', async () => {
      const r = await h.ok(`BULK COLLECT INTO errs FROM logs-sample | WHERE level == "ERROR" | LIMIT 500;
DECLARE few ARRAY;
BULK COLLECT INTO few FROM logs-sample | LIMIT 3;
PRINT ARRAY_LENGTH(errs) || ' ' || ARRAY_LENGTH(few);`);
      expect(printed(r)).to.deep.equal(['20 3']);
    });
    it('inside a procedure, into a local', async () => {
      await h.ok(`CREATE PROCEDURE services_with_errors() BEGIN
  BULK COLLECT INTO rows FROM logs-sample | WHERE level == "ERROR" | STATS BY service | SORT service;
  RETURN ARRAY_MAP(rows, (r) => r.service);
END PROCEDURE;`);
      const r = await h.ok('PRINT ARRAY_LENGTH(services_with_errors()) > 0;');
      expect(printed(r)).to.deep.equal(['true']);
    });
  });

  describe('EXECUTE IMMEDIATE', () => {
    it('USING values are positional parameters :1, :2', async () => {
      const r = await h.ok(`DECLARE results ARRAY;
EXECUTE IMMEDIATE 'FROM logs-sample | WHERE level == :1 AND status_code >= :2 | KEEP level | LIMIT 100' USING 'ERROR', 0 INTO results;
PRINT ARRAY_LENGTH(results);`);
      expect(printed(r)).to.deep.equal(['20']);
      expect(h.calls[0].query).to.equal('FROM logs-sample | WHERE level == ?1 AND status_code >= ?2 | KEEP level | LIMIT 100');
      expect(h.calls[0].params).to.deep.equal(['ERROR', 0]);
    });
    it('INTO several variables takes the first row column by column; USING before INTO', async () => {
      const r = await h.ok(`DECLARE total NUMBER;
DECLARE errs NUMBER;
EXECUTE IMMEDIATE 'FROM logs-sample | STATS t = COUNT(*), e = COUNT(CASE(level == ?1, 1, null))' USING 'ERROR' INTO total, errs;
PRINT total || '/' || errs;`);
      expect(printed(r)).to.deep.equal(['100/20']);
    });
    it('one INTO variable declared NUMBER gets the first value', async () => {
      const r = await h.ok(`DECLARE c NUMBER;
DECLARE q STRING = 'FROM logs-sample | STATS COUNT(*)';
EXECUTE IMMEDIATE q INTO c;
PRINT c;`);
      expect(printed(r)).to.deep.equal(['100']);
    });
    it('the query text can name variables as :name', async () => {
      const r = await h.ok(`DECLARE svc STRING = 'api-gateway';
DECLARE rows ARRAY;
EXECUTE IMMEDIATE 'FROM logs-sample | WHERE service == :svc | KEEP service' INTO rows;
PRINT ARRAY_DISTINCT(ARRAY_MAP(rows, (r) => r.service));`);
      expect(printed(r)).to.deep.equal(['["api-gateway"]']);
      expect(h.calls[0].params).to.deep.equal([{ svc: 'api-gateway' }]);
    });
    it('without INTO at the top of a cell the rows are the cell value', async () => {
      const r = await h.ok("EXECUTE IMMEDIATE 'ROW a = ?1' USING 7;");
      expect(String(r.result!['text/plain'])).to.match(/\n7\s*\n?$/);
    });
    it('a STRING is required', async () => {
      const r = await h.run('EXECUTE IMMEDIATE 42;');
      expect(r.error!.ename).to.equal('type_error');
    });
  });

  describe('ESQL_QUERY', () => {
    it('binds visible variables and explicit params', async () => {
      const r = await h.ok(`CREATE FUNCTION by_level(lvl STRING) RETURNS NUMBER BEGIN
  DECLARE rows ARRAY = ESQL_QUERY('FROM logs-sample | WHERE level == :lvl | STATS n = COUNT(*)');
  RETURN rows[0].n;
END FUNCTION;
PRINT by_level('ERROR');
PRINT ESQL_QUERY('ROW a = ?x', {'x': 'given'})[0].a;
PRINT ESQL_QUERY('ROW a = ?1 + ?2', [40, 2])[0].a;`);
      expect(printed(r)).to.deep.equal(['20', 'given', '42']);
    });
    it('its rows render as an ES|QL table when they are the cell value', async () => {
      const r = await h.ok("ESQL_QUERY('ROW a = 1')");
      expect(String(r.result!['text/html'])).to.contain('esql-result');
    });
  });

  describe('FROM ... INTO and PROCESS WITH', () => {
    it('INTO a variable', async () => {
      const r = await h.ok('FROM logs-sample | WHERE level == "ERROR" | LIMIT 5 INTO error_logs; PRINT ARRAY_LENGTH(error_logs);');
      expect(printed(r)).to.deep.equal(['5']);
    });
    it("INTO 'index' writes the rows into that index", async () => {
      await h.ok("FROM logs-sample | WHERE level == \"ERROR\" | KEEP service, status_code INTO 'errors-copy';");
      const r = await h.ok('DECLARE n NUMBER FROM errors-copy | STATS COUNT(*); PRINT n;');
      expect(printed(r)).to.deep.equal(['20']);
    });
    it('PROCESS WITH calls the procedure per row, or per batch', async () => {
      await h.ok('CREATE PROCEDURE show_row(r DOCUMENT) BEGIN PRINT r.n; END PROCEDURE;');
      await h.ok('CREATE PROCEDURE show_batch(b ARRAY) BEGIN PRINT ARRAY_LENGTH(b); END PROCEDURE;');
      const one = await h.ok('ROW n = [1, 2, 3] | MV_EXPAND n PROCESS WITH show_row;');
      expect(printed(one)).to.deep.equal(['1', '2', '3']);
      const batches = await h.ok('FROM logs-sample | LIMIT 5 PROCESS WITH show_batch BATCH 2;');
      expect(printed(batches)).to.deep.equal(['2', '2', '1']);
    });
    it('a query inside a procedure is displayed as a table', async () => {
      await h.ok('CREATE PROCEDURE show_levels() BEGIN FROM logs-sample | STATS BY level | SORT level; END PROCEDURE;');
      const r = await h.ok('CALL show_levels();');
      expect(r.displays).to.have.length(1);
      expect(String(r.displays[0]['text/plain'])).to.contain('ERROR');
    });
  });

  describe('errors', () => {
    it('ES|QL errors point into the cell (line:column of the query moved to the cell)', async () => {
      const r = await h.run(`DECLARE x NUMBER = 1;
FROM logs-sample
| WHERE nope > 1`);
      expect(r.error!.ename).to.equal('esql_error');
      expect(r.error!.evalue).to.equal('line 3:9: Unknown column [nope]');
      expect(r.error!.traceback[1]).to.equal('  | WHERE nope > 1');
      expect(r.error!.traceback[2]).to.equal('          ^');
    });
    it('inside a procedure the error carries the call stack', async () => {
      await h.ok(`CREATE PROCEDURE broken() BEGIN
  FOR r IN (FROM logs-sample | EVAL y = nope + 1) LOOP PRINT r; END LOOP;
END PROCEDURE;`);
      const r = await h.run('CALL broken();');
      expect(r.error!.ename).to.equal('esql_error');
      expect(r.error!.evalue).to.match(/^line 2:\d+: Unknown column \[nope\]/);
      expect(r.error!.traceback.join('\n')).to.contain('at broken');
    });
    it('an unknown index is an esql_error', async () => {
      const r = await h.run("DECLARE rows = ESQL_QUERY('FROM no-such-index');");
      expect(r.error!.ename).to.equal('esql_error');
      expect(r.error!.evalue).to.equal('line 1:33: Unknown index [no-such-index]');
    });
    it('TRY/CATCH catches query errors as the error document', async () => {
      const r = await h.ok(`TRY
  FROM logs-sample | STATS n = COUNT(*) BY nope;
CATCH
  PRINT error.type;
  PRINT error.line || ':' || error.column;
  PRINT error.message;
END TRY;`);
      expect(printed(r)).to.deep.equal(['esql_error', '2:44', 'Unknown column [nope]']);
    });
    it('a syntax error in the query is an esql_error', async () => {
      const r = await h.run('FROM logs-sample | WHERE');
      expect(r.error!.ename).to.equal('esql_error');
    });
  });
});
