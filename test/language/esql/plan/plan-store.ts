// A real embedded store with three small indices for the planner's tests, and plans of queries over it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EmbeddedStore } from '../../../../language/store/embedded';
import { QueryStages, plan } from '../../../../language/esql/engine';
import { RuleContext } from '../../../../language/esql/plan/rules';

export interface PlanStore {
  store: EmbeddedStore;
  /** Every stage of `query` over the store. */
  stages(query: string): QueryStages;
  /** What a rule needs besides the plan (from the same query's stages). */
  context(stages: QueryStages): RuleContext;
  close(): Promise<void>;
}

export async function openPlanStore(): Promise<PlanStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-plan-'));
  const store = new EmbeddedStore(path.join(dir, 'store.db'));
  await store.createIndex('emp', { mappings: { properties: {
    name: { type: 'keyword' }, salary: { type: 'long' }, dept: { type: 'keyword' }, tags: { type: 'keyword' }, note: { type: 'text' },
  } } });
  await store.bulk('emp', [
    { doc: { name: 'ann', salary: 10, dept: 'x', tags: ['p', 'q'], note: 'first hire' } },
    { doc: { name: 'bob', salary: 20, dept: 'y', tags: 'p', note: 'second' } },
    { doc: { name: 'cid', salary: 30, dept: 'x', note: 'third' } },
  ]);
  await store.createIndex('depts', { mappings: { properties: { dept: { type: 'keyword' }, dname: { type: 'keyword' } } } });
  await store.bulk('depts', [{ doc: { dept: 'x', dname: 'Sales' } }, { doc: { dept: 'y', dname: 'Ops' } }]);
  return {
    store,
    stages: (query) => plan(query, { catalog: store.esqlCatalog, now: 0 }),
    context: (s) => ({ env: s.env, aggregatePushdown: true }),
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
