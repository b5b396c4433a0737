// ES|QL semantics beyond the csv-spec sample: sources, commands, functions, errors and warnings.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';
import { EsqlError } from '../../../language/esql/errors';
import { runEsql, runEsqlSync, esqlFunctions } from '../../../language/esql/engine';

describe('ES|QL engine', () => {
  let dir: string;
  let store: EmbeddedStore;
  const q = (query: string, params?: unknown[]) => store.esqlSync(query, params);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-engine-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('logs-a', { mappings: { properties: {
      '@timestamp': { type: 'date' }, level: { type: 'keyword' }, message: { type: 'text' },
      service: { type: 'keyword' }, duration_ms: { type: 'long' }, tags: { type: 'keyword' },
    } } });
    await store.bulk('logs-a', [
      { id: '1', doc: { '@timestamp': '2024-01-01T10:15:00Z', level: 'INFO', message: 'GET /home 200', service: 'web', duration_ms: 12, tags: ['b', 'a'] } },
      { id: '2', doc: { '@timestamp': '2024-01-01T10:45:00Z', level: 'ERROR', message: 'POST /login 500', service: 'auth', duration_ms: 340 } },
      { id: '3', doc: { '@timestamp': '2024-01-01T11:05:00Z', level: 'ERROR', message: 'GET /admin 403', service: 'web', duration_ms: 7, tags: 'a' } },
    ]);
    await store.createIndex('logs-b');
    await store.index('logs-b', { level: 'WARN', service: 'db', duration_ms: 1000 }, { id: 'b1' });
    await store.index('.hidden-logs', { level: 'DEBUG' }, { id: 'h1' });
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('MATCH and `field : query` search text fields by word and other fields by exact value', () => {
    const ids = (where: string) => q(`FROM logs-a METADATA _id | WHERE ${where} | SORT _id | KEEP _id`).values.flat();
    expect(ids('message : "get"')).to.deep.equal(['1', '3']); // words, case-insensitive
    expect(ids('MATCH(message, "LOGIN admin")')).to.deep.equal(['2', '3']); // any word of the query
    expect(ids('message : "/home"')).to.deep.equal(['1']); // punctuation is not part of a word
    expect(ids('level : "ERROR"')).to.deep.equal(['2', '3']); // keyword: the exact value
    expect(ids('level : "error"')).to.deep.equal([]);
    expect(ids('tags : "a"')).to.deep.equal(['1', '3']); // one value of a multivalue is enough
    expect(ids('duration_ms : 12')).to.deep.equal(['1']);
    expect(ids('NOT message : "get" AND service : "auth"')).to.deep.equal(['2']);
    expect(() => q('FROM logs-a | WHERE MATCH(message, level)')).to.throw(/second argument of \[MATCH\(message, level\)\] must be a constant, received \[level\]/);
    expect(() => q('FROM logs-a | WHERE MATCH(TO_UPPER(level), "X")')).to.throw(/first argument of .* must be a field/);
  });

  it('KQL() filters by a Kibana query: fields, phrases, wildcards, ranges, lists, existence and boolean logic', () => {
    const ids = (kql: string) => q('FROM logs-a METADATA _id | WHERE KQL(?) | SORT _id | KEEP _id', [kql]).values.flat();
    expect(ids('level: ERROR')).to.deep.equal(['2', '3']);
    expect(ids('level: error')).to.deep.equal([]); // keyword: exact and case-sensitive
    expect(ids('level: ERROR and not service: web')).to.deep.equal(['2']);
    expect(ids('message: get')).to.deep.equal(['1', '3']); // text: by word, lower-cased
    expect(ids('message: "post /login"')).to.deep.equal(['2']); // a quoted value is a phrase
    expect(ids('message: "login post"')).to.deep.equal([]);
    expect(ids('message: adm*')).to.deep.equal(['3']);
    expect(ids('serv*: auth')).to.deep.equal(['2']); // a wildcard in the field name
    expect(ids('duration_ms >= 12 and duration_ms < 1000')).to.deep.equal(['1', '2']);
    expect(ids('@timestamp > "2024-01-01T10:30:00Z"')).to.deep.equal(['2', '3']);
    expect(ids('service: (auth or db)')).to.deep.equal(['2']);
    expect(ids('tags: *')).to.deep.equal(['1', '3']); // the field has a value
    expect(ids('tags: b')).to.deep.equal(['1']); // one value of a multivalue is enough
    expect(ids('home')).to.deep.equal(['1']); // no field: any text or keyword field
    expect(ids('(level: INFO or duration_ms > 100) and not tags: *')).to.deep.equal(['2']);
    expect(ids('')).to.deep.equal(['1', '2', '3']);
    expect(() => ids('level: (')).to.throw(/Failed to parse KQL query \[level: \(\]/);
    expect(() => q('FROM logs-a | WHERE KQL(level)')).to.throw(/argument of \[KQL\(level\)\] must be a constant string, received \[level\]/);
  });

  it('QSTR() filters by a Lucene query string: default OR, + and -, groups, ranges, wildcards, existence', () => {
    const ids = (qs: string) => q('FROM logs-a METADATA _id | WHERE QSTR(?) | SORT _id | KEEP _id', [qs]).values.flat();
    expect(ids('level:ERROR')).to.deep.equal(['2', '3']);
    expect(ids('home login')).to.deep.equal(['1', '2']); // side by side: either
    expect(ids('+level:ERROR -service:web')).to.deep.equal(['2']);
    expect(ids('level:ERROR AND NOT service:auth')).to.deep.equal(['3']);
    expect(ids('message:"get /admin"')).to.deep.equal(['3']);
    expect(ids('service:(auth OR db)')).to.deep.equal(['2']);
    expect(ids('duration_ms:[12 TO 340}')).to.deep.equal(['1']); // [ inclusive, } exclusive
    expect(ids('duration_ms:>=12')).to.deep.equal(['1', '2']);
    expect(ids('level:ERR?R')).to.deep.equal(['2', '3']); // ? is one character
    expect(ids('_exists_:tags')).to.deep.equal(['1', '3']);
    expect(ids('service:web AND (tags:b OR duration_ms:<10)')).to.deep.equal(['1', '3']);
    expect(ids('*')).to.deep.equal(['1', '2', '3']);
    expect(() => ids('level:(')).to.throw(/Failed to parse QSTR query \[level:\(\]/);
  });

  it('FROM patterns skip hidden indices unless named, and exclusions apply', () => {
    expect(q('FROM logs-* | STATS c = COUNT(*)').values).to.deep.equal([[4]]);
    expect(q('FROM logs-*, -logs-b | STATS c = COUNT(*)').values).to.deep.equal([[3]]);
    expect(q('FROM * | STATS c = COUNT(*)').values).to.deep.equal([[4]]);
    expect(q('FROM .hidden-logs | KEEP level').values).to.deep.equal([['DEBUG']]);
  });

  it('reads no field when the query needs none', () => {
    expect(q('FROM logs-a | EVAL x = 5, y = "2024-01-01" + 1 day | KEEP x, y | LIMIT 2').values)
      .to.deep.equal([[5, '2024-01-02T00:00:00.000Z'], [5, '2024-01-02T00:00:00.000Z']]);
  });

  it('METADATA adds _id and _index', () => {
    const r = q('FROM logs-* METADATA _id, _index | WHERE duration_ms == 1000 | KEEP _id, _index');
    expect(r.values).to.deep.equal([['b1', 'logs-b']]);
    expect(r.columns.map((c) => c.type)).to.deep.equal(['keyword', 'keyword']);
  });

  it('reports unknown indices and columns with line and column', () => {
    expect(() => q('FROM nope')).to.throw(EsqlError, /line 1:6: Unknown index \[nope\]/);
    try {
      q('FROM logs-a\n| EVAL x = y + 1\n| KEEP zz');
      expect.fail('should throw');
    } catch (e) {
      expect((e as EsqlError).message).to.equal('Found 2 problems\nline 2:12: Unknown column [y]\nline 3:8: Unknown column [zz]');
      expect((e as EsqlError).type).to.equal('verification_exception');
    }
  });

  it('reports syntax errors as parsing_exception with a position', () => {
    try {
      q('FROM logs-a | WHERE');
      expect.fail('should throw');
    } catch (e) {
      expect((e as EsqlError).type).to.equal('parsing_exception');
      expect((e as EsqlError).message).to.match(/^line 1:20: /);
    }
  });

  it('sorts with multivalues by min ascending, nulls last by default and first for DESC', () => {
    expect(q('FROM logs-a | SORT tags, @timestamp | KEEP tags').values).to.deep.equal([[['a', 'b']], ['a'], [null]]);
    expect(q('FROM logs-a | SORT tags DESC | KEEP tags').values[0]).to.deep.equal([null]);
  });

  it('groups a multivalued key into each of its values, null being a group', () => {
    const r = q('FROM logs-a | STATS c = COUNT(*) BY tags | SORT tags');
    expect(r.values).to.deep.equal([[2, 'a'], [1, 'b'], [1, null]]);
  });

  it('STATS BY alone gives distinct values; aggregates can be filtered and combined', () => {
    expect(q('FROM logs-a | STATS BY service | SORT service').values).to.deep.equal([['auth'], ['web']]);
    const r = q('FROM logs-a | STATS errors = COUNT(*) WHERE level == "ERROR", total = SUM(duration_ms), r = MAX(duration_ms) - MIN(duration_ms)');
    expect(r.values).to.deep.equal([[2, 359, 333]]);
    expect(r.columns.map((c) => c.type)).to.deep.equal(['long', 'long', 'long']);
  });

  it('buckets and truncates dates', () => {
    const r = q('FROM logs-a | STATS c = COUNT(*) BY h = BUCKET(@timestamp, 1 hour) | SORT h');
    expect(r.values).to.deep.equal([[2, '2024-01-01T10:00:00.000Z'], [1, '2024-01-01T11:00:00.000Z']]);
    expect(q('ROW d = TO_DATETIME("2024-03-17T13:45:10Z") | EVAL m = DATE_TRUNC(1 month, d), w = DATE_TRUNC(1 week, d) | KEEP m, w').values)
      .to.deep.equal([['2024-03-01T00:00:00.000Z', '2024-03-11T00:00:00.000Z']]);
  });

  it('compares a date with a string literal as a date', () => {
    expect(q('FROM logs-a | WHERE @timestamp >= "2024-01-01T10:30:00Z" | STATS c = COUNT(*)').values).to.deep.equal([[2]]);
  });

  it('adds intervals to dates', () => {
    expect(q('ROW d = TO_DATETIME("2024-01-31T00:00:00Z") | EVAL a = d + 1 month, b = d - 2 hours | KEEP a, b').values)
      .to.deep.equal([['2024-02-29T00:00:00.000Z', '2024-01-30T22:00:00.000Z']]);
  });

  it("RLIKE reads Lucene's regular expressions, not JavaScript's; LIKE's wildcards match the whole value", () => {
    const row = (s: string, pattern: string, op = 'RLIKE') => q(`ROW s = "${s}" | EVAL m = s ${op} "${pattern}" | KEEP m`).values[0][0];
    expect(row('a^b', 'a^b')).to.equal(true); // ^ and $ are plain characters in Lucene
    expect(row('ab', '^ab')).to.equal(false);
    expect(row('42', '<1-50>')).to.equal(true); // a number range
    expect(row('51', '<1-50>')).to.equal(false);
    expect(row('anything', '@')).to.equal(true); // any string
    expect(row('logs-web', 'logs-*', 'LIKE')).to.equal(true);
    expect(row('logs-web', 'logs-?', 'LIKE')).to.equal(false);
  });

  it('takes ?, ?n and ?name parameters', () => {
    const r = q('FROM logs-a | WHERE duration_ms > ? AND service == ?svc | KEEP duration_ms', [10, { svc: 'auth' }]);
    expect(r.values).to.deep.equal([[340]]);
    expect(q('ROW a = ?2, b = ?1', ['x', 5]).values).to.deep.equal([[5, 'x']]);
  });

  it('DISSECT and GROK extract columns', () => {
    const d = q('FROM logs-a | SORT @timestamp | DISSECT message "%{method} %{path} %{status}" | KEEP method, path, status | LIMIT 1');
    expect(d.values).to.deep.equal([['GET', '/home', '200']]);
    const g = q('FROM logs-a | SORT @timestamp | GROK message "%{WORD:method} %{NOTSPACE:path} %{NUMBER:status:int}" | KEEP method, status | LIMIT 1');
    expect(g.values).to.deep.equal([['GET', 200]]);
    expect(g.columns.map((c) => c.type)).to.deep.equal(['keyword', 'integer']);
  });

  it('MV_EXPAND gives one row per value', () => {
    expect(q('ROW a = [1, 2, 3], b = "x" | MV_EXPAND a').values).to.deep.equal([[1, 'x'], [2, 'x'], [3, 'x']]);
  });

  it('integer overflow and division by zero give null with Elasticsearch warnings', () => {
    const r = runEsqlSync('ROW a = 2147483647 | EVAL b = a + 1, c = a / 0');
    expect(r.values).to.deep.equal([[2147483647, null, null]]);
    expect(r.warnings).to.deep.equal([
      'Line 1:31: evaluation of [a + 1] failed, treating result as null. Only first 20 failures recorded.',
      'Line 1:31: java.lang.ArithmeticException: integer overflow',
      'Line 1:42: evaluation of [a / 0] failed, treating result as null. Only first 20 failures recorded.',
      'Line 1:42: java.lang.ArithmeticException: / by zero',
    ]);
  });

  it('applies the implicit LIMIT 1000', () => {
    expect(runEsqlSync('ROW a = [' + Array.from({ length: 1500 }, (_v, i) => i).join(',') + '] | MV_EXPAND a').values).to.have.length(1000);
  });

  it('SHOW INFO returns the version', () => {
    expect(runEsqlSync('SHOW INFO').columns.map((c) => c.name)).to.deep.equal(['version', 'date', 'hash']);
  });

  it('string, math, conditional and multivalue functions', () => {
    const r = runEsqlSync(`ROW s = " Hello ", n = [3, 1, 2] | EVAL t = TRIM(s), u = TO_UPPER(t), l = LENGTH(t), sub = SUBSTRING(t, 2, 3),
      mv = MV_SORT(n, "DESC"), c = MV_CONCAT(TO_STRING(n), "-"), m = MV_MEDIAN(n), g = GREATEST(1, 5, 3), p = ROUND(PI(), 2),
      co = COALESCE(null, "x"), sp = SPLIT("a,b", ",") | DROP s, n`);
    expect(r.values).to.deep.equal([['Hello', 'HELLO', 5, 'ell', [3, 2, 1], '3-1-2', 2, 5, 3.14, 'x', ['a', 'b']]]);
  });

  it('the function registry is data: names, signatures, docs', () => {
    const reg = esqlFunctions();
    expect(reg.lookup('TO_INT')?.name).to.equal('to_integer');
    expect(reg.describe('avg')).to.match(/AVG\(number\) -> double/);
    expect(reg.list().length).to.be.greaterThan(80);
  });
});

describe('ES|QL pushdown gives the same answers as the JavaScript executor', () => {
  let dir: string;
  let store: EmbeddedStore;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-push-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('t', { mappings: { properties: { i: { type: 'integer' }, l: { type: 'long' }, d: { type: 'double' }, k: { type: 'keyword' }, b: { type: 'boolean' }, m: { type: 'long' }, t: { type: 'date' } } } });
    const docs = [];
    for (let n = 0; n < 60; n++) {
      docs.push({ doc: {
        i: n % 7 === 0 ? null : n - 30, l: n * 1000 - 7, d: n % 5 === 0 ? null : n / 3, k: n % 4 === 0 ? null : `k${n % 9}`,
        b: n % 3 === 0 ? null : n % 2 === 0, m: n === 13 ? 5e18 : n,
        t: n % 11 === 0 ? null : -86400000 * 3 + n * 7777777,
      } });
    }
    await store.bulk('t', docs);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // `OR false` keeps the meaning (null OR false is null) but is never pushed down.
  const conditions = ['i > 3', 'i <= -4 AND k != "k3"', 'NOT (d < 5.5)', 'k IN ("k1", "k2", "k8")', 'b', 'NOT b', 'i IS NULL OR l >= 20000',
    'k >= "k4"', 'd == 4.0 OR i == 2'];
  for (const cond of conditions) {
    it(`WHERE ${cond}`, () => {
      const pushed = store.esqlSync(`FROM t | WHERE ${cond} | SORT l | KEEP l`);
      const local = store.esqlSync(`FROM t | WHERE (${cond}) OR false | SORT l | KEEP l`);
      expect(pushed.values).to.deep.equal(local.values);
      expect(pushed.values.length).to.be.greaterThan(0);
    });
  }

  it('sorts, limits and aggregates the same way', () => {
    const pushed = store.esqlSync('FROM t | SORT k DESC, d ASC NULLS FIRST | LIMIT 12 | KEEP k, d');
    const local = store.esqlSync('FROM t | EVAL k2 = k, d2 = d | SORT k2 DESC, d2 ASC NULLS FIRST | LIMIT 12 | KEEP k, d');
    expect(pushed.values).to.deep.equal(local.values);
    const agg = store.esqlSync('FROM t | STATS c = COUNT(*), n = COUNT(i), s = SUM(i), a = AVG(l), lo = MIN(k), hi = MAX(d) BY b | SORT b');
    const aggLocal = store.esqlSync('FROM t | WHERE true OR false | STATS c = COUNT(*), n = COUNT(i), s = SUM(i), a = AVG(l), lo = MIN(k), hi = MAX(d) BY b | SORT b');
    expect(agg.values).to.deep.equal(aggLocal.values);
  });

  for (const bucket of ['DATE_TRUNC(1 hour, t)', 'BUCKET(t, 1 day)', 'DATE_TRUNC(1 week, t)', 'BUCKET(t, 90 minutes)']) {
    it(`groups by ${bucket} in the store and in JavaScript alike`, () => {
      const pushed = store.esqlSync(`FROM t | EVAL h = ${bucket} | STATS c = COUNT(*), s = SUM(i) BY h | SORT h`);
      const inline = store.esqlSync(`FROM t | STATS c = COUNT(*), s = SUM(i) BY h = ${bucket} | SORT h`);
      const local = store.esqlSync(`FROM t | WHERE true OR false | EVAL h = ${bucket} | STATS c = COUNT(*), s = SUM(i) BY h | SORT h`);
      expect(pushed.values).to.deep.equal(local.values);
      expect(inline.values).to.deep.equal(local.values);
      expect(local.values.length).to.be.at.least(2);
    });
  }

  it('keeps only the top rows for SORT + LIMIT, exactly as a full sort would', () => {
    const top = store.esqlSync('FROM t | EVAL x = i % 4 | SORT x DESC NULLS FIRST, k | LIMIT 7 | KEEP x, k, l');
    const full = store.esqlSync('FROM t | EVAL x = i % 4 | SORT x DESC NULLS FIRST, k | EVAL z = 1 | LIMIT 7 | KEEP x, k, l');
    expect(top.values).to.deep.equal(full.values);
    expect(top.values).to.have.length(7);
  });

  it('answers a SUM that overflows 64 bits with null and a warning, as Elasticsearch does', async () => {
    await store.createIndex('overflow', { mappings: { properties: { v: { type: 'long' } } } });
    await store.bulk('overflow', [{ doc: { v: 5e18 } }, { doc: { v: 5e18 } }, { doc: { v: 1 } }]);
    const r = store.esqlSync('FROM overflow | STATS s = SUM(v), c = COUNT(*)');
    expect(r.values).to.deep.equal([[null, 3]]);
    expect(r.warnings).to.deep.equal([
      'Line 1:27: evaluation of [SUM(v)] failed, treating result as null. Only first 20 failures recorded.',
      'Line 1:27: java.lang.ArithmeticException: long overflow',
    ]);
  });

  it('reports overflow in pushed arithmetic with the same warning as local evaluation', () => {
    const pushed = store.esqlSync('FROM t | EVAL x = m * 2 | WHERE x > 0 | STATS c = COUNT(*)');
    const local = store.esqlSync('FROM t | EVAL x = m * 2 | WHERE x > 0 OR false | STATS c = COUNT(*)');
    expect(pushed.values).to.deep.equal([[58]]);
    expect(local.values).to.deep.equal(pushed.values);
    expect(pushed.warnings).to.deep.equal([
      'Line 1:19: evaluation of [m * 2] failed, treating result as null. Only first 20 failures recorded.',
      'Line 1:19: java.lang.ArithmeticException: long overflow',
    ]);
    expect(local.warnings).to.deep.equal(pushed.warnings);
  });
});

describe('ES|QL cancellation', () => {
  it('does not start a query whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('interrupted'));
    let error: unknown;
    try {
      await runEsql('ROW a = 1', { signal: controller.signal });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('interrupted');
  });
});

describe('ES|QL LOOKUP JOIN', () => {
  let dir: string;
  let store: EmbeddedStore;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-join-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('events', { mappings: { properties: { code: { type: 'integer' }, host: { type: 'keyword' } } } });
    await store.bulk('events', [{ doc: { code: 1, host: 'a' } }, { doc: { code: 2, host: 'b' } }, { doc: { code: 9, host: 'c' } }]);
    await store.createIndex('codes', { mappings: { properties: { code: { type: 'integer' }, label: { type: 'keyword' }, host: { type: 'keyword' } } } });
    await store.bulk('codes', [{ doc: { code: 1, label: 'one', host: 'x' } }, { doc: { code: 2, label: 'two' } }, { doc: { code: 2, label: 'deux' } }]);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adds the lookup fields, repeating rows with several matches and nulls without any', () => {
    const r = store.esqlSync('FROM events | LOOKUP JOIN codes ON code | SORT code, label | KEEP code, host, label');
    expect(r.values).to.deep.equal([[1, 'x', 'one'], [2, null, 'deux'], [2, null, 'two'], [9, null, null]]);
  });

  it('reports a key missing on either side', () => {
    expect(() => store.esqlSync('FROM events | LOOKUP JOIN codes ON nope')).to.throw(/Unknown column \[nope\] in left side of join/);
  });
});
