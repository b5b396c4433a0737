// The load worker (ndjson-mapper.ts, Documents.writeMapped): a big NDJSON file loaded with its documents mapped on
// a worker thread gives the index the in-process load gives it — rows, sequence numbers, mapping, failures with
// their lines — and a row mapped against a mapping that is no longer the index's is mapped again by the store.
import * as fs from 'fs';
import * as path from 'path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { EmbeddedStore } from '../../../../language/store/embedded';
import { loadFile } from '../../../../language/store/load-file';
import type { MappedBatch } from '../../../../language/store/embedded/mapped-batch';
import type { DataStore } from '../../../../language/store/store';
import { storePerTest } from '../support';

/** Every row of an index's table in insertion order; generated ids left out. */
function tableRows(store: EmbeddedStore, file: string, index: string): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare(`SELECT * FROM "${store.physicalName(index).table}" ORDER BY rowid`).all() as Record<string, unknown>[];
    return rows.map(({ _id, ...rest }) => (typeof _id === 'string' && _id.startsWith('given-') ? { _id, ...rest } : rest));
  } finally {
    db.close();
  }
}

/** The store without its worker load: loadFile takes the in-process path. */
function withoutWorker(store: EmbeddedStore): DataStore {
  return new Proxy(store, {
    get: (target, key) => {
      if (key === 'loadNdjson') return undefined;
      const v = (target as unknown as Record<string | symbol, unknown>)[key];
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

const withoutId = (text: string): string => text.replace(/with id '[^']*'/, "with id '?'");

describe('embedded store: NDJSON mapped on the load worker', function () {
  this.timeout(120_000);
  const fresh = storePerTest('ndjson-mapper-');

  it('loads what the in-process load loads: new fields late, multivalues, big longs, given ids, refused lines', async () => {
    const { store, file, dir } = fresh;
    const lines: string[] = [];
    const pad = 'p'.repeat(150);
    for (let i = 0; i < 45000; i++) {
      const doc: Record<string, unknown> = { n: i, level: i % 7 === 0 ? 'WARN' : 'INFO', '@timestamp': new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(), pad };
      if (i >= 30000) doc.late = i / 4; // a field first seen in the second batch of 20,000
      if (i === 31000) doc.tags = ['z', 'a', 'z']; // a multivalue: a BLOB from the worker
      if (i === 32000) doc['constructor'] = 'own'; // the documents after it have none (not Object's function)
      if (i % 10000 === 5) { lines.push(JSON.stringify({ index: { _id: `given-${i % 3}` } })); }
      if (i === 40000) doc.n = 'not a number';
      if (i === 41000) lines.push('[1, 2]'); // not an object: the worker leaves it to the store, which refuses it
      if (i === 42000) lines.push(`{"n": 1152921504606846977, "pad": "${pad}"}`); // beyond 2^53: a BLOB too
      lines.push(JSON.stringify(doc));
    }
    const ndjson = path.join(dir, 'docs.ndjson');
    fs.writeFileSync(ndjson, lines.join('\n') + '\n');
    expect(fs.statSync(ndjson).size).to.be.greaterThan(4 << 20);

    const viaWorker = await loadFile(store, ndjson, 'worker');
    const oneThread = await loadFile(store, ndjson, 'one', { worker: false }); // mapped batches, in the process
    const inProcess = await loadFile(withoutWorker(store), ndjson, 'plain');
    expect({ ...viaWorker, errors: viaWorker.errors.map(withoutId) }).to.deep.equal({ ...inProcess, index: 'worker', errors: inProcess.errors.map(withoutId) });
    expect({ ...oneThread, errors: oneThread.errors.map(withoutId) }).to.deep.equal({ ...inProcess, index: 'one', errors: inProcess.errors.map(withoutId) });
    expect(tableRows(store, file, 'one')).to.deep.equal(tableRows(store, file, 'plain'));
    expect(viaWorker.errors.map(withoutId)).to.deep.equal([
      `docs.ndjson:${40000 + 5}: failed to parse field [n] of type [long] in document with id '?'. Preview of field's value: 'not a number'`,
      // the '[1, 2]' line: a document must be an object, on both paths
      `docs.ndjson:${41000 + 6}: failed to parse: a document must be a JSON object ({...}), got an array`,
    ]);
    expect(tableRows(store, file, 'worker')).to.deep.equal(tableRows(store, file, 'plain'));
    expect(await store.getMapping('worker')).to.deep.equal(await store.getMapping('plain'));
    const stats = (index: string) => store.esql(`FROM ${index} | STATS c = COUNT(*), n = SUM(n), l = COUNT(late), t = COUNT(tags) BY level | SORT level`);
    expect((await stats('worker')).values).to.deep.equal((await stats('plain')).values);
    // only the document that has a `constructor` has one in its column (not Object's function, for the others)
    const column = store.physicalName('one', 'constructor').column!;
    expect(tableRows(store, file, 'one').map((r) => r[column]).filter((v) => v !== null)).to.deep.equal(['own']);
    // the same next sequence number: none handed out to the refused documents
    expect((await store.index('worker', { n: 0 }))._seq_no).to.equal((await store.index('plain', { n: 0 }))._seq_no);
  });

  it('maps a row again from its line when the index\'s mapping is not the one the worker used', () => {
    const { store, file } = fresh;
    store.createIndexSync('t', { mappings: { properties: { n: { type: 'long' } } } });
    const line = '{"n": 7}';
    const batch: MappedBatch = {
      fields: [{ name: 'n', type: 'keyword', sourcePath: 'n' }], rules: JSON.stringify({ dynamic: {}, disabled: [] }),
      multiValued: [], items: [{ width: 1, params: ['mapped-id', 0, 1, line, '7'] }], count: 1, lines: [1], ids: [],
    };
    const documents = (store as unknown as { documents: { writeMapped(index: string, b: MappedBatch): { failures: unknown[] } } }).documents;
    const commits = (store as unknown as { commits: { inOwnTransaction<T>(work: () => T): T } }).commits;
    expect(commits.inOwnTransaction(() => documents.writeMapped('t', batch)).failures).to.deep.equal([]);
    expect(tableRows(store, file, 't').map((r) => r.c0)).to.deep.equal([7]);
    expect(((store.getMappingSync('t').properties as Record<string, { type: string }>).n).type).to.equal('long');
  });
});
