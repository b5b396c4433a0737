// Whole numbers are exact over the long range (language/long-integers.ts): arithmetic that crosses 2^53, the
// range's ends, overflow errors with their position, mixing with doubles, text, JSON, comparisons, built-ins,
// and a long field's round trip through a document and ES|QL on a real SQLite file.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Session } from '../../../language/session';
import { readConfig } from '../../../language/config';
import { LazyStore, dataServices } from '../../../language/data/services';
import { openStore } from '../../../language/store/open';
import { jsonText } from '../../../language/contract';
import type { MimeBundle, Output } from '../../../language/contract';

interface Run { prints: string[]; result: MimeBundle | undefined; error?: { ename: string; evalue: string } }

async function run(s: Session, code: string): Promise<Run> {
  const prints: string[] = [];
  const out: Output = { print: (t) => { prints.push(t); }, display() {}, updateDisplay() {}, clear() {} };
  const o = await s.execute(code, out, new AbortController().signal);
  if (o.status === 'error') return { prints, result: undefined, error: { ename: o.error.ename, evalue: o.error.evalue } };
  return { prints, result: o.result };
}

const LONG_MAX = '9223372036854775807';
const LONG_MIN = '-9223372036854775808';

for (const fastPaths of [true, false]) {
  describe(`long integers (fast paths ${fastPaths ? 'on' : 'off'})`, () => {
    let dir: string;
    let s: Session;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'escript-long-'));
      // the store a kernel opens: the embedded SQLite file under the data directory
      const config = readConfig({ ESCRIPT_DATA_DIR: dir });
      const store = new LazyStore(() => openStore(config.store as Parameters<typeof openStore>[0]));
      s = new Session({ config, services: dataServices(store), compiler: { fastPaths } });
    });
    afterEach(async () => {
      await s.shutdown();
      rmSync(dir, { recursive: true, force: true });
    });
    const prints = async (code: string) => {
      const r = await run(s, code);
      expect(r.error, `${code}: ${JSON.stringify(r.error)}`).to.equal(undefined);
      return r.prints;
    };

    it('adds across 2^53 exactly, in a loop and in the closed form of 1..3e8', async () => {
      expect(await prints(`DECLARE s NUMBER = 9007199254740980;
FOR i IN 1..40 LOOP SET s = s + i; END LOOP;
PRINT s;
DECLARE t NUMBER = 0;
FOR i IN 1..40 LOOP SET t = t + (s - i); END LOOP;
PRINT t;
DECLARE n NUMBER = 300000000;
PRINT n * (n + 1) / 2;`)).to.deep.equal(['9007199254741800', '360287970189671180', '45000000150000000']);
    });

    it('reaches both ends of the long range and no further', async () => {
      expect(await prints(`PRINT ${LONG_MAX}; PRINT ${LONG_MIN}; PRINT 4611686018427387904 - 1 + 4611686018427387904; PRINT -4611686018427387904 * 2;
PRINT POWER(2, 62) - 1 + POWER(2, 62) == ${LONG_MAX}; PRINT ABS(-${LONG_MAX});`))
        .to.deep.equal([LONG_MAX, LONG_MIN, LONG_MAX, LONG_MIN, 'true', LONG_MAX]);
      const overflows: [string, string][] = [
        [`DECLARE m NUMBER = ${LONG_MAX};\nPRINT m + 1;`, '2:7'],
        [`DECLARE m NUMBER = ${LONG_MIN};\nPRINT   m - 1;`, '2:9'],
        [`DECLARE m NUMBER = 4294967296;\nPRINT m * m * 2;`, '2:7'],
        ['PRINT 4611686018427387904 * 2 - 1;', '1:7'],
        [`DECLARE m NUMBER = ${LONG_MIN};\nPRINT -m;`, '2:7'],
        ['PRINT 1;\nPRINT ABS(-9223372036854775807 - 1);', '2:7'],
        ['PRINT POWER(2, 63);', '1:7'],
        ['PRINT 3037000500 * 3037000500;', '1:7'],
      ];
      for (const [code, at] of overflows) {
        const r = await run(s, code);
        expect(r.error?.ename, code).to.equal('arithmetic_error');
        expect(r.error?.evalue, code).to.match(new RegExp(`^line ${at}: .*long range -9223372036854775808\\.\\.9223372036854775807`));
      }
      const literal = await run(s, 'PRINT 1;\nPRINT 9223372036854775808;');
      expect(literal.prints, 'refused before the cell runs').to.deep.equal([]);
      expect(literal.error?.ename).to.equal('arithmetic_error');
      expect(literal.error?.evalue).to.match(/^line 2:7: integer literal 9223372036854775808 is outside the long range/);
      expect(await prints('PRINT 9223372036854775808.0 > 9223372036854775807;')).to.deep.equal(['true']);
    });

    it('divides exactly when the divisor divides, else as doubles; modulo keeps the sign of the dividend', async () => {
      expect(await prints(`DECLARE b NUMBER = 9007199254740993;
PRINT b * 4 / 4; PRINT b * 3 / 3 - b; PRINT b / 2; PRINT b % 10; PRINT -b % 10; PRINT MOD(b, 7); PRINT b % 0.5;`))
        .to.deep.equal(['9007199254740993', '0', '4503599627370496', '3', '-3', '5', '0']);
      const r = await run(s, 'DECLARE b NUMBER = 9007199254740993;\nPRINT b / 0;');
      expect(r.error).to.deep.equal({ ename: 'division_error', evalue: 'line 2:7: division by zero' });
    });

    it('mixes with doubles by becoming a double', async () => {
      expect(await prints(`DECLARE b NUMBER = 9007199254740993;
PRINT b + 0.25; PRINT b * 1.5; PRINT SQRT(b * 0.5) > 6.7e7; PRINT 1e300 + b; PRINT b - 1e300 < 0;`))
        .to.deep.equal(['9007199254740992', '13510798882111488', 'true', '1e+300', 'true']);
    });

    it('prints, concatenates and converts to text exactly', async () => {
      expect(await prints(`DECLARE b NUMBER = -9007199254740993;
PRINT b; PRINT 'b=' || b; PRINT TO_STRING(b); PRINT [b, 1.5]; PRINT {'b': b}; PRINT "v \${b}";
PRINT TO_NUMBER('9007199254740993') - 1; PRINT TO_NUMBER('${LONG_MAX}'); PRINT TO_NUMBER('99999999999999999999') > 1e19;`))
        .to.deep.equal(['-9007199254740993', 'b=-9007199254740993', '-9007199254740993', '[-9007199254740993,1.5]',
          '{"b":-9007199254740993}', 'v -9007199254740993', '9007199254740992', LONG_MAX, 'true']);
    });

    it('compares exactly: =, <, BETWEEN, IN, sorting, equality inside arrays, documents and map keys', async () => {
      expect(await prints(`DECLARE a NUMBER = 9007199254740993;
DECLARE b NUMBER = 9007199254740992;
PRINT a == b; PRINT a != b; PRINT a > b; PRINT b < a; PRINT a >= b + 1; PRINT a BETWEEN b AND b + 2;
PRINT a IN (b, b + 1); PRINT [a] == [b + 1]; PRINT {'k': a} == {'k': b}; PRINT ARRAY_SORT([a, b, -a, 1]);
DECLARE m MAP = MAP_PUT(MAP {'z' => 0}, a, 'x');
PRINT MAP_GET(m, b + 1); PRINT ARRAY_CONTAINS([1, a], b + 1);`))
        .to.deep.equal(['false', 'true', 'true', 'true', 'true', 'true', 'true', 'true', 'false',
          '[-9007199254740993,1,9007199254740992,9007199254740993]',
          'x', 'true']);
    });

    it('keeps whole built-in results exact: ABS, SIGN, ROUND and TRUNC at negative scales, CEIL, FLOOR, POWER', async () => {
      expect(await prints(`DECLARE b NUMBER = 9007199254740993;
PRINT ABS(-b); PRINT SIGN(-b); PRINT ROUND(b); PRINT ROUND(b, -1); PRINT ROUND(-b, -1); PRINT TRUNC(b, -2);
PRINT CEIL(b); PRINT FLOOR(b); PRINT POWER(3, 39); PRINT POWER(-2, 63); PRINT POWER(2, -1); PRINT ARRAY_REDUCE([b, b], 0);`))
        .to.deep.equal(['9007199254740993', '-1', '9007199254740993', '9007199254740990', '-9007199254740990',
          '9007199254740900', '9007199254740993', '9007199254740993', '4052555153018976267', LONG_MIN, '0.5', '18014398509481986']);
    });

    it('writes JSON digits in the display bundle and through the kernel wire writer', async () => {
      const r = await run(s, "{'n': 9007199254740993, 'x': 1.5}");
      expect(r.error).to.equal(undefined);
      expect(r.result!['text/plain']).to.equal('{\n  "n": 9007199254740993,\n  "x": 1.5\n}');
      expect(jsonText(r.result!['application/json'])).to.equal('{"n":9007199254740993,"x":1.5}');
      expect(await prints("PRINT TO_JSON({'a': [9223372036854775807]}, TRUE);")).to.deep.equal(['{\n  "a": [\n    9223372036854775807\n  ]\n}']);
    });

    it('an index past 2^53 is the ordinary out-of-range error, for reads and writes, arrays and strings', async () => {
      const err = async (code: string) => (await run(s, `DECLARE a ARRAY = [10, 20, 30];\nDECLARE big NUMBER = 9007199254740993;\n${code}`)).error;
      expect(await err('PRINT a[big];')).to.deep.equal({ ename: 'index_error', evalue: 'line 3:7: array index 9007199254740993 out of range (length 3)' });
      expect(await err('SET a[-big] = 1;')).to.deep.equal({ ename: 'index_error', evalue: 'line 3:6: array index -9007199254740993 out of range (length 3)' });
      expect(await err("PRINT 'abc'[big];")).to.deep.equal({ ename: 'index_error', evalue: 'line 3:7: string index 9007199254740993 out of range (length 3)' });
      expect(await prints('DECLARE a ARRAY = [10, 20, 30]; DECLARE big NUMBER = 9007199254740993; PRINT a[big - 9007199254740992];')).to.deep.equal(['20']);
    });

    it('FOR over bounds past 2^53 counts exactly, both ways; an impossible range is a clear error', async () => {
      expect(await prints(`FOR i IN 9007199254740991..9007199254740994 LOOP PRINT i; END LOOP;
FOR i IN ${LONG_MAX}..9223372036854775800 STEP 3 LOOP PRINT i; END LOOP;
FOR i IN REVERSE ${LONG_MIN}..-9223372036854775807 LOOP PRINT i; END LOOP;`)).to.deep.equal([
        '9007199254740991', '9007199254740992', '9007199254740993', '9007199254740994',
        LONG_MAX, '9223372036854775804', '9223372036854775801',
        '-9223372036854775807', LONG_MIN,
      ]);
      expect((await run(s, 'FOR i IN 0..1e300 LOOP EXIT; END LOOP;')).error?.ename).to.equal('limit_error');
      expect((await run(s, 'FOR i IN 0.5..9007199254740993 LOOP EXIT; END LOOP;')).error?.evalue).to.contain('must be a whole NUMBER');
      expect((await run(s, 'FOR i IN 1e15..1e15 + 1 STEP 0.01 LOOP EXIT; END LOOP;')).error?.evalue).to.contain('too small');
    });

    it('round-trips a long field through a stored document and ES|QL, as parameters too', async () => {
      expect(await prints(`PRINT ES_INDEX('longs', 'a', {'n': ${LONG_MAX}, 'm': -9007199254740993, 'small': 7});
PRINT ES_INDEX('longs', 'b', {'n': 9007199254740993, 'm': 1, 'small': 8});
REFRESH 'longs';
PRINT ES_GET('longs', 'a');
DECLARE rows ARRAY = ESQL_QUERY('FROM longs | SORT n | KEEP n, m');
PRINT rows;
PRINT rows[1].n - 1;
DECLARE p NUMBER = 9007199254740992;
DECLARE hit ARRAY = ESQL_QUERY('FROM longs | WHERE n > ? AND n < ? | KEEP n', [p, ${LONG_MAX}]);
PRINT hit;
PRINT ESQL_QUERY('FROM longs | STATS s = SUM(m), top = MAX(n)');`)).to.deep.equal([
        '{"_index":"longs","_id":"a","result":"created"}',
        '{"_index":"longs","_id":"b","result":"created"}',
        `{"_id":"a","n":${LONG_MAX},"m":-9007199254740993,"small":7}`,
        `[{"n":9007199254740993,"m":1},{"n":${LONG_MAX},"m":-9007199254740993}]`,
        '9223372036854775806',
        '[{"n":9007199254740993}]',
        `[{"s":-9007199254740992,"top":${LONG_MAX}}]`,
      ]);
    });
  });
}

describe('long integers: a whole NUMBER handed over as a bigint', () => {
  it('indexes arrays and strings like the same double (a store or built-in may give 1n)', async () => {
    const { getMember, setMember } = await import('../../../language/evaluator/members');
    const span = undefined as never;
    const a = [10, 20, 30];
    expect(getMember(a, 1n, span, false)).to.equal(20);
    expect(getMember(a, -1n, span, false)).to.equal(30);
    expect(getMember('abc', 2n, span, false)).to.equal('c');
    setMember(a, 0n, 5, span);
    expect(a).to.deep.equal([5, 20, 30]);
    expect(() => getMember(a, 3n, span, false)).to.throw('array index 3 out of range (length 3)');
  });
});
