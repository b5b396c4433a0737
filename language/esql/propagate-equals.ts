// Elasticsearch's PropagateEquals optimizer rule, OR half: an equality with a constant that a comparison of
// the same field in the same OR already accepts is dropped (`a == 2 OR a > 1` is `a > 1`). The comparison that
// stays keeps its text and position, which is how Elasticsearch words the warning on a multivalued field.
import { COMPARISONS, ComparisonOp, Expr, FLIPPED, comparisonHolds, disjuncts } from './ast';
import { compareValues } from './values';

export interface EqualsContext {
  /** The value of an expression with a known value (literal, parameter, folded constant); undefined otherwise. */
  constant(e: Expr): { value: unknown } | undefined;
}

/** The OR without the equalities another of its comparisons already accepts; `e` itself when none is. */
export function dropSubsumedEqualities(e: Expr & { kind: 'logical' }, ctx: EqualsContext): Expr {
  const parts = disjuncts(e);
  const ranges = parts.map((p) => fieldComparison(p, ctx)).filter((c) => c && c.op !== '==' && c.op !== '!=') as FieldComparison[];
  if (ranges.length === 0) return e;
  const kept = parts.filter((p) => {
    const eq = fieldComparison(p, ctx);
    if (!eq || eq.op !== '==') return true;
    return !ranges.some((r) => r.field === eq.field && comparisonHolds(r.op, compareValues(eq.value, r.value)));
  });
  if (kept.length === parts.length) return e;
  return kept.reduce((l, r) => ({ kind: 'logical', op: 'or', left: l, right: r, span: e.span, text: e.text }));
}

interface FieldComparison { field: string; op: ComparisonOp; value: unknown }

/** `field op constant` (either way round), or undefined. */
function fieldComparison(p: Expr, ctx: EqualsContext): FieldComparison | undefined {
  if (p.kind !== 'binary' || !COMPARISONS.has(p.op)) return undefined;
  const op = p.op as ComparisonOp;
  if (p.left.kind === 'column') {
    const c = ctx.constant(p.right);
    if (c && isNumber(c.value)) return { field: p.left.name, op, value: c.value };
  }
  if (p.right.kind === 'column') {
    const c = ctx.constant(p.left);
    if (c && isNumber(c.value)) return { field: p.right.name, op: FLIPPED[op], value: c.value };
  }
  return undefined;
}

// Numbers only: a text constant compared with a date or an IP is not compared as text.
function isNumber(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint';
}
