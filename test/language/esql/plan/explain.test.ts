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

  it('prints every expression node typed with EXPLAIN TYPED: numeric promotion, folded constants, implicit casts, resolved functions', () => {
    const q = 'FROM emp | EVAL s = salary * 2 + 0.5, k = 1 + 2, d = "2024-01-01" | WHERE s > k AND LENGTH(name) IN (3, 4) | ' +
      'WHERE name LIKE "a*" OR salary == 10 | STATS n = COUNT(*), m = MAX(salary + 1) BY dept | SORT n';
    expect(explain(`EXPLAIN TYPED ${q}`.replace(/^EXPLAIN /, ''))).to.deep.equal([
      '== analysed logical plan ==',
      'OrderBy[n::long ASC NULLS LAST] -> [n:long, m:long, dept:keyword]',
      '\\_Aggregate[n = COUNT(*)::long, m = MAX((salary::long + 1::integer)::long)::long BY dept = dept::keyword] -> [n:long, m:long, dept:keyword]',
      '  \\_Filter[((name::keyword LIKE "a*"::keyword)::boolean OR (salary::long == 10::integer)::boolean)::boolean] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword, s:double, k:integer, d:keyword]',
      '    \\_Filter[((s::double > 3::integer)::boolean AND (LENGTH(name::keyword)::integer IN (3::integer, 4::integer))::boolean)::boolean] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword, s:double, k:integer, d:keyword]',
      '      \\_Eval[s = ((salary::long * 2::integer)::long + 0.5::double)::double, k = 3::integer, d = "2024-01-01"::keyword] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword, s:double, k:integer, d:keyword]',
      '        \\_Scan[emp; fields=dept,name,note,salary,tags] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword]',
      '== optimised logical plan (rules applied: add_implicit_limit, combine_filters, replace_sort_limit_with_top_n, prune_scan_fields) ==',
      'TopN[n::long ASC NULLS LAST; 1000] -> [n:long, m:long, dept:keyword]',
      '\\_Aggregate[n = COUNT(*)::long, m = MAX((salary::long + 1::integer)::long)::long BY dept = dept::keyword] -> [n:long, m:long, dept:keyword]',
      '  \\_Filter[(((s::double > 3::integer)::boolean AND (LENGTH(name::keyword)::integer IN (3::integer, 4::integer))::boolean)::boolean AND ' +
        '((name::keyword LIKE "a*"::keyword)::boolean OR (salary::long == 10::integer)::boolean)::boolean)::boolean] -> [dept:keyword, name:keyword, salary:long, s:double, k:integer, d:keyword]',
      '    \\_Eval[s = ((salary::long * 2::integer)::long + 0.5::double)::double, k = 3::integer, d = "2024-01-01"::keyword] -> [dept:keyword, name:keyword, salary:long, s:double, k:integer, d:keyword]',
      '      \\_Scan[emp; fields=dept,name,salary] -> [dept:keyword, name:keyword, salary:long]',
    ]);
  });

  it('types implicitly cast strings, mixed IN lists and rule-built conditions in the typed tree', () => {
    const lines = explain('TYPED FROM emp | EVAL t = TO_DATETIME(name) | WHERE t > "2024-01-01" | WHERE salary IN (10, 20.5) OR salary == 30');
    expect(lines[2]).to.equal('\\_Filter[(t::date > 2024-01-01T00:00:00.000Z::date)::boolean] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword, t:date]');
    expect(lines[3]).to.equal('  \\_Eval[t = TO_DATETIME(name::keyword)::date] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword, t:date]');
    // combine_filters built the AND with the typed constructor
    expect(lines[7]).to.equal('\\_Filter[((t::date > 2024-01-01T00:00:00.000Z::date)::boolean AND ((salary::long IN (10::integer, 20.5::double))::boolean OR ' +
      '(salary::long == 30::integer)::boolean)::boolean)::boolean] -> [dept:keyword, name:keyword, note:text, salary:long, tags:keyword, t:date]');
  });

  it('reports a bad query at the same place as without EXPLAIN (positions count EXPLAIN in)', () => {
    expect(() => db.store.esqlSync('EXPLAIN FROM emp | WHERE nope > 1')).to.throw(/line 1:26: Unknown column \[nope\]/);
    expect(() => db.store.esqlSync('FROM emp | WHERE nope > 1')).to.throw(/line 1:18: Unknown column \[nope\]/);
  });
});
