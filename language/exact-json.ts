// JSON that keeps whole numbers beyond 2^53 exact: bigints are written as their digits (JSON.stringify throws
// on them), and big whole numbers in a text are read back as bigints (JSON.parse rounds them). Both take the
// built-in JSON path first and do the slower work only when a bigint or a long digit run is really there.
import { LONG_MAX, LONG_MIN, normalizeWhole } from './long-integers';
import { ULONG_MAX } from './esql/types';

/** JSON.stringify, with bigints written as plain digits. */
export function stringifyExact(v: unknown, indent?: number): string {
  try {
    return JSON.stringify(v, null, indent);
  } catch (e) {
    if (!(e instanceof TypeError) || !/BigInt/i.test(e.message)) throw e;
  }
  return write(v, indent ? ' '.repeat(indent) : '', '');
}

function write(v: unknown, step: string, pad: string): string {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const j = (v as { toJSON?: () => unknown }).toJSON;
  if (typeof j === 'function') return write(j.call(v), step, pad);
  const inner = pad + step;
  const nl = step ? `\n${inner}` : '';
  const end = step ? `\n${pad}` : '';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${nl}${v.map((x) => (x === undefined || typeof x === 'function' ? 'null' : write(x, step, inner))).join(`,${nl}`)}${end}]`;
  }
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v as object)) {
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    parts.push(`${JSON.stringify(k)}:${step ? ' ' : ''}${write(x, step, inner)}`);
  }
  return parts.length ? `{${nl}${parts.join(`,${nl}`)}${end}}` : '{}';
}

/** A whole number of 16 or more digits: may be past 2^53. */
const LONG_DIGITS = /\d{16}/;

export interface ParseOptions {
  /** Keep whole numbers past the long range, up to unsigned_long's 2^64-1, as bigints too (an ES|QL answer,
   * whose column types say what each is); by default they are doubles, as Elasticsearch maps such a number. */
  readonly unsignedLongs?: boolean;
}

/** JSON.parse, with whole numbers beyond 2^53 read as bigints (the rest as JSON.parse reads it). */
export function parseExact(text: string, options: ParseOptions = {}): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return new Reader(text, options.unsignedLongs ? ULONG_MAX : LONG_MAX).document();
}

class Reader {
  private i = 0;
  constructor(private readonly s: string, private readonly max: bigint) {}

  document(): unknown {
    const v = this.value();
    this.blank();
    if (this.i < this.s.length) this.fail();
    return v;
  }

  private fail(): never {
    // JSON.parse gives the standard message for the same text
    JSON.parse(this.s);
    throw new SyntaxError(`Unexpected token in JSON at position ${this.i}`);
  }

  private blank(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i])) this.i++;
  }

  private value(): unknown {
    this.blank();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail();
  }

  private object(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    this.i++;
    this.blank();
    if (this.s[this.i] === '}') { this.i++; return o; }
    for (;;) {
      this.blank();
      if (this.s[this.i] !== '"') this.fail();
      const k = this.string();
      this.blank();
      if (this.s[this.i++] !== ':') this.fail();
      const v = this.value();
      // defineProperty: a "__proto__" key is a plain key, as JSON.parse makes it
      Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      this.blank();
      const c = this.s[this.i++];
      if (c === '}') return o;
      if (c !== ',') this.fail();
    }
  }

  private array(): unknown[] {
    const a: unknown[] = [];
    this.i++;
    this.blank();
    if (this.s[this.i] === ']') { this.i++; return a; }
    for (;;) {
      a.push(this.value());
      this.blank();
      const c = this.s[this.i++];
      if (c === ']') return a;
      if (c !== ',') this.fail();
    }
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') this.i += this.s[this.i] === '\\' ? 2 : 1;
    if (this.i >= this.s.length) this.fail();
    this.i++;
    return JSON.parse(this.s.slice(start, this.i)) as string;
  }

  private number(): number | bigint {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) return this.fail();
    this.i += m[0].length;
    if (m[2] === undefined && m[3] === undefined && m[0].length > 15) {
      const b = BigInt(m[0]);
      // past the range a number is a double, as Elasticsearch maps it
      if (b >= LONG_MIN && b <= this.max) return normalizeWhole(b);
    }
    return Number(m[0]);
  }
}
