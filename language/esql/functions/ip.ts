// IP functions: TO_IP (with its `leading_zeros` option), CIDR_MATCH, IP_PREFIX.
import { DataType, isString } from '../types';
import { EvalFailure } from '../errors';
import { Compiled, typeError } from '../registry';
import { conversionEvaluator, expect, scalar } from './common';
import { LeadingZeros, formatIp, parseIp } from './ip-address';
import { functionOptions } from './options';
import type { FunctionRegistry } from '../registry';

function notAnIp(s: string): EvalFailure {
  return new EvalFailure('java.lang.IllegalArgumentException', `'${s}' is not an IP string literal.`);
}

/** 16 bytes of an `ip` value (already valid: stored or converted). */
function bytesOf(ip: unknown): number[] {
  const b = parseIp(String(ip), 'decimal');
  if (!b) throw notAnIp(String(ip));
  return b;
}

function masked(bytes: number[], bits: number): number[] {
  return bytes.map((byte, i) => {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    return take === 0 ? 0 : byte & ((0xff << (8 - take)) & 0xff);
  });
}

function isV4(bytes: number[]): boolean {
  return bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** `block` is `address/length` or a single address (its full length). */
function cidrContains(block: string, ip: number[]): boolean {
  const slash = block.indexOf('/');
  const base = parseIp(slash < 0 ? block : block.slice(0, slash), 'decimal');
  const length = slash < 0 ? null : Number(block.slice(slash + 1));
  if (!base || (length !== null && !Number.isInteger(length))) {
    throw new EvalFailure('java.lang.IllegalArgumentException', `Expected [ip/prefix] but was [${block}]`);
  }
  const v4 = isV4(base);
  const bits = length === null ? 128 : length + (v4 ? 96 : 0);
  if (length !== null && (length < 0 || length > (v4 ? 32 : 128))) {
    throw new EvalFailure('java.lang.IllegalArgumentException', `Illegal prefix length [${length}] in [${block}]`);
  }
  const a = masked(base, bits);
  const b = masked(ip, bits);
  return a.every((x, i) => x === b[i]);
}

export function defineIpFunctions(r: FunctionRegistry): void {
  r.define(scalar({
    name: 'to_ip', category: 'conversion', args: [1, 2], signature: 'TO_IP(field [, {"leading_zeros": "reject" | "decimal" | "octal"}]) -> ip',
    doc: 'Converts a string to an IP address. IPv4 parts with a leading zero are refused unless `leading_zeros` says to read them as decimal or octal.',
    resolve: (types, args) => {
      if (types[0] !== 'null' && types[0] !== 'ip' && !isString(types[0])) {
        return typeError(`TO_IP(${args[0].text})`, 0, 1, 'ip or string', args[0]).replace(/^argument of \[[^\]]*\]/, `argument of [${args[0].text}]`);
      }
      const problem = leadingZerosOption(args);
      return typeof problem === 'string' && problem.startsWith('!') ? problem.slice(1) : 'ip';
    },
    build: (args, ctx) => {
      const zeros = leadingZerosOption(args) as LeadingZeros;
      const from: DataType = args[0].type;
      return conversionEvaluator(args[0], ctx, (v) => {
        const s = String(v);
        const b = parseIp(s, from === 'ip' ? 'decimal' : zeros);
        if (!b) throw notAnIp(s);
        return formatIp(b);
      });
    },
  }));
  r.define(scalar({
    name: 'cidr_match', category: 'ip', args: [2, 255], signature: 'CIDR_MATCH(ip, block1, ...) -> boolean',
    doc: 'Whether the IP is in one of the CIDR blocks (e.g. "10.0.0.0/8"; an address alone is its own block).',
    resolve: (_t, a) => expect(`CIDR_MATCH(${a.map((x) => x.text).join(', ')})`, a, 0, (t) => t === 'ip' || isString(t), 'ip') ?? 'boolean',
    impl: ([ip, ...blocks]) => {
      const bytes = bytesOf(ip);
      return blocks.some((b) => cidrContains(String(b), bytes));
    },
  }));
  r.define(scalar({
    name: 'ip_prefix', category: 'ip', args: 3, signature: 'IP_PREFIX(ip, prefixLengthV4, prefixLengthV6) -> ip',
    doc: 'The IP truncated to a prefix length (IPv4 or IPv6 length by the address family).',
    resolve: (_t, a) => {
      const text = `IP_PREFIX(${a.map((x) => x.text).join(', ')})`;
      return expect(text, a, 0, (t) => t === 'ip', 'ip') ?? expect(text, a, 1, (t) => t === 'integer', 'integer') ??
        expect(text, a, 2, (t) => t === 'integer', 'integer') ?? 'ip';
    },
    impl: ([ip, v4, v6]) => {
      if ((v4 as number) < 0 || (v4 as number) > 32) {
        throw new EvalFailure('java.lang.IllegalArgumentException', `Prefix length v4 must be in range [0, 32], found ${v4}`);
      }
      if ((v6 as number) < 0 || (v6 as number) > 128) {
        throw new EvalFailure('java.lang.IllegalArgumentException', `Prefix length v6 must be in range [0, 128], found ${v6}`);
      }
      const bytes = bytesOf(ip);
      return formatIp(masked(bytes, isV4(bytes) ? 96 + (v4 as number) : (v6 as number)));
    },
  }));
}

/** TO_IP's `leading_zeros` option ('reject' by default), or `!message` when the options are not valid. */
function leadingZerosOption(args: Compiled[]): LeadingZeros | string {
  if (args.length < 2) return 'reject';
  const opts = functionOptions('TO_IP', args[1], { leading_zeros: ['reject', 'decimal', 'octal'] });
  if (typeof opts === 'string') return `!${opts}`;
  return (opts.leading_zeros as LeadingZeros | undefined) ?? 'reject';
}
