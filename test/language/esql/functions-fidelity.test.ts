// ES|QL value semantics that follow Elasticsearch's reference: version order, IP text, conversions, options,
// query settings and syntax the csv-spec corpus exercises, checked on ROW queries and on the helpers directly.
import { expect } from 'chai';
import { runEsqlSync } from '../../../language/esql/engine';
import { parseQuery } from '../../../language/esql/parse';
import { compareVersions } from '../../../language/esql/functions/version';
import { canonicalIp, formatIp, parseIp } from '../../../language/esql/functions/ip-address';
import { fromLocal, offsetAt, validTimeZone } from '../../../language/esql/functions/zone';
import { formatIsoDate, formatJavaDate, parseJavaDate } from '../../../language/esql/functions/date-format';
import { dateUnit, unitCount, unitsBetween } from '../../../language/esql/functions/date-units';
import { addInterval, truncateDate } from '../../../language/esql/values';
import { likeRegex, rlikeRegex } from '../../../language/esql/functions/patterns';

const row = (query: string): { values: unknown[]; warnings: string[] } => {
  const r = runEsqlSync(query, { exactLongs: true });
  return { values: r.values[0], warnings: r.warnings };
};

describe('ES|QL functions as Elasticsearch defines them', () => {
  describe('version', () => {
    it('orders numerically part by part, pre-releases before releases, invalid versions last', () => {
      const sorted = ['bad', '5.2.9', '1.11.0', '1', '5.2.9-SNAPSHOT', '1.2.3.4', '2.12.0', '2.1', '1.0.0-alpha.10', '1.0.0-alpha.2', '1.0.0-beta']
        .sort(compareVersions);
      expect(sorted).to.deep.equal(['1', '1.0.0-alpha.2', '1.0.0-alpha.10', '1.0.0-beta', '1.2.3.4', '1.11.0', '2.1', '2.12.0',
        '5.2.9-SNAPSHOT', '5.2.9', 'bad']);
      expect(compareVersions('1.2.3+build.1', '1.2.3')).to.be.greaterThan(0);
      expect(compareVersions('01.2', '1.2')).to.be.greaterThan(0); // a leading zero makes it invalid
    });

    it('compares version values in queries the same way', () => {
      expect(row('ROW a = to_version("5.2.9-SNAPSHOT") < to_version("5.2.9"), b = to_version("bad") > to_version("99")').values)
        .to.deep.equal([true, true]);
    });
  });

  describe('ip', () => {
    it('parses dotted quads and RFC 4291 text, printing RFC 5952 short forms', () => {
      expect(canonicalIp('FE80:0:0:0:0:0:0:1')).to.equal('fe80::1');
      expect(canonicalIp('1:0:0:2:0:0:0:3')).to.equal('1:0:0:2::3'); // the longest zero run is compressed
      expect(canonicalIp('::ffff:10.0.0.1')).to.equal('10.0.0.1');
      expect(canonicalIp('1.2.3')).to.equal(null);
      expect(canonicalIp('1.2.3.256')).to.equal(null);
      expect(formatIp(parseIp('::')!)).to.equal('::');
    });

    it('TO_IP refuses leading zeros unless told to read them as decimal or octal', () => {
      const r = row('ROW s = "10.01.010.1" | EVAL a = TO_IP(s), d = TO_IP(s, {"leading_zeros": "decimal"}), o = TO_IP(s, {"leading_zeros": "octal"})');
      expect(r.values).to.deep.equal(['10.01.010.1', null, '10.1.10.1', '10.1.8.1']);
      expect(r.warnings[1]).to.equal("Line 1:34: java.lang.IllegalArgumentException: '10.01.010.1' is not an IP string literal.");
      expect(() => runEsqlSync('ROW a = TO_IP("1.1.1.1", {"leading": "octal"})')).to.throw(/Invalid option \[leading\]/);
    });

    it('CIDR_MATCH takes a bare address as its own block; IP_PREFIX checks its lengths', () => {
      expect(row('ROW ip = TO_IP("127.0.0.2") | EVAL a = CIDR_MATCH(ip, "127.0.0.2"), b = CIDR_MATCH(ip, "127.0.0.3"), c = CIDR_MATCH(ip, "127.0.0.0/30")').values)
        .to.deep.equal(['127.0.0.2', true, false, true]);
      expect(row('ROW a = IP_PREFIX(TO_IP("fe80::cae2:65ff:fece:feb9"), 0, 16), b = IP_PREFIX(TO_IP("1.2.3.4"), 24, 0)').values)
        .to.deep.equal(['fe80::', '1.2.3.0']);
      const r = row('ROW a = IP_PREFIX(TO_IP("1.2.3.4"), 33, 0)');
      expect(r.values).to.deep.equal([null]);
      expect(r.warnings[1]).to.contain('Prefix length v4 must be in range [0, 32], found 33');
    });
  });

  describe('conversions', () => {
    it('TO_LONG and TO_INTEGER round doubles and refuse values out of their range', () => {
      const r = row('ROW a = TO_LONG(2.5), b = TO_INTEGER(-2.5), c = TO_INTEGER(1e19), d = TO_LONG("2147483648.7"), e = TO_LONG("x1")');
      expect(r.values).to.deep.equal([3, -2, null, 2147483649, null]);
      expect(r.warnings).to.include('Line 1:49: org.elasticsearch.xpack.esql.core.InvalidArgumentException: [1.0E19] out of [integer] range');
      expect(r.warnings).to.include('Line 1:100: org.elasticsearch.xpack.esql.core.InvalidArgumentException: Cannot parse number [x1]');
    });

    it('TO_INTEGER of an unsigned long beyond the integer range names the integer range', () => {
      const r = row('ROW ul = 9223372036854775808 | EVAL i = TO_INTEGER(ul)');
      expect(r.values[1]).to.equal(null);
      expect(r.warnings[1]).to.contain('[9223372036854775808] out of [integer] range');
    });

    it('TO_DEGREES and TO_RADIANS multiply by Java\'s constants', () => {
      expect(row('ROW a = TO_DEGREES(1.57), b = TO_RADIANS(180)').values).to.deep.equal([1.57 * (180 / Math.PI), Math.PI]);
    });

    it('MV_APPEND is null when either side is null', () => {
      expect(row('ROW a = MV_APPEND([1, 2], 3), b = MV_APPEND(null, 3)').values).to.deep.equal([[1, 2, 3], null]);
    });
  });

  describe('syntax', () => {
    it('reads SET settings before the query, checking the name and the zone', () => {
      expect(parseQuery('SET time_zone = "Europe/Paris";\nROW a = 1').settings).to.deep.equal({ time_zone: 'Europe/Paris' });
      expect(() => parseQuery('SET zone = "Z"; ROW a = 1')).to.throw(/Unknown setting \[zone\]/);
      expect(() => parseQuery('SET time_zone = "Mars/Base"; ROW a = 1')).to.throw(/Invalid time zone/);
    });

    it('reads INLINE STATS, and INLINESTATS with a deprecation warning', () => {
      const q = parseQuery('ROW a = 1\n| INLINESTATS c = COUNT(*) BY a');
      expect(q.commands[1]).to.include({ kind: 'inline_stats' });
      expect(q.warnings).to.deep.equal(['Line 2:3: INLINESTATS is deprecated, use INLINE STATS instead']);
      expect(parseQuery('ROW a = 1 | INLINE STATS c = COUNT(*)').warnings).to.deep.equal([]);
    });

    it('takes a LIKE pattern that folds to a string', () => {
      expect(row('ROW x = "Eberhardt" | WHERE x LIKE CONCAT("Eber", "*") | EVAL y = x RLIKE TO_LOWER("EB.*")').values)
        .to.deep.equal(['Eberhardt', false]);
    });
  });
});

