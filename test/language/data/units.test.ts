// Unit tests of the pieces between the language and the store: query text preparation, rows and parameters,
// the SEARCH DSL translation, CREATE INDEX options and error mapping.
import { expect } from 'chai';
import { prepareQuery } from '../../../language/data/query-text';
import { esqlResultOf, paramValue, rowsOf } from '../../../language/data/rows';
import { searchQuery } from '../../../language/data/search';
import { createIndexDefinition } from '../../../language/data/commands';
import { dataError } from '../../../language/data/errors';
import { EsqlError } from '../../../language/esql/errors';
import { StoreError, VersionConflictError } from '../../../language/store/store';
import type { SourceText } from '../../../language/ast';

describe('data: query text preparation', () => {
  it(':name and ?name become ?name; :n becomes ?n', () => {
    const p = prepareQuery('FROM t | WHERE a == :lvl AND b > ?min AND c == :1 | LIMIT ?2');
    expect(p.text).to.equal('FROM t | WHERE a == ?lvl AND b > ?min AND c == ?1 | LIMIT ?2');
    expect(p.names).to.deep.equal(['lvl', 'min']);
    expect(p.positional).to.equal(2);
  });

  it('leaves strings, backticks, comments, casts and cluster:index alone', () => {
    const q = 'FROM remote:logs | EVAL x = y::long, s = ":no", t = """:nor""" // :c\n| KEEP `a:b` /* :d */';
    const p = prepareQuery(q);
    expect(p.text).to.equal(q);
    expect(p.names).to.deep.equal([]);
  });

  it("single-quoted strings become double-quoted, escapes kept right", () => {
    const p = prepareQuery("ROW a = 'it\\'s \"x\"', b = ':not'");
    expect(p.text).to.equal('ROW a = "it\'s \\"x\\"", b = ":not"');
    expect(p.names).to.deep.equal([]);
  });

  it('keeps the offset of every character in the original text', () => {
    const original = "ROW a = 'x\"y', b = :v";
    const p = prepareQuery(original);
    const at = p.text.indexOf('?v');
    expect(original[p.sourceOffset[at]]).to.equal(':');
    expect(original[p.sourceOffset[p.text.indexOf('b =')]]).to.equal('b');
  });
});

describe('data: rows and parameters', () => {
  const result = {
    columns: [{ name: 'at', type: 'date' }, { name: 'n', type: 'long' }, { name: 'tags', type: 'keyword' }],
    values: [['2024-01-02T03:04:05.000Z', 5, ['a', 'b']], [null, null, null]],
    warnings: [],
  };

  it('rows are documents, dates are Dates, multivalues arrays', () => {
    const rows = rowsOf(result);
    expect(rows[0].at).to.be.instanceOf(Date);
    expect((rows[0].at as Date).toISOString()).to.equal('2024-01-02T03:04:05.000Z');
    expect(rows[0].n).to.equal(5);
    expect(rows[0].tags).to.deep.equal(['a', 'b']);
    expect(rows[1]).to.deep.equal({ at: null, n: null, tags: null });
  });

  it('the rows remember their result until the array changes length', () => {
    const rows = rowsOf(result);
    expect(esqlResultOf(rows)).to.equal(result);
    rows.push({});
    expect(esqlResultOf(rows)).to.equal(undefined);
    expect(esqlResultOf(rows.slice(0, 2))).to.equal(undefined);
  });

  it('parameter values: scalars and dates as they are, documents as JSON text, arrays element-wise', () => {
    const d = new Date(0);
    expect(paramValue(d)).to.equal(d);
    expect(paramValue([1, 'x', null])).to.deep.equal([1, 'x', null]);
    expect(paramValue({ a: 1 })).to.equal('{"a":1}');
    expect(paramValue(new Map([['k', 1]]))).to.equal('{"k":1}');
  });
});

