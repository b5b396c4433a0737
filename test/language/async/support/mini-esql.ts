// The ES|QL subset the memory store understands: FROM idx | WHERE cond | SORT f [ASC|DESC], ... |
// KEEP f, ... | LIMIT n, with ==, !=, <, <=, >, >=, AND, OR, NOT, IS [NOT] NULL, strings, numbers, `?`
// parameters and TO_DATETIME. Anything else throws, so a test never passes on a query it did not run.

import type { EsqlParams, EsqlResult, Source } from '../../../../language/store/store';

type Token = { kind: 'word' | 'string' | 'number' | 'op' | 'param'; text: string };
type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'field'; path: string }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'isNull'; operand: Expr; negated: boolean };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:("(?:[^"\\]|\\.)*")|(\d+(?:\.\d+)?)|(==|!=|<=|>=|<|>|\(|\)|,|\|)|(\?)|(`[^`]+`|[A-Za-z_.@][A-Za-z0-9_.@-]*))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new Error(`mini-esql: cannot read "${text.slice(pos, pos + 20)}"`);
    pos = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'string', text: JSON.parse(m[1]) });
    else if (m[2]) tokens.push({ kind: 'number', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'op', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'param', text: '?' });
    else tokens.push({ kind: 'word', text: m[5].replace(/`/g, '') });
  }
  return tokens;
}

class Parser {
  private pos = 0;
  private paramIndex = 0;
  constructor(private readonly tokens: Token[], private readonly params: EsqlParams) {}

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new Error('mini-esql: unexpected end of query');
    return t;
  }
  isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text.toUpperCase() === word;
  }
  isOp(op: string): boolean {
    const t = this.peek();
    return t?.kind === 'op' && t.text === op;
  }
  expectOp(op: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.text !== op) throw new Error(`mini-esql: expected ${op}, got ${t.text}`);
  }
  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  expr(): Expr {
    let left = this.and();
    while (this.isWord('OR')) {
      this.next();
      left = { kind: 'binary', op: 'OR', left, right: this.and() };
    }
    return left;
  }
  and(): Expr {
    let left = this.not();
    while (this.isWord('AND')) {
      this.next();
      left = { kind: 'binary', op: 'AND', left, right: this.not() };
    }
    return left;
  }
  not(): Expr {
    if (this.isWord('NOT')) {
      this.next();
      return { kind: 'not', operand: this.not() };
    }
    return this.comparison();
  }
  comparison(): Expr {
    const left = this.primary();
    if (this.isWord('IS')) {
      this.next();
      const negated = this.isWord('NOT');
      if (negated) this.next();
      if (!this.isWord('NULL')) throw new Error('mini-esql: expected NULL');
      this.next();
      return { kind: 'isNull', operand: left, negated };
    }
    const t = this.peek();
    if (t?.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      return { kind: 'binary', op: t.text, left, right: this.primary() };
    }
    return left;
  }
  primary(): Expr {
    const t = this.next();
    if (t.kind === 'op' && t.text === '(') {
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.kind === 'string') return { kind: 'literal', value: t.text };
    if (t.kind === 'number') return { kind: 'literal', value: Number(t.text) };
    if (t.kind === 'param') return { kind: 'literal', value: this.params[this.paramIndex++] };
    if (t.kind === 'word') {
      const upper = t.text.toUpperCase();
      if (upper === 'NULL') return { kind: 'literal', value: null };
      if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'literal', value: upper === 'TRUE' };
      if (this.isOp('(')) {
        this.next();
        const args: Expr[] = [];
        if (!this.isOp(')')) {
          args.push(this.expr());
          while (this.isOp(',')) {
            this.next();
            args.push(this.expr());
          }
        }
        this.expectOp(')');
        return { kind: 'call', name: upper, args };
      }
      return { kind: 'field', path: t.text };
    }
    throw new Error(`mini-esql: unexpected ${t.text}`);
  }
}

export function fieldOf(doc: Source, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined ? null : value;
}

function evaluate(e: Expr, doc: Source): unknown {
  switch (e.kind) {
    case 'literal':
      return e.value;
    case 'field':
      return fieldOf(doc, e.path);
    case 'call': {
      if (e.name !== 'TO_DATETIME' || e.args.length !== 1) throw new Error(`mini-esql: unknown function ${e.name}`);
      const v = evaluate(e.args[0], doc);
      return v === null ? null : new Date(String(v)).toISOString();
    }
    case 'not': {
      const v = evaluate(e.operand, doc);
      return v === null ? null : !v;
    }
    case 'isNull': {
      const isNull = evaluate(e.operand, doc) === null;
      return e.negated ? !isNull : isNull;
    }
    case 'binary': {
      const l = evaluate(e.left, doc);
      if (e.op === 'AND') return l === false ? false : Boolean(l) && Boolean(evaluate(e.right, doc));
      if (e.op === 'OR') return Boolean(l) || Boolean(evaluate(e.right, doc));
      const r = evaluate(e.right, doc);
      if (l === null || r === null) return null;
      const a = l as number | string;
      const b = r as number | string;
      switch (e.op) {
        case '==':
          return a === b;
        case '!=':
          return a !== b;
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        default:
          return a >= b;
      }
    }
  }
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return 1; // nulls last
  if (b === null) return -1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

export function runEsql(query: string, params: EsqlParams, rowsOf: (index: string) => Source[]): EsqlResult {
  const p = new Parser(tokenize(query), params);
  if (!p.isWord('FROM')) throw new Error('mini-esql: a query starts with FROM');
  p.next();
  let rows = rowsOf(p.next().text);
  let keep: string[] | null = null;
  while (!p.atEnd()) {
    p.expectOp('|');
    const command = p.next().text.toUpperCase();
    if (command === 'WHERE') {
      const cond = p.expr();
      rows = rows.filter((doc) => evaluate(cond, doc) === true);
    } else if (command === 'SORT') {
      const keys: { path: string; desc: boolean }[] = [];
      do {
        if (p.isOp(',')) p.next();
        const path = p.next().text;
        let desc = false;
        if (p.isWord('DESC') || p.isWord('ASC')) desc = p.next().text.toUpperCase() === 'DESC';
        keys.push({ path, desc });
      } while (p.isOp(','));
      rows = [...rows].sort((x, y) => {
        for (const k of keys) {
          const c = compare(fieldOf(x, k.path), fieldOf(y, k.path));
          if (c !== 0) return k.desc ? -c : c;
        }
        return 0;
      });
    } else if (command === 'KEEP') {
      keep = [p.next().text];
      while (p.isOp(',')) {
        p.next();
        keep.push(p.next().text);
      }
    } else if (command === 'LIMIT') {
      rows = rows.slice(0, Number(p.next().text));
    } else {
      throw new Error(`mini-esql: unsupported command ${command}`);
    }
  }
  if (!keep) throw new Error('mini-esql: end the query with KEEP (the memory store lists no implicit columns)');
  const columns = keep;
  return {
    columns: columns.map((name) => ({ name, type: 'keyword' })),
    values: rows.map((doc) => columns.map((c) => fieldOf(doc, c))),
    warnings: [],
  };
}