describe('ES|QL dates as Elasticsearch computes them', () => {
  const utc = (s: string): number => Date.parse(s);

  it('reads zones as java.time does: offsets, region ids, daylight-saving gaps and overlaps', () => {
    expect(offsetAt('+03:00', 0)).to.equal(3 * 3600000);
    expect(offsetAt('Europe/Paris', utc('2024-01-15T12:00:00Z'))).to.equal(3600000);
    expect(offsetAt('Europe/Paris', utc('2024-07-15T12:00:00Z'))).to.equal(7200000);
    // 02:30 does not exist in Paris on 2024-03-31: it becomes 03:30 CEST (01:30Z).
    expect(new Date(fromLocal(utc('2024-03-31T02:30:00Z'), 'Europe/Paris')).toISOString()).to.equal('2024-03-31T01:30:00.000Z');
    // 02:30 happens twice on 2024-10-27: the earlier offset (+02:00) wins.
    expect(new Date(fromLocal(utc('2024-10-27T02:30:00Z'), 'Europe/Paris')).toISOString()).to.equal('2024-10-27T00:30:00.000Z');
    expect(validTimeZone('America/Goose_Bay')).to.equal(true);
    expect(validTimeZone('Nowhere/Place')).to.equal(false);
  });

  it('formats and parses Java patterns in a zone and a locale', () => {
    const at = utc('2020-06-01T00:00:00Z');
    expect(formatIsoDate(at)).to.equal('2020-06-01T00:00:00.000Z');
    expect(formatIsoDate(at, 'Europe/Rome')).to.equal('2020-06-01T02:00:00.000+02:00');
    expect(formatJavaDate(at, 'EEEE d MMMM uuuu HH:mm XXX', 'America/New_York')).to.equal('Sunday 31 May 2020 20:00 -04:00');
    expect(parseJavaDate('2022/12/07 09:24:10 +09', 'yyyy/dd/MM HH:mm:ss x')).to.equal(utc('2022-07-12T00:24:10Z'));
    expect(parseJavaDate('2022/12/07 09:24:10 GMT+9', 'yyyy/dd/MM HH:mm:ss O')).to.equal(utc('2022-07-12T00:24:10Z'));
    expect(parseJavaDate('10 septembre 2025', 'dd MMMM yyyy', 'Europe/Paris', 'fr')).to.equal(utc('2025-09-09T22:00:00Z'));
    // A day without a month, and minutes without an hour, are ignored (Elasticsearch's DateFormatters).
    expect(parseJavaDate('10-10-2025', 'dd-mm-yyyy')).to.equal(utc('2025-01-01T00:00:00Z'));
    expect(parseJavaDate('2023-02-30', 'yyyy-MM-dd')).to.be.NaN;
  });

  it('counts differences on the local calendar for days and longer, on instants for hours and shorter', () => {
    const start = utc('2010-10-07T03:00:00Z');
    const end = utc('2010-11-07T03:01:00Z');
    expect(unitsBetween('month', start, end)).to.equal(1);
    expect(unitsBetween('month', start, end, 'America/Goose_Bay')).to.equal(0);
    expect(unitsBetween('hour', utc('2024-03-30T12:00:00Z'), utc('2024-03-31T12:00:00Z'), 'Europe/Paris')).to.equal(24);
    expect(() => dateUnit('Mary')).to.throw('Received value [Mary] is not valid date part to add; did you mean [day]?');
    expect(() => dateUnit('Alejandro')).to.throw(/A value of \[YEAR, QUARTER, .*\] or their aliases is required; received \[Alejandro\]/);
  });

  it('DATE_UNIT_COUNT: fixed ratios, or the period around the date in the zone', () => {
    expect(unitCount('day', 'month', utc('2024-02-10T00:00:00Z'))).to.equal(29);
    expect(unitCount('day', 'year', utc('2023-06-01T00:00:00Z'))).to.equal(365);
    expect(unitCount('nanosecond', 'hour', 0)).to.equal(3.6e12);
    expect(unitCount('hour', 'day', utc('2024-03-31T12:00:00Z'), 'Europe/Paris')).to.equal(23);
    expect(row('ROW n = DATE_UNIT_COUNT("days", "month", TO_DATETIME("2024-04-15T00:00:00Z"))').values).to.deep.equal([30]);
  });

  it('truncates and adds calendar periods on local time when given a zone', () => {
    const week = { kind: 'period', months: 0, days: 7 } as const;
    expect(new Date(truncateDate(utc('2024-01-07T23:30:00Z'), week, '+01:00')).toISOString()).to.equal('2024-01-07T23:00:00.000Z');
    const day = { kind: 'period', months: 0, days: 1 } as const;
    expect(new Date(addInterval(utc('2025-03-09T06:02:03.123Z'), day, 1, 'America/New_York')).toISOString()).to.equal('2025-03-10T05:02:03.123Z');
  });

  it('TO_DATEPERIOD and TO_TIMEDURATION read constant strings', () => {
    expect(row('ROW x = TO_DATETIME("2024-01-01") | EVAL y = x - TO_DATEPERIOD("3 days"), z = x + TO_TIMEDURATION("90 m")').values)
      .to.deep.equal(['2024-01-01T00:00:00.000Z', '2023-12-29T00:00:00.000Z', '2024-01-01T01:30:00.000Z']);
    expect(() => runEsqlSync('ROW a = TO_DATEPERIOD("3 hours")')).to.throw('Cannot parse [3 hours] to DATE_PERIOD, did you mean TIME_DURATION?');
    // A ROW or EVAL constant is propagated (Elasticsearch's PropagateEvalFoldables); an expanded column is not.
    expect(row('ROW a = "3 days" | EVAL b = TO_DATEPERIOD(a), c = TO_DATETIME("2024-01-01") + b').values[2]).to.equal('2024-01-04T00:00:00.000Z');
    expect(() => runEsqlSync('ROW a = ["3 days", "4 days"] | MV_EXPAND a | EVAL b = TO_DATEPERIOD(a)')).to.throw(/argument of \[TO_DATEPERIOD\(a\)\] must be a constant, received \[a\]/);
  });

  it('DATE_PARSE takes time_zone and locale options; no JDK 23 warning (Elasticsearch ships JDK 23+)', () => {
    const r = row('ROW a = DATE_PARSE("dd MMMM yyyy", "10 septembre 2025", {"locale": "fr", "time_zone": "+02:00"}), b = DATE_PARSE("2023-02-01T12:15:55", {"time_zone": "Europe/Paris"})');
    expect(r.values).to.deep.equal(['2025-09-09T22:00:00.000Z', '2023-02-01T11:15:55.000Z']);
    expect(r.warnings).to.deep.equal([]);
  });
});