describe('data: SEARCH query DSL as ES|QL', () => {
  it('bool with must, filter, must_not and should', () => {
    const q = searchQuery('logs-*', {
      bool: {
        must: [{ term: { level: 'ERROR' } }], filter: { range: { ms: { gte: 10, lt: 20 } } },
        must_not: [{ exists: { field: 'x' } }], should: [{ match: { message: 'ignored' } }],
      },
    });
    expect(q.text).to.equal('FROM logs-* METADATA _id, _index | WHERE (`level` == ?1) AND ((`ms` >= ?2 AND `ms` < ?3)) AND (NOT (`x` IS NOT NULL)) | KEEP _index, _id');
    expect(q.params).to.deep.equal(['ERROR', 10, 20]);
  });

  it('should alone is a disjunction; match tests each word; size is a LIMIT', () => {
    const q = searchQuery('idx', { query: { bool: { should: [{ terms: { a: [1, 2] } }, { match: { m: 'Disk FULL' } }] } }, size: 3 });
    expect(q.text).to.equal('FROM idx METADATA _id, _index | WHERE ((`a` IN (?1, ?2) OR (TO_LOWER(`m`) LIKE ?3 OR TO_LOWER(`m`) LIKE ?4))) | LIMIT 3 | KEEP _index, _id');
    expect(q.params).to.deep.equal([1, 2, '*disk*', '*full*']);
  });

  it('match_all has no WHERE; odd index names are quoted; unsupported types are named', () => {
    expect(searchQuery('my index', { match_all: {} }).text).to.equal('FROM "my index" METADATA _id, _index | KEEP _index, _id');
    expect(() => searchQuery('i', { geo_distance: {} })).to.throw(/query type geo_distance is not supported/);
    expect(() => searchQuery('i', 'text')).to.throw(/needs a DOCUMENT/);
  });
});

describe('data: CREATE INDEX options', () => {
  it('bare fields are wrapped in properties; a body may hold mappings and settings', () => {
    expect(createIndexDefinition(null, { a: { type: 'keyword' } }, null)).to.deep.equal({ mappings: { properties: { a: { type: 'keyword' } } } });
    expect(createIndexDefinition({ number_of_shards: 1 }, { properties: {} }, null)).to.deep.equal({ mappings: { properties: {} }, settings: { number_of_shards: 1 } });
    expect(createIndexDefinition(null, null, { mappings: { b: { type: 'long' } }, settings: { x: 1 } }))
      .to.deep.equal({ mappings: { properties: { b: { type: 'long' } } }, settings: { x: 1 } });
    expect(() => createIndexDefinition(null, 'nope', null)).to.throw(/MAPPINGS must be a DOCUMENT/);
  });
});

describe('data: errors', () => {
  const source: SourceText = { name: '<cell>', text: 'PRINT 1;\nFROM t\n| KEEP nope' };
  const span = { start: 9, end: 26, source };

  it('an ES|QL error moves into the cell and loses the single-problem wrapper', () => {
    const prepared = prepareQuery('FROM t\n| KEEP nope');
    const err = dataError(new EsqlError('Found 1 problem\nline 2:8: Unknown column [nope]', 'verification_exception'), span, { source, start: 9, prepared });
    expect(err.kind).to.equal('esql_error');
    expect(err.describe()).to.equal('line 3:8: Unknown column [nope]');
  });

  it('without an origin the query positions stay in the message', () => {
    const err = dataError(new EsqlError('line 1:3: bad', 'parsing_exception'), span);
    expect(err.describe()).to.equal('line 2:1: line 1:3: bad');
  });

  it("the cluster's parse errors for = and for a single quote get the same hints as the embedded engine's", () => {
    const equals = dataError(new StoreError("line 1:26: mismatched input '=' expecting {<EOF>, '|', '==', 'and'}", 'parsing_exception', 400), span);
    expect(equals.kind).to.equal('esql_error');
    expect(equals.message).to.match(/expecting \{<EOF>, '\|', '==', 'and'\} \(ES\|QL compares with ==;/);
    const quote = dataError(new StoreError("line 1:33: token recognition error at: '''", 'parsing_exception', 400), span);
    expect(quote.message).to.match(/token recognition error at: ''' \(ES\|QL strings take double quotes\)$/);
    // `=` where `==` cannot go (a bad EVAL) gets no comparison hint; nothing is added twice
    const other = dataError(new EsqlError("line 1:12: mismatched input '=' expecting {<EOF>, '|'}", 'parsing_exception'), span);
    expect(other.message).to.not.include('compares');
    const again = dataError(new EsqlError(equals.message, 'parsing_exception'), span);
    expect(again.message.split('compares with').length).to.equal(2);
  });

  it('store failures are store_error with the store type; conflicts are version_conflict', () => {
    const e = dataError(new StoreError('no such index [x]', 'index_not_found_exception', 404), span);
    expect(e.kind).to.equal('store_error');
    expect(e.message).to.equal('index_not_found_exception: no such index [x]');
    expect(e.code).to.equal(404);
    expect(dataError(new VersionConflictError('i', '1'), span).kind).to.equal('version_conflict');
  });
});
