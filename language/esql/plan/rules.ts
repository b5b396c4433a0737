// The optimizer's rules, in the order they run (optimize.ts runs them and checks each keeps the output schema).
// Each rewrites a logical plan into one that gives the same rows, as Elasticsearch's LogicalPlanOptimizer
// rules do; the names are the ones EXPLAIN and the tests use.
import { Expr, columnsOf, exprChildren } from '../ast';
import { CompileEnv, ExprCompiler } from '../compile';
import { FunctionRegistry } from '../registry';
import { planPushdown } from '../pushdown';
import { Filter, Plan, Scan, UnaryPlan, fromChain, toChain } from './logical';
import { TypedExpr, and, andAll, conjuncts } from './typed';

export const DEFAULT_LIMIT = 1000;
/** Elasticsearch's `esql.query.result_truncation_max_size`: a larger LIMIT is capped to it. */
export const MAX_LIMIT = 10000;

export interface RuleContext {
  env: CompileEnv;
  /** False to keep STATS in JavaScript (recovering from an SQL overflow). */
  aggregatePushdown: boolean;
}

export interface Rule {
  name: string;
  apply(plan: Plan, ctx: RuleContext): Plan;
}

/** Elasticsearch always ends a plan with a limit: 1000 by default, at most 10000 when the query has its own. */
export const addImplicitLimit: Rule = {
  name: 'add_implicit_limit',
  apply(plan, ctx) {
    const end = { start: ctx.env.query.length, end: ctx.env.query.length };
    const count = toChain(plan).some((p) => p.kind === 'limit') ? MAX_LIMIT : DEFAULT_LIMIT;
    return { kind: 'limit', child: plan, span: end, count, implicit: true, schema: plan.schema };
  },
};

/** Adjacent filters become one AND (CombineFilters), so that every condition sees every row. */
export const combineFilters: Rule = {
  name: 'combine_filters',
  apply(plan) {
    const chain = toChain(plan);
    const out: Plan[] = [];
    for (const node of chain) {
      const prev = out[out.length - 1];
      if (node.kind === 'filter' && prev?.kind === 'filter') {
        const condition = and(prev.condition, node.condition, `(${prev.condition.text}) AND (${node.condition.text})`);
        out[out.length - 1] = { kind: 'filter', child: prev.child, span: prev.span, schema: prev.schema, condition };
      } else out.push(node);
    }
    return out.length === chain.length ? plan : fromChain(out);
  },
};

/**
 * PushDownAndCombineFilters for joins: the AND-parts of a filter right above a LOOKUP JOIN that read only the
 * join's input (not the lookup's added fields) move below it. Same rows, but the join never sees (nor warns
 * about) the rows they remove.
 */
export const pushFiltersBelowJoins: Rule = {
  name: 'push_filters_below_joins',
  apply(plan, ctx) {
    const chain = toChain(plan);
    let changed = false;
    for (let i = 1; i < chain.length; i++) {
      const join = chain[i - 1];
      const filter = chain[i];
      if (join.kind !== 'lookup_join' || filter.kind !== 'filter') continue;
      const added = new Set(join.added.map((c) => c.name));
      const parts = conjuncts(filter.condition);
      const below = parts.filter((p) => !readsEveryField(p, ctx.env.registry) && ![...columnsOf(p)].some((c) => added.has(c)));
      if (below.length === 0) continue;
      const above = parts.filter((p) => !below.includes(p));
      const moved = filterOf(filter, andAll(below));
      const rest = above.length ? [filterOf(filter, andAll(above))] : [];
      const prev = chain[i - 2];
      // Two filters in a row become one, as CombineFilters does for the query as written.
      if (prev?.kind === 'filter') chain.splice(i - 2, 3, filterOf(prev, and(prev.condition, moved.condition)), join, ...rest);
      else chain.splice(i - 1, 2, moved, join, ...rest);
      changed = true;
      i = 0;
    }
    return changed ? fromChain(chain) : plan;
  },
};

/** A filter whose condition is a constant: TRUE keeps every row (dropped), FALSE or NULL none (LIMIT 0). */
export const foldConstantFilters: Rule = {
  name: 'fold_constant_filters',
  apply(plan) {
    const chain = toChain(plan);
    let changed = false;
    const out: Plan[] = [];
    for (const node of chain) {
      const known = node.kind === 'filter' ? node.condition.constant : undefined;
      if (node.kind === 'filter' && known && (known.value === true || known.value === false || known.value === null)) {
        changed = true;
        if (known.value !== true) out.push({ kind: 'limit', child: node.child, span: node.span, count: 0, schema: node.schema });
        continue;
      }
      out.push(node);
    }
    return changed ? fromChain(out) : plan;
  },
};

/** SORT directly followed by LIMIT becomes one top-N step (ReplaceLimitAndSortAsTopN). */
export const replaceSortLimitWithTopN: Rule = {
  name: 'replace_sort_limit_with_top_n',
  apply(plan) {
    const chain = toChain(plan);
    const out: Plan[] = [];
    for (const node of chain) {
      const prev = out[out.length - 1];
      if (node.kind === 'limit' && prev?.kind === 'order_by') {
        out[out.length - 1] = { kind: 'top_n', child: prev.child, span: prev.span, schema: prev.schema, orders: prev.orders, count: node.count };
      } else out.push(node);
    }
    return out.length === chain.length ? plan : fromChain(out);
  },
};

