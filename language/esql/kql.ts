// KQL(query) on the embedded store: language/grammar/kql.ohm recognises the query, the semantics below build a
// query tree, and `kqlCompile` turns the tree into a row predicate over the columns the call sees. Field values
// are compared as Elasticsearch compares them for KQL: text fields by words (a quoted value as a phrase), keyword
// fields by the whole value (`*` wildcards allowed), numbers, dates and booleans by value; `field: *` means the
// field has a value; a value without a field is looked for in every text and keyword field.
import type * as ohm from 'ohm-js';
import { Expr } from './ast';
import { Column, ExprCompiler } from './compile';
import { Compiled } from './registry';
import { DataType, isNumeric, isString } from './types';
import { analyzeText } from './functions/full-text';
import { grammarFrom, grammarText } from '../grammar/load';
import { parseDateMillis } from '../store/mapping';

export const KQL_GRAMMAR_FILE = 'kql.ohm';

type RangeOp = '<' | '<=' | '>' | '>=';

/** A value as written: `quoted` values are phrases (text) or exact (keyword). */
interface KqlValue {
  text: string;
  quoted: boolean;
}

type ValueTree =
  | { kind: 'or' | 'and'; left: ValueTree; right: ValueTree }
  | { kind: 'not'; arg: ValueTree }
  | { kind: 'value'; value: KqlValue };

export type KqlQuery =
  | { kind: 'all' }
  | { kind: 'or' | 'and'; left: KqlQuery; right: KqlQuery }
  | { kind: 'not'; arg: KqlQuery }
  /** `field: values`, or a value alone (`field` null: any text or keyword field). */
  | { kind: 'match'; field: string | null; values: ValueTree }
  | { kind: 'range'; field: string; op: RangeOp; value: KqlValue };

let parser: { grammar: ohm.Grammar; semantics: ohm.Semantics } | null = null;

function kqlParser(): { grammar: ohm.Grammar; semantics: ohm.Semantics } {
  if (parser) return parser;
  const grammar = grammarFrom('kql', grammarText(KQL_GRAMMAR_FILE)).grammar;
  const semantics = grammar.createSemantics().addOperation('tree', {
    Query(q) { return q.children.length ? q.children[0].tree() : { kind: 'all' }; },
    OrQuery_or(l, _op, r) { return { kind: 'or', left: l.tree(), right: r.tree() }; },
    AndQuery_and(l, _op, r) { return { kind: 'and', left: l.tree(), right: r.tree() }; },
    NotQuery_not(_op, q) { return { kind: 'not', arg: q.tree() }; },
    Primary_paren(_o, q, _c) { return q.tree(); },
    Primary_fieldList(f, _colon, _o, values, _c) { return { kind: 'match', field: f.sourceString, values: values.tree() }; },
    Primary_range(f, op, v) { return { kind: 'range', field: f.sourceString, op: op.sourceString as RangeOp, value: v.tree() }; },
    Primary_field(f, _colon, v) { return { kind: 'match', field: f.sourceString, values: { kind: 'value', value: v.tree() } }; },
    Primary_bare(v) { return { kind: 'match', field: null, values: { kind: 'value', value: v.tree() } }; },
    ValueOr_or(l, _op, r) { return { kind: 'or', left: l.tree(), right: r.tree() }; },
    ValueAnd_and(l, _op, r) { return { kind: 'and', left: l.tree(), right: r.tree() }; },
    ValueNot_not(_op, v) { return { kind: 'not', arg: v.tree() }; },
    ValueNot_paren(_o, v, _c) { return v.tree(); },
    ValueNot(v) { return v.ctorName === 'value' ? { kind: 'value', value: v.tree() } : v.tree(); },
    value(v) { return v.tree(); },
    quoted(_o, chars, _c) { return { text: chars.children.map((c) => c.tree()).join(''), quoted: true }; },
    quotedChar_escaped(_b, c) { return c.sourceString; },
    quotedChar_plain(c) { return c.sourceString; },
    unquoted(parts) { return { text: parts.children.map((p) => p.tree()).join(''), quoted: false }; },
    // An escaped `*` stays a literal star: it is kept escaped for the wildcard matcher.
    valuePart_escaped(_b, c) { return c.sourceString === '*' ? '\\*' : c.sourceString; },
    valuePart_plain(c) { return c.sourceString; },
  });
  parser = { grammar, semantics };
  return parser;
}

/** Parses a KQL query; throws with the position of the first problem. */
export function parseKql(text: string): KqlQuery {
  const { grammar, semantics } = kqlParser();
  const m = grammar.match(text);
  if (m.failed()) throw new Error(`${m.shortMessage ?? 'syntax error'}`);
  return semantics(m).tree() as KqlQuery;
}

type Predicate = (row: unknown[]) => boolean;

/** `KQL(query)`: a boolean column; the query must be a constant string. */
export function kqlCompile(e: Expr & { kind: 'call' }, columns: Column[], compiler: ExprCompiler): Compiled {
  if (e.args.length !== 1) return compiler.fail(e.span, 'error building [kql]: expects exactly one argument');
  const arg = compiler.compile(e.args[0], columns);
  if (arg.type === 'unsupported') return arg;
  if (!arg.constant || !isString(arg.type)) {
    return compiler.fail(e.span, `argument of [${e.text}] must be a constant string, received [${arg.text}]`);
  }
  const text = String(arg.constant.value ?? '');
  let query: KqlQuery;
  try {
    query = parseKql(text);
  } catch (err) {
    return compiler.fail(e.span, `Failed to parse KQL query [${text}]: ${(err as Error).message}`);
  }
  const test = predicate(query, columns);
  return { type: 'boolean', fn: (row) => test(row), text: e.text };
}

