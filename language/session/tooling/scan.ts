// Where the cursor is in a cell, found by one pass of a small lexer over the text before it: inside a comment, a
// string, an ES|QL query (a query statement, a cursor, `FOR r IN (...)`, a typed binding, BULK COLLECT,
// EXECUTIONS WHERE, the string of ESQL_QUERY / EXECUTE IMMEDIATE), or elastic-script. ES|QL is raw text to the
// elastic-script grammar, so completion must know where a query starts to hand it to the ES|QL grammar.

export interface Token {
  kind: 'word' | 'number' | 'string' | 'punct';
  text: string;
  start: number;
  end: number;
  /** For strings: whether the closing quote was reached. */
  closed: boolean;
}

export type Place =
  | { kind: 'comment' }
  /** Inside an unterminated string; `before` are the tokens of its statement that precede it. */
  | { kind: 'string'; token: Token; before: Token[] }
  /** Inside ES|QL that starts at `start`; `header` is ES|QL to read before it (EXECUTIONS WHERE's source). */
  | { kind: 'esql'; start: number; header: string }
  | { kind: 'script'; statementStart: number };

const EXECUTIONS_HEADER = 'FROM .escript_executions | WHERE ';
const BLOCK_OPENERS = new Set(['BEGIN', 'THEN', 'ELSE', 'LOOP', 'TRY', 'FINALLY', 'CATCH']);
const BLOCK_CLOSED = new Set(['IF', 'LOOP', 'TRY', 'SWITCH', 'PROCEDURE', 'FUNCTION']);
const ESQL_SOURCES = new Set(['FROM', 'ROW', 'SHOW']);
const PUNCT = ['"""', '||', '::', '..', '=>', '?.', ':=', '==', '!=', '<=', '>=', '<>'];

