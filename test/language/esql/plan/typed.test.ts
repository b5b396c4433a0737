// The typed expression tree (plan/typed.ts), property-style over a grid of generated expressions (arithmetic
// over integer / long / double / date, comparisons, constants, functions, IN, LIKE): every node's type is the
// row engine's type for that sub-expression on its own (implicit casts aside), every folded constant is the
// row engine's value, and the vectorised, fused and pushdown paths — which read types from the tree — give
// the row engine's answers.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../../language/store/embedded';
import { plan } from '../../../../language/esql/engine';
import { Eval, toChain } from '../../../../language/esql/plan/logical';
import { TypedExpr } from '../../../../language/esql/plan/typed';
import { exprChildren } from '../../../../language/esql/ast';
import { setColumnarEnabled } from '../../../../language/esql/compute/columnar';
import { setFusedEnabled } from '../../../../language/esql/compute/pages';
import { MAPPING, logDoc } from '../compute/columnar-data';

const NUMBERS = ['n', 'small', 'd'];
const OPERANDS = ['small', 'd', '3', '10000000000', '2.5', 'null'];
const ARITH = ['+', '-', '*', '/', '%'];

/** Expressions of every value type; `bool` says whether it can be a WHERE condition. */
function grid(): { e: string; bool: boolean }[] {
  const out: { e: string; bool: boolean }[] = [];
  for (const l of NUMBERS) for (const r of OPERANDS) for (const op of ARITH) out.push({ e: `${l} ${op} ${r}`, bool: false });
  for (const { e } of out.slice()) out.push({ e: `${e} > 100`, bool: true });
  out.push(
    { e: '1 + 2 * 3', bool: false }, { e: '10000000000 + 1', bool: false }, { e: '2.5 * 2', bool: false },
    { e: 't > "2024-01-03"', bool: true }, { e: '"2024-01-03T12:00:00Z" <= t', bool: true }, { e: 't + 1 day > "2024-01-04"', bool: true },
    { e: 't IN ("2024-01-02T00:00:00Z", TO_DATETIME("2024-01-03T00:00:00Z"))', bool: true },
    { e: 'small IN (1, 3, 2.5)', bool: true }, { e: 'n NOT IN (10, null)', bool: true }, { e: 'k IN ("beta", "gamma")', bool: true },
    { e: 'k LIKE "*eta"', bool: true }, { e: 'k RLIKE "b.*"', bool: true }, { e: 'NOT (k LIKE "a*")', bool: true },
    { e: 'ABS(n) > 100', bool: true }, { e: 'LENGTH(k) == 4', bool: true }, { e: 'TO_LONG(d) * 2', bool: false },
    { e: 'COALESCE(small, 0) + 1', bool: false }, { e: 'ROUND(d, 1) < 10', bool: true }, { e: 'small IS NULL OR d >= 0', bool: true },
    { e: 'ok AND small > 3', bool: true }, { e: 'NOT ok OR k == "beta"', bool: true }, { e: 'n == 3 OR n == 4 OR small == 2', bool: true },
    { e: '-n + small', bool: false }, { e: 'd / 0.5', bool: false }, { e: 'null + 1', bool: false }, { e: 'n > null', bool: true },
  );
  return out;
}

function nodes(e: TypedExpr): TypedExpr[] {
  return [e, ...(exprChildren(e) as TypedExpr[]).flatMap(nodes)];
}

describe('ES|QL typed expression tree', function () {
  this.timeout(120000);
  let dir: string;
  let store: EmbeddedStore;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-typed-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('logs', MAPPING);
    store.bulkSync('logs', Array.from({ length: 300 }, (_v, i) => ({ doc: logDoc(i) })));
  });
  after(async () => {
    setColumnarEnabled(true);
    setFusedEnabled(true);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const typedOf = (expr: string): TypedExpr | null => {
    try {
      const stages = plan(`FROM logs | EVAL x = ${expr}`, { catalog: store.esqlCatalog, now: 0 });
      return (toChain(stages.analysed).find((p) => p.kind === 'eval') as Eval).fields[0].expr;
    } catch {
      return null;
    }
  };
  const rowEngine = (q: string) => {
    setColumnarEnabled(false);
    try { return store.esqlSync(q); } finally { setColumnarEnabled(true); }
  };

  it('types every node as the row engine types that sub-expression, and folds constants to its values', () => {
    let checked = 0;
    for (const { e } of grid()) {
      const root = typedOf(e);
      expect(root, e).to.not.equal(null);
      for (const node of nodes(root!)) {
        const alone = typedOf(node.text)!;
        // A string ES|QL casts implicitly (compared with a date) is typed as the cast; on its own it is a keyword.
        const cast = node.kind === 'literal' && node.type === 'date' && alone.type === 'keyword';
        if (!cast) expect(node.type, `${node.text} in ${e}`).to.equal(alone.type);
        const value = node.constant?.value;
        if (node.constant && !cast && (value === null || typeof value !== 'object')) {
          // (dates leave the engine printed; intervals are not values of a column)
          const want = node.type === 'date' && typeof value === 'number' ? new Date(value).toISOString() : value;
          const r = rowEngine(`FROM logs | EVAL v = ${node.text} | KEEP v | LIMIT 3`);
          for (const [v] of r.values) expect(v, `${node.text} in ${e}`).to.deep.equal(want);
        }
        checked++;
      }
      // The row engine's result column is the root's type.
      expect(rowEngine(`FROM logs | EVAL x = ${e} | KEEP x | LIMIT 1`).columns[0].type, e).to.equal(root!.type);
    }
    expect(checked).to.be.greaterThan(600);
  });

  it('gives the row engine\'s answers on the vectorised, fused and pushdown paths', () => {
    for (const { e, bool } of grid()) {
      const queries = bool
        ? [`FROM logs | WHERE ${e} | KEEP id | SORT id`, `FROM logs | WHERE ${e} | STATS c = COUNT(*)`]
        : [`FROM logs | EVAL x = ${e} | KEEP id, x | SORT id`, `FROM logs | EVAL x = ${e} | STATS c = COUNT(x)`];
      for (const q of queries) {
        // `OR false` keeps a condition's meaning but is never pushed down: the row engine alone.
        const expected = rowEngine(bool ? q.replace(`WHERE ${e}`, `WHERE (${e}) OR false`) : q);
        const pushed = rowEngine(q);
        const vectorised = store.esqlSync(q);
        setFusedEnabled(false);
        const nodeByNode = store.esqlSync(q);
        setFusedEnabled(true);
        for (const [name, r] of [['pushdown', pushed], ['vectorised', vectorised], ['node by node', nodeByNode]] as const) {
          expect(r.values, `${name}: ${q}`).to.deep.equal(expected.values);
          expect(r.columns, `${name}: ${q}`).to.deep.equal(expected.columns);
        }
        expect(vectorised.warnings, q).to.deep.equal(pushed.warnings);
        // what those paths read: the condition is typed boolean, an EVAL its column's type
        if (q.includes('KEEP')) expect(typedOf(e)!.type, q).to.equal(bool ? 'boolean' : expected.columns[1].type);
      }
    }
  });
});
