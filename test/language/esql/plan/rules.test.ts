// Each optimizer rule alone: the analysed plan of a query in, the rewritten plan out (printed without columns,
// which optimize.test.ts checks), and the same plan object back when the rule has nothing to do.
import { expect } from 'chai';
import { PlanStore, openPlanStore } from './plan-store';
import { explainLogical } from '../../../../language/esql/plan/explain';
import {
  RULES, Rule, addImplicitLimit, combineFilters, foldConstantFilters, pruneScanFields, pushFiltersBelowJoins, pushToScan, replaceSortLimitWithTopN,
} from '../../../../language/esql/plan/rules';

describe('ES|QL optimizer rules, each alone', () => {
  let db: PlanStore;
  before(async () => { db = await openPlanStore(); });
  after(async () => { await db.close(); });

  /** The analysed plan of `query` after `rule` alone, printed; null when the rule left it as it was. */
  const apply = (rule: Rule, query: string): string | null => {
    const stages = db.stages(query);
    const out = rule.apply(stages.analysed, db.context(stages));
    return out === stages.analysed ? null : explainLogical(out, false);
  };

  it('lists the rules in the order they run', () => {
    expect(RULES.map((r) => r.name)).to.deep.equal([
      'add_implicit_limit', 'combine_filters', 'push_filters_below_joins', 'fold_constant_filters',
      'replace_sort_limit_with_top_n', 'prune_scan_fields', 'push_to_scan',
    ]);
  });

  it('add_implicit_limit ends the plan with LIMIT 1000, or 10000 when the query has a LIMIT', () => {
    expect(apply(addImplicitLimit, 'ROW a = 1')).to.equal('Limit[1000, implicit]\n\\_LocalRelation[1 row]');
    expect(apply(addImplicitLimit, 'ROW a = 1 | LIMIT 5')).to.equal('Limit[10000, implicit]\n\\_Limit[5]\n  \\_LocalRelation[1 row]');
  });

  it('combine_filters makes adjacent filters one AND', () => {
    expect(apply(combineFilters, 'FROM emp | WHERE salary > 5 | WHERE dept == "x" | KEEP name')).to.equal([
      'Project[name]',
      '\\_Filter[(salary > 5) AND (dept == "x")]',
      '  \\_Scan[emp; fields=dept,name,note,salary,tags]',
    ].join('\n'));
    expect(apply(combineFilters, 'FROM emp | WHERE salary > 5 | EVAL s = 1 | WHERE dept == "x"')).to.equal(null);
  });

  it('push_filters_below_joins moves the parts of a filter that do not read the lookup below the join', () => {
    expect(apply(pushFiltersBelowJoins, 'FROM emp | LOOKUP JOIN depts ON dept | WHERE salary > 5 AND dname == "Sales"')).to.equal([
      'Filter[dname == "Sales"]',
      '\\_LookupJoin[depts ON dept]',
      '  \\_Filter[salary > 5]',
      '    \\_Scan[emp; fields=dept,name,note,salary,tags]',
    ].join('\n'));
    expect(apply(pushFiltersBelowJoins, 'FROM emp | LOOKUP JOIN depts ON dept | WHERE dname == "Sales"')).to.equal(null);
  });

  it('fold_constant_filters drops an always-true filter and turns an always-false one into LIMIT 0', () => {
    expect(apply(foldConstantFilters, 'ROW a = 1 | WHERE a > 0 | EVAL b = 2')).to.equal('Eval[b = 2]\n\\_LocalRelation[1 row]');
    expect(apply(foldConstantFilters, 'FROM emp | WHERE 1 > 2 | KEEP name')).to.equal([
      'Project[name]', '\\_Limit[0]', '  \\_Scan[emp; fields=dept,name,note,salary,tags]',
    ].join('\n'));
    expect(apply(foldConstantFilters, 'FROM emp | WHERE salary > 2')).to.equal(null);
  });

  it('replace_sort_limit_with_top_n joins a SORT and the LIMIT right after it', () => {
    expect(apply(replaceSortLimitWithTopN, 'FROM emp | SORT salary DESC | LIMIT 2 | KEEP name')).to.equal([
      'Project[name]', '\\_TopN[salary DESC NULLS FIRST; 2]', '  \\_Scan[emp; fields=dept,name,note,salary,tags]',
    ].join('\n'));
    expect(apply(replaceSortLimitWithTopN, 'FROM emp | SORT salary | EVAL x = 1 | LIMIT 2')).to.equal(null);
  });

  it('prune_scan_fields scans only what later steps read or output, and prunes nothing after KQL', () => {
    expect(apply(pruneScanFields, 'FROM emp | WHERE dept == "x" | EVAL s = salary * 2 | KEEP name, s')).to.equal([
      'Project[name, s]', '\\_Eval[s = salary * 2]', '  \\_Filter[dept == "x"]', '    \\_Scan[emp; fields=dept,name,salary]',
    ].join('\n'));
    // A projection above a pruned one keeps only the columns still read.
    expect(apply(pruneScanFields, 'FROM emp | KEEP name, salary | DROP salary')).to.equal([
      'Project[name]', '\\_Project[name]', '  \\_Scan[emp; fields=name]',
    ].join('\n'));
    expect(apply(pruneScanFields, 'FROM emp | WHERE KQL("dept: x") | KEEP name')).to.equal(null);
    expect(apply(pruneScanFields, 'FROM emp | EVAL s = 1')).to.equal(null);
  });

  it('push_to_scan gives the store the leading filters, order, limit and simple aggregations', () => {
    expect(apply(pushToScan, 'FROM emp | WHERE salary > 5 | SORT salary | LIMIT 2 | KEEP name')).to.equal([
      'Project[name]', '\\_Limit[2]', '  \\_Scan[emp; fields=dept,name,note,salary,tags; filter=salary > 5; sort=salary ASC; limit=2]',
    ].join('\n'));
    expect(apply(pushToScan, 'FROM emp | WHERE dept == "x" | STATS n = COUNT(*), s = SUM(salary) BY dept')).to.equal(
      'Scan[emp; fields=dept,name,note,salary,tags; filter=dept == "x"; aggregate=count_star(*),sum(salary) BY dept]');
    // A multivalued field and a function the store does not have stay in the engine.
    expect(apply(pushToScan, 'FROM emp | WHERE tags == "p"')).to.equal(null);
    expect(apply(pushToScan, 'FROM emp | WHERE LENGTH(name) > 2')).to.equal(null);
  });
});
