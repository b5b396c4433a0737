// The parsed ES|QL query: a source command and processing commands, each node with its span and, for
// expressions, the source text (ES|QL names unnamed columns and reports failures by that text).
import { Span } from './errors';

interface Node {
  span: Span;
  text: string;
}

export type Expr =
  | (Node & { kind: 'literal'; value: unknown; literalType: string })
  | (Node & { kind: 'param'; index?: number; name?: string })
  | (Node & { kind: 'column'; name: string })
  | (Node & { kind: 'call'; name: string; args: Expr[]; star: boolean })
  | (Node & { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr })
  /** `combined`: an OR that CombineDisjunctions already rewrote (not rewritten again). */
  | (Node & { kind: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr; combined?: boolean })
  | (Node & { kind: 'not'; arg: Expr })
  | (Node & { kind: 'neg'; arg: Expr })
  | (Node & { kind: 'isNull'; arg: Expr; negated: boolean })
  | (Node & { kind: 'in'; arg: Expr; list: Expr[]; negated: boolean })
  | (Node & { kind: 'like'; arg: Expr; patterns: Expr[]; rlike: boolean; negated: boolean })
  | (Node & { kind: 'cast'; arg: Expr; to: string })
  | (Node & { kind: 'interval'; amount: Expr; unit: string })
  | (Node & { kind: 'array'; items: Expr[] });

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~';

/** The condition SAMPLE filters on: a name no query can write (`$`), drawn at random per row (compile.ts). */
export const SAMPLE_CALL = '$sample';

export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export const COMPARISONS: ReadonlySet<BinaryOp> = new Set<ComparisonOp>(['==', '!=', '<', '<=', '>', '>=']);

/** The same comparison with its operands swapped (`a < b` is `b > a`). */
export const FLIPPED: Record<ComparisonOp, ComparisonOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Whether `op` holds for operands that compare as `c` (negative: left first, 0: equal, positive: left last). */
export function comparisonHolds(op: ComparisonOp, c: number): boolean {
  switch (op) {
    case '==': return c === 0;
    case '!=': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    default: return c >= 0;
  }
}

/** The parts of an AND chain (`a AND b AND c` -> a, b, c). */
export function conjuncts(e: Expr): Expr[] {
  return e.kind === 'logical' && e.op === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/** The parts of an OR chain. */
export function disjuncts(e: Expr): Expr[] {
  return e.kind === 'logical' && e.op === 'or' ? [...disjuncts(e.left), ...disjuncts(e.right)] : [e];
}

export interface Field {
  name: string;
  expr: Expr;
  span: Span;
}

export interface NamePattern {
  pattern: string;
  span: Span;
}

export type Command =
  | { kind: 'from'; span: Span; sources: string[]; metadata: string[] }
  | { kind: 'row'; span: Span; fields: Field[] }
  | { kind: 'show'; span: Span }
  | { kind: 'where'; span: Span; condition: Expr }
  | { kind: 'eval'; span: Span; fields: Field[] }
  | { kind: 'stats'; span: Span; aggs: { field: Field; filter?: Expr }[]; groups: Field[] }
  /** INLINE STATS: the aggregates of each row's group added to the row (rows are kept). */
  | { kind: 'inline_stats'; span: Span; aggs: { field: Field; filter?: Expr }[]; groups: Field[] }
  | { kind: 'sort'; span: Span; orders: { expr: Expr; desc: boolean; nullsFirst: boolean }[] }
  | { kind: 'limit'; span: Span; count: number | Expr }
  | { kind: 'keep' | 'drop'; span: Span; patterns: NamePattern[] }
  | { kind: 'rename'; span: Span; renames: { from: NamePattern; to: NamePattern }[] }
  | { kind: 'dissect'; span: Span; input: Expr; pattern: string; patternSpan: Span; appendSeparator: string }
  | { kind: 'grok'; span: Span; input: Expr; pattern: string; patterns: string[]; patternSpan: Span }
  | { kind: 'mv_expand'; span: Span; column: NamePattern }
  /**
   * `ON a, b`: fields of the same name on both sides. `ON x == y AND ...` (`condition`): comparisons of a left
   * field with a lookup field; `on` then lists every field the condition names.
   */
  | { kind: 'lookup_join'; span: Span; index: string; indexSpan: Span; on: NamePattern[]; condition?: Expr };

export interface Query {
  text: string;
  commands: Command[];
  /** `SET name = value;` statements before the query (`time_zone`: a zone id or offset, default `Z`). */
  settings: QuerySettings;
  /** Warnings the parser found (deprecated syntax), worded as Elasticsearch's: `Line L:C: message`. */
  warnings: string[];
}

export interface QuerySettings {
  time_zone?: string;
}

/** The direct sub-expressions of `e` (one place that knows each node's shape). */
export function exprChildren(e: Expr): Expr[] {
  switch (e.kind) {
    case 'call': return e.args;
    case 'binary': case 'logical': return [e.left, e.right];
    case 'not': case 'neg': case 'isNull': case 'cast': return [e.arg];
    case 'in': return [e.arg, ...e.list];
    case 'like': return [e.arg, ...e.patterns];
    case 'interval': return [e.amount];
    case 'array': return e.items;
    default: return [];
  }
}

/** `x` with its children replaced (in `exprChildren` order). */
export function withChildren<E extends Expr>(x: E, kids: Expr[]): E;
export function withChildren(x: Expr, kids: Expr[]): Expr {
  switch (x.kind) {
    case 'call': return { ...x, args: kids };
    case 'binary': case 'logical': return { ...x, left: kids[0], right: kids[1] };
    case 'not': case 'neg': case 'isNull': case 'cast': return { ...x, arg: kids[0] };
    case 'in': return { ...x, arg: kids[0], list: kids.slice(1) };
    case 'like': return { ...x, arg: kids[0], patterns: kids.slice(1) };
    case 'interval': return { ...x, amount: kids[0] };
    case 'array': return { ...x, items: kids };
    default: return { ...x };
  }
}

/** Column names `e` reads. */
export function columnsOf(e: Expr, out = new Set<string>()): Set<string> {
  if (e.kind === 'column') out.add(e.name);
  for (const c of exprChildren(e)) columnsOf(c, out);
  return out;
}
