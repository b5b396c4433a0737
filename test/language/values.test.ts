import { expect } from 'chai';
import { Doc, FunctionValue, compare, deepCopy, equals, formatNumber, fromJson, isDoc, toText, typeOf } from '../../language/values';
import { htmlTable, isTable, textTable, toMimeBundle } from '../../language/render';
import { checkType, checkerFor, typeText } from '../../language/evaluator/types';
import { ScriptError } from '../../language/errors';
import type { TypeRef } from '../../language/ast';

const T = (name: string): TypeRef => ({ kind: 'simple', name });

describe('value model', () => {
  describe('toText', () => {
    it('prints integers without a decimal point and decimals as they are', () => {
      expect(toText(42)).to.equal('42');
      expect(toText(42.0)).to.equal('42');
      expect(toText(-7)).to.equal('-7');
      expect(toText(2.5)).to.equal('2.5');
      expect(toText(1e21)).to.equal('1e+21');
      expect(toText(123456789012345)).to.equal('123456789012345');
    });
    it('prints special numbers by name', () => {
      expect(toText(NaN)).to.equal('NaN');
      expect(toText(Infinity)).to.equal('Infinity');
      expect(toText(-Infinity)).to.equal('-Infinity');
    });
    it('prints NULL, booleans and strings', () => {
      expect(toText(null)).to.equal('NULL');
      expect(toText(true)).to.equal('true');
      expect(toText(false)).to.equal('false');
      expect(toText('plain')).to.equal('plain');
    });
    it('prints dates as ISO-8601 UTC, also inside documents', () => {
      const d = new Date(Date.UTC(2024, 4, 10, 12, 0, 0));
      expect(toText(d)).to.equal('2024-05-10T12:00:00.000Z');
      expect(toText({ at: d })).to.equal('{"at":"2024-05-10T12:00:00.000Z"}');
    });
    it('prints arrays, documents and maps as compact JSON', () => {
      expect(toText([1, 'a', null, [true]])).to.equal('[1,"a",null,[true]]');
      expect(toText({ a: 1, b: { c: [] } })).to.equal('{"a":1,"b":{"c":[]}}');
      expect(toText(new Map<unknown, unknown>([['k', 1], ['j', 'x']]) as never)).to.equal('{"k":1,"j":"x"}');
      expect(toText(new Map<unknown, unknown>([[2, 'two']]) as never)).to.equal('{"2":"two"}');
    });
    it('prints function values by name', () => {
      expect(toText(new FunctionValue('inc', 1, () => null))).to.equal('<function inc>');
    });
    it('keeps non-finite numbers readable inside JSON', () => {
      expect(toText([Infinity])).to.equal('["Infinity"]');
    });
  });

  describe('formatNumber', () => {
    it('never uses exponent notation for integers below 1e21', () => {
      expect(formatNumber(1e20)).to.equal('100000000000000000000');
      expect(formatNumber(-0)).to.equal('0');
    });
  });

  describe('typeOf', () => {
    it('names every kind of value', () => {
      expect(typeOf(null)).to.equal('NULL');
      expect(typeOf(1)).to.equal('NUMBER');
      expect(typeOf('s')).to.equal('STRING');
      expect(typeOf(false)).to.equal('BOOLEAN');
      expect(typeOf(new Date())).to.equal('DATE');
      expect(typeOf([])).to.equal('ARRAY');
      expect(typeOf({})).to.equal('DOCUMENT');
      expect(typeOf(new Map())).to.equal('MAP');
      expect(typeOf(new FunctionValue('f', 0, () => null))).to.equal('FUNCTION');
    });
    it('tells documents from other objects', () => {
      expect(isDoc({ a: 1 })).to.equal(true);
      expect(isDoc([])).to.equal(false);
      expect(isDoc(new Date())).to.equal(false);
      expect(isDoc(new Map())).to.equal(false);
      expect(isDoc(null)).to.equal(false);
    });
  });

  describe('equals and compare', () => {
    it('compares arrays, documents and maps deeply', () => {
      expect(equals([1, { a: [2] }], [1, { a: [2] }])).to.equal(true);
      expect(equals({ a: 1, b: 2 }, { b: 2, a: 1 })).to.equal(true);
      expect(equals({ a: 1 }, { a: 1, b: 2 })).to.equal(false);
      expect(equals(new Map([['a', 1]]), new Map([['a', 1]]))).to.equal(true);
      expect(equals(new Map([['a', 1]]), new Map([['a', 2]]))).to.equal(false);
      expect(equals(new Date(5), new Date(5))).to.equal(true);
      expect(equals(1, '1')).to.equal(false);
      expect(equals(null, null)).to.equal(true);
    });
    it('orders numbers, strings, dates and booleans, and nothing else', () => {
      expect(compare(1, 2)).to.be.lessThan(0);
      expect(compare('b', 'a')).to.be.greaterThan(0);
      expect(compare(new Date(1), new Date(1))).to.equal(0);
      expect(compare(false, true)).to.be.lessThan(0);
      expect(compare(1, 'a')).to.equal(undefined);
      expect(compare([1], [1])).to.equal(undefined);
    });
  });

  it('deepCopy copies containers and keeps scalars', () => {
    const original = { a: [1, { b: 2 }] };
    const copy = deepCopy(original) as typeof original;
    expect(copy).to.deep.equal(original);
    expect(copy.a).to.not.equal(original.a);
  });

  it('fromJson turns objects into documents and keeps nulls', () => {
    expect(fromJson({ a: [1, null, { b: 'x' }] })).to.deep.equal({ a: [1, null, { b: 'x' }] });
    expect(fromJson(undefined)).to.equal(null);
  });
});

