// A cheap lexical pass over a cell, before Ohm sees it: where its top-level statements end, whether it ends
// inside a string, comment, bracket or block, and whether a statement is too big for the parser.
//
// Ohm's cost and memory grow with the text it is given (a 1 MB cell took a minute and gigabytes whole), so
// parse.ts hands it one statement at a time. The scanner only has to be right about *where it is safe to cut*:
// after a `;` outside strings, comments, brackets and blocks (BEGIN/IF/LOOP/TRY/SWITCH/CASE/DEFINE INTENT/CREATE
// PACKAGE ... END). When it
// guesses wrong the cut statement fails to parse and parse.ts re-parses the rest of the cell whole, so a wrong
// guess costs time, never a different result.

/** Most operators in one statement (between two `;`): each nests the AST a level deeper, and Ohm takes ~0.1-0.3 ms
 * for each (a 100,000-term sum ran for minutes). */
export const MAX_OPERATORS = 1_000;
/** Most list items (commas) in one statement: Ohm takes ~0.1-0.3 ms for each. */
export const MAX_ITEMS = 5_000;
/** Longest string, name or comment: Ohm matches them a character at a time, at ~10-50 µs per character. */
export const MAX_TOKEN = 50_000;
/** Deepest bracket nesting: Ohm recurses ~13 rules per level and overflows the stack at ~75 levels. */
export const MAX_NESTING = 64;

export interface Chunk {
  /** First non-blank character. */
  readonly start: number;
  /** Just after the statement's `;` (or the end of the cell for the last one). */
  readonly end: number;
}

export interface CellScan {
  readonly chunks: Chunk[];
  /** The cell ends inside a string or a block comment. */
  readonly openLiteral: boolean;
  /** Brackets still open at the end. */
  readonly brackets: number;
  /** Blocks (BEGIN, IF, LOOP, ...) still open at the end, as far as the scanner can tell. */
  readonly blocks: number;
  /** The first place a statement exceeds what the parser can take. */
  readonly limit?: { offset: number; message: string };
}

const OPENERS = new Set(['BEGIN', 'IF', 'LOOP', 'TRY', 'SWITCH', 'CASE']);
// After END, these words close the block rather than open one (END IF, END LOOP, END PROCEDURE ...).
const END_WORDS = new Set(['IF', 'LOOP', 'TRY', 'SWITCH', 'PROCEDURE', 'FUNCTION', 'INTENT']);
// A CASE right after one of these starts an expression; elsewhere inside SWITCH it is a case label.
const EXPR_BEFORE = new Set(['PRINT', 'RETURN', 'THEN', 'ELSE', 'WHEN', 'DISPLAY', 'AND', 'OR', 'NOT', 'IN', 'LIKE',
  'BETWEEN', 'THROW', 'RAISE', 'INDEX', 'QUERY', 'IS', 'CALL']);
const WORD_OPERATORS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS']);

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

function isBlank(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff;
}

/** Where the string starting at `i` (a quote) ends (just after its closing quote), or -1 when it does not. */
function stringEnd(text: string, i: number): number {
  const q = text.charCodeAt(i);
  if (q === 34 && text.startsWith('"""', i)) {
    const close = text.indexOf('"""', i + 3);
    return close < 0 ? -1 : close + 3;
  }
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92) { j += 2; continue; } // backslash escape
    if (q === 34 && c === 36 && text.charCodeAt(j + 1) === 123) {
      // `${...}` runs to the first `}` and may hold quotes
      const close = text.indexOf('}', j + 2);
      if (close < 0) return -1;
      j = close + 1;
      continue;
    }
    if (c === q) {
      if (q === 39 && text.charCodeAt(j + 1) === 39) { j += 2; continue; } // '' inside '...'
      return j + 1;
    }
    j++;
  }
  return -1;
}