describe('ES|QL full-text functions', () => {
  it('MATCH_PHRASE wants the words side by side; MATCH takes operator AND', () => {
    const r = row('ROW t = TO_TEXT("the quick brown fox") | EVAL p1 = MATCH_PHRASE(t, "quick brown"), p2 = MATCH_PHRASE(t, "brown quick"), m = MATCH(t, "quick cat", {"operator": "AND"}), o = MATCH(t, "quick cat")');
    expect(r.values.slice(1)).to.deep.equal([true, false, false, true]);
  });
});

describe('ES|QL numeric comparisons and stored numbers', () => {
  it('compares a long with a double as doubles, as Java widens the long', () => {
    expect(row('ROW a = 9223372036854775806 == 9.223372036854776E18, b = 9007199254740993 > 9007199254740992.0').values)
      .to.deep.equal([true, false]);
  });
});

describe('ES|QL functions added from the reference', () => {
  it('string: CONTAINS, URL_ENCODE(_COMPONENT), URL_DECODE, and REPLACE with Java replacement syntax', () => {
    const r = row('ROW a = CONTAINS("hello", "ll"), b = URL_ENCODE("https://example.com/?x=foo bar&y=baz"), c = URL_ENCODE_COMPONENT("a b~*é"), d = URL_DECODE("a+b%20c%C3%A9"), e = REPLACE("abcabc", "(b)(c)", "[$2$1]"), f = REPLACE("a.b", "\\\\.", "\\\\$"), g = URL_DECODE("%zz")');
    expect(r.values).to.deep.equal([true, 'https%3A%2F%2Fexample.com%2F%3Fx%3Dfoo+bar%26y%3Dbaz', 'a%20b~%2A%C3%A9', 'a b cé', 'a[cb]a[cb]', 'a$b', null]);
    expect(r.warnings[1]).to.contain('URLDecoder: Illegal hex characters in escape (%) pattern');
  });

  it('math: COPY_SIGN, SCALB, ROUND_TO', () => {
    expect(row('ROW a = COPY_SIGN(3, -0.0), b = COPY_SIGN(-2.5, 1), c = SCALB(3.0, 3), d = ROUND_TO(7, 0, 5, 10), e = ROUND_TO(-3, 5, 0), f = ROUND_TO(7, 0, 5.0)').values)
      .to.deep.equal([-3, 2.5, 24, 5, 0, 5]);
    expect(() => runEsqlSync('ROW x = [1, 2] | MV_EXPAND x | EVAL y = ROUND_TO(x, x)')).to.throw(/must be a constant/);
  });

  it('multivalue: set functions treat null as the empty set; P-series sum; median absolute deviation', () => {
    const r = row('ROW a = MV_CONTAINS(["a", "b", "c"], ["a", "c"]), b = MV_CONTAINS(null, "a"), c = MV_INTERSECTS([1, 2], [3, 2]), d = MV_UNION([1, 2, 3], [2, 4]), e = MV_INTERSECTION([1, 2, 3], [3, 2, 7]), f = MV_UNION(null, [5]), g = MV_PSERIES_WEIGHTED_SUM([70.0, 45.0, 21.0, 21.0, 21.0], 1.5), h = MV_MEDIAN_ABSOLUTE_DEVIATION([0, 2, 5, 6])');
    expect(r.values).to.deep.equal([true, false, true, [1, 2, 3, 4], [2, 3], 5, 94.45465156212452, 2]);
  });
});

