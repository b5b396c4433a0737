// The shape of a statement: its text with names, numbers and plain strings abstracted. Statements of one shape
// parse alike (the grammar never looks inside a plain string, at a number's digits, or at which non-keyword name
// is written), so Ohm parses one *canonical* statement per shape, where each abstracted token is a unique
// sentinel, and every statement of that shape gets a copy of that AST with its own names, values and spans.
//
// Only what is provably inert is abstracted; everything else stays verbatim in the key:
// - names: ASCII identifiers that are no keyword and do not even start with a word the grammar matches
//   case-insensitively without a word boundary (`CALL p() andx` differs from `CALL p() x`);
// - numbers: `123` or `1.5`, not next to a letter, digit or `.digit` (those change how the grammar cuts them);
// - strings: quoted text without escapes, doubled quotes or `${`.
// Whitespace and comments stay verbatim (a span may end wherever Ohm skipped them). A statement with a comment
// holding a quote (ES|QL text in brackets reads comments as text), a triple quote or a sentinel-like text is
// not shaped at all.
import { grammarText } from './load';
import { GRAMMAR_FILE } from './grammar';

/** An abstracted token: where it is in the statement and in the canonical text. */
export interface Hole {
  readonly kind: 'name' | 'int' | 'dec' | 'string';
  /** Offsets in the statement. */
  readonly start: number;
  readonly end: number;
  /** Offsets in the canonical text. */
  readonly canonStart: number;
  readonly canonEnd: number;
  /** The sentinel written in the canonical text. */
  readonly sentinel: string;
}

export interface Shape {
  /** The statement with each hole replaced by its kind: equal keys, equal parses. */
  readonly key: string;
  /** The statement with each hole replaced by its sentinel: what Ohm parses once per key. */
  readonly canonical: string;
  readonly holes: Hole[];
}

/** Sentinels are built from these; a statement that already holds one is not shaped. */
const NAME_MARK = 'Zq7';
const NUMBER_BASE = 975310000;
export const SENTINEL_TEXT = /zq7|97531\d{4}|\u0001/i;
const MAX_HOLES = 9_999;

let words: { exact: Set<string>; startsWithPrefix: RegExp } | undefined;

/** The grammar's words: `kw<"X">` (whole-word keywords) and `caseInsensitive<"X">` (some without a boundary). */
function grammarWords(): { exact: Set<string>; startsWithPrefix: RegExp } {
  if (!words) {
    const text = grammarText(GRAMMAR_FILE);
    const exact = new Set<string>();
    const prefixes = new Set<string>();
    for (const m of text.matchAll(/kw<"([A-Za-z_]+)">/g)) exact.add(m[1].toUpperCase());
    for (const m of text.matchAll(/caseInsensitive<"([A-Za-z_]+)">/g)) prefixes.add(m[1].toUpperCase());
    // one test for all the prefixes (~80), not a startsWith of each per name
    const startsWithPrefix = new RegExp(`^(?:${[...prefixes].join('|')})`);
    words = { exact, startsWithPrefix };
  }
  return words;
}

function nameIsInert(word: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) return false;
  const w = grammarWords();
  const up = word.toUpperCase();
  if (w.exact.has(up)) return false;
  return !w.startsWithPrefix.test(up);
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;
const isWordChar = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  if (k < 128) return (k >= 48 && k <= 57) || (k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95;
  return WORD_CHAR.test(c);
};
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** The shape of `text`, or undefined when it is not safe to shape (then Ohm parses it as it is). */
export function shapeOf(text: string): Shape | undefined {
  // astral characters (surrogate pairs) are left to Ohm: the lexer reads UTF-16 units
  if (SENTINEL_TEXT.test(text) || text.includes('"""') || /[\uD800-\uDFFF]/.test(text)) return undefined;
  const holes: Hole[] = [];
  let key = '';
  let canonical = '';
  let copied = 0; // text[copied, i) is still to be copied verbatim
  const hole = (kind: Hole['kind'], start: number, end: number, sentinel: string, mark: string): void => {
    const verbatim = text.slice(copied, start);
    key += verbatim + mark;
    canonical += verbatim;
    const canonStart = canonical.length;
    canonical += sentinel;
    holes.push({ kind, start, end, canonStart, canonEnd: canonical.length, sentinel });
    copied = end;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c.charCodeAt(0) <= 32) { i++; continue; }
    if (c === '-' && text[i + 1] === '-') {
      let j = text.indexOf('\n', i);
      if (j < 0) j = n;
      if (/['"]/.test(text.slice(i, j))) return undefined;
      i = j;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const j = text.indexOf('*/', i + 2);
      if (j < 0 || /['"]/.test(text.slice(i, j))) return undefined;
      i = j + 2;
      continue;
    }
    if (c === "'" || c === '"') {
      // where the grammar's string ends: backslash escapes and '' inside '...'
      let j = i + 1;
      let plain = true;
      while (j < n && text[j] !== c) {
        if (text[j] === '\\') { plain = false; j += 2; continue; }
        // `${...}` may hold quotes, and ES|QL text reads it differently: not shaped
        if (c === '"' && text.startsWith('${', j)) return undefined;
        j++;
        if (c === "'" && text[j] === "'" && text[j + 1] === "'") { plain = false; j += 2; }
      }
      if (j >= n) return undefined; // unterminated: let Ohm report it
      if (c === "'" && text[i + 1] === "'" && text[i + 2] === "'") return undefined; // starts with '' : leave to Ohm
      if (plain && holes.length < MAX_HOLES) hole('string', i, j + 1, `${c}${NAME_MARK}s${holes.length}${c}`, `\u0001s${c}`);
      i = j + 1;
      continue;
    }
    // `1..5` is a range: the second dot is no fraction's
    const range = text[i - 1] === '.' && text[i - 2] !== '.';
    if (isDigit(c) || (c === '.' && !range && isDigit(text[i + 1]))) {
      // the grammar's number (with its exponent), then whatever word characters stick to it
      let j = i + /^(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))![0].length;
      while (j < n && (isWordChar(text[j]) || (text[j] === '.' && isDigit(text[j + 1])))) j++;
      const tok = text.slice(i, j);
      const kind = /^\d+$/.test(tok) ? 'int' : /^\d+\.\d+$/.test(tok) ? 'dec' : undefined;
      const before = text[i - 1];
      const afterRange = before === '.' && text[i - 2] === '.' && text[i - 3] !== '.';
      if (kind && !isWordChar(before) && (before !== '.' || afterRange) && holes.length < MAX_HOLES) {
        const value = NUMBER_BASE + holes.length;
        hole(kind, i, j, kind === 'int' ? String(value) : `${value}.25`, `\u0001${kind === 'int' ? 'n' : 'd'}`);
      }
      i = j;
      continue;
    }
    if (isWordChar(c)) {
      let j = i;
      while (j < n && isWordChar(text[j])) j++;
      const word = text.slice(i, j);
      if (nameIsInert(word) && holes.length < MAX_HOLES) hole('name', i, j, `${NAME_MARK}i${holes.length}`, '\u0001i');
      i = j;
      continue;
    }
    i++;
  }
  if (holes.length === 0) return undefined; // nothing to share: the exact-text cache covers it
  const rest = text.slice(copied);
  return { key: key + rest, canonical: canonical + rest, holes };
}
