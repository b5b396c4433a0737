// IP addresses as Elasticsearch reads and prints them: 16 bytes (IPv4 mapped into IPv6), parsed from dotted
// quads or RFC 4291 text, printed as dotted quads for IPv4(-mapped) addresses and in RFC 5952's short form
// otherwise (lower case, no leading zeros, the longest run of two or more zero groups written `::`).

/** How IPv4 parts with a leading zero read: refused (TO_IP's default), as decimal, or as octal (inet_aton's way). */
export type LeadingZeros = 'reject' | 'decimal' | 'octal';

function v4Parts(text: string, zeros: LeadingZeros): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) && !(zeros !== 'reject' && /^\d+$/.test(p))) return null;
    let n: number;
    if (p.length > 1 && p.startsWith('0')) {
      if (zeros === 'reject') return null;
      if (zeros === 'octal') {
        if (!/^[0-7]+$/.test(p)) return null;
        n = parseInt(p, 8);
      } else n = parseInt(p, 10);
    } else n = parseInt(p, 10);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** The 16 bytes of `text`, or null when it is not an IP address. */
export function parseIp(text: string, zeros: LeadingZeros = 'reject'): number[] | null {
  if (!text.includes(':')) {
    const v4 = v4Parts(text, zeros);
    return v4 && [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4];
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string, last: boolean): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const g = items[i];
      if (g.includes('.')) {
        // An embedded IPv4 address ends the text.
        if (!last || i !== items.length - 1) return null;
        const v4 = v4Parts(g, 'reject');
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1], true) : [];
  if (!head || !tail) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  return [...head, ...new Array(fill).fill(0), ...tail].flatMap((g) => [g >> 8, g & 0xff]);
}

function isV4Mapped(b: number[]): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** The text Elasticsearch prints for 16 address bytes. */
export function formatIp(b: number[]): string {
  if (isV4Mapped(b)) return b.slice(12).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** `text` in printed form, or null when it is not an address. */
export function canonicalIp(text: string, zeros: LeadingZeros = 'reject'): string | null {
  const b = parseIp(text, zeros);
  return b && formatIp(b);
}
