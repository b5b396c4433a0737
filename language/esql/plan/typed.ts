// The typed expression tree: a parsed expression as the analyser resolved it. Every node carries its ES|QL
// `type` and, when it has one, its folded `constant`; string literals that ES|QL casts implicitly (compared
// with a date, an ip) carry the cast type and value; calls name their registry function. The tree is made by
// the one walker that decides types and failures (ExprCompiler in compile.ts); plan nodes hold it, and the
// vectorised, fused and pushdown paths read `.type` / `.constant` from it instead of typing expressions again.
// A typed node is still an `Expr` (same fields, plus the typing), so the row compiler can compile it again.
import { Expr, Field, conjuncts as astConjuncts } from '../ast';
import { DataType } from '../types';
import type { EsqlFunction } from '../registry';

export interface Typing {
  type: DataType;
  /** Set when the node's value is known at analysis (folded), for every row. */
  constant?: { value: unknown };
}

type Of<K extends Expr['kind']> = Extract<Expr, { kind: K }>;
// Interfaces (not intersections) so that the tree type may refer to itself.
interface Unary<K extends 'not' | 'neg' | 'isNull' | 'cast'> { arg: TypedExpr; kind: K }
export interface TypedCall extends Omit<Of<'call'>, 'args'>, Typing {
  args: TypedExpr[];
  /** The registry function the call resolved to (absent when it did not resolve). */
  function?: EsqlFunction;
}
interface TypedBinary extends Omit<Of<'binary'>, 'left' | 'right'>, Typing { left: TypedExpr; right: TypedExpr }
interface TypedLogical extends Omit<Of<'logical'>, 'left' | 'right'>, Typing { left: TypedExpr; right: TypedExpr }
interface TypedNot extends Omit<Of<'not'>, 'arg'>, Typing, Unary<'not'> {}
interface TypedNeg extends Omit<Of<'neg'>, 'arg'>, Typing, Unary<'neg'> {}
interface TypedIsNull extends Omit<Of<'isNull'>, 'arg'>, Typing, Unary<'isNull'> {}
interface TypedCast extends Omit<Of<'cast'>, 'arg'>, Typing, Unary<'cast'> {}
interface TypedIn extends Omit<Of<'in'>, 'arg' | 'list'>, Typing { arg: TypedExpr; list: TypedExpr[] }
interface TypedLike extends Omit<Of<'like'>, 'arg' | 'patterns'>, Typing { arg: TypedExpr; patterns: TypedExpr[] }
interface TypedInterval extends Omit<Of<'interval'>, 'amount'>, Typing { amount: TypedExpr }
interface TypedArray extends Omit<Of<'array'>, 'items'>, Typing { items: TypedExpr[] }

export type TypedExpr =
  | (Of<'literal'> & Typing)
  | (Of<'param'> & Typing)
  | (Of<'column'> & Typing)
  | TypedCall | TypedBinary | TypedLogical | TypedNot | TypedNeg | TypedIsNull | TypedCast
  | TypedIn | TypedLike | TypedInterval | TypedArray;

export interface TypedField extends Field {
  expr: TypedExpr;
}

/** The typing of a node (type, and the constant only when there is one). */
export function typing(type: DataType, constant?: { value: unknown }): Typing {
  return constant ? { type, constant } : { type };
}

// ---- constructors for rules that build new expressions --------------------------------------------------

/**
 * `left AND right` (three-valued), folded when both sides are known single booleans or null: what the row
 * compiler gives for the same node. `text` names the node in messages and EXPLAIN.
 */
export function and(left: TypedExpr, right: TypedExpr, text = `${left.text} AND ${right.text}`): TypedExpr {
  return logical('and', left, right, text);
}

/** `left OR right` (three-valued), folded as `and` is. */
export function or(left: TypedExpr, right: TypedExpr, text = `${left.text} OR ${right.text}`): TypedExpr {
  return logical('or', left, right, text);
}

/** Conjunction of one or more conditions, left-deep, each joint named `a AND b`. */
export function andAll(parts: TypedExpr[]): TypedExpr {
  return parts.reduce((l, r) => and(l, r));
}

function logical(op: 'and' | 'or', left: TypedExpr, right: TypedExpr, text: string): TypedExpr {
  const l = known(left), r = known(right);
  let constant: { value: unknown } | undefined;
  if (l !== undefined && r !== undefined) {
    const dominant = op === 'and' ? false : true;
    constant = { value: l === dominant || r === dominant ? dominant : l === null || r === null ? null : !dominant };
  }
  return { kind: 'logical', op, left, right, span: left.span, text, ...typing('boolean', constant) };
}

/** A constant boolean (or null) operand's value; undefined when unknown or not a single boolean. */
function known(e: TypedExpr): boolean | null | undefined {
  const v = e.constant?.value;
  return e.constant && (v === null || typeof v === 'boolean') ? v : undefined;
}

/** The typed parts of an AND chain. */
export function conjuncts(e: TypedExpr): TypedExpr[] {
  return astConjuncts(e) as TypedExpr[];
}

// ---- printing ------------------------------------------------------------------------------------------

/**
 * The node with every sub-expression's type: `(salary::integer * 2::integer)::integer`; a folded node prints
 * its value (`3::integer`), a call its resolved function's name.
 */
export function typedText(e: TypedExpr): string {
  const t = `::${e.type}`;
  if (e.constant) return `${valueText(e.constant.value, e)}${t}`;
  switch (e.kind) {
    case 'column': return `${e.name}${t}`;
    case 'binary': return `(${typedText(e.left)} ${e.op} ${typedText(e.right)})${t}`;
    case 'logical': return `(${typedText(e.left)} ${e.op.toUpperCase()} ${typedText(e.right)})${t}`;
    case 'not': return `(NOT ${typedText(e.arg)})${t}`;
    case 'neg': return `(-${typedText(e.arg)})${t}`;
    case 'isNull': return `(${typedText(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)${t}`;
    case 'cast': return `(${typedText(e.arg)}::${e.to})${t}`;
    case 'in': return `(${typedText(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(typedText).join(', ')}))${t}`;
    case 'like': return `(${typedText(e.arg)} ${e.negated ? 'NOT ' : ''}${e.rlike ? 'RLIKE' : 'LIKE'} ${e.patterns.map(typedText).join(', ')})${t}`;
    case 'call': return `${(e.function?.name ?? e.name).toUpperCase()}(${e.star ? '*' : e.args.map(typedText).join(', ')})${t}`;
    default: return `${e.text}${t}`;
  }
}

function valueText(v: unknown, e: TypedExpr): string {
  if (Array.isArray(v)) return `[${v.map((x) => valueText(x, e)).join(', ')}]`;
  if (e.type === 'date' && typeof v === 'number') return new Date(v).toISOString();
  if (typeof v === 'string') return JSON.stringify(v);
  // intervals, spatial values and the like print as written
  if (v !== null && typeof v === 'object') return e.text;
  return String(v);
}
