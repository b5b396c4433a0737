// The query tree behind KQL() and QSTR() on the embedded store, and how a row is tested against it. Field
// values are compared as Elasticsearch compares them for these queries: text fields by words (a quoted value as
// a phrase, `*` and `?` wildcards against each word), keyword fields by the whole value (wildcards allowed, case
// matters), numbers, dates and booleans by value; a query without a field looks in every text and keyword field.
import type * as ohm from 'ohm-js';
import { Expr } from './ast';
import { Column, ExprCompiler } from './compile';
import { Compiled } from './registry';
import { DataType, isNumeric, isString } from './types';
import { parseDateMillis } from '../store/mapping';
import { grammarFrom, grammarText } from '../grammar/load';
import { likeRegex } from './functions/patterns';

/** Words as the standard analyzer finds them (an approximation of Unicode word segmentation), lower-cased. */
export function analyzeText(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+(?:[.'’][\p{L}\p{N}_]+)*/gu) ?? [];
}

/** A value as written. `quoted`: a phrase on text fields, an exact value (no wildcards) on the others. */
export interface QueryValue {
  text: string;
  quoted: boolean;
}

export interface RangeBound {
  value: string;
  inclusive: boolean;
}

export type TextQuery =
  | { kind: 'all' }
  | { kind: 'or' | 'and'; left: TextQuery; right: TextQuery }
  | { kind: 'not'; arg: TextQuery }
  /** Lucene's clauses: every `must`, no `mustNot`, and one `should` when there is no `must`. */
  | { kind: 'bool'; must: TextQuery[]; should: TextQuery[]; mustNot: TextQuery[] }
  /** `field` null: any text or keyword field. */
  | { kind: 'term'; field: string | null; value: QueryValue }
  | { kind: 'range'; field: string | null; lower: RangeBound | null; upper: RangeBound | null }
  | { kind: 'exists'; field: string };

/**
 * The parser of a query language: its grammar (`name` names the recipe, `file` the .ohm text), with the
 * semantics `define` adds, built on first use; `build` turns a successful match into the query tree.
 */
export function queryParser(name: string, file: string, define: (s: ohm.Semantics) => void,
  build: (root: ohm.Dict) => TextQuery): (text: string) => TextQuery {
  let parser: { grammar: ohm.Grammar; semantics: ohm.Semantics } | null = null;
  return (text) => {
    if (!parser) {
      const grammar = grammarFrom(name, grammarText(file)).grammar;
      const semantics = grammar.createSemantics();
      define(semantics);
      parser = { grammar, semantics };
    }
    const m = parser.grammar.match(text);
    if (m.failed()) throw new Error(m.shortMessage ?? 'syntax error');
    return build(parser.semantics(m));
  };
}

/** Compiles `NAME(query)`: the query must be a constant string; `parse` throws on a malformed one. */
export function compileTextQuery(e: Expr & { kind: 'call' }, columns: Column[], compiler: ExprCompiler,
  language: string, parse: (text: string) => TextQuery): Compiled {
  if (e.args.length !== 1) return compiler.fail(e.span, `error building [${e.name}]: expects exactly one argument`);
  const arg = compiler.compile(e.args[0], columns);
  if (arg.type === 'unsupported') return arg;
  if (!arg.constant || !isString(arg.type)) {
    return compiler.fail(e.span, `argument of [${e.text}] must be a constant string, received [${arg.text}]`);
  }
  const text = String(arg.constant.value ?? '');
  let query: TextQuery;
  try {
    query = parse(text);
  } catch (err) {
    return compiler.fail(e.span, `Failed to parse ${language} query [${text}]: ${(err as Error).message}`);
  }
  const test = predicate(query, columns);
  return { type: 'boolean', fn: (row) => test(row), text: e.text };
}

type Predicate = (row: unknown[]) => boolean;
type Target = { index: number; type: DataType };

function predicate(q: TextQuery, columns: Column[]): Predicate {
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
    case 'bool': {
      const must = q.must.map((c) => predicate(c, columns));
      const should = q.should.map((c) => predicate(c, columns));
      const mustNot = q.mustNot.map((c) => predicate(c, columns));
      const needShould = must.length === 0 && should.length > 0;
      return (row) => must.every((p) => p(row)) && !mustNot.some((p) => p(row)) && (!needShould || should.some((p) => p(row)));
    }
    case 'term':
      return onTargets(targets(q.field, columns), (type) => valueMatcher(q.value, type, true));
    case 'range':
      return onTargets(targets(q.field, columns), (type) => rangeMatcher(q.lower, q.upper, type));
    case 'exists':
      return onTargets(fieldColumns(q.field, columns), () => () => true);
  }
}

function onTargets(found: Target[], matcherFor: (type: DataType) => (v: unknown) => boolean): Predicate {
  const tests = found.map(({ index, type }) => {
    const matches = matcherFor(type);
    return (row: unknown[]) => anyValue(row[index], matches);
  });
  return (row) => tests.some((t) => t(row));
}

function targets(field: string | null, columns: Column[]): Target[] {
  if (field !== null) return fieldColumns(field, columns);
  return columns.flatMap((c, index) => (isString(c.type) ? [{ index, type: c.type }] : []));
}

/** The columns a field name (with `*` wildcards) names; a later column of the same name hides an earlier one. */
function fieldColumns(field: string, columns: Column[]): Target[] {
  const pattern = wildcard(field);
  const last = new Map<string, number>();
  columns.forEach((c, i) => { if (pattern(c.name)) last.set(c.name, i); });
  return [...last.values()].map((index) => ({ index, type: columns[index].type }));
}

/** A multivalued field matches when one of its values does; a missing value never matches. */
export function anyValue(v: unknown, test: (x: unknown) => boolean): boolean {
  if (v === null || v === undefined) return false;
  return Array.isArray(v) ? v.some((x) => x !== null && test(x)) : test(v);
}

/** How a field of `type` is compared with a value (`wildcards`: `*` and `?` in an unquoted value are patterns). */
export function valueMatcher({ text, quoted }: QueryValue, type: DataType, wildcards: boolean): (v: unknown) => boolean {
  if (type === 'text') {
    if (quoted) {
      const phrase = analyzeText(text);
      return (v) => containsPhrase(analyzeText(String(v)), phrase);
    }
    if (wildcards && hasWildcard(text)) {
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
  if (wildcards && !quoted && hasWildcard(text)) {
    const test = wildcard(text);
    return (v) => test(String(v));
  }
  const exact = wildcards ? unescapeWildcards(text) : text;
  return (v) => String(v) === exact;
}

function rangeMatcher(lower: RangeBound | null, upper: RangeBound | null, type: DataType): (v: unknown) => boolean {
  const read: (v: unknown) => number | string = isNumeric(type) || type === 'date' ? Number : String;
  const bound = (b: RangeBound | null) => {
    if (b === null || b.value === '*') return null;
    const value = isNumeric(type) ? Number(b.value) : type === 'date' ? parseDateMillis(b.value) : b.value;
    return { value, inclusive: b.inclusive };
  };
  const lo = bound(lower);
  const hi = bound(upper);
  if ((typeof lo?.value === 'number' && Number.isNaN(lo.value)) || (typeof hi?.value === 'number' && Number.isNaN(hi.value))) return () => false;
  return (v) => {
    const x = read(v);
    if (lo && (lo.inclusive ? x < lo.value : x <= lo.value)) return false;
    if (hi && (hi.inclusive ? x > hi.value : x >= hi.value)) return false;
    return true;
  };
}

function containsPhrase(words: string[], phrase: string[]): boolean {
  if (phrase.length === 0) return false;
  for (let i = 0; i + phrase.length <= words.length; i++) {
    if (phrase.every((p, k) => words[i + k] === p)) return true;
  }
  return false;
}

function hasWildcard(text: string): boolean {
  return /(^|[^\\])[*?]/.test(text);
}

function unescapeWildcards(text: string): string {
  return text.replace(/\\([*?])/g, '$1');
}

/** A matcher for a pattern where `*` is any run of characters, `?` one character, and `\` escapes the next. */
function wildcard(pattern: string): (s: string) => boolean {
  if (!hasWildcard(pattern)) {
    const exact = unescapeWildcards(pattern);
    return (s) => s === exact;
  }
  const re = likeRegex(pattern);
  return (s) => re.test(s);
}