describe('rendering', () => {
  const rows: Doc[] = [{ name: 'a', n: 1 }, { name: 'b<c', n: 22, extra: true }];

  it('recognises an array of documents as a table', () => {
    expect(isTable(rows)).to.equal(true);
    expect(isTable([])).to.equal(false);
    expect(isTable([{ a: 1 }, 2])).to.equal(false);
  });

  it('renders a text table with the union of the columns', () => {
    expect(textTable(rows).split('\n')).to.deep.equal([
      'name | n  | extra',
      '-----+----+------',
      'a    | 1  |',
      'b<c  | 22 | true',
    ]);
  });

  it('renders an HTML table with escaped cells', () => {
    const html = htmlTable(rows);
    expect(html).to.contain('<th>extra</th>');
    expect(html).to.contain('<td>b&lt;c</td>');
    expect(html.match(/<tr>/g)).to.have.length(3);
  });

  it('gives tables text/plain and text/html', () => {
    const b = toMimeBundle(rows);
    expect(Object.keys(b).sort()).to.deep.equal(['text/html', 'text/plain']);
  });

  it('gives documents text/plain and application/json', () => {
    const b = toMimeBundle({ a: 1 });
    expect(b['application/json']).to.deep.equal({ a: 1 });
    expect(b['text/plain']).to.equal('{\n  "a": 1\n}');
  });

  it('gives scalars only text/plain', () => {
    expect(toMimeBundle(3)).to.deep.equal({ 'text/plain': '3' });
    expect(toMimeBundle([1, 2])).to.deep.equal({ 'text/plain': '[1,2]' });
  });
});

describe('type checks', () => {
  it('accepts matching values and NULL', () => {
    expect(checkType(1, T('NUMBER'), 'x', undefined)).to.equal(1);
    expect(checkType(null, T('STRING'), 'x', undefined)).to.equal(null);
    expect(checkType([1, 2], { kind: 'array', of: T('NUMBER') }, 'x', undefined)).to.deep.equal([1, 2]);
    expect(checkType('anything', T('ANY'), 'x', undefined)).to.equal('anything');
  });

  it('rejects mismatches with a type_error naming both types', () => {
    const attempt = () => checkType('s', T('NUMBER'), 'variable n', undefined);
    expect(attempt).to.throw(ScriptError, 'variable n is NUMBER, cannot hold STRING');
    try { attempt(); } catch (e) { expect((e as ScriptError).kind).to.equal('type_error'); }
    expect(() => checkType([1, 'a'], { kind: 'array', of: T('NUMBER') }, 'xs', undefined)).to.throw(ScriptError, 'element of xs');
    expect(() => checkType([], T('DOCUMENT'), 'd', undefined)).to.throw(ScriptError);
    expect(() => checkType(1, T('BOOLEAN'), 'b', undefined)).to.throw(ScriptError);
  });

  it('converts ISO strings to dates and documents to maps', () => {
    const d = checkType('2024-01-02T00:00:00Z', T('DATE'), 'd', undefined);
    expect(d).to.be.instanceOf(Date);
    expect(() => checkType('not a date', T('DATE'), 'd', undefined)).to.throw(ScriptError);
    const m = checkType({ a: 1 }, { kind: 'map' }, 'm', undefined);
    expect(m).to.be.instanceOf(Map);
  });

  it('specialised checkers agree with the generic check', () => {
    for (const name of ['NUMBER', 'STRING', 'BOOLEAN', 'DATE', 'DOCUMENT', 'ANY']) {
      const c = checkerFor(T(name), 'v');
      for (const v of [1, 's', true, null, {}, [1]]) {
        let generic: unknown;
        let special: unknown;
        try { generic = checkType(v, T(name), 'v', undefined); } catch { generic = 'error'; }
        try { special = c(v, undefined); } catch { special = 'error'; }
        expect(special, `${name} ${JSON.stringify(v)}`).to.deep.equal(generic);
      }
    }
  });

  it('writes types back as source text', () => {
    expect(typeText({ kind: 'array', of: T('STRING') })).to.equal('ARRAY OF STRING');
    expect(typeText({ kind: 'map', key: T('STRING'), value: T('NUMBER') })).to.equal('MAP OF STRING TO NUMBER');
    expect(typeText(T('DATE'))).to.equal('DATE');
  });
});
