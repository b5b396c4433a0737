// QSTR(query): Lucene's query string syntax, recognised by language/grammar/qstr.ohm; the semantics below build
// the query tree of text-query.ts. Clauses side by side are alternatives (the default operator is OR) unless
// marked `+` (required) or `-` / `NOT` (excluded); `AND` and `OR` join clauses explicitly; `field:(...)` applies a
// field to a group; `_exists_:f` and `f:*` mean the field has a value; `*` alone matches every row.
import type * as ohm from 'ohm-js';
import { Expr } from './ast';
import { Column, ExprCompiler } from './compile';
import { Compiled } from './registry';
import { QueryValue, RangeBound, TextQuery, compileTextQuery, queryParser } from './text-query';

export const QSTR_GRAMMAR_FILE = 'qstr.ohm';

type Occur = 'must' | 'should' | 'mustNot';

function fold(kind: 'and' | 'or', parts: TextQuery[]): TextQuery {
  return parts.reduce((left, right) => ({ kind, left, right }));
}

function defineQstr(semantics: ohm.Semantics): void {
  // `query(field)`: the query tree; `field` is the field of an enclosing `field:(...)` group (null outside one).
  semantics.addOperation('query(field)', {
    Query(q) { return q.children.length ? q.children[0].query(null) : { kind: 'all' }; },
    Clauses(list) {
      const byOccur: Record<Occur, TextQuery[]> = { must: [], should: [], mustNot: [] };
      for (const c of list.children) {
        const { occur, query } = c.clause(this.args.field) as { occur: Occur; query: TextQuery };
        byOccur[occur].push(query);
      }
      if (byOccur.must.length === 0 && byOccur.mustNot.length === 0 && byOccur.should.length === 1) return byOccur.should[0];
      return { kind: 'bool', ...byOccur };
    },
    Disjunction(first, _ors, rest) { return fold('or', [first, ...rest.children].map((c) => c.query(this.args.field))); },
    Conjunction(first, _ands, rest) { return fold('and', [first, ...rest.children].map((c) => c.query(this.args.field))); },
    Modified_must(_plus, u) { return u.query(this.args.field); },
    Modified_mustNot(_minus, u) { return { kind: 'not', arg: u.query(this.args.field) }; },
    Unary_not(_not, u) { return { kind: 'not', arg: u.query(this.args.field) }; },
    Primary_paren(_o, c, _c, _boost) { return c.query(this.args.field); },
    Primary_fieldGroup(f, _colon, _o, c, _c, _boost) { return c.query(f.sourceString); },
    Primary_field(f, _colon, t) { return t.term(f.sourceString); },
    Primary_bare(t) { return t.term(this.args.field); },
  });
  // `clause(field)`: the role of one of several side-by-side clauses.
  semantics.addOperation('clause(field)', {
    Disjunction(first, _ors, rest) {
      return rest.children.length ? { occur: 'should', query: this.query(this.args.field) } : first.clause(this.args.field);
    },
    Conjunction(first, _ands, rest) {
      return rest.children.length ? { occur: 'must', query: this.query(this.args.field) } : first.clause(this.args.field);
    },
    Modified_must(_plus, u) { return { occur: 'must', query: u.query(this.args.field) }; },
    Modified_mustNot(_minus, u) { return { occur: 'mustNot', query: u.query(this.args.field) }; },
    Unary_not(_not, u) { return { occur: 'mustNot', query: u.query(this.args.field) }; },
    Primary(_p) { return { occur: 'should', query: this.query(this.args.field) }; },
  });
  semantics.addOperation('term(field)', {
    Term_range(r, _boost) { return { kind: 'range', field: this.args.field, ...r.bounds() }; },
    Term_comparison(c) { return { kind: 'range', field: this.args.field, ...c.bounds() }; },
    Term_value(v, _boost) {
      const value = v.value() as QueryValue;
      const field = this.args.field as string | null;
      if (field === '_exists_') return { kind: 'exists', field: value.text };
      if (!value.quoted && value.text === '*') return field === null ? { kind: 'all' } : { kind: 'exists', field };
      return { kind: 'term', field, value };
    },
  });
  semantics.addOperation('bounds', {
    range(open, _s1, lo, _s2, _to, _s3, hi, _s4, close) {
      const bound = (v: ohm.Node, inclusive: boolean): RangeBound | null => {
        const text = v.rangeText() as string;
        return text === '*' ? null : { value: text, inclusive };
      };
      return { lower: bound(lo, open.sourceString === '['), upper: bound(hi, close.sourceString === ']') };
    },
    comparison(op, v) {
      const bound = { value: (v.value() as QueryValue).text, inclusive: op.sourceString.endsWith('=') };
      return op.sourceString.startsWith('<') ? { lower: null, upper: bound } : { lower: bound, upper: null };
    },
  });
  semantics.addOperation('rangeText', {
    rangeValue(v) { return v.ctorName === 'quoted' ? (v.value() as QueryValue).text : this.sourceString; },
  });
  semantics.addOperation('value', {
    value(v) { return v.value(); },
    quoted(_o, chars, _c, _tilde, _slop) { return { text: chars.children.map((c) => c.value()).join(''), quoted: true }; },
    quotedChar_escaped(_b, c) { return c.sourceString; },
    quotedChar_plain(c) { return c.sourceString; },
    unquoted(parts, _tilde, _fuzz) { return { text: parts.children.map((p) => p.value()).join(''), quoted: false }; },
    valuePart_escaped(_b, c) { return c.sourceString === '*' || c.sourceString === '?' ? `\\${c.sourceString}` : c.sourceString; },
    valuePart_plain(c) { return c.sourceString; },
  });
}

/** Parses a query string; throws with the position of the first problem. */
export const parseQstr = queryParser('qstr', QSTR_GRAMMAR_FILE, defineQstr, (root) => root.query(null) as TextQuery);

/** `QSTR(query)`: a boolean column. */
export function qstrCompile(e: Expr & { kind: 'call' }, columns: Column[], compiler: ExprCompiler): Compiled {
  return compileTextQuery(e, columns, compiler, 'QSTR', parseQstr);
}
