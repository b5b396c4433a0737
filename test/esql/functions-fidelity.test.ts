// ES|QL value semantics that follow Elasticsearch's reference: version order, IP text, conversions, options,
// query settings and syntax the csv-spec corpus exercises, checked on ROW queries and on the helpers directly.
import { expect } from 'chai';
import { runEsqlSync } from '../../language/esql/engine';
import { parseQuery } from '../../language/esql/parse';
import { compareVersions } from '../../language/esql/functions/version';
import { canonicalIp, formatIp, parseIp } from '../../language/esql/functions/ip-address';

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
