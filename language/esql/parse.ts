// Text -> Query: Ohm matches `language/grammar/esql.ohm`, the semantics below build the AST with spans.
import * as ohm from 'ohm-js';
import { grammarFrom, grammarText } from '../grammar/load';
import { COMPARISONS, Command, Expr, Field, NamePattern, Query, QuerySettings, BinaryOp, SAMPLE_CALL, conjuncts } from './ast';
import { EsqlError, Span, lineColumn, withParseHint } from './errors';
import { validTimeZone } from './functions/zone';
import { INT_MAX, INT_MIN, LONG_MAX, LONG_MIN, ULONG_MAX, normalizeLong } from './types';

export const ESQL_GRAMMAR_FILE = 'esql.ohm';

let cached: { grammar: ohm.Grammar; semantics: ohm.Semantics } | null = null;

function grammar(): { grammar: ohm.Grammar; semantics: ohm.Semantics } {
  if (cached) return cached;
  const g = grammarFrom('esql', grammarText(ESQL_GRAMMAR_FILE)).grammar;
  const s = g.createSemantics();
  s.addOperation('ast', ACTIONS);
  cached = { grammar: g, semantics: s };
  return cached;
}

/** The keywords of ES|QL commands, for completion. */
export const COMMAND_KEYWORDS = ['FROM', 'ROW', 'SHOW INFO', 'WHERE', 'EVAL', 'STATS', 'BY', 'SORT', 'LIMIT', 'KEEP',
  'DROP', 'RENAME', 'DISSECT', 'GROK', 'MV_EXPAND', 'LOOKUP JOIN', 'SAMPLE', 'ON', 'METADATA', 'ASC', 'DESC', 'NULLS FIRST', 'NULLS LAST', 'AS',
  'AND', 'OR', 'NOT', 'IN', 'LIKE', 'RLIKE', 'IS NULL', 'IS NOT NULL'];

/** Warnings found while building the current query's AST (the semantics actions have no other outlet). */
let pending: { text: string; warnings: string[] } | null = null;

export function parseQuery(text: string): Query {
  const { grammar: g, semantics } = grammar();
  const match = g.match(text, 'Query');
  if (match.failed()) {
    const pos = match.getRightmostFailurePosition();
    const rest = text.slice(pos);
    const found = pos < text.length ? `'${rest.split(/\s/)[0]}'` : '<EOF>';
    // `=` for `==` and single-quoted strings are SQL habits: the message says what ES|QL wants instead
    throw EsqlError.at(text, { start: pos, end: pos },
      withParseHint(`mismatched input ${found} expecting ${expectedTokens(match.getExpectedText())}`), 'parsing_exception');
  }
  pending = { text, warnings: [] };
  try {
    const { sets, commands } = semantics(match).ast() as { sets: { name: string; value: unknown; span: Span }[]; commands: Command[] };
    return { text, commands, settings: querySettings(text, sets), warnings: pending.warnings };
  } finally {
    pending = null;
  }
}

/** `SET` statements as settings; a name or value Elasticsearch would refuse is a parsing error here too. */
function querySettings(text: string, sets: { name: string; value: unknown; span: Span }[]): QuerySettings {
  const settings: QuerySettings = {};
  for (const { name, value, span: at } of sets) {
    if (name.toLowerCase() !== 'time_zone') {
      throw EsqlError.at(text, at, `Unknown setting [${name}], supported: [time_zone]`, 'parsing_exception');
    }
    if (typeof value !== 'string' || !validTimeZone(value)) {
      throw EsqlError.at(text, at, `Invalid time zone [${String(value)}]`, 'parsing_exception');
    }
    settings.time_zone = value;
  }
  return settings;
}

function warn(n: ohm.Node, message: string): void {
  if (!pending) return;
  const { line, column } = lineColumn(pending.text, n.source.startIdx);
  pending.warnings.push(`Line ${line}:${column}: ${message}`);
}