/** The scan reads only the fields some later step reads or outputs (no second analysis: schemas are derived). */
export const pruneScanFields: Rule = {
  name: 'prune_scan_fields',
  apply(plan, ctx) {
    const chain = toChain(plan);
    const scan = chain[0];
    if (scan.kind !== 'scan') return plan;
    const outputs = new Map<UnaryPlan, Set<string>>();
    const needed = neededColumns(chain.slice(1) as UnaryPlan[], new Set(plan.schema.map((c) => c.name)), ctx.env.registry, outputs);
    if (!needed) return plan;
    const fields = scan.fields.filter((f) => needed.has(f.name));
    if (fields.length === scan.fields.length) return plan;
    const schema = scan.schema.filter((c) => needed.has(c.name));
    // A projection keeps only the columns read above it (the others may no longer be scanned).
    const steps = (chain.slice(1) as UnaryPlan[]).map((p) => (p.kind === 'project' ? { ...p, columns: p.columns.filter((c) => outputs.get(p)!.has(c.name)) } : p));
    return fromChain([{ ...scan, fields, schema }, ...steps]);
  },
};

/** The leading filters, order, limit and simple STATS the store can run exactly move into the scan. */
export const pushToScan: Rule = {
  name: 'push_to_scan',
  apply(plan, ctx) {
    const chain = toChain(plan);
    const scan = chain[0];
    if (scan.kind !== 'scan' || scan.pushed) return plan;
    const pushed = planPushdown(chain.slice(1) as UnaryPlan[], scan.fields, new ExprCompiler({ ...ctx.env, failures: [] }), ctx.aggregatePushdown);
    if (!Object.keys(pushed.request).length) return plan;
    const aggregate = [...pushed.consumed].find((p) => p.kind === 'aggregate');
    const newScan: Scan = { ...scan, pushed: { request: pushed.request, ...(pushed.outputs ? { outputs: pushed.outputs } : {}) }, schema: aggregate ? aggregate.schema : scan.schema };
    return fromChain([newScan, ...chain.slice(1).filter((p) => !pushed.consumed.has(p as UnaryPlan))]);
  },
};

/** The optimizer's rules, in order. */
export const RULES: Rule[] = [
  addImplicitLimit, combineFilters, pushFiltersBelowJoins, foldConstantFilters, replaceSortLimitWithTopN, pruneScanFields, pushToScan,
];

/**
 * The names the scan must give, walking from the root down (`outputs`: each step's output names read above it);
 * null when a step may read any field (KQL, QSTR).
 */
function neededColumns(steps: UnaryPlan[], output: Set<string>, registry: FunctionRegistry, outputs: Map<UnaryPlan, Set<string>>): Set<string> | null {
  let need = new Set(output);
  const read = (e: Expr | undefined): boolean => {
    if (!e) return true;
    if (readsEveryField(e, registry)) return false;
    columnsOf(e, need);
    return true;
  };
  const drop = (names: { name: string }[]): void => names.forEach((c) => need.delete(c.name));
  for (const step of [...steps].reverse()) {
    outputs.set(step, new Set(need));
    switch (step.kind) {
      case 'filter': if (!read(step.condition)) return null; break;
      case 'order_by': case 'top_n': if (!step.orders.every((o) => read(o.expr))) return null; break;
      case 'limit': break;
      case 'eval':
        for (const f of [...step.fields].reverse()) {
          need.delete(f.name);
          if (!read(f.expr)) return null;
        }
        break;
      case 'aggregate': case 'inline_stats': {
        if (step.kind === 'aggregate') need = new Set();
        else drop(step.added);
        const c = step.command;
        if (!c.groups.every((g) => read(g.expr)) || !c.aggs.every((a) => read(a.field.expr) && read(a.filter))) return null;
        break;
      }
      case 'project': {
        const next = new Set<string>();
        for (const c of step.columns) if (need.has(c.name)) next.add(c.source);
        need = next;
        break;
      }
      case 'dissect': case 'grok': drop(step.added); if (!read(step.command.input)) return null; break;
      case 'mv_expand': need.add(step.column); break;
      case 'lookup_join': drop(step.added); step.command.on.forEach((k) => need.add(k.pattern)); break;
    }
  }
  return need;
}

/** True when `e` calls a function that reads fields it does not name (KQL, QSTR). */
export function readsEveryField(e: Expr, registry: FunctionRegistry): boolean {
  if (e.kind === 'call') {
    const f = registry.lookup(e.name);
    if (f?.kind === 'scalar' && f.readsEveryField) return true;
  }
  return exprChildren(e).some((c) => readsEveryField(c, registry));
}

function filterOf(like: Filter, condition: TypedExpr): Filter {
  return { kind: 'filter', child: like.child, span: like.span, schema: like.schema, condition };
}
