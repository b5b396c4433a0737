// Completion as the Session answers it: the examples of issue 13 (the matches, the replaced range, the kinds),
// ES|QL wherever it appears in a cell, elastic-script positions, and robustness.
import { expect } from 'chai';
import type { Completion } from '../../language/contract';
import { Session } from '../../language/session';
import { runCell, withNotebookSession } from './tooling-fixture';

describe('completion', function () {
  this.timeout(30000);
  const session = withNotebookSession();
  const complete = (code: string, cursor = code.length): Promise<Completion> => session().complete(code, cursor);

  describe('ES|QL', () => {
    it('offers index names after FROM and replaces the whole pattern typed so far', async () => {
      const c = await complete('FROM logs-s');
      expect(c.matches).to.deep.equal(['logs-sample']);
      expect([c.cursorStart, c.cursorEnd]).to.deep.equal([5, 11]);
      expect(c.items[0].kind).to.equal('index');
      const all = await complete('FROM ');
      expect(all.matches).to.include.members(['logs-sample', 'metrics-sample', 'users-sample']);
      expect(all.matches.some((m) => m.startsWith('.'))).to.equal(false);
      expect(all.matches).to.not.include.members(['SAVE', 'SEARCH', 'SECOND']);
    });

    it('offers a pattern for indices that share a stem, and the fields of all the indices a pattern names', async () => {
      await runCell(session(), "CREATE INDEX 'app-2024.01'; CREATE INDEX 'app-2024.02'; INDEX {\"msg\": \"a\"} INTO 'app-2024.01'; INDEX {\"code\": 1} INTO 'app-2024.02';");
      const c = await complete('FROM app');
      expect(c.items).to.deep.equal([
        { text: 'app-2024.*', kind: 'index', signature: '2 indices' },
        { text: 'app-2024.01', kind: 'index' },
        { text: 'app-2024.02', kind: 'index' },
      ]);
      // strings are mapped dynamically as text with a keyword sub-field
      expect((await complete('FROM app-2024.* | KEEP ')).matches).to.deep.equal(['code', 'msg', 'msg.keyword']);
      expect((await complete('FROM app-*, -app-2024.02 | KEEP ')).matches).to.deep.equal(['msg', 'msg.keyword']);
    });

    it('offers the fields of the source in WHERE', async () => {
      const c = await complete('FROM logs-sample | WHERE lev');
      expect(c.matches).to.deep.equal(['level']);
      expect([c.cursorStart, c.cursorEnd]).to.deep.equal([25, 28]);
      expect(c.items[0]).to.deep.equal({ text: 'level', kind: 'field', signature: 'keyword' });
    });

    it('offers processing commands after a pipe, in the case the user types', async () => {
      const c = await complete('FROM logs-sample | ST');
      expect(c.matches).to.deep.equal(['STATS']);
      expect(c.items[0].kind).to.equal('keyword');
      expect((await complete('from logs-sample | st')).matches).to.deep.equal(['stats']);
      const all = await complete('FROM logs-sample | ');
      expect(all.matches).to.include.members(['WHERE', 'EVAL', 'STATS', 'SORT', 'LIMIT', 'KEEP', 'DROP', 'RENAME', 'DISSECT', 'GROK', 'MV_EXPAND', 'LOOKUP JOIN']);
      expect(all.items.every((i) => i.kind === 'keyword')).to.equal(true);
      // with nothing typed, the case of the keywords the user wrote before
      expect((await complete('from logs-sample | ')).matches).to.include('where');
    });

    it('offers aggregate functions in STATS, with their signatures', async () => {
      const c = await complete('FROM logs-sample | STATS c = COUNT_D');
      expect(c.matches).to.deep.equal(['COUNT_DISTINCT']);
      expect([c.cursorStart, c.cursorEnd]).to.deep.equal([29, 36]);
      expect(c.items[0].kind).to.equal('function');
      expect(c.items[0].signature).to.match(/^COUNT_DISTINCT\(/);
      const all = await complete('FROM logs-sample | STATS ');
      expect(all.items[0].kind).to.equal('function');
      expect(all.matches).to.include.members(['AVG', 'COUNT', 'MAX', 'level', 'duration_ms']);
    });

    it('offers scalar functions but no aggregates outside STATS, and inside an aggregate', async () => {
      for (const code of ['FROM logs-sample | WHERE ', 'FROM logs-sample | EVAL x = ', 'FROM logs-sample | STATS AVG(']) {
        const c = await complete(code);
        expect(c.matches, code).to.include.members(['TO_UPPER', 'ROUND', 'duration_ms']);
        expect(c.matches, code).to.not.include.members(['AVG', 'COUNT_DISTINCT']);
      }
      expect((await complete('FROM logs-sample | EVAL x = BU')).matches).to.deep.equal([]);
      expect((await complete('FROM logs-sample | STATS n = COUNT(*) BY BU')).matches).to.deep.equal(['BUCKET']);
    });

    it('offers the keywords the grammar allows, whole phrases for the ones that need a second word', async () => {
      const sort = await complete('FROM logs-sample | SORT level ');
      expect(sort.matches).to.include.members(['ASC', 'DESC', 'NULLS FIRST', 'NULLS LAST']);
      expect(sort.matches).to.not.include('NULLS');
      expect((await complete('FROM logs-sample | SORT level DESC NU')).matches).to.deep.equal(['NULLS FIRST', 'NULLS LAST']);
      expect((await complete('FROM logs-sample | WHERE level IS ')).matches).to.deep.equal(['NOT NULL', 'NULL']);
      expect((await complete('FROM logs-sample | WHERE level i')).matches).to.deep.equal(['in', 'is not null', 'is null']);
      expect((await complete('FROM logs-sample | STATS n = COUNT(*) ')).matches).to.include('BY');
      expect((await complete('FROM logs-sample ME')).matches).to.deep.equal(['METADATA']);
      expect((await complete('FROM logs-sample | RENAME level ')).matches).to.deep.equal(['AS']);
      expect((await complete('FROM logs-sample | LOOKUP JOIN users-sample ')).matches).to.deep.equal(['ON']);
    });

    it('knows the columns EVAL, STATS, RENAME, DISSECT, GROK and KEEP leave', async () => {
      const keep = async (q: string) => (await complete(`${q} | KEEP `)).matches;
      expect(await keep('FROM logs-sample | EVAL slow = duration_ms > 500')).to.include.members(['slow', 'level']);
      expect(await keep('FROM logs-sample | STATS errors = COUNT(*) BY service')).to.deep.equal(['errors', 'service']);
      const renamed = await keep('FROM logs-sample | RENAME level AS severity');
      expect(renamed).to.include('severity').and.not.include('level');
      expect(await keep('FROM logs-sample | DISSECT message "%{verb} %{rest}"')).to.include.members(['verb', 'rest']);
      expect(await keep('FROM logs-sample | GROK message "%{WORD:first} %{GREEDYDATA:others}"')).to.include.members(['first', 'others']);
      expect(await keep('FROM logs-sample | KEEP level, service')).to.deep.equal(['level', 'service']);
      expect(await keep('ROW a = 1, b = "x"')).to.deep.equal(['a', 'b']);
      const lookup = await keep('FROM logs-sample | LOOKUP JOIN users-sample ON user_id');
      expect(lookup.length).to.be.greaterThan((await keep('FROM logs-sample')).length);
    });

    it('offers metadata fields after METADATA and types after ::', async () => {
      expect((await complete('FROM logs-sample METADATA _i')).matches).to.deep.equal(['_id', '_index']);
      expect((await complete('FROM logs-sample | EVAL d = status_code::lo')).matches).to.deep.equal(['long']);
    });

    it('completes ES|QL in cursors, FOR loops, typed bindings, BULK COLLECT, ESQL_QUERY and EXECUTIONS WHERE', async () => {
      const cases: [string, string][] = [
        ['DECLARE c CURSOR FOR FROM logs-sample | WHERE lev', 'level'],
        ['FOR r IN (FROM logs-sample | WHERE lev', 'level'],
        ['FOR r IN (FROM logs-sample | WHERE status_code IN (200, 500) AND lev', 'level'],
        ['DECLARE n NUMBER FROM logs-sample | STATS c = COUNT_D', 'COUNT_DISTINCT'],
        ['BULK COLLECT INTO rows FROM logs-sample | SORT lev', 'level'],
        ["PRINT ESQL_QUERY('FROM logs-sample | WHERE lev", 'level'],
        ["EXECUTE IMMEDIATE 'FROM users-s", 'users-sample'],
        ['EXECUTIONS WHERE track_n', 'track_name'],
        ['CREATE PROCEDURE p() BEGIN\n  FOR r IN (FROM logs-sample | WHERE lev', 'level'],
        ['FROM logs-sample | WHERE level == :lvl AND serv', 'service'],
      ];
      for (const [code, expected] of cases) {
        const c = await complete(code);
        expect(c.matches, code).to.deep.equal([expected]);
        expect(c.cursorEnd, code).to.equal(code.length);
        expect(code.slice(c.cursorStart), code).to.equal(expected.slice(0, code.length - c.cursorStart));
      }
    });

    it('stops at the end of the query: INTO takes an index, PROCESS WITH a procedure', async () => {
      expect((await complete("FROM logs-sample | LIMIT 5 INTO 'logs-c")).matches).to.deep.equal([]);
      expect((await complete("FROM logs-sample | LIMIT 5 INTO 'log")).matches).to.deep.equal(['logs-sample']);
      expect((await complete('FROM logs-sample | LIMIT 5 PROCESS WITH ana')).matches).to.deep.equal(['analyze_logs']);
    });
  });

  describe('elastic-script', () => {
    it('offers the keys of a document variable', async () => {
      const c = await complete('PRINT incident.sev');
      expect(c.matches).to.deep.equal(['severity']);
      expect([c.cursorStart, c.cursorEnd]).to.deep.equal([15, 18]);
      expect(c.items[0]).to.deep.equal({ text: 'severity', kind: 'property', signature: 'STRING' });
      expect((await complete('PRINT incident.details.')).matches).to.deep.equal(['attempts']);
    });

    it('offers the columns of the query a loop variable or a fetched row comes from', async () => {
      expect((await complete('FOR r IN (FROM logs-sample | KEEP level, service) LOOP\n  PRINT r.')).matches).to.deep.equal(['level', 'service']);
      const fetched = 'DECLARE c CURSOR FOR FROM logs-sample | STATS n = COUNT(*) BY service;\nOPEN c;\nFETCH c INTO row;\nPRINT row.';
      expect((await complete(fetched)).matches).to.deep.equal(['n', 'service']);
    });

    it('offers types after a declared name', async () => {
      const c = await complete('DECLARE x NUM');
      expect(c.matches).to.deep.equal(['NUMBER']);
      expect([c.cursorStart, c.cursorEnd]).to.deep.equal([10, 13]);
      expect(c.items[0].kind).to.equal('type');
      const all = await complete('DECLARE x ');
      expect(all.matches).to.include.members(['NUMBER', 'STRING', 'DOCUMENT', 'ARRAY', 'MAP', 'CURSOR FOR']);
      expect((await complete('CREATE FUNCTION f(a NUMBER) RETURNS DOC')).matches).to.deep.equal(['DOCUMENT']);
    });

    it('offers procedures with their signatures after CALL, and nothing for a name being declared', async () => {
      const c = await complete('CALL ana');
      expect(c.items).to.deep.equal([{ text: 'analyze_logs', kind: 'procedure', signature: 'analyze_logs(idx STRING, min_errors NUMBER)' }]);
      expect((await complete('DECLARE ')).matches).to.deep.equal([]);
      expect((await complete('FOR ')).matches).to.deep.equal([]);
    });

    it('offers pipeline stages after an async call and verbs after EXECUTION(...) |', async () => {
      const stages = await complete("analyze_logs('logs-sample', 1) | ");
      expect(stages.matches).to.include.members(['ON_DONE', 'ON_FAIL', 'FINALLY', 'TRACK AS', 'TIMEOUT', 'RETRY']);
      expect(stages.matches).to.not.include('STATUS');
      const verbs = await complete("EXECUTION('nightly-report') | ");
      expect(verbs.matches).to.include.members(['STATUS', 'WAIT', 'CANCEL', 'RESULT', 'HISTORY', 'PING']);
      expect(verbs.matches).to.not.include.members(['ON_DONE', 'TRACK AS']);
      expect((await complete("analyze_logs('x', 1) | TIMEOUT 30 ")).matches).to.include.members(['SECONDS', 'MINUTES']);
      expect((await complete("analyze_logs('x', 1) | ON_DONE ana")).matches).to.deep.equal(['analyze_logs']);
      // the same where they are values
      const inDeclare = await complete("DECLARE s = EXECUTION('nightly-report') | ");
      expect(inDeclare.matches).to.include.members(['STATUS', 'WAIT', 'RESULT']);
      expect(inDeclare.matches).to.not.include('ON_DONE');
      expect((await complete("DECLARE h = analyze_logs('x', 1) | ")).matches).to.include.members(['ON_DONE', 'TRACK AS']);
      expect((await complete('WHILE (EXECUTION(h.execution_id) | ST')).matches).to.deep.equal(['STATUS']);
      expect((await complete('DECLARE h = ana')).matches).to.deep.equal(['analyze_logs']);
    });

    it('offers track names inside EXECUTION(...)', async () => {
      const c = await complete("EXECUTION('nigh");
      expect(c.matches).to.deep.equal(['nightly-report']);
      expect([c.cursorStart, c.cursorEnd]).to.deep.equal([11, 15]);
      expect(c.items[0].kind).to.equal('execution');
    });

    it('offers index names in data statements and index arguments of built-ins', async () => {
      const bare = await complete('INDEX incident INTO ');
      expect(bare.matches).to.include("'logs-sample'");
      expect(bare.matches).to.include('incident'); // a variable may hold the index name
      expect((await complete("REFRESH 'user")).matches).to.deep.equal(['users-sample']);
      expect((await complete("SEARCH 'orders-s")).matches).to.deep.equal(['orders-sample']);
      expect((await complete("PRINT GET_DOCUMENT('produ")).matches).to.deep.equal(['products-sample']);
      expect((await complete("PRINT UPPER('produ")).matches).to.deep.equal([]);
    });

    it('offers variables, routines and built-ins in expressions, and keywords for the block the cursor is in', async () => {
      const c = await complete('PRINT thr');
      expect(c.items).to.deep.equal([{ text: 'threshold', kind: 'variable', signature: 'NUMBER' }]);
      expect((await complete('PRINT UPP')).items[0]).to.include({ text: 'UPPER', kind: 'function' });
      expect((await complete('IF x THEN PRINT 1; EN')).matches).to.include('END IF');
      expect((await complete('WHILE x LOOP PRINT 1; EN')).matches).to.include('END LOOP');
      expect((await complete('ELS')).matches).to.not.include('ELSE'); // not outside an IF
      expect((await complete('IF x THEN PRINT 1; ELS')).matches).to.include.members(['ELSE', 'ELSEIF', 'ELSIF']);
      expect((await complete('SET thr')).matches).to.deep.equal(['threshold']);
    });

    it('offers names the cell declares before the cursor, and parameters inside a procedure', async () => {
      const code = 'DECLARE my_local NUMBER = 1;\nPRINT my_l';
      expect((await complete(code)).items).to.deep.equal([{ text: 'my_local', kind: 'variable', signature: 'NUMBER' }]);
      const body = 'CREATE PROCEDURE p(limit_value NUMBER) BEGIN\n  PRINT limit_';
      expect((await complete(body)).matches).to.deep.equal(['limit_value']);
    });

    it('keeps user names case-sensitive and built-ins in the case typed', async () => {
      await runCell(session(), 'DECLARE Mixed NUMBER = 1;');
      expect((await complete('PRINT mix')).matches).to.not.include('Mixed');
      expect((await complete('PRINT Mix')).matches).to.include('Mixed');
      expect((await complete('array_fil')).matches).to.include.members(['array_filter', 'array_filter_by']);
    });

    it('replaces the whole word around the cursor', async () => {
      const c = await complete('PRINT UPPxx(1)', 9);
      expect([c.cursorStart, c.cursorEnd]).to.deep.equal([6, 11]);
      expect(c.matches).to.include('UPPER');
    });
  });

  it('offers nothing in comments and never fails', async () => {
    expect((await complete('-- FROM logs-s')).matches).to.deep.equal([]);
    expect((await complete('/* SELECT ')).matches).to.deep.equal([]);
    const odd = ['', ';;;', 'FROM', '"', "'", '(((', 'FROM logs-sample | WHERE "', 'EXECUTION(', '😀 FROM x', '\u0000\uffff', 'IF ) THEN ('];
    for (const code of odd) {
      for (let cursor = 0; cursor <= code.length; cursor++) {
        const c = await session().complete(code, cursor);
        expect(c.cursorStart, code).to.be.at.most(c.cursorEnd);
        expect(c.matches).to.deep.equal(c.items.map((i) => i.text));
      }
    }
    expect((await session().complete('PRINT 1', 99)).cursorEnd).to.equal(7);
  });

  it('offers names without a store too', async () => {
    const bare = new Session();
    expect((await bare.complete('FROM logs-sample | WHERE ', 25)).matches).to.include('TO_UPPER');
    expect((await bare.complete('FROM ', 5)).matches).to.deep.equal([]);
    await bare.shutdown();
  });
});