export function scanCell(text: string): CellScan {
  const chunks: Chunk[] = [];
  let limit: { offset: number; message: string } | undefined;
  // open brackets ('(' '[' '{') and blocks ('BEGIN' 'IF' ...), innermost last
  const stack: string[] = [];
  let brackets = 0;
  let chunkStart = -1;
  let prevWord = ''; // the previous token when it was a word, upper-case; '' after anything else
  let prevChar = 0; // the previous token when it was punctuation
  let operators = 0; // since the last `;`
  let items = 0; // commas since the last `;`
  let esqlDepth = -1; // inside an ES|QL query started at this stack depth: its words are not escript keywords
  let i = 0;
  const n = text.length;

  const note = (offset: number, message: string) => { if (!limit) limit = { offset, message }; };
  const term = (offset: number) => {
    if (++operators === MAX_OPERATORS + 1) {
      note(offset, `statement too large: more than ${MAX_OPERATORS.toLocaleString('en-US')} operators in one statement; split the expression (e.g. into variables)`);
    }
  };
  const item = (offset: number) => {
    if (++items === MAX_ITEMS + 1) {
      note(offset, `statement too large: more than ${MAX_ITEMS.toLocaleString('en-US')} list items in one statement; build the list in steps`);
    }
  };
  const token = (start: number, end: number) => {
    if (end - start > MAX_TOKEN) {
      note(start, `token too long: a string, name or comment of more than ${MAX_TOKEN.toLocaleString('en-US')} characters (${(end - start).toLocaleString('en-US')})`);
    }
  };
  const popTo = (kind: (s: string) => boolean) => {
    for (let k = stack.length - 1; k >= 0; k--) {
      if (kind(stack[k])) { stack.length = k; break; }
    }
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) { i++; continue; }
    if (c === 45 && text.charCodeAt(i + 1) === 45) { // -- comment
      const nl = text.indexOf('\n', i);
      token(i, nl < 0 ? n : nl);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) { // /* comment */
      const close = text.indexOf('*/', i + 2);
      if (close < 0 && chunkStart < 0) chunkStart = i; // Ohm fails there: the parser must see it
      if (close < 0) return { chunks: close0(chunks, chunkStart, n), openLiteral: true, brackets, blocks: stack.length - brackets, limit };
      token(i, close + 2);
      i = close + 2;
      continue;
    }
    if (chunkStart < 0) chunkStart = i;
    if (c === 39 || c === 34) {
      const end = stringEnd(text, i);
      if (end < 0) return { chunks: close0(chunks, chunkStart, n), openLiteral: true, brackets, blocks: stack.length - brackets, limit };
      token(i, end);
      i = end;
      prevWord = '';
      prevChar = 34;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdChar(text.charCodeAt(j))) j++;
      token(i, j);
      const word = j - i <= 9 ? text.slice(i, j).toUpperCase() : '';
      const afterDot = prevChar === 46 && prevWord === '';
      if (esqlDepth < 0 && !afterDot) {
        if (word === 'END') {
          // closes the innermost block; an END right inside a bracket closes nothing (the bracket resets it)
          const top = stack[stack.length - 1];
          if (top !== undefined && top !== '(' && top !== '[' && top !== '{') stack.pop();
        } else if (OPENERS.has(word) && !(prevWord === 'END' && END_WORDS.has(word))) {
          if (word === 'CASE' ? caseOpensBlock(stack, prevWord, prevChar) : word !== 'BEGIN' || beginOpensBlock(prevWord, prevChar)) {
            stack.push(word);
          }
        } else if (word === 'PACKAGE' && prevWord === 'CREATE') {
          // CREATE PACKAGE [BODY] ... END PACKAGE: its members' `;` are inside it
          stack.push(word);
        } else if (word === 'INTENT' && prevWord === 'DEFINE') {
          stack.push(word); // DEFINE INTENT ... END INTENT holds statements
        } else if (word === 'FROM' || (word === 'ROW' && (prevChar === 59 || i === chunkStart || prevWord === 'EXPLAIN'))) {
          esqlDepth = stack.length;
        }
        if (WORD_OPERATORS.has(word)) term(i);
      }
      prevWord = word || 'x';
      prevChar = 0;
      i = j;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) { // ( [ {
      stack.push(c === 40 ? '(' : c === 91 ? '[' : '{');
      if (++brackets === MAX_NESTING + 1) note(i, `nesting too deep: more than ${MAX_NESTING} levels of brackets`);
    } else if (c === 41 || c === 93 || c === 125) { // ) ] }
      if (brackets > 0) {
        popTo((s) => s === '(' || s === '[' || s === '{');
        brackets--;
      }
      if (esqlDepth > stack.length) esqlDepth = -1;
    } else if (c === 59) { // ;
      operators = 0;
      items = 0;
      if (esqlDepth >= stack.length) esqlDepth = -1;
      if (stack.length === 0) {
        chunks.push({ start: chunkStart, end: i + 1 });
        chunkStart = -1;
      }
    } else if (c === 44) {
      item(i);
    } else if (c === 43 || c === 45 || c === 42 || c === 47 || c === 37 || c === 60 || c === 62 || c === 61
      || c === 33 || c === 124 || c === 63) {
      // + - * / % < > = ! | ?  (two-character operators count twice: a bound, not a census)
      term(i);
    }
    prevWord = '';
    prevChar = c;
    i++;
  }
  return { chunks: close0(chunks, chunkStart, n), openLiteral: false, brackets, blocks: stack.length - brackets, limit };
}

/** The chunks, with the unterminated last statement (if any) running to the end of the cell. */
function close0(chunks: Chunk[], chunkStart: number, n: number): Chunk[] {
  if (chunkStart >= 0) chunks.push({ start: chunkStart, end: n });
  return chunks;
}

// BEGIN opens a routine body after its header: `)`, AS/IS, AUTHID's user or the RETURNS type. Elsewhere it can
// be a name (`VAR begin = 1;`).
const BEFORE_BEGIN = new Set(['AS', 'IS', 'DEFINER', 'CURRENT_USER', 'NUMBER', 'INTEGER', 'INT', 'FLOAT', 'DOUBLE', 'LONG',
  'STRING', 'BOOLEAN', 'DATE', 'DOCUMENT', 'ANY', 'ARRAY', 'MAP', 'x']);

function beginOpensBlock(prevWord: string, prevChar: number): boolean {
  return prevChar === 41 || BEFORE_BEGIN.has(prevWord);
}

/** Inside SWITCH, `CASE 1:` is a label (no END); a CASE where an expression is expected opens `CASE ... END`. */
function caseOpensBlock(stack: string[], prevWord: string, prevChar: number): boolean {
  if (stack[stack.length - 1] !== 'SWITCH') return true;
  if (prevWord) return EXPR_BEFORE.has(prevWord);
  // after punctuation: `;`, `)`, `]`, `}` or a string end a statement or an expression; the rest expect one
  return !(prevChar === 59 || prevChar === 41 || prevChar === 93 || prevChar === 125 || prevChar === 34);
}
