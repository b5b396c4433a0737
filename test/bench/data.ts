// The language's data forms on the embedded store, beside the same work done directly on the store: what a
// query costs from a cell (parameters, rows as documents, the ES|QL table), row loops (FOR over a query,
// cursor FETCH), and document writes (INDEX_DOCUMENT) against store.index.
//   node dist/test/bench/data.js [--docs N]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openSession } from '../../language/open-session';
import { readConfig } from '../../language/config';
import { EmbeddedStore } from '../../language/store/embedded';
import type { Output } from '../../language/contract';

const QUIET: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} };

async function best(f: () => Promise<unknown>, repeat = 5): Promise<number> {
  let ms = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    await f();
    ms = Math.min(ms, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return ms;
}

function row(name: string, ms: number, peer: number, peerName: string): void {
  console.log(`${name.padEnd(46)} ${ms.toFixed(2).padStart(9)} ms   ${peerName.padEnd(28)} ${peer.toFixed(2).padStart(9)} ms   x${(ms / peer).toFixed(2)}`);
}

export async function run(): Promise<void> {
  const docsArg = process.argv.indexOf('--docs');
  const n = docsArg > 0 ? Number(process.argv[docsArg + 1]) : 10_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-bench-data-'));
  const session = openSession(readConfig({ ESCRIPT_DATA_DIR: dir }));
  const store = new EmbeddedStore(path.join(dir, 'store.db'));
  const signal = new AbortController().signal;
  const exec = async (code: string) => {
    const r = await session.execute(code, QUIET, signal);
    if (r.status === 'error') throw new Error(r.error.evalue);
    return r;
  };
  try {
    await store.bulk('bench', Array.from({ length: n }, (_, i) => ({ doc: { k: i, level: i % 8 === 0 ? 'ERROR' : 'INFO', ms: i % 1000 } })));
    console.log(`${n} documents in one index (embedded store, a SQLite file)`);
    await exec("DECLARE lvl STRING = 'ERROR';");

    const q = 'FROM bench | WHERE level == ?lvl | STATS n = COUNT(*), avg_ms = AVG(ms)';
    row('cell: FROM ... WHERE level == :lvl | STATS', await best(() => exec('FROM bench | WHERE level == :lvl | STATS n = COUNT(*), avg_ms = AVG(ms)')),
      await best(() => store.esql(q, [{ lvl: 'ERROR' }])), 'store.esql (same query)');

    const all = `FROM bench | KEEP k, ms | LIMIT ${Math.min(n, 10_000)}`;
    row(`FOR r IN (${Math.min(n, 10_000)} rows) LOOP SET s = s + r.ms`, await best(() => exec(`DECLARE s NUMBER = 0; FOR r IN (${all}) LOOP SET s = s + r.ms; END LOOP;`)),
      await best(async () => { let s = 0; for (const v of (await store.esql(all)).values) s += v[1] as number; return s; }), 'store.esql + JS loop');

    row(`cursor FETCH row by row (${Math.min(n, 10_000)} rows)`, await best(() => exec(`DECLARE c CURSOR FOR ${all}; DECLARE r DOCUMENT; DECLARE s NUMBER = 0;
OPEN c; LOOP FETCH c INTO r; EXIT WHEN c%NOTFOUND; SET s = s + r.ms; END LOOP; CLOSE c;`)),
      await best(async () => { let s = 0; for (const v of (await store.esql(all)).values) s += v[1] as number; return s; }), 'store.esql + JS loop');

    const writes = 1000;
    let round = 0;
    row(`INDEX_DOCUMENT x ${writes}`, await best(() => exec(`FOR i IN 1..${writes} LOOP INDEX_DOCUMENT('w${++round}', {'i': i, 'v': 'x'}); END LOOP;`), 3),
      await best(async () => { const idx = `d${++round}`; for (let i = 1; i <= writes; i++) await store.index(idx, { i, v: 'x' }); }, 3), 'store.index x 1000');
  } finally {
    await session.shutdown();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
}
