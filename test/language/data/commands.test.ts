// Documents in and out of the embedded store: the data built-ins and the first-class index commands.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Harness, embeddedHarness, printed, removeDir, tempDataDir } from './support';
import { openSession } from '../../../language/open-session';
import { readConfig } from '../../../language/config';

describe('data: built-ins and index commands (embedded store)', () => {
  let dir: string;
  let h: Harness;

  beforeEach(() => {
    dir = tempDataDir();
    h = embeddedHarness(dir);
  });
  afterEach(async () => {
    await h.session.shutdown();
    removeDir(dir);
  });

  it('LOAD_SAMPLE_DATA returns the count per index', async () => {
    const r = await h.ok('PRINT LOAD_SAMPLE_DATA();');
    expect(JSON.parse(printed(r)[0])).to.deep.equal({
      'logs-sample': 100, 'metrics-sample': 80, 'users-sample': 30, 'orders-sample': 50, 'products-sample': 40, 'security-events': 60,
    });
    const again = await h.ok("PRINT LOAD_SAMPLE_DATA()['logs-sample']; DECLARE n NUMBER FROM logs-sample | STATS COUNT(*); PRINT n;");
    expect(printed(again)).to.deep.equal(['100', '100']);
  });

  it('INDEX_DOCUMENT, REFRESH_INDEX, then query it back; GET_DOCUMENT', async () => {
    const r = await h.ok(`DECLARE res = INDEX_DOCUMENT('notes', {'title': 'hello', 'stars': 4}, 'n1');
PRINT res;
PRINT REFRESH_INDEX('notes');
DECLARE back DOCUMENT FROM notes | WHERE title == "hello";
PRINT back.stars;
PRINT GET_DOCUMENT('notes', 'n1');
PRINT GET_DOCUMENT('notes', 'missing') IS NULL;`);
    expect(printed(r)).to.deep.equal([
      '{"_index":"notes","_id":"n1","result":"created"}', 'true', '4', '{"_id":"n1","title":"hello","stars":4}', 'true',
    ]);
  });

  it('INDEX_DOCUMENT without an id generates one', async () => {
    const r = await h.ok("DECLARE res = INDEX_DOCUMENT('notes', {'a': 1}); PRINT LENGTH(res._id) > 0; PRINT GET_DOCUMENT('notes', res._id).a;");
    expect(printed(r)).to.deep.equal(['true', '1']);
  });

  it('UPDATE_DOCUMENT merges changes (objects key by key)', async () => {
    const r = await h.ok(`INDEX_DOCUMENT('users', {'name': 'ann', 'address': {'city': 'Oslo', 'zip': '0150'}}, 'u1');
PRINT UPDATE_DOCUMENT('users', 'u1', {'address': {'city': 'Bergen'}, 'active': TRUE}).result;
PRINT GET_DOCUMENT('users', 'u1');`);
    expect(printed(r)).to.deep.equal(['updated', '{"_id":"u1","name":"ann","address":{"city":"Bergen","zip":"0150"},"active":true}']);
    const missing = await h.run("UPDATE_DOCUMENT('users', 'nobody', {'a': 1});");
    expect(missing.error!.ename).to.equal('not_found_error');
  });

  it('INDEX_BULK stores many documents', async () => {
    const r = await h.ok(`DECLARE res = INDEX_BULK('events', [{'k': 1}, {'k': 2}, {'k': 3}]);
PRINT res.indexed || ' ' || ARRAY_LENGTH(res.errors);
DECLARE total NUMBER FROM events | STATS SUM(k);
PRINT total;`);
    expect(printed(r)).to.deep.equal(['3 0', '6']);
  });

  it('FORALL over INDEX_DOCUMENT with SAVE EXCEPTIONS collects the failures', async () => {
    const r = await h.ok(`FORALL d IN [{'k': 1}, 'not a document', {'k': 3}] INDEX_DOCUMENT('bulk-target', d) SAVE EXCEPTIONS;
PRINT ARRAY_LENGTH(bulk_errors) || ' ' || bulk_errors[0].index;
DECLARE n NUMBER FROM bulk-target | STATS COUNT(*);
PRINT n;`);
    expect(printed(r)).to.deep.equal(['1 1', '2']);
  });

  it('CREATE INDEX WITH MAPPINGS sets the field types (bare fields or properties)', async () => {
    await h.ok(`CREATE INDEX 'typed' WITH MAPPINGS {'code': {'type': 'keyword'}, 'n': {'type': 'integer'}, 'at': {'type': 'date'}};
CREATE INDEX other WITH SETTINGS {'number_of_shards': 1} MAPPINGS {'properties': {'x': {'type': 'double'}}};
INDEX {'code': '42', 'n': 7, 'at': '2024-05-06T07:08:09Z'} INTO 'typed';
INDEX {'x': 1} INTO other;`);
    const r = await h.ok('FROM typed | KEEP code, n, at');
    const html = String(r.result!['text/html']);
    expect(html).to.contain('<th title="keyword">code</th>');
    expect(html).to.contain('<th title="integer">n</th>');
    expect(html).to.contain('<th title="date">at</th>');
    expect(html).to.contain('2024-05-06T07:08:09.000Z');
    const o = await h.ok('FROM other');
    expect(String(o.result!['text/html'])).to.contain('<th title="double">x</th>');
    const again = await h.ok("CREATE INDEX 'typed';");
    expect(again.prints).to.deep.equal([{ text: 'index typed already exists; its mappings are unchanged', level: 'WARN' }]);
  });

  it('INDEX doc INTO takes a string _id as the id; a variable names the index', async () => {
    const r = await h.ok(`DECLARE idx STRING = 'people';
DECLARE p DOCUMENT = {'_id': 'p1', 'name': 'Ada'};
INDEX p INTO idx;
REFRESH idx;
PRINT GET_DOCUMENT('people', 'p1');`);
    expect(printed(r)).to.deep.equal(['{"_id":"p1","name":"Ada"}']);
  });

  it('DELETE FROM ... WHERE _id == / _id IN / any condition on the fields', async () => {
    await h.ok(`INDEX_BULK('tasks', [{'t': 'a', 'state': 'done', 'n': 1}, {'t': 'b', 'state': 'open', 'n': 2}, {'t': 'c', 'state': 'done', 'n': 3}, {'t': 'd', 'state': 'open', 'n': 4}]);
INDEX_DOCUMENT('tasks', {'t': 'e', 'state': 'open', 'n': 5}, 'e1');
INDEX_DOCUMENT('tasks', {'t': 'f', 'state': 'open', 'n': 6}, 'f1');`);
    const r = await h.ok(`DELETE FROM 'tasks' WHERE _id == 'e1';
DELETE FROM tasks WHERE _id IN ('f1', 'nope');
DECLARE keep_from NUMBER = 2;
DELETE FROM 'tasks' WHERE state == 'done' AND n > keep_from;
FROM tasks | KEEP t | SORT t`);
    expect(String(r.result!['text/plain']).trim().split('\n').slice(2).map((l) => l.trim())).to.deep.equal(['a', 'b', 'd']);
  });

  it('SEARCH with the query DSL, as a statement, INTO a variable and as an expression', async () => {
    await h.ok('LOAD_SAMPLE_DATA();');
    const r = await h.ok(`SEARCH 'logs-sample' QUERY {'bool': {'must': [{'term': {'level': 'ERROR'}}], 'must_not': [{'range': {'status_code': {'lt': 500}}}]}} INTO hits;
PRINT ARRAY_LENGTH(hits) > 0;
PRINT ARRAY_EVERY(hits, (h) => h.level == 'ERROR' AND h.status_code >= 500);
PRINT LENGTH(hits[0]._id) > 0;
DECLARE all_logs ARRAY = SEARCH 'logs-sample' QUERY {'query': {'match_all': {}}, 'size': 7};
PRINT ARRAY_LENGTH(all_logs);
DECLARE some ARRAY = SEARCH 'logs-sample' QUERY {'terms': {'level': ['WARN', 'ERROR']}};
PRINT ARRAY_LENGTH(some);`);
    expect(printed(r)).to.deep.equal(['true', 'true', 'true', '7', '37']);
    const shown = await h.ok("SEARCH 'logs-sample' QUERY {'query': {'match_all': {}}, 'size': 2};");
    expect(String(shown.result!['text/plain'])).to.contain('_id');
    const none = await h.ok("SEARCH 'logs-sample' QUERY {'ids': {'values': ['nope']}};");
    expect(String(none.result!['text/plain'])).to.equal('[]');
    const bad = await h.run("SEARCH 'logs-sample' QUERY {'geo_shape': {}};");
    expect(bad.error!.ename).to.equal('argument_error');
    expect(bad.error!.evalue).to.contain('query type geo_shape is not supported');
  });

  it('SEARCH returns the documents as stored (_source): a float field keeps 29.99, objects stay nested', async () => {
    await h.ok(`CREATE INDEX 'prices' WITH MAPPINGS {'properties': {'price': {'type': 'float'}, 'big': {'type': 'long'}}};
INDEX {'_id': 'p1', 'price': 29.99, 'big': 9007199254740993, 'maker': {'name': 'acme'}} INTO 'prices';
REFRESH 'prices';`);
    const r = await h.ok(`SEARCH 'prices' QUERY {'term': {'maker.name': 'acme'}} INTO hits;
PRINT hits;
DECLARE rows ARRAY = ESQL_QUERY('FROM prices | KEEP price');
PRINT rows[0].price;`);
    // ES|QL itself reads the float's doc value, widened as Elasticsearch's ES|QL does
    expect(printed(r)).to.deep.equal(['[{"_id":"p1","price":29.99,"big":9007199254740993,"maker":{"name":"acme"}}]', '29.989999771118164']);
  });

  it('DELETE FROM ... WHERE tests the stored values (a float field equals the 29.99 indexed)', async () => {
    await h.ok(`CREATE INDEX 'prices' WITH MAPPINGS {'properties': {'price': {'type': 'float'}}};
INDEX {'_id': 'a', 'price': 29.99} INTO 'prices';
INDEX {'_id': 'b', 'price': 5} INTO 'prices';
REFRESH 'prices';
DELETE FROM 'prices' WHERE price == 29.99;
REFRESH 'prices';`);
    const r = await h.ok("PRINT ARRAY_MAP(SEARCH 'prices' QUERY {'match_all': {}}, (d) => d._id);");
    expect(printed(r)).to.deep.equal(['["b"]']);
    // date fields are DATE values in the condition, at the top and nested, as the query reads them
    await h.ok(`CREATE INDEX 'events' WITH MAPPINGS {'properties': {'ts': {'type': 'date'}, 'user': {'properties': {'since': {'type': 'date'}}}}};
INDEX {'_id': 'old', 'ts': '2020-01-01T00:00:00Z', 'user': {'since': '2020-01-01T00:00:00Z'}} INTO 'events';
INDEX {'_id': 'new', 'ts': '2090-01-01T00:00:00Z', 'user': {'since': '2010-01-01T00:00:00Z'}} INTO 'events';
REFRESH 'events';
DELETE FROM 'events' WHERE ts < NOW() AND user.since > DATE_PARSE('2015-01-01', 'yyyy-MM-dd');
REFRESH 'events';`);
    const left = await h.ok("PRINT ARRAY_MAP(SEARCH 'events' QUERY {'match_all': {}}, (d) => d._id || ' ' || d.ts);");
    expect(printed(left)).to.deep.equal(['["new 2090-01-01T00:00:00Z"]']);
  });

  it('the outbox of the integrations goes to .escript_outbox', async () => {
    await h.ok("SLACK_SEND('#alerts', 'disk full');");
    const r = await h.ok('FROM .escript_outbox | KEEP integration, function, reason');
    expect(String(r.result!['text/plain'])).to.match(/slack\s+\|SLACK_SEND\s+\|(dry-run|no-credentials)/);
    const other = openSession(readConfig({ ESCRIPT_DATA_DIR: dir, ESCRIPT_INTEGRATIONS: 'dry-run' }));
    const entries = await other.outbox.list();
    expect(entries).to.have.length(1);
    expect(entries[0].function).to.equal('SLACK_SEND');
    expect(entries[0].body).to.not.equal(null);
    await other.shutdown();
  });

  it('the outbox keeps whole numbers past 2^53 exact (written and read back)', async () => {
    const r = await h.ok("HTTP_POST('https://example.test/hook', {'order': 9007199254740993, 'ids': [-9223372036854775808]});");
    expect(printed(r)[0]).to.contain('{"order":9007199254740993,"ids":[-9223372036854775808]}');
    const other = openSession(readConfig({ ESCRIPT_DATA_DIR: dir, ESCRIPT_INTEGRATIONS: 'dry-run' }));
    try {
      const entries = await other.outbox.list();
      expect(entries.map((e) => e.body)).to.deep.equal([{ order: 9007199254740993n, ids: [-9223372036854775808n] }]);
    } finally {
      await other.shutdown();
    }
  });

  it('the store opens on first use, not when the session is made', async () => {
    const lazyDir = tempDataDir();
    const s = openSession(readConfig({ ESCRIPT_DATA_DIR: lazyDir }));
    expect(fs.existsSync(path.join(lazyDir, 'store.db'))).to.equal(false);
    await s.shutdown();
    removeDir(lazyDir);
  });

  it('ESCRIPT_STORE=memory keeps data in memory only; ESCRIPT_STORE=none has no store', async () => {
    const memDir = tempDataDir();
    const mem = openSession(readConfig({ ESCRIPT_STORE: 'memory', ESCRIPT_DATA_DIR: memDir }));
    const out = { print() {}, display() {}, updateDisplay() {}, clear() {} };
    const signal = new AbortController().signal;
    const r = await mem.execute("INDEX_DOCUMENT('m', {'a': 1}, 'x'); GET_DOCUMENT('m', 'x').a", out, signal);
    expect(r.status === 'ok' && r.result!['text/plain']).to.equal('1');
    expect(fs.readdirSync(memDir)).to.deep.equal([]);
    await mem.shutdown();
    removeDir(memDir);
    const none = openSession(readConfig({ ESCRIPT_STORE: 'none' }));
    const n = await none.execute("GET_DOCUMENT('m', 'x')", out, signal);
    expect(n.status === 'error' && n.error.ename).to.equal('not_available');
  });

  it('a store that cannot be opened is a store_error, not a crash', async () => {
    const blocker = path.join(dir, 'not-a-dir');
    fs.writeFileSync(blocker, 'x');
    const s = openSession(readConfig({ ESCRIPT_DATA_DIR: path.join(blocker, 'sub') }));
    const out = { print() {}, display() {}, updateDisplay() {}, clear() {} };
    const r = await s.execute("PRINT GET_DOCUMENT('a', 'b');", out, new AbortController().signal);
    expect(r.status).to.equal('error');
    if (r.status === 'error') {
      expect(r.error.ename).to.equal('store_error');
      expect(r.error.evalue).to.match(/^line 1:7: /);
    }
    await s.shutdown();
  });
});