describe('LIKE and RLIKE patterns as Elasticsearch reads them', () => {
  it('LIKE: * and ? wildcards, backslash escapes, whole value', () => {
    expect(likeRegex('a*b?').test('axxbc')).to.equal(true);
    expect(likeRegex('a\\*').test('a*')).to.equal(true);
    expect(likeRegex('a\\*').test('ab')).to.equal(false);
    expect(likeRegex('a.c').test('abc')).to.equal(false);
  });

  it('RLIKE: Lucene syntax (^ and $ literal, @ # "..." <n-m> & ~ and character classes)', () => {
    const m = (p: string, s: string): boolean => rlikeRegex(p).test(s);
    expect([m('.*test.*', 'a test\nb'), m('^abc', '^abc'), m('^abc', 'abc')]).to.deep.equal([true, true, false]);
    expect([m('@foo', 'xxfoo'), m('#', ''), m('"a.b"', 'a.b'), m('"a.b"', 'axb')]).to.deep.equal([true, false, true, false]);
    expect([m('<1-10>', '7'), m('<1-10>', '11'), m('~(abc)', 'abd'), m('~(abc)', 'abc')]).to.deep.equal([true, false, true, false]);
    expect([m('a.*&.*b', 'axb'), m('a.*&.*b', 'axc'), m('[^a-c]+', 'xyz'), m('\\d{2}', '12')]).to.deep.equal([true, false, true, true]);
    expect(() => rlikeRegex('(ab')).to.throw(/invalid regular expression \[\(ab\]: missing \)/);
  });
});