/** Ohm's "Expected a, b, or c" in the `{<EOF>, 'a', 'b'}` shape of Elasticsearch's parser errors. */
function expectedTokens(text: string): string {
  const items = text.replace(/^Expected /, '').split(/, or |, | or /).map((t) => t.trim()).filter(Boolean);
  const identifierPieces = new Set(['"@"', '"_"', 'a letter', '"`"']);
  const hasColumn = items.includes('a column name');
  const out = new Set<string>();
  for (const item of items) {
    if (hasColumn && identifierPieces.has(item)) continue;
    const keyword = /^"(.*)" \(case-insensitive\)$/.exec(item);
    if (keyword) out.add(`'${keyword[1]}'`);
    else if (/^".*"$/.test(item)) out.add(`'${item.slice(1, -1)}'`);
    else if (item === 'end of input') out.add('<EOF>');
    else out.add(item);
  }
  return `{${[...out].join(', ')}}`;
}

function span(node: ohm.Node): Span {
  return { start: node.source.startIdx, end: node.source.endIdx };
}

function node(n: ohm.Node): { span: Span; text: string } {
  return { span: span(n), text: n.sourceString };
}

function binary(n: ohm.Node, left: ohm.Node, op: ohm.Node, right: ohm.Node): Expr {
  return { kind: 'binary', op: op.sourceString as BinaryOp, left: left.ast(), right: right.ast(), ...node(n) };
}

/** An integer literal typed as Elasticsearch types it: integer, long, unsigned_long, or double when too big. */
export function integerLiteral(digits: string, negative = false): { value: unknown; type: string } {
  let big = BigInt(digits);
  if (negative) big = -big;
  if (big >= BigInt(INT_MIN) && big <= BigInt(INT_MAX)) return { value: Number(big), type: 'integer' };
  if (big >= LONG_MIN && big <= LONG_MAX) return { value: normalizeLong(big), type: 'long' };
  if (big > 0n && big <= ULONG_MAX) return { value: big, type: 'unsigned_long' };
  return { value: Number(digits) * (negative ? -1 : 1), type: 'double' };
}

function unescapeString(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, c: string) => {
    switch (c[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'u': return c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : 'u';
      default: return c;
    }
  });
}

function identifierText(s: string): string {
  return s.startsWith('`') ? s.slice(1, -1).replace(/``/g, '`') : s;
}

