// Elasticsearch's CombineDisjunctions optimizer rule, applied where an OR is compiled: equalities and INs on the
// same expression become one IN, CIDR_MATCHes on the same field one CIDR_MATCH (taking that field's IP equalities
// along). The combined test is named after the field (its text and position), which is how Elasticsearch words
// the warning when the field is multivalued: `evaluation of [salary_change] failed`.
import { Expr, disjuncts } from './ast';

interface Group { key: Expr; values: Expr[]; members: number; inSingle: boolean }

export interface DisjunctionContext {
  /** True for an expression with a known value (a literal, a parameter, a folded constant). */
  foldable(e: Expr): boolean;
  /** True when `e` is of type ip (its equalities may join a CIDR_MATCH on it). */
  isIp(e: Expr): boolean;
}

/** The rewritten OR, or `e` itself when nothing combines. */
export function combineDisjunctions(e: Expr & { kind: 'logical' }, ctx: DisjunctionContext): Expr {
  const parts = disjuncts(e);
  const ins = new Map<string, Group>();
  const cidrs = new Map<string, Group>();
  const ips = new Map<string, Expr[]>();
  const ors: Expr[] = [];
  const add = (map: Map<string, Group>, key: Expr, values: Expr[], inSingle = false): void => {
    const id = keyOf(key);
    let g = map.get(id);
    if (!g) map.set(id, (g = { key, values: [], members: 0, inSingle }));
    g.members++;
    for (const v of values) if (!g.values.some((x) => x.text === v.text)) g.values.push(v);
  };
  for (const p of parts) {
    if (p.kind === 'binary' && p.op === '==') {
      // Literals go on the right first (Elasticsearch's LiteralsOnTheRight).
      const [k, v] = ctx.foldable(p.left) && !ctx.foldable(p.right) ? [p.right, p.left] : [p.left, p.right];
      if (ctx.foldable(v) && !ctx.foldable(k)) {
        add(ins, k, [v]);
        if (ctx.isIp(k)) ips.set(keyOf(k), [...(ips.get(keyOf(k)) ?? []), v]);
        continue;
      }
    } else if (p.kind === 'in' && !p.negated && !ctx.foldable(p.arg) && p.list.every((x) => ctx.foldable(x))) {
      add(ins, p.arg, p.list, p.list.length === 1);
      if (ctx.isIp(p.arg)) ips.set(keyOf(p.arg), [...(ips.get(keyOf(p.arg)) ?? []), ...p.list]);
      continue;
    } else if (p.kind === 'call' && p.name.toLowerCase() === 'cidr_match' && p.args.length >= 2 &&
      !ctx.foldable(p.args[0]) && p.args.slice(1).every((x) => ctx.foldable(x))) {
      add(cidrs, p.args[0], p.args.slice(1));
      continue;
    }
    ors.push(p);
  }
  let changed = [...ins.values(), ...cidrs.values()].some((g) => g.members > 1 || g.inSingle);
  if (cidrs.size > 0) {
    // IP equalities on a field that also has CIDR_MATCHes join them (a literal address matches itself).
    for (const [id, values] of ips) {
      if (!values.every((v) => v.kind === 'literal' && typeof v.value === 'string')) continue;
      const eq = ins.get(id)!.key;
      const g = cidrs.get(id) ?? { key: eq, values: [], members: 0, inSingle: false };
      // The merged test is named after the field's first appearance in the OR.
      if (eq.span.start < g.key.span.start) g.key = eq;
      for (const v of values) if (!g.values.some((x) => x.text === v.text)) g.values.push(v);
      cidrs.set(id, g);
      ins.delete(id);
      changed = true;
    }
  }
  if (!changed) return e;
  const combined: Expr[] = [...ors];
  for (const g of ins.values()) {
    const at = { span: g.key.span, text: g.key.text };
    combined.push(g.values.length === 1
      ? { kind: 'binary', op: '==', left: g.key, right: g.values[0], ...at }
      : { kind: 'in', arg: g.key, list: g.values, negated: false, ...at });
  }
  for (const g of cidrs.values()) {
    combined.push({ kind: 'call', name: 'cidr_match', args: [g.key, ...g.values], star: false, span: g.key.span, text: g.key.text });
  }
  return combined.reduce((l, r) => ({ kind: 'logical', op: 'or', left: l, right: r, span: e.span, text: e.text, combined: true }));
}

function keyOf(e: Expr): string {
  return e.kind === 'column' ? `c:${e.name}` : `t:${e.text.replace(/\s+/g, '')}`;
}
