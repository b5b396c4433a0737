// Embedded store specifics: dynamic mapping, doc values, data directory, and safety across processes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { EmbeddedStore } from '../../../language/store/embedded';
import { StoreError } from '../../../language/store/store';
import { storePerTest } from './support';

const WORKER = path.join(__dirname, 'fixtures', 'store-worker.js');

function run(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('EmbeddedStore', () => {
  const fresh = storePerTest('embedded-');
  let dir: string;
  let file: string;
  let store: EmbeddedStore;
  beforeEach(() => ({ dir, file, store } = fresh));

  it('maps fields dynamically as Elasticsearch does and flattens objects', async () => {
    await store.index('dyn', { msg: 'hello', n: 3, f: 1.5, ok: true, at: '2024-05-01T10:00:00Z', user: { name: 'ada', tags: ['x', 'y'] } });
    const mapping = await store.getMapping('dyn') as { properties: Record<string, any> };
    expect(mapping.properties.msg).to.deep.equal({ type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } });
    expect(mapping.properties.n.type).to.equal('long');
    expect(mapping.properties.f.type).to.equal('float');
    expect(mapping.properties.ok.type).to.equal('boolean');
    expect(mapping.properties.at.type).to.equal('date');
    expect(mapping.properties.user.properties.name.type).to.equal('text');
    const r = await store.esql('FROM dyn | KEEP user.name, user.tags.keyword, at, f');
    expect(r.values).to.deep.equal([['ada', ['x', 'y'], '2024-05-01T10:00:00.000Z', 1.5]]);
  });

  it('refuses a value that does not fit the mapped type', async () => {
    await store.createIndex('typed', { mappings: { properties: { n: { type: 'integer' } } } });
    try {
      await store.index('typed', { n: 'abc' }, { id: '1' });
      expect.fail('should throw');
    } catch (e) {
      expect(e).to.be.instanceOf(StoreError);
      expect((e as StoreError).type).to.equal('document_parsing_exception');
    }
    expect(await store.get('typed', '1')).to.equal(null);
  });

  it('reads floats with float precision and sorts keyword multivalues as doc values do', async () => {
    await store.createIndex('dv', { mappings: { properties: { h: { type: 'float' }, k: { type: 'keyword' }, t: { type: 'text' } } } });
    await store.index('dv', { h: 2.05, k: ['b', 'a', 'b'], t: ['b', 'a'] });
    expect((await store.esql('FROM dv | KEEP h, k, t')).values).to.deep.equal([[2.049999952316284, ['a', 'b'], ['b', 'a']]]);
  });

  it('opens a file written before the mapping-rules column existed', async () => {
    const old = path.join(dir, 'old.db');
    const raw = new Database(old);
    raw.exec(`CREATE TABLE es_indices (name TEXT PRIMARY KEY, tbl TEXT NOT NULL UNIQUE, fields TEXT NOT NULL,
      multi_valued TEXT NOT NULL DEFAULT '[]', settings TEXT, seq_no INTEGER NOT NULL DEFAULT -1, version INTEGER NOT NULL DEFAULT 0)`);
    raw.close();
    const reopened = new EmbeddedStore(old);
    try {
      await reopened.index('x', { a: 1 }, { id: '1' });
      expect((await reopened.get('x', '1'))?._source).to.deep.equal({ a: 1 });
    } finally {
      await reopened.close();
    }
  });

  it('validates index names', async () => {
    for (const bad of ['Upper', 'a b', '_x', 'a*']) {
      let threw = false;
      try { await store.createIndex(bad); } catch (e) { threw = e instanceof StoreError; }
      expect(threw, bad).to.equal(true);
    }
  });

  it('keeps compare-and-set exact across processes sharing the file', async function () {
    this.timeout(60000);
    const codes = await Promise.all([run([file, 'increment', '40']), run([file, 'increment', '40']), run([file, 'increment', '40'])]);
    expect(codes).to.deep.equal([0, 0, 0]);
    expect((await store.get('counter', 'c'))?._source).to.deep.equal({ value: 120 });
  });

  it('keeps sequence numbers unique and every write when processes commit batches of concurrent writes', async function () {
    this.timeout(60000);
    const outputs = await Promise.all(['a', 'b', 'c'].map((tag) => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [WORKER, file, 'batches', '20', tag], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker ${tag} exited with ${code}`))));
    })));
    const acked = outputs.join('').trim().split('\n').map((line) => line.split(' '));
    expect(acked.length).to.equal(3 * 20 * 50);
    expect(new Set(acked.map(([, seq]) => seq)).size).to.equal(acked.length);
    for (const [id, seq] of acked) expect((await store.get('shared', id))?._seq_no, id).to.equal(Number(seq));
  });

  it('loses no acknowledged write when the writing process is killed', async function () {
    this.timeout(30000);
    const acked = await new Promise<string[]>((resolve, reject) => {
      const child = spawn(process.execPath, [WORKER, file, 'write'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const ids: string[] = [];
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        ids.push(...lines);
        if (ids.length >= 200) child.kill('SIGKILL');
      });
      child.on('error', reject);
      child.on('exit', () => resolve(ids));
    });
    expect(acked.length).to.be.at.least(200);
    const reopened = new EmbeddedStore(file);
    try {
      for (const id of acked) expect(await reopened.get('acked', id), id).to.not.equal(null);
    } finally {
      await reopened.close();
    }
  });
});

describe('EmbeddedStore mapping rules', () => {
  const fresh = storePerTest('rules-');
  let store: EmbeddedStore;
  beforeEach(() => ({ store } = fresh));

  it('keeps disabled objects in _source without mapping them', async () => {
    await store.createIndex('ex', { mappings: { properties: { status: { type: 'keyword' }, result: { type: 'object', enabled: false } } } });
    await store.index('ex', { status: 'DONE', result: { rows: [1, 2], note: 'x' } }, { id: '1' });
    expect((await store.get('ex', '1'))?._source.result).to.deep.equal({ rows: [1, 2], note: 'x' });
    const mapping = await store.getMapping('ex') as { properties: Record<string, unknown> };
    expect(mapping.properties).to.deep.equal({ status: { type: 'keyword' }, result: { type: 'object', enabled: false } });
    expect((await store.esql('FROM ex | KEEP status')).values).to.deep.equal([['DONE']]);
  });

  it('honours dynamic: false and strict', async () => {
    await store.createIndex('loose', { mappings: { dynamic: false, properties: { a: { type: 'long' } } } });
    await store.index('loose', { a: 1, extra: 'kept in source' }, { id: '1' });
    expect((await store.esql('FROM loose')).columns.map((c) => c.name)).to.deep.equal(['a']);
    await store.createIndex('tight', { mappings: { dynamic: 'strict', properties: { a: { type: 'long' } } } });
    let error: unknown;
    try { await store.index('tight', { a: 1, extra: 'x' }); } catch (e) { error = e; }
    expect((error as StoreError).type).to.equal('strict_dynamic_mapping_exception');
    expect((error as Error).message).to.equal('mapping set to strict, dynamic introduction of [extra] within [_doc] is not allowed');
  });
});

describe('EmbeddedStore whole numbers', () => {
  it('keeps longs and unsigned longs beyond 2^53 exact', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'big-'));
    const store = new EmbeddedStore(path.join(dir, 'store.db'), { exactLongs: true });
    try {
      await store.createIndex('big', { mappings: { properties: { l: { type: 'long' }, u: { type: 'unsigned_long' } } } });
      await store.bulk('big', [
        { doc: { l: '9223372036854775807', u: '18446744073709551615' } },
        { doc: { l: 5, u: 7 } },
      ]);
      const r = await store.esql('FROM big | SORT l | KEEP l, u');
      expect(r.values).to.deep.equal([[5, 7], [9223372036854775807n, 18446744073709551615n]]);
      const w = await store.esql('FROM big | WHERE u > TO_UL(10) | KEEP l');
      expect(w.values).to.deep.equal([[9223372036854775807n]]);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a whole number past 2^53 in a double field as the nearest double, as Elasticsearch does', async () => {
    const store = new EmbeddedStore(':memory:', { exactLongs: true });
    try {
      await store.createIndex('d', { mappings: { properties: { d: { type: 'double' }, f: { type: 'float' } } } });
      const r = await store.bulk('d', [{ doc: { d: 12345678901234567n, f: [9007199254740993n, 1] } }]);
      expect(r.errors).to.equal(false);
      await store.refresh('d');
      expect((await store.esql('FROM d | KEEP d, f')).values).to.deep.equal([[12345678901234568, [1, 9007199254740992]]]);
    } finally {
      await store.close();
    }
  });
});
