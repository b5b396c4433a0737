// Warnings of WHERE on multivalued fields as Elasticsearch gives them. A comparison of an indexed field with a
// constant runs as a Lucene query there: a multivalued document is looked at (dropped, with the warning) only
// when one of its values matches. Past a LIMIT, or on a computed value, every multivalue warns. In an OR, an
// equality that a range on the same field already accepts is dropped first (PropagateEquals), so only the
// range is named in the warning.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';

describe('ES|QL WHERE on multivalued fields: which comparisons warn', () => {
  let dir: string;
  let store: EmbeddedStore;
  const q = (query: string) => store.esqlSync(query);
  const header = (at: string, text: string) => `Line 1:${at}: evaluation of [${text}] failed, treating result as null. Only first 20 failures recorded.`;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-filter-warn-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('m', { mappings: { properties: { k: { type: 'integer' }, id: { type: 'keyword' } } } });
    await store.bulk('m', [{ doc: { k: 1, id: 'a' } }, { doc: { k: [6, 7], id: 'b' } }, { doc: { k: 9, id: 'c' } }]);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an indexed field compared with a constant warns only when a value of the multivalue matches (not past LIMIT, not in EVAL)', () => {
    const quiet = q('FROM m | WHERE k == 1 | KEEP id');
    expect(quiet.values).to.deep.equal([['a']]);
    expect(quiet.warnings).to.deep.equal([]);
    expect(q('FROM m | WHERE k > 8 | KEEP id').warnings).to.deep.equal([]);
    const loud = q('FROM m | WHERE k == 7 | KEEP id');
    expect(loud.values).to.deep.equal([]);
    expect(loud.warnings).to.include(header('16', 'k == 7'));
    expect(q('FROM m | WHERE 5 < k | KEEP id').warnings).to.include(header('16', '5 < k'));
    // past a LIMIT, or in EVAL, every multivalue warns
    expect(q('FROM m | LIMIT 10 | WHERE k == 1 | KEEP id').warnings).to.include(header('27', 'k == 1'));
    expect(q('FROM m | EVAL x = k == 1 | KEEP x').warnings).to.include(header('19', 'k == 1'));
  });

  it('an equality an OR\'s range already accepts is dropped, so only the range warns', () => {
    const r = q('FROM m | WHERE k == 7 OR k > 5 | SORT id | KEEP id');
    expect(r.values).to.deep.equal([['c']]);
    expect(r.warnings).to.deep.equal([header('26', 'k > 5'), 'Line 1:26: java.lang.IllegalArgumentException: single-value function encountered multi-value']);
    // 0 is outside k > 5: both stay
    expect(q('FROM m | WHERE k == 0 OR k > 5 | KEEP id').values).to.have.length(1);
  });
});
