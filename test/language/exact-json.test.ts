// JSON that keeps whole numbers past 2^53 (language/exact-json.ts): the same text as JSON.stringify/JSON.parse
// for everything else, digits for bigints both ways.
import { expect } from 'chai';
import { parseExact, stringifyExact } from '../../language/exact-json';

const SAMPLES: unknown[] = [
  null, true, 0, -1.5, 'a "q" \\ \u0001 é', [], {}, [1, [2, [3]], { a: null }],
  { a: 1, b: [true, false, null], c: { d: 'x', e: 1e300, f: -0.000001 }, 'g h': '' },
  { date: new Date(0), skip: undefined, fn: () => 1 }, [undefined, () => 1],
];

describe('exact JSON', () => {
  it('writes what JSON.stringify writes when there is no bigint, compact and indented', () => {
    // a bigint anywhere takes the hand-written path: compare it on every sample by adding one beside it
    for (const v of SAMPLES) {
      for (const indent of [undefined, 2]) {
        const withBig = stringifyExact([v, 9007199254740993n], indent);
        const expected = JSON.stringify([v, 0], null, indent).replace(/0(\s*)\]$/, '9007199254740993$1]');
        expect(withBig, JSON.stringify(v)).to.equal(expected);
      }
    }
  });

  it('writes bigints as digits, never as strings or rounded doubles', () => {
    expect(stringifyExact({ n: -(2n ** 63n), m: [2n ** 63n - 1n] })).to.equal('{"n":-9223372036854775808,"m":[9223372036854775807]}');
  });

  it('reads whole numbers past 2^53 as bigints, and the rest as JSON.parse does', () => {
    const text = '{"n": 9223372036854775807, "m": [-9007199254740993, 9007199254740991, 1234567890123456.5, 1e21],'
      + ' "s": "9999999999999999999 \\" x", "__proto__": {"p": 1}, "t": true}';
    const v = parseExact(text) as Record<string, unknown>;
    expect(v.n).to.equal(9223372036854775807n);
    expect(v.m).to.deep.equal([-9007199254740993n, 9007199254740991, 1234567890123456.5, 1e21]);
    expect(v.s).to.equal('9999999999999999999 " x');
    expect(Object.getPrototypeOf(v)).to.equal(Object.prototype);
    expect(Object.keys(v)).to.deep.equal(Object.keys(JSON.parse(text)));
    // past the long range a whole number is a double, as Elasticsearch maps it
    expect(parseExact('[99999999999999999999]')).to.deep.equal([1e20]);
    for (const bad of ['[1,]', '{"a" 1}', '[12345678901234567890', '"12345678901234567890', '[01234567890123456789]']) {
      expect(() => parseExact(bad), bad).to.throw(SyntaxError);
    }
  });
});