function predicate(q: KqlQuery, columns: Column[]): Predicate {
  switch (q.kind) {
    case 'all':
      return () => true;
    case 'or': {
      const l = predicate(q.left, columns);
      const r = predicate(q.right, columns);
      return (row) => l(row) || r(row);
    }
    case 'and': {
      const l = predicate(q.left, columns);
      const r = predicate(q.right, columns);
      return (row) => l(row) && r(row);
    }
    case 'not': {
      const a = predicate(q.arg, columns);
      return (row) => !a(row);
    }
    case 'match': {
      const targets = q.field === null ? columnsWhere(columns, (c) => isString(c.type)) : fieldColumns(q.field, columns);
      const tests = targets.map(({ index, type }) => {
        const matches = valueMatcher(q.values, type);
        return (row: unknown[]) => anyValue(row[index], matches);
      });
      return (row) => tests.some((t) => t(row));
    }
    case 'range': {
      const tests = fieldColumns(q.field, columns).map(({ index, type }) => {
        const inRange = rangeMatcher(q.op, q.value.text, type);
        return (row: unknown[]) => anyValue(row[index], inRange);
      });
      return (row) => tests.some((t) => t(row));
    }
  }
}

function columnsWhere(columns: Column[], keep: (c: Column) => boolean): { index: number; type: DataType }[] {
  return columns.flatMap((c, index) => (keep(c) ? [{ index, type: c.type }] : []));
}

/** The columns a field name (with `*` wildcards) names; a later column of the same name hides an earlier one. */
function fieldColumns(field: string, columns: Column[]): { index: number; type: DataType }[] {
  const pattern = wildcard(field);
  const last = new Map<string, number>();
  columns.forEach((c, i) => { if (pattern(c.name)) last.set(c.name, i); });
  return [...last.values()].map((index) => ({ index, type: columns[index].type }));
}

function anyValue(v: unknown, test: (x: unknown) => boolean): boolean {
  if (v === null || v === undefined) return false;
  return Array.isArray(v) ? v.some((x) => x !== null && test(x)) : test(v);
}

function valueMatcher(tree: ValueTree, type: DataType): (v: unknown) => boolean {
  switch (tree.kind) {
    case 'or': {
      const l = valueMatcher(tree.left, type);
      const r = valueMatcher(tree.right, type);
      return (v) => l(v) || r(v);
    }
    case 'and': {
      const l = valueMatcher(tree.left, type);
      const r = valueMatcher(tree.right, type);
      return (v) => l(v) && r(v);
    }
    case 'not': {
      const a = valueMatcher(tree.arg, type);
      return (v) => !a(v);
    }
    case 'value':
      return singleValue(tree.value, type);
  }
}

function singleValue({ text, quoted }: KqlValue, type: DataType): (v: unknown) => boolean {
  if (!quoted && text === '*') return () => true; // `field: *`: the field has a value
  if (type === 'text') {
    if (quoted) {
      const phrase = analyzeText(text);
      return (v) => containsPhrase(analyzeText(String(v)), phrase);
    }
    if (hasWildcard(text)) {
      const test = wildcard(text.toLowerCase()); // against each word of the field
      return (v) => analyzeText(String(v)).some(test);
    }
    const words = new Set(analyzeText(text));
    return (v) => analyzeText(String(v)).some((w) => words.has(w));
  }
  if (isNumeric(type)) {
    const n = Number(text);
    return Number.isNaN(n) ? () => false : (v) => Number(v) === n;
  }
  if (type === 'date') {
    const at = parseDateMillis(text);
    return Number.isNaN(at) ? () => false : (v) => Number(v) === at;
  }
  if (type === 'boolean') return (v) => String(v) === text.toLowerCase();
  if (!quoted && hasWildcard(text)) {
    const test = wildcard(text);
    return (v) => test(String(v));
  }
  const exact = text.replace(/\\\*/g, '*');
  return (v) => String(v) === exact;
}

function rangeMatcher(op: RangeOp, text: string, type: DataType): (v: unknown) => boolean {
  let bound: number | string;
  let read: (v: unknown) => number | string;
  if (isNumeric(type)) {
    bound = Number(text);
    read = Number;
  } else if (type === 'date') {
    bound = parseDateMillis(text);
    read = Number;
  } else {
    bound = text;
    read = String;
  }
  if (typeof bound === 'number' && Number.isNaN(bound)) return () => false;
  switch (op) {
    case '<': return (v) => read(v) < bound;
    case '<=': return (v) => read(v) <= bound;
    case '>': return (v) => read(v) > bound;
    case '>=': return (v) => read(v) >= bound;
  }
}

function containsPhrase(words: string[], phrase: string[]): boolean {
  if (phrase.length === 0) return false;
  for (let i = 0; i + phrase.length <= words.length; i++) {
    if (phrase.every((p, k) => words[i + k] === p)) return true;
  }
  return false;
}

function hasWildcard(text: string): boolean {
  return /(^|[^\\])\*/.test(text);
}

/** A matcher for a pattern where `*` is any run of characters and `\*` a literal star. */
function wildcard(pattern: string): (s: string) => boolean {
  if (!hasWildcard(pattern)) return (s) => s === pattern.replace(/\\\*/g, '*');
  const source = pattern
    .split(/(\\\*|\*)/)
    .map((part) => (part === '*' ? '.*' : part === '\\*' ? '\\*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`, 's');
  return (s) => re.test(s);
}
