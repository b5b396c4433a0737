// The optimizer as a whole: every rule keeps the output schema (a rule that breaks it is caught and named),
// the optimised plan gives the rows the unoptimised one gives, and the physical layer refuses a plan it cannot
// build instead of skipping the step.
import { expect } from 'chai';
import { PlanStore, openPlanStore } from './plan-store';
import { optimize } from '../../../../language/esql/plan/optimize';
import { RULES, Rule, addImplicitLimit } from '../../../../language/esql/plan/rules';
import { execute, lower } from '../../../../language/esql/plan/physical';
import { Plan, toChain, fromChain } from '../../../../language/esql/plan/logical';

describe('ES|QL optimizer', () => {
  let db: PlanStore;
  before(async () => { db = await openPlanStore(); });
  after(async () => { await db.close(); });

  /** A rule that forgets the last output column of a projection: the schema check must stop it. */
  const dropsAColumn: Rule = {
    name: 'broken_rule',
    apply(plan) {
      const chain = toChain(plan);
      return fromChain(chain.map((p) => (p.kind === 'project' ? { ...p, columns: p.columns.slice(0, -1) } : p)));
    },
  };

  it('fails loudly, naming the rule, when a rule changes the output schema', () => {
    const stages = db.stages('FROM emp | KEEP name, salary');
    expect(() => optimize(stages.analysed, db.context(stages), [addImplicitLimit, dropsAColumn]))
      .to.throw(/optimizer rule broken_rule changed the output schema from \[name:keyword, salary:long\] to \[name:keyword\]/);
    // Without the broken rule the same plan goes through.
    expect(optimize(stages.analysed, db.context(stages), [addImplicitLimit]).applied).to.deep.equal(['add_implicit_limit']);
  });

  const QUERIES = [
    'FROM emp | WHERE salary > 5 | WHERE dept == "x" | SORT salary DESC | LIMIT 1 | KEEP name',
    'FROM emp | EVAL s = salary * 2 | WHERE s > 25 | SORT name | KEEP name, s',
    'FROM emp | STATS n = COUNT(*), m = MAX(salary) BY dept | SORT dept',
    'FROM emp | LOOKUP JOIN depts ON dept | WHERE salary >= 20 AND dname == "Sales" | KEEP name, dname',
    'FROM emp | WHERE 1 > 2 | STATS n = COUNT(*)',
    'FROM emp | KEEP name, salary | RENAME salary AS pay | DROP name | SORT pay',
    'FROM emp | MV_EXPAND tags | STATS n = COUNT(*) BY tags | SORT tags',
    'FROM emp | GROK note "%{WORD:w} %{WORD:x}" | KEEP name, w | SORT name',
    'FROM emp | INLINE STATS m = MAX(salary) BY dept | KEEP name, m | SORT name',
    'ROW a = 1, b = "x" | WHERE a == 1 | EVAL c = a + 1',
  ];

  it('gives the same rows as the unoptimised plan (only the implicit limit added)', () => {
    for (const query of QUERIES) {
      const stages = db.stages(query);
      const run = (plan: Plan): unknown[][] => execute(lower(plan, stages.env, db.store.esqlCatalog), db.store.esqlCatalog);
      const plain = optimize(stages.analysed, db.context(stages), [addImplicitLimit]).plan;
      const optimised = optimize(stages.analysed, db.context(stages), RULES);
      expect(optimised.plan.schema, query).to.deep.equal(plain.schema);
      expect(run(optimised.plan), query).to.deep.equal(run(plain));
      expect(optimised.applied.length, query).to.be.above(1);
    }
  });

  it('refuses to lower a step whose input lacks a column it reads', () => {
    const stages = db.stages('FROM emp | KEEP name, salary');
    const chain = toChain(stages.analysed);
    const scan = chain[0] as Plan & { kind: 'scan' };
    // A scan that lost `salary` under a projection that still reads it: an error, not a silently shorter row.
    const broken = [{ ...scan, fields: scan.fields.filter((f) => f.name !== 'salary'), schema: scan.schema.filter((c) => c.name !== 'salary') }, chain[1]];
    expect(() => lower({ ...chain[1], child: broken[0] } as Plan, stages.env, db.store.esqlCatalog)).to.throw(/keep reads \[salary\], which its input does not have/);
  });
});
