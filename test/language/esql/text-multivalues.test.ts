// A multivalued text field with a plain keyword multi-field is read from that keyword's doc values, as current
// Elasticsearch does (conditional block loader): sorted and deduplicated. Without one, or when a value is
// longer than the keyword's ignore_above, the values come from _source in their order.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';

describe('ES|QL multivalued text fields', () => {
  let dir: string;
  let store: EmbeddedStore;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-text-mv-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('t', { mappings: { properties: {
      withKw: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 5 } } },
      plain: { type: 'text' },
    } } });
    await store.bulk('t', [{ doc: { withKw: ['b', 'a', 'b'], plain: ['b', 'a', 'b'], n: 1 } }, { doc: { withKw: ['zz', 'toolong'], n: 2 } }]);
    await store.bulk('dyn', [{ doc: { c: ['Germany', 'Austria'] } }]);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads them through the keyword multi-field when it holds every value', () => {
    const r = store.esqlSync('FROM t | SORT n | KEEP withKw, plain');
    expect(r.values).to.deep.equal([[['a', 'b'], ['b', 'a', 'b']], [['zz', 'toolong'], null]]);
    // dynamic mapping gives text with a keyword multi-field
    expect(store.esqlSync('FROM dyn | KEEP c').values).to.deep.equal([[['Austria', 'Germany']]]);
  });
});