const ACTIONS: ohm.ActionDict<unknown> = {
  Query(sets, source, _pipes, commands) {
    return { sets: sets.children.map((c) => c.ast()), commands: [source.ast(), ...commands.children.map((c) => c.ast())] };
  },
  SetCommand(_kw, name, _eq, value, _semi) {
    return { name: identifierText(name.sourceString), value: value.ast(), span: span(this) };
  },
  SetValue(v) {
    const e = v.ast() as Expr;
    return e.kind === 'literal' ? e.value : undefined;
  },
  SourceCommand(c) { return c.ast(); },
  From(_kw, list, metadata) {
    return {
      kind: 'from', span: span(this), sources: list.asIteration().children.map((c) => c.ast()),
      metadata: metadata.children.length ? metadata.children[0].ast() : [],
    } satisfies Command;
  },
  Metadata(_kw, list) {
    return list.asIteration().children.map((c) => identifierText(c.sourceString));
  },
  IndexPattern(p) {
    return p.ctorName === 'stringLiteral' ? stringValue(p) : p.sourceString;
  },
  Row(_kw, list) {
    return { kind: 'row', span: span(this), fields: list.asIteration().children.map((c) => c.ast()) } satisfies Command;
  },
  Show(_a, _b) {
    return { kind: 'show', span: span(this) } satisfies Command;
  },
  ProcessingCommand(c) { return c.ast(); },
  Where(_kw, e) {
    return { kind: 'where', span: span(this), condition: e.ast() } satisfies Command;
  },
  Eval(_kw, list) {
    return { kind: 'eval', span: span(this), fields: list.asIteration().children.map((c) => c.ast()) } satisfies Command;
  },
  Stats(kw, aggs, by) {
    if (aggs.asIteration().children.length === 0 && by.children.length === 0) {
      // as Elasticsearch: a bare STATS is a parsing error, not an empty aggregation
      throw EsqlError.at(this.source.sourceString, span(kw), `At least one aggregation or grouping expression required in [${this.sourceString}]`, 'parsing_exception');
    }
    return {
      kind: 'stats', span: span(this), aggs: aggs.asIteration().children.map((c) => c.ast()),
      groups: by.children.length ? by.children[0].ast() : [],
    } satisfies Command;
  },
  InlineStats(keyword, aggs, by) {
    keyword.ast();
    return {
      kind: 'inline_stats', span: span(this), aggs: aggs.asIteration().children.map((c) => c.ast()),
      groups: by.children.length ? by.children[0].ast() : [],
    } satisfies Command;
  },
  InlineStatsKeyword_current(_inline, _stats) { return null; },
  InlineStatsKeyword_deprecated(_kw) {
    warn(this, 'INLINESTATS is deprecated, use INLINE STATS instead');
    return null;
  },
  AggField(field, filter) {
    return { field: field.ast(), filter: filter.children.length ? filter.children[0].ast() : undefined };
  },
  AggFilter(_kw, e) { return e.ast(); },
  By(_kw, list) { return list.asIteration().children.map((c) => c.ast()); },
  Sort(_kw, list) {
    return { kind: 'sort', span: span(this), orders: list.asIteration().children.map((c) => c.ast()) } satisfies Command;
  },
  SortItem(e, order, nulls) {
    const desc = order.children.length > 0 && order.sourceString.toLowerCase() === 'desc';
    const nullsText = nulls.sourceString.toLowerCase();
    const nullsFirst = nullsText ? nullsText.endsWith('first') : desc;
    return { expr: e.ast(), desc, nullsFirst };
  },
  Limit(_kw, n) {
    return { kind: 'limit', span: span(this), count: n.ctorName === 'param' ? n.ast() : Number(n.sourceString) } satisfies Command;
  },
  Keep(_kw, list) {
    return { kind: 'keep', span: span(this), patterns: list.asIteration().children.map((c) => c.ast()) } satisfies Command;
  },
  Drop(_kw, list) {
    return { kind: 'drop', span: span(this), patterns: list.asIteration().children.map((c) => c.ast()) } satisfies Command;
  },
  namePattern(_p) {
    return { pattern: identifierText(this.sourceString), span: span(this) } satisfies NamePattern;
  },
  Rename(_kw, list) {
    return { kind: 'rename', span: span(this), renames: list.asIteration().children.map((c) => c.ast()) } satisfies Command;
  },
  RenameClause_as(from, _as, to) {
    return { from: from.ast(), to: to.ast() };
  },
  RenameClause_assign(to, _eq, from) {
    return { from: { pattern: from.ast(), span: span(from) }, to: { pattern: to.ast(), span: span(to) } };
  },
  Dissect(_kw, input, pattern, options) {
    let appendSeparator = '';
    for (const o of options.children) {
      const { name, value } = o.ast() as { name: string; value: Expr };
      if (name.toLowerCase() !== 'append_separator') {
        throw EsqlError.at(this.source.sourceString, span(o), `Invalid option for dissect: [${name}]`, 'parsing_exception');
      }
      appendSeparator = String((value as { value: unknown }).value);
    }
    return {
      kind: 'dissect', span: span(this), input: input.ast(), pattern: stringValue(pattern), patternSpan: span(pattern),
      appendSeparator,
    } satisfies Command;
  },
  Grok(_kw, input, patterns) {
    const list = patterns.asIteration().children.map(stringValue);
    return { kind: 'grok', span: span(this), input: input.ast(), pattern: list[0], patterns: list, patternSpan: span(patterns) } satisfies Command;
  },
  CommandOption(name, _eq, value) {
    return { name: identifierText(name.sourceString), value: value.ast() };
  },
  Sample(_kw, probability) {
    // SAMPLE p keeps each row with probability p: it runs as a WHERE on a random draw (SAMPLE_CALL).
    const p = probability.ast() as Expr;
    if (p.kind !== 'literal' || p.literalType !== 'double' || !((p.value as number) > 0 && (p.value as number) < 1)) {
      throw EsqlError.at(pending!.text, span(probability), `invalid value for SAMPLE probability [${p.text}], expecting a number between 0 and 1, exclusive`, 'parsing_exception');
    }
    const at = node(this);
    return { kind: 'where', span: at.span, condition: { kind: 'call', name: SAMPLE_CALL, args: [p], star: false, ...at } } satisfies Command;
  },
  MvExpand(_kw, name) {
    return { kind: 'mv_expand', span: span(this), column: { pattern: name.ast(), span: span(name) } } satisfies Command;
  },
  LookupJoin(_lookup, _join, index, _on, condition) {
    return { kind: 'lookup_join', span: span(this), index: index.ast(), indexSpan: span(index), ...condition.ast() } satisfies Command;
  },
  JoinCondition_fields(keys, _end) {
    return { on: keys.asIteration().children.map((k) => ({ pattern: k.ast(), span: span(k) })) };
  },
  JoinCondition_expr(e) {
    // `ON a == b AND c >= d [AND filter]`: comparisons of a left field with a lookup field, and conditions on
    // lookup fields alone, joined by AND; a bare field or constant among them is refused.
    const condition = e.ast() as Expr;
    const on: NamePattern[] = [];
    for (const part of conjuncts(condition)) {
      if (part.kind === 'column' || part.kind === 'literal' || part.kind === 'param') {
        throw EsqlError.at(pending!.text, part.span, `JOIN ON clause only supports fields or AND of Binary Expressions at the moment, found [${part.text}]`, 'parsing_exception');
      }
      if (part.kind === 'binary' && COMPARISONS.has(part.op) && part.left.kind === 'column' && part.right.kind === 'column') {
        on.push({ pattern: part.left.name, span: part.left.span }, { pattern: part.right.name, span: part.right.span });
      }
    }
    return { on, condition };
  },
  Field_named(name, _eq, e) {
    return { name: name.ast(), expr: e.ast(), span: span(this) } satisfies Field;
  },
  Field_unnamed(e) {
    return { name: e.sourceString, expr: e.ast(), span: span(this) } satisfies Field;
  },
  Expr(e) { return e.ast(); },
  OrExpr_or(l, _op, r) {
    return { kind: 'logical', op: 'or', left: l.ast(), right: r.ast(), ...node(this) } satisfies Expr;
  },
  AndExpr_and(l, _op, r) {
    return { kind: 'logical', op: 'and', left: l.ast(), right: r.ast(), ...node(this) } satisfies Expr;
  },
  NotExpr_not(_kw, e) {
    return { kind: 'not', arg: e.ast(), ...node(this) } satisfies Expr;
  },
  Predicate_isNull(e, _is, not, _null) {
    return { kind: 'isNull', arg: e.ast(), negated: not.children.length > 0, ...node(this) } satisfies Expr;
  },
  Predicate_in(e, not, _in, _open, list, _close) {
    return {
      kind: 'in', arg: e.ast(), list: list.asIteration().children.map((c) => c.ast()),
      negated: not.children.length > 0, ...node(this),
    } satisfies Expr;
  },
  Predicate_like(e, not, op, patterns) {
    return {
      kind: 'like', arg: e.ast(), patterns: patterns.ast(), rlike: op.sourceString.toLowerCase() === 'rlike',
      negated: not.children.length > 0, ...node(this),
    } satisfies Expr;
  },
  PatternList_list(_o, list, _c) { return list.asIteration().children.map((c) => c.ast()); },
  PatternList_single(p) { return [p.ast()]; },
  PatternValue(p) { return p.ast(); },
  Predicate_match(field, _colon, query) {
    // `field : query` is MATCH(field, query)
    return { kind: 'call', name: 'match', args: [field.ast(), query.ast()], star: false, ...node(this) } satisfies Expr;
  },
  Predicate_compare(l, op, r) { return binary(this, l, op, r); },
  Predicate(e) { return e.ast(); },
  ValueExpr(e) { return e.ast(); },
  Additive_binary(l, op, r) { return binary(this, l, op, r); },
  Multiplicative_binary(l, op, r) { return binary(this, l, op, r); },
  Unary_sign(op, e) {
    const arg = e.ast() as Expr;
    if (op.sourceString === '+') return { ...arg, ...node(this) };
    // Elasticsearch folds a minus into a numeric literal: `-2147483648` is an integer, `-9223372036854775808` a long.
    if (arg.kind === 'literal' && typeof arg.value === 'number' && arg.literalType === 'double') {
      return { ...arg, value: -arg.value, ...node(this) };
    }
    if (arg.kind === 'literal' && (arg.literalType === 'integer' || arg.literalType === 'long' || arg.literalType === 'unsigned_long')) {
      const digits = String(arg.value).replace(/^-/, '');
      const negative = !String(arg.value).startsWith('-');
      const { value, type } = integerLiteral(digits, negative);
      return { kind: 'literal', value, literalType: type, ...node(this) } satisfies Expr;
    }
    return { kind: 'neg', arg, ...node(this) } satisfies Expr;
  },
  Cast_cast(e, _op, type) {
    return { kind: 'cast', arg: e.ast(), to: identifierText(type.sourceString).toLowerCase(), ...node(this) } satisfies Expr;
  },
  Primary_paren(_o, e, _c) {
    return e.ast();
  },
  Primary_column(name) {
    return { kind: 'column', name: name.ast(), ...node(this) } satisfies Expr;
  },
  FunctionCall_star(name, _o, _star, _c) {
    return { kind: 'call', name: identifierText(name.sourceString).toLowerCase(), args: [], star: true, ...node(this) } satisfies Expr;
  },
  FunctionCall_args(name, _o, args, _c) {
    return {
      kind: 'call', name: identifierText(name.sourceString).toLowerCase(),
      args: args.asIteration().children.map((c) => c.ast()), star: false, ...node(this),
    } satisfies Expr;
  },
  FunctionCall_options(name, _o, args, _comma, options, _c) {
    return {
      kind: 'call', name: identifierText(name.sourceString).toLowerCase(),
      args: [...args.asIteration().children.map((c) => c.ast() as Expr), options.ast() as Expr], star: false, ...node(this),
    } satisfies Expr;
  },
  MapExpr(_o, entries, _c) {
    // A constant of type `map`: only function options take it (ES|QL's MapExpression).
    const value = Object.fromEntries(entries.asIteration().children.map((c) => c.ast() as [string, unknown]));
    return { kind: 'literal', value, literalType: 'map', ...node(this) } satisfies Expr;
  },
  MapEntry(key, _colon, value) {
    return [stringValue(key), value.ast()];
  },
  MapValue(v) {
    const e = v.ast() as Expr | boolean | null;
    if (e === null || typeof e !== 'object') return e; // MapValue_true / _false / _null give the value itself
    if (e.kind === 'literal') return e.value;
    if (e.kind === 'array') return e.items.map((i) => (i.kind === 'literal' ? i.value : null));
    return e;
  },
  MapValue_true(_k) { return true; },
  MapValue_false(_k) { return false; },
  MapValue_null(_k) { return null; },
  MapValue_param(p) { return p.ast(); },
  Literal(l) { return l.ast(); },
  Literal_null(_k) { return { kind: 'literal', value: null, literalType: 'null', ...node(this) } satisfies Expr; },
  Literal_true(_k) { return { kind: 'literal', value: true, literalType: 'boolean', ...node(this) } satisfies Expr; },
  Literal_false(_k) { return { kind: 'literal', value: false, literalType: 'boolean', ...node(this) } satisfies Expr; },
  intervalAmount(_d) {
    const { value, type } = integerLiteral(this.sourceString);
    return { kind: 'literal', value, literalType: type, ...node(this) } satisfies Expr;
  },
  Interval(amount, unit) {
    return { kind: 'interval', amount: amount.ast(), unit: unit.sourceString.toLowerCase(), ...node(this) } satisfies Expr;
  },
  ArrayLiteral_items(_o, list, _c) {
    return { kind: 'array', items: list.asIteration().children.map((c) => c.ast()), ...node(this) } satisfies Expr;
  },
  ArrayLiteral_empty(_o, _c) {
    return { kind: 'literal', value: null, literalType: 'null', ...node(this) } satisfies Expr;
  },
  ArrayItem(i) { return i.ast(); },
  ArrayItem_null(_k) { return { kind: 'literal', value: null, literalType: 'null', ...node(this) } satisfies Expr; },
  ArrayItem_true(_k) { return { kind: 'literal', value: true, literalType: 'boolean', ...node(this) } satisfies Expr; },
  ArrayItem_false(_k) { return { kind: 'literal', value: false, literalType: 'boolean', ...node(this) } satisfies Expr; },
  ArrayItem_param(p) { return p.ast(); },
  SignedNumber_sign(op, n) {
    const inner = n.ast() as Expr & { kind: 'literal' };
    if (op.sourceString === '+') return { ...inner, ...node(this) };
    const digits = n.sourceString.replace(/\s+/g, '').replace(/^[+-]+/, '');
    const negative = (n.sourceString.replace(/[^-]/g, '').length % 2 === 0);
    if (inner.literalType === 'double') return { ...inner, value: -(inner.value as number), ...node(this) };
    if (/^\d+$/.test(digits)) {
      const { value, type } = integerLiteral(digits, negative);
      return { kind: 'literal', value, literalType: type, ...node(this) } satisfies Expr;
    }
    return { ...inner, value: -(inner.value as number), ...node(this) };
  },
  SignedNumber_plain(n) { return n.ast(); },
  numberLiteral(n) { return n.ast(); },
  decimalLiteral_fraction(_a, _dot, _b, _e) { return decimal(this); },
  decimalLiteral_trailingDot(_a, _dot, _b, _e) { return decimal(this); },
  decimalLiteral_exponent(_a, _e) { return decimal(this); },
  integerLiteral(_d) {
    const { value, type } = integerLiteral(this.sourceString);
    return { kind: 'literal', value, literalType: type, ...node(this) } satisfies Expr;
  },
  stringLiteral_triple(_o, chars, _c) {
    return { kind: 'literal', value: chars.sourceString, literalType: 'keyword', ...node(this) } satisfies Expr;
  },
  stringLiteral_plain(_o, chars, _c) {
    return { kind: 'literal', value: unescapeString(chars.sourceString), literalType: 'keyword', ...node(this) } satisfies Expr;
  },
  param(_q, name) {
    const n = name.sourceString;
    if (n === '') return { kind: 'param', ...node(this) } satisfies Expr;
    if (/^\d+$/.test(n)) return { kind: 'param', index: Number(n), ...node(this) } satisfies Expr;
    return { kind: 'param', name: identifierText(n), ...node(this) } satisfies Expr;
  },
  qualifiedName(list) {
    return list.asIteration().children.map((c) => identifierText(c.sourceString)).join('.');
  },
  identifier(i) { return identifierText(i.sourceString); },
  _iter(...children) { return children.map((c) => c.ast()); },
};

function stringValue(n: ohm.Node): string {
  return String((n.ast() as Expr & { kind: 'literal' }).value);
}

function decimal(n: ohm.Node): Expr {
  return { kind: 'literal', value: Number(n.sourceString), literalType: 'double', span: span(n), text: n.sourceString };
}