describe('string functions as Elasticsearch defines them', () => {
  it('TRIM uses Java whitespace; REVERSE keeps grapheme clusters; SUBSTRING and LOCATE count from either end', () => {
    const r = row('ROW a = TRIM("\\u00a0 x \\t"), b = REVERSE("💧🪨🔥💨"), c = REVERSE("👍🏽ab"), d = SUBSTRING("hello", -3, 2), e = LOCATE("hello world", "o", -4), f = LOCATE("a", "abc"), g = SUBSTRING("hello", 2, -1), h = SPACE(-1)');
    expect(r.values).to.deep.equal(['\u00a0 x', '💨🔥🪨💧', 'ba👍🏽', 'll', 8, 0, null, null]);
    expect(r.warnings).to.include('Line 1:167: java.lang.IllegalArgumentException: Length parameter cannot be negative, found [-1]');
  });
});

describe('geo_point', () => {
  it('prints points as Elasticsearch does, converts WKT, and reads quantized coordinates', () => {
    const r = row('ROW p = TO_GEOPOINT("POINT(75.85 30.91)") | EVAL x = ST_X(p), y = ST_Y(p)');
    expect(r.values[0]).to.equal('POINT (75.85 30.91)');
    expect(Math.abs((r.values[1] as number) - 75.85)).to.be.lessThan(1e-7).and.greaterThan(0);
    expect(Math.abs((r.values[2] as number) - 30.91)).to.be.lessThan(1e-7).and.greaterThan(0);
  });
});

describe('whole-number overflow', () => {
  it('unsigned_long arithmetic below zero or above 2^64-1 is null with a warning; ABS of the minimum overflows', () => {
    const r = row('ROW a = 1::ul - 2::ul, b = 18446744073709551615::ul + 1::ul, c = 5::ul - 2::ul, d = ABS(-2147483648)');
    expect(r.values).to.deep.equal([null, null, 3, null]);
    expect(r.warnings.filter((w) => w.endsWith('java.lang.ArithmeticException: unsigned_long overflow'))).to.have.length(2);
    expect(r.warnings).to.include('Line 1:85: java.lang.ArithmeticException: Overflow to represent absolute value of Integer.MIN_VALUE');
  });
});
