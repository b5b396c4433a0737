// KQL(query): Kibana's query language, recognised by language/grammar/kql.ohm; the semantics below build the
// query tree of text-query.ts, which tests the rows. `f: (a or b)` applies the field to each value;
// `f: *` means the field has a value; a value alone is looked for in every text and keyword field.
import type * as ohm from 'ohm-js';
import { Expr } from './ast';
import { Column, ExprCompiler } from './compile';
import { Compiled } from './registry';
import { QueryValue, TextQuery, compileTextQuery, queryParser } from './text-query';

export const KQL_GRAMMAR_FILE = 'kql.ohm';

function defineKql(semantics: ohm.Semantics): void {
  // `tree(field)`: the query tree; `field` is the field a value list applies to (null outside one).
  semantics.addOperation('tree(field)', {
    Query(q) { return q.children.length ? q.children[0].tree(null) : { kind: 'all' }; },
    OrQuery_or(l, _op, r) { return { kind: 'or', left: l.tree(null), right: r.tree(null) }; },
    AndQuery_and(l, _op, r) { return { kind: 'and', left: l.tree(null), right: r.tree(null) }; },
    NotQuery_not(_op, q) { return { kind: 'not', arg: q.tree(null) }; },
    Primary_paren(_o, q, _c) { return q.tree(null); },
    Primary_fieldList(f, _colon, _o, values, _c) { return values.tree(f.sourceString); },
    Primary_range(f, op, v) {
      const bound = { value: (v.value() as QueryValue).text, inclusive: op.sourceString.endsWith('=') };
      const below = op.sourceString.startsWith('<');
      return { kind: 'range', field: f.sourceString, lower: below ? null : bound, upper: below ? bound : null };
    },
    Primary_field(f, _colon, v) { return term(f.sourceString, v.value()); },
    Primary_bare(v) { return term(null, v.value()); },
    ValueOr_or(l, _op, r) { return { kind: 'or', left: l.tree(this.args.field), right: r.tree(this.args.field) }; },
    ValueAnd_and(l, _op, r) { return { kind: 'and', left: l.tree(this.args.field), right: r.tree(this.args.field) }; },
    ValueNot_not(_op, v) { return { kind: 'not', arg: v.tree(this.args.field) }; },
    ValueNot_paren(_o, v, _c) { return v.tree(this.args.field); },
    value(_v) { return term(this.args.field, this.value()); },
  });
  semantics.addOperation('value', {
    value(v) { return v.value(); },
    quoted(_o, chars, _c) { return { text: chars.children.map((c) => c.value()).join(''), quoted: true }; },
    quotedChar_escaped(_b, c) { return c.sourceString; },
    quotedChar_plain(c) { return c.sourceString; },
    unquoted(parts) { return { text: parts.children.map((p) => p.value()).join(''), quoted: false }; },
    // KQL's only wildcard is `*`: an escaped star stays escaped, a `?` is an ordinary character.
    valuePart_escaped(_b, c) { return c.sourceString === '*' || c.sourceString === '?' ? `\\${c.sourceString}` : c.sourceString; },
    valuePart_plain(c) { return c.sourceString === '?' ? '\\?' : c.sourceString; },
  });
}

function term(field: string | null, value: QueryValue): TextQuery {
  if (field !== null && !value.quoted && value.text === '*') return { kind: 'exists', field };
  return { kind: 'term', field, value };
}

/** Parses a KQL query; throws with the position of the first problem. */
export const parseKql = queryParser('kql', KQL_GRAMMAR_FILE, defineKql, (root) => root.tree(null) as TextQuery);

/** `KQL(query)`: a boolean column. */
export function kqlCompile(e: Expr & { kind: 'call' }, columns: Column[], compiler: ExprCompiler): Compiled {
  return compileTextQuery(e, columns, compiler, 'KQL', parseKql);
}
