// A field mapped with different types in the scanned indices (a union type) can only be listed (KEEP, DROP,
// RENAME, output: nulls) or read through a conversion function; any other use fails as Elasticsearch's
// verifier words it, naming each type with its indices. A field of a type ES|QL does not read fails the same way.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../language/store/embedded';

describe('ES|QL fields that cannot be used (union types, unsupported mappings)', () => {
  let dir: string;
  let store: EmbeddedStore;
  const q = (query: string) => store.esqlSync(query);
  const failure = (query: string): string => {
    try {
      q(query);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };
  const AMBIGUOUS = 'Cannot use field [id] due to ambiguities being mapped as [2] incompatible types: [keyword] in [u1], [long] in [u2, u3]';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esql-unusable-'));
    store = new EmbeddedStore(path.join(dir, 'store.db'));
    await store.createIndex('u1', { mappings: { properties: { id: { type: 'keyword' }, n: { type: 'integer' } } } });
    await store.createIndex('u2', { mappings: { properties: { id: { type: 'long' }, n: { type: 'integer' } } } });
    await store.createIndex('u3', { mappings: { properties: { id: { type: 'long' }, n: { type: 'integer' }, when: { type: 'date' } } } });
    await store.createIndex('u4', { mappings: { properties: { when: { type: 'keyword' } } } });
    await store.bulk('u1', [{ doc: { id: '7', n: 1 } }]);
    await store.bulk('u2', [{ doc: { id: 8, n: 2 } }]);
    await store.bulk('u3', [{ doc: { id: 9, n: 3, when: '2024-01-01' } }]);
    await store.bulk('u4', [{ doc: { when: 'x' } }]);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails in WHERE, EVAL, SORT, STATS and STATS BY with the types and their indices', () => {
    expect(failure('FROM u1, u2, u3 | WHERE id == "7"')).to.contain(`line 1:25: ${AMBIGUOUS}`);
    expect(failure('FROM u1, u2, u3 | EVAL x = id')).to.contain(`line 1:28: ${AMBIGUOUS}`);
    expect(failure('FROM u1, u2, u3 | SORT id')).to.contain(AMBIGUOUS);
    expect(failure('FROM u1, u2, u3 | STATS c = COUNT(id)')).to.contain(AMBIGUOUS);
    expect(failure('FROM u1, u2, u3 | STATS c = COUNT(*) BY id')).to.contain(AMBIGUOUS);
  });

  it('names a date mapping datetime', () => {
    expect(failure('FROM u3, u4 | WHERE when IS NULL')).to.contain('Cannot use field [when] due to ambiguities being mapped as [2] incompatible types: [datetime] in [u3], [keyword] in [u4]');
  });

  it('still lists the field (as nulls) and reads it through a conversion', () => {
    expect(q('FROM u1, u2, u3 | KEEP id, n | SORT n').values).to.deep.equal([[null, 1], [null, 2], [null, 3]]);
    expect(q('FROM u1, u2, u3 | EVAL x = TO_LONG(id), y = id::keyword | SORT n | KEEP x, y').values).to.deep.equal([[7, '7'], [8, '8'], [9, '9']]);
  });
});
