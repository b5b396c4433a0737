// EXPLAIN as a user reaches it (a query prefixed with EXPLAIN, through the store): the analysed plan, the
// optimised one with the rules that changed it, and the physical plan, each node with its output columns.
import { expect } from 'chai';
import { PlanStore, openPlanStore } from './plan-store';

describe('ES|QL EXPLAIN', () => {
  let db: PlanStore;
  before(async () => { db = await openPlanStore(); });
  after(async () => { await db.close(); });

  const explain = (query: string): string[] => {
    const r = db.store.esqlSync(`EXPLAIN ${query}`);
    expect(r.columns).to.deep.equal([{ name: 'plan', type: 'keyword' }]);
    return r.values.map((row) => String(row[0]));
  };

  it('prints a JavaScript-path query: EVAL and STATS stay in the engine, SORT + LIMIT become a top-N, fields are pruned', () => {
    expect(explain('FROM emp | EVAL k = CONCAT(name, "/", dept) | STATS n = COUNT(*) BY k | SORT n DESC, k | LIMIT 2')).to.deep.equal([
      '== analysed logical plan ==',
      'Limit[2] -> [n:long, k:keyword]',
      '\\_OrderBy[n DESC NULLS FIRST, k ASC NULLS LAST] -> [n:long, k:keyword]',
      '  \\_Aggregate[n = COUNT(*) BY k] -> [n:long, k:keyword]',
      '    \\_Eval[k = CONCAT(name, "/", dept)] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword, k:keyword]',
      '      \\_Scan[emp; fields=dept,name,note,salary,tags] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword]',
      '== optimised logical plan (rules applied: add_implicit_limit, replace_sort_limit_with_top_n, prune_scan_fields) ==',
      'Limit[10000, implicit] -> [n:long, k:keyword]',
      '\\_TopN[n DESC NULLS FIRST, k ASC NULLS LAST; 2] -> [n:long, k:keyword]',
      '  \\_Aggregate[n = COUNT(*) BY k] -> [n:long, k:keyword]',
      '    \\_Eval[k = CONCAT(name, "/", dept)] -> [dept:keyword, name:keyword, k:keyword]',
      '      \\_Scan[emp; fields=dept,name] -> [dept:keyword, name:keyword]',
      '== physical plan ==',
      'LimitExec[10000, implicit] -> [n:long, k:keyword]',
      '\\_TopNExec[n DESC NULLS FIRST, k ASC NULLS LAST; 2] -> [n:long, k:keyword]',
      '  \\_AggregateExec[n = COUNT(*) BY k] -> [n:long, k:keyword]',
      '    \\_EvalExec[k = CONCAT(name, "/", dept)] -> [dept:keyword, name:keyword, k:keyword]',
      '      \\_ScanExec[emp; columns=dept,name] -> [dept:keyword, name:keyword]',
    ]);
  });

  it('prints a join: the filter part on the input moves below the join and into the scan', () => {
    expect(explain('FROM emp | LOOKUP JOIN depts ON dept | WHERE salary > 10 AND dname == "Sales" | KEEP name, dname')).to.deep.equal([
      '== analysed logical plan ==',
      'Project[name, dname] -> [name:keyword, dname:keyword]',
      '\\_Filter[salary > 10 AND dname == "Sales"] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword, dname:keyword]',
      '  \\_LookupJoin[depts ON dept] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword, dname:keyword]',
      '    \\_Scan[emp; fields=dept,name,note,salary,tags] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword]',
      '== optimised logical plan (rules applied: add_implicit_limit, push_filters_below_joins, prune_scan_fields, push_to_scan) ==',
      'Limit[1000, implicit] -> [name:keyword, dname:keyword]',
      '\\_Project[name, dname] -> [name:keyword, dname:keyword]',
      '  \\_Filter[dname == "Sales"] -> [dept:keyword, name:keyword, salary:long, dname:keyword]',
      '    \\_LookupJoin[depts ON dept] -> [dept:keyword, name:keyword, salary:long, dname:keyword]',
      '      \\_Scan[emp; fields=dept,name,salary; filter=salary > 10] -> [dept:keyword, name:keyword, salary:long]',
      '== physical plan ==',
      'LimitExec[1000, implicit] -> [name:keyword, dname:keyword]',
      '\\_ProjectExec[name, dname] -> [name:keyword, dname:keyword]',
      '  \\_FilterExec[dname == "Sales"] -> [dept:keyword, name:keyword, salary:long, dname:keyword]',
      '    \\_LookupJoinExec[depts ON dept] -> [dept:keyword, name:keyword, salary:long, dname:keyword]',
      '      \\_ScanExec[emp; columns=dept,name,salary; filter=salary > 10] -> [dept:keyword, name:keyword, salary:long]',
    ]);
  });

  it('prints a ROW query, and runs nothing', () => {
    expect(explain('ROW a = 1 | WHERE a > 0')).to.deep.equal([
      '== analysed logical plan ==',
      'Filter[a > 0] -> [a:integer]',
      '\\_LocalRelation[1 row] -> [a:integer]',
      '== optimised logical plan (rules applied: add_implicit_limit, fold_constant_filters) ==',
      'Limit[1000, implicit] -> [a:integer]',
      '\\_LocalRelation[1 row] -> [a:integer]',
      '== physical plan ==',
      'LimitExec[1000, implicit] -> [a:integer]',
      '\\_LocalSourceExec[1 row] -> [a:integer]',
    ]);
  });

  it('reports a bad query at the same place as without EXPLAIN (positions count EXPLAIN in)', () => {
    expect(() => db.store.esqlSync('EXPLAIN FROM emp | WHERE nope > 1')).to.throw(/line 1:26: Unknown column \[nope\]/);
    expect(() => db.store.esqlSync('FROM emp | WHERE nope > 1')).to.throw(/line 1:18: Unknown column \[nope\]/);
  });
});
