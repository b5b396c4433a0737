// Runs the optimizer's rules (rules.ts) in order over an analysed plan. A rule may change how rows are
// computed, never what the query outputs: after each rule the output schema is checked, and a rule that
// changed it is a bug reported loudly (with the rule's name) rather than a wrong answer.
import { Plan, sameSchema, schemaText } from './logical';
import { RULES, Rule, RuleContext } from './rules';

export interface Optimized {
  plan: Plan;
  /** The rules that changed the plan, in order (EXPLAIN shows them). */
  applied: string[];
}

export function optimize(plan: Plan, ctx: RuleContext, rules: Rule[] = RULES): Optimized {
  const applied: string[] = [];
  for (const rule of rules) {
    const next = rule.apply(plan, ctx);
    if (next === plan) continue;
    if (!sameSchema(next.schema, plan.schema)) {
      throw new Error(`optimizer rule ${rule.name} changed the output schema from [${schemaText(plan.schema)}] to [${schemaText(next.schema)}]`);
    }
    applied.push(rule.name);
    plan = next;
  }
  return { plan, applied };
}
