// Field names that are also names on Object.prototype (`constructor`, `toString`, `valueOf`, `hasOwnProperty`)
// are ordinary fields: a lookup table keyed by field name must not find the prototype's members for them.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';

describe('ES|QL fields named like Object.prototype members', () => {
  let dir: string;
  let store: EmbeddedStore;
  const values = (query: string) => store.esqlSync(query).values;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-proto-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.bulk('p', [
      { doc: { constructor: 'a', toString: 'x', valueOf: 1, hasOwnProperty: true } },
      { doc: { constructor: 'b', toString: 'y', valueOf: 2, hasOwnProperty: false } },
      { doc: { constructor: 'a', toString: 'z', valueOf: 3, hasOwnProperty: true } },
    ], { refresh: true });
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists them (KEEP, SORT)', () => {
    expect(values('FROM p | SORT valueOf | KEEP constructor, toString, valueOf, hasOwnProperty')).to.deep.equal([
      ['a', 'x', 1, true], ['b', 'y', 2, false], ['a', 'z', 3, true],
    ]);
  });

  it('filters, groups and computes on them', () => {
    expect(values('FROM p | WHERE constructor == "a" | STATS s = SUM(valueOf)')).to.deep.equal([[4]]);
    expect(values('FROM p | STATS c = COUNT(*) BY constructor | SORT constructor')).to.deep.equal([[2, 'a'], [1, 'b']]);
    expect(values('FROM p | WHERE hasOwnProperty | EVAL t = CONCAT(toString, "!") | SORT t | KEEP t')).to.deep.equal([['x!'], ['z!']]);
  });
});
