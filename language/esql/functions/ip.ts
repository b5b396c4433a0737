// IP functions: CIDR_MATCH, IP_PREFIX.
import { isString } from '../types';
import { ipBytes } from '../values';
import { expect, scalar } from './common';
import type { FunctionRegistry } from '../registry';

export function defineIpFunctions(r: FunctionRegistry): void {
  r.define(scalar({
    name: 'cidr_match', category: 'ip', args: [2, 255], signature: 'CIDR_MATCH(ip, block1, ...) -> boolean',
    doc: 'Whether the IP is in one of the CIDR blocks (e.g. "10.0.0.0/8").',
    resolve: (_t, a) => expect(`CIDR_MATCH(${a.map((x) => x.text).join(', ')})`, a, 0, (t) => t === 'ip' || isString(t), 'ip') ?? 'boolean',
    impl: ([ip, ...blocks]) => blocks.some((b) => cidrContains(String(b), String(ip))),
  }));
  r.define(scalar({
    name: 'ip_prefix', category: 'ip', args: 3, signature: 'IP_PREFIX(ip, prefixLengthV4, prefixLengthV6) -> ip',
    doc: 'The IP truncated to a prefix length (IPv4 or IPv6 length by the address family).',
    resolve: () => 'ip',
    impl: ([ip, v4, v6]) => ipPrefix(String(ip), Number(v4), Number(v6)),
  }));
}

/** IPv4 and IPv6 CIDR containment on the 16-byte form. */
function cidrContains(block: string, ip: string): boolean {
  const [base, bitsText] = block.split('/');
  const v4 = !base.includes(':');
  const bits = bitsText === undefined ? (v4 ? 32 : 128) : Number(bitsText) + (v4 ? 96 : 0);
  const a = ipBytes(base);
  const b = ipBytes(ip);
  for (let i = 0; i < 16; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    const mask = take === 0 ? 0 : (0xff << (8 - take)) & 0xff;
    if ((a[i] & mask) !== (b[i] & mask)) return false;
  }
  return true;
}

function ipPrefix(ip: string, v4: number, v6: number): string {
  const bytes = ipBytes(ip);
  const isV4 = !ip.includes(':');
  const bits = isV4 ? v4 + 96 : v6;
  const out = bytes.map((byte, i) => {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    return take === 0 ? 0 : byte & ((0xff << (8 - take)) & 0xff);
  });
  if (isV4) return out.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((out[i] << 8) | out[i + 1]).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}
