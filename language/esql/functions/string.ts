// String functions, hashing and base64.
import type { DataType } from '../types';
import { EsqlError, EvalFailure } from '../errors';
import { createHash } from 'crypto';
import { codePointLength, codePoints, conversionEvaluator, fromList, javaRegex, noText, scalar, stringArgs } from './common';
import type { FunctionRegistry } from '../registry';

/** Elasticsearch's ceiling on a string REPEAT, SPACE or CONCAT builds: 1 MB of UTF-8. */
const MAX_RESULT_BYTES = 1_048_576;

// Java's Character.isWhitespace: Unicode space separators except the no-break ones, and the ASCII controls
// \t \n \v \f \r and \u001C-\u001F.
const JAVA_SPACE = '[\\t\\n\\u000B\\f\\r\\u001C-\\u001F \\u1680\\u2000-\\u2006\\u2008-\\u200A\\u2028\\u2029\\u205F\\u3000]';
const JAVA_LEADING_SPACE = new RegExp(`^${JAVA_SPACE}+`);
const JAVA_TRAILING_SPACE = new RegExp(`${JAVA_SPACE}+$`);

/** 1-based string positions as ES|QL reads them: 0 is 1, negative counts from the end; a 0-based index within the string. */
function startIndex(length: number, start: number): number {
  const i = start > 0 ? start - 1 : start < 0 ? length + start : 0;
  return Math.min(Math.max(0, i), length);
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

function reverseGraphemes(s: string): string {
  return Array.from(graphemes.segment(s), (g) => g.segment).reverse().join('');
}

export function defineStringFunctions(r: FunctionRegistry): void {
  const str1 = (name: string, doc: string, result: DataType | 'same', f: (s: string) => unknown): void => {
    r.define(scalar({
      name, category: 'string', args: 1, doc, signature: `${name.toUpperCase()}(string) -> ${result === 'same' ? 'keyword' : result}`,
      resolve: (t, a) => stringArgs(`${name.toUpperCase()}(${a[0].text})`, a, [0]) ?? (result === 'same' ? noText(t[0] === 'null' ? 'keyword' : t[0]) : result),
      impl: ([s]) => f(String(s)),
    }));
  };
  str1('length', 'Number of characters.', 'integer', codePointLength);
  str1('byte_length', 'Number of UTF-8 bytes.', 'integer', (s) => Buffer.byteLength(s, 'utf8'));
  str1('bit_length', 'Number of bits of the UTF-8 bytes.', 'integer', (s) => Buffer.byteLength(s, 'utf8') * 8);
  str1('trim', 'Removes leading and trailing whitespace.', 'same', (s) => s.replace(JAVA_LEADING_SPACE, '').replace(JAVA_TRAILING_SPACE, ''));
  str1('ltrim', 'Removes leading whitespace.', 'same', (s) => s.replace(JAVA_LEADING_SPACE, ''));
  str1('rtrim', 'Removes trailing whitespace.', 'same', (s) => s.replace(JAVA_TRAILING_SPACE, ''));
  // Case changes apply to each value of a multivalue (Elasticsearch 9.1 on), not null with a warning.
  for (const [name, doc, f] of [['to_upper', 'Upper case (each value of a multivalue).', (s: string) => s.toUpperCase()],
    ['to_lower', 'Lower case (each value of a multivalue).', (s: string) => s.toLowerCase()]] as const) {
    r.define(scalar({
      name, category: 'string', args: 1, doc, signature: `${name.toUpperCase()}(string) -> keyword`,
      resolve: (t, a) => stringArgs(`${name.toUpperCase()}(${a[0].text})`, a, [0]) ?? noText(t[0] === 'null' ? 'keyword' : t[0]),
      build: (args, ctx) => conversionEvaluator(args[0], ctx, (v) => f(String(v))),
    }));
  }
  str1('reverse', 'The characters in reverse order (grapheme clusters such as emoji sequences kept whole).', 'same', reverseGraphemes);
  r.define(scalar({
    name: 'concat', category: 'string', args: [2, 255], signature: 'CONCAT(string1, string2, ...) -> keyword',
    doc: 'Joins the strings; null if any is null.',
    resolve: (_t, a) => stringArgs(`CONCAT(${a.map((x) => x.text).join(', ')})`, a, a.map((_x, i) => i)) ?? 'keyword',
    impl: (v) => {
      // Elasticsearch refuses the whole query past 1 MB, before building the value
      let bytes = 0;
      for (const x of v) bytes += Buffer.byteLength(String(x), 'utf8');
      if (bytes > MAX_RESULT_BYTES) throw new EsqlError(`concatenating more than [${MAX_RESULT_BYTES}] bytes is not supported`, 'illegal_argument_exception');
      return v.join('');
    },
  }));
  r.define(scalar({
    name: 'substring', category: 'string', args: [2, 3], signature: 'SUBSTRING(string, start [, length]) -> keyword',
    doc: 'Part of a string from 1-based start (negative counts from the end), of the given length.',
    resolve: (_t, a) => stringArgs(`SUBSTRING(${a.map((x) => x.text).join(', ')})`, a, [0]) ?? 'keyword',
    impl: ([s, start, len]) => {
      if (len !== undefined && Number(len) < 0) {
        throw new EvalFailure('java.lang.IllegalArgumentException', `Length parameter cannot be negative, found [${len}]`);
      }
      const cps = codePoints(String(s));
      const from = startIndex(cps.length, Number(start));
      const to = len === undefined ? cps.length : Math.min(cps.length, from + Number(len));
      return cps.slice(from, to).join('');
    },
  }));
  r.define(scalar({
    name: 'left', category: 'string', args: 2, signature: 'LEFT(string, length) -> keyword', doc: 'The first length characters.',
    resolve: (_t, a) => stringArgs(`LEFT(${a[0].text}, ${a[1].text})`, a, [0]) ?? 'keyword',
    impl: ([s, n]) => codePoints(String(s)).slice(0, Math.max(0, Number(n))).join(''),
  }));
  r.define(scalar({
    name: 'right', category: 'string', args: 2, signature: 'RIGHT(string, length) -> keyword', doc: 'The last length characters.',
    resolve: (_t, a) => stringArgs(`RIGHT(${a[0].text}, ${a[1].text})`, a, [0]) ?? 'keyword',
    impl: ([s, n]) => {
      const cps = codePoints(String(s));
      const k = Math.max(0, Number(n));
      return k === 0 ? '' : cps.slice(Math.max(0, cps.length - k)).join('');
    },
  }));
  for (const [name, f] of [['starts_with', (s: string, p: string) => s.startsWith(p)], ['ends_with', (s: string, p: string) => s.endsWith(p)]] as const) {
    r.define(scalar({
      name, category: 'string', args: 2, signature: `${name.toUpperCase()}(string, prefix) -> boolean`,
      doc: `Whether the string ${name === 'starts_with' ? 'starts' : 'ends'} with the other.`,
      resolve: (_t, a) => stringArgs(`${name.toUpperCase()}(${a[0].text}, ${a[1].text})`, a, [0, 1]) ?? 'boolean',
      impl: ([s, p]) => f(String(s), String(p)),
    }));
  }
  r.define(scalar({
    name: 'locate', category: 'string', args: [2, 3], signature: 'LOCATE(string, substring [, start]) -> integer',
    doc: '1-based position of substring in string (0 when absent).',
    resolve: (_t, a) => stringArgs(`LOCATE(${a.map((x) => x.text).join(', ')})`, a, [0, 1]) ?? 'integer',
    impl: ([s, sub, start]) => {
      const str = String(s);
      const needle = String(sub);
      if (Buffer.byteLength(str) < Buffer.byteLength(needle)) return 0;
      const cps = codePoints(str);
      const from = cps.slice(0, startIndex(cps.length, start === undefined ? 0 : Number(start))).join('').length;
      const idx = str.indexOf(needle, from);
      return idx < 0 ? 0 : codePointLength(str.slice(0, idx)) + 1;
    },
  }));
  r.define(scalar({
    name: 'replace', category: 'string', args: 3, signature: 'REPLACE(string, regex, replacement) -> keyword',
    doc: 'Replaces every match of the regular expression.',
    resolve: (_t, a) => stringArgs(`REPLACE(${a.map((x) => x.text).join(', ')})`, a, [0, 1, 2]) ?? 'keyword',
    impl: ([s, re, rep]) => String(s).replace(javaRegex(String(re)), javaReplacement(String(rep))),
  }));
  r.define(scalar({
    name: 'split', category: 'string', args: 2, signature: 'SPLIT(string, delimiter) -> keyword (multivalued)',
    doc: 'Splits a string into a multivalue.',
    resolve: (_t, a) => stringArgs(`SPLIT(${a[0].text}, ${a[1].text})`, a, [0, 1]) ?? 'keyword',
    impl: ([s, d]) => fromList(String(s).split(String(d))),
  }));
  r.define(scalar({
    name: 'repeat', category: 'string', args: 2, signature: 'REPEAT(string, number) -> keyword', doc: 'The string repeated.',
    resolve: (_t, a) => stringArgs(`REPEAT(${a[0].text}, ${a[1].text})`, a, [0]) ?? 'keyword',
    impl: ([s, n]) => {
      if (Number(n) < 0) throw new EvalFailure('java.lang.IllegalArgumentException', `Number parameter cannot be negative, found [${n}]`);
      // as in Elasticsearch: over 1 MB is a warning and null, checked before the string is built
      if (Buffer.byteLength(String(s), 'utf8') * Number(n) > MAX_RESULT_BYTES) {
        throw new EvalFailure('java.lang.IllegalArgumentException', `Creating repeated strings with more than [${MAX_RESULT_BYTES}] bytes is not supported`);
      }
      return String(s).repeat(Number(n));
    },
  }));
  r.define(scalar({
    name: 'space', category: 'string', args: 1, signature: 'SPACE(number) -> keyword', doc: 'A string of spaces.',
    resolve: () => 'keyword',
    impl: ([n]) => {
      if (Number(n) < 0) throw new EvalFailure('java.lang.IllegalArgumentException', `Number parameter cannot be negative, found [${n}]`);
      if (Number(n) > MAX_RESULT_BYTES) throw new EvalFailure('java.lang.IllegalArgumentException', `Creating strings longer than [${MAX_RESULT_BYTES}] bytes is not supported`);
      return ' '.repeat(Number(n));
    },
  }));

  const hash = (name: string, algorithm: string, doc: string): void => {
    r.define(scalar({
      name, category: 'string', args: 1, signature: `${name.toUpperCase()}(input) -> keyword`, doc,
      resolve: (_t, a) => stringArgs(`${name.toUpperCase()}(${a[0].text})`, a, [0]) ?? 'keyword',
      impl: ([v]) => createHash(algorithm).update(String(v), 'utf8').digest('hex'),
    }));
  };
  hash('md5', 'md5', 'The MD5 hash of the input, in hexadecimal.');
  hash('sha1', 'sha1', 'The SHA-1 hash of the input, in hexadecimal.');
  hash('sha256', 'sha256', 'The SHA-256 hash of the input, in hexadecimal.');
  r.define(scalar({
    name: 'hash', category: 'string', args: 2, signature: 'HASH(algorithm, input) -> keyword',
    doc: 'The hash of the input with the named algorithm (MD5, SHA-1, SHA-256, ...), in hexadecimal.',
    resolve: (_t, a) => stringArgs(`HASH(${a[0].text}, ${a[1].text})`, a, [0, 1]) ?? 'keyword',
    impl: ([alg, v]) => {
      const name = String(alg).toLowerCase().replace(/-/g, '');
      try {
        return createHash(name).update(String(v), 'utf8').digest('hex');
      } catch {
        throw new EvalFailure('java.security.NoSuchAlgorithmException', `${alg} MessageDigest not available`);
      }
    },
  }));
  r.define(scalar({
    name: 'to_base64', category: 'string', args: 1, signature: 'TO_BASE64(string) -> keyword', doc: 'Base64 encoding of the UTF-8 bytes.',
    resolve: (_t, a) => stringArgs(`TO_BASE64(${a[0].text})`, a, [0]) ?? 'keyword',
    impl: ([v]) => Buffer.from(String(v), 'utf8').toString('base64'),
  }));
  r.define(scalar({
    name: 'from_base64', category: 'string', args: 1, signature: 'FROM_BASE64(string) -> keyword', doc: 'Decodes a base64 string.',
    resolve: (_t, a) => stringArgs(`FROM_BASE64(${a[0].text})`, a, [0]) ?? 'keyword',
    impl: ([v]) => Buffer.from(String(v), 'base64').toString('utf8'),
  }));
  r.define(scalar({
    name: 'contains', category: 'string', args: 2, signature: 'CONTAINS(string, substring) -> boolean',
    doc: 'Whether the substring occurs in the string.',
    resolve: (_t, a) => stringArgs(`CONTAINS(${a[0].text}, ${a[1].text})`, a, [0, 1]) ?? 'boolean',
    impl: ([s, sub]) => String(s).includes(String(sub)),
  }));
  str1('url_encode', 'Percent-encodes every byte but letters, digits, `.`, `-`, `_` and `~`; a space becomes `+`.', 'keyword',
    (s) => percentEncode(s, '+'));
  str1('url_encode_component', 'Percent-encodes every byte but letters, digits, `.`, `-`, `_` and `~`; a space becomes `%20`.', 'keyword',
    (s) => percentEncode(s, '%20'));
  str1('url_decode', 'Decodes percent-encoding (and `+` as a space); null with a warning when the text cannot be decoded.', 'keyword', urlDecode);
}

const UNRESERVED = /[A-Za-z0-9._~-]/;

function percentEncode(s: string, space: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === ' ') out += space;
    else if (UNRESERVED.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** java.net.URLDecoder: `+` is a space, runs of `%xy` are UTF-8 bytes; its errors otherwise. */
function urlDecode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length;) {
    const c = s[i];
    if (c === '+') { out += ' '; i++; continue; }
    if (c !== '%') { out += c; i++; continue; }
    const bytes: number[] = [];
    while (i + 2 < s.length && s[i] === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new EvalFailure('java.lang.IllegalArgumentException', `URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 0 in: "${hex}"`);
      }
      bytes.push(parseInt(hex, 16));
      i += 3;
    }
    if (i < s.length && s[i] === '%') throw new EvalFailure('java.lang.IllegalArgumentException', 'URLDecoder: Incomplete trailing escape (%) pattern');
    out += Buffer.from(bytes).toString('utf8');
  }
  return out;
}

/** A java.util.regex replacement (`$1`, `${name}`, a backslash before a literal character) as a JavaScript one. */
export function javaReplacement(rep: string): string {
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i];
    if (c === '\\' && i + 1 < rep.length) {
      const next = rep[++i];
      out += next === '$' ? '$$' : next;
    } else if (c === '$') {
      const named = /^\{([A-Za-z][A-Za-z0-9]*)\}/.exec(rep.slice(i + 1));
      const group = /^\d+/.exec(rep.slice(i + 1));
      if (named) { out += `$<${named[1]}>`; i += named[0].length; }
      else if (group) { out += `$${group[0]}`; i += group[0].length; }
      else throw new EvalFailure('java.lang.IllegalArgumentException', 'Illegal group reference');
    } else out += c;
  }
  return out;
}