/** Tokens of `code` before `end`; `inComment` when `end` falls inside a comment. */
export function lex(code: string, end: number): { tokens: Token[]; inComment: boolean } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < end) {
    const c = code[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if ((c === '-' && code[i + 1] === '-') || (c === '/' && code[i + 1] === '/')) {
      const nl = code.indexOf('\n', i);
      if (nl < 0 || nl >= end) return { tokens, inComment: true };
      i = nl + 1;
      continue;
    }
    if (c === '/' && code[i + 1] === '*') {
      const close = code.indexOf('*/', i + 2);
      if (close < 0 || close + 2 > end) return { tokens, inComment: true };
      i = close + 2;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'" || c === '`') {
      const quote = code.startsWith('"""', i) ? '"""' : c;
      i = closeString(code, i, quote, end);
      const closed = i <= end && code.startsWith(quote, i - quote.length) && i - start >= 2 * quote.length;
      tokens.push({ kind: 'string', text: code.slice(start, Math.min(i, end)), start, end: Math.min(i, end), closed });
      continue;
    }
    if (/[A-Za-z_@]/.test(c)) {
      while (i < end && /[A-Za-z0-9_@]/.test(code[i])) i++;
      tokens.push({ kind: 'word', text: code.slice(start, i), start, end: i, closed: true });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < end && /[0-9.]/.test(code[i]) && !code.startsWith('..', i)) i++;
      tokens.push({ kind: 'number', text: code.slice(start, i), start, end: i, closed: true });
      continue;
    }
    const p = PUNCT.find((q) => code.startsWith(q, i) && i + q.length <= end) ?? c;
    i += p.length;
    tokens.push({ kind: 'punct', text: p, start, end: i, closed: true });
  }
  return { tokens, inComment: false };
}

/** The offset just after the string that opens at `i` (or `end` when it does not close before it). */
function closeString(code: string, i: number, quote: string, end: number): number {
  let j = i + quote.length;
  while (j < end) {
    if (code.startsWith(quote, j)) {
      // '' inside a single-quoted string is an escaped quote
      if (quote === "'" && code[j + 1] === "'" && j + 1 < end) { j += 2; continue; }
      return j + quote.length;
    }
    if (code[j] === '\\' && quote !== '`') j += 2;
    else j++;
  }
  return end;
}

const upper = (t: Token | undefined) => (t && t.kind === 'word' ? t.text.toUpperCase() : '');

/** Where `cursor` is in `code`. */
export function locate(code: string, cursor: number): Place {
  const { tokens, inComment } = lex(code, cursor);
  if (inComment) return { kind: 'comment' };
  // statement starts (token indexes), and the open `FOR r IN (` parentheses that hold ES|QL
  let st = 0;
  const parens: { index: number; esql: boolean; statement: number }[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const w = upper(t);
    if (t.text === ';') st = k + 1;
    else if (w === 'END' && BLOCK_CLOSED.has(upper(tokens[k + 1]))) { st = k + 2; k++; }
    else if (BLOCK_OPENERS.has(w) && upper(tokens[k - 1]) !== 'END') st = k + 1;
    else if (t.text === ':' && ['CASE', 'DEFAULT'].includes(upper(tokens[st]))) st = k + 1;
    else if (t.text === '{' && tokens[k - 1]?.text === '=>') st = k + 1;
    else if (t.text === '(') {
      const forIn = k - st === 3 && upper(tokens[st]) === 'FOR' && upper(tokens[st + 2]) === 'IN';
      parens.push({ index: k, esql: forIn && ESQL_SOURCES.has(upper(tokens[k + 1])), statement: st });
    } else if (t.text === ')') parens.pop();
    // a query inside parentheses is ES|QL up to its closing parenthesis, whatever words it holds
    const query = parens.find((p) => p.esql);
    if (query) st = query.statement;
  }
  const last = tokens[tokens.length - 1];
  const stmt = tokens.slice(st);
  if (last && last.kind === 'string' && !last.closed && last.end === cursor) {
    return stringPlace(last, stmt.slice(0, -1));
  }
  const query = parens.find((p) => p.esql);
  if (query) return { kind: 'esql', start: tokens[query.index + 1].start, header: '' };
  const region = esqlRegion(stmt, cursor);
  // a keyword that ends at the cursor (`... CURSOR FOR|`) is still being typed: not yet the query after it
  if (region && !(region.start === cursor && last?.end === cursor)) return region;
  return { kind: 'script', statementStart: stmt[0]?.start ?? (last ? last.end : 0) };
}

/** A string the cursor is in: ES|QL when it is the text of ESQL_QUERY or EXECUTE IMMEDIATE (and has no escapes). */
function stringPlace(token: Token, before: Token[]): Place {
  const n = before.length;
  const callee = before[n - 1]?.text === '(' ? upper(before[n - 2]) : '';
  const immediate = upper(before[n - 2]) === 'EXECUTE' && upper(before[n - 1]) === 'IMMEDIATE';
  // escapes would shift offsets between the script's string and the query it holds: only plain text is read
  const quote = token.text[0];
  const body = token.text.slice(1);
  const plain = quote !== '`' && !token.text.startsWith('"""') && !body.includes('\\') && !body.includes(quote);
  if ((callee === 'ESQL_QUERY' || immediate) && plain) return { kind: 'esql', start: token.start + 1, header: '' };
  return { kind: 'string', token, before };
}

/** The ES|QL part of a statement that holds the cursor, if any. */
function esqlRegion(stmt: Token[], cursor: number): (Place & { kind: 'esql' }) | null {
  const w = (k: number) => upper(stmt[k]);
  const from = (k: number) => ({ kind: 'esql' as const, start: stmt[k]?.start ?? cursor, header: '' });
  // FROM ... / ROW x = ... as a statement, up to INTO or PROCESS
  if (w(0) === 'FROM' || (w(0) === 'ROW' && stmt[1]?.kind === 'word' && stmt[2]?.text === '=')) {
    const after = stmt.slice(1).some((t) => ['INTO', 'PROCESS'].includes(upper(t)));
    return after ? null : from(0);
  }
  if (w(0) === 'DECLARE' && stmt.length >= 4 && w(2) === 'CURSOR' && w(3) === 'FOR') return from(4);
  if (w(0) === 'DECLARE' && stmt[1]?.kind === 'word') {
    // DECLARE n NUMBER FROM ..., DECLARE a ARRAY OF DOCUMENT FROM ...
    let k = 2;
    while (k < stmt.length && stmt[k].kind === 'word' && w(k) !== 'FROM') k++;
    if (k > 2 && w(k) === 'FROM') return from(k);
  }
  if (w(0) === 'BULK' && w(1) === 'COLLECT' && w(2) === 'INTO' && w(4) === 'FROM') return from(4);
  if (w(0) === 'EXECUTIONS' && w(1) === 'WHERE') return { ...from(2), header: EXECUTIONS_HEADER };
  return null;
}
