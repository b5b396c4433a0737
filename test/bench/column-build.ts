// `npm run bench -- column-build`: what the first vectorised query on 1M documents costs (issue 12, 14). The
// first query of a newly opened store (CPU, wall, RSS added, bytes the columns hold, and the longest time the
// event loop waited, against a timer every millisecond), then two warm ones; then ways of reading the row ids
// and three columns (service, level, duration_ms) from SQLite, CPU time each. Uses BENCH_LOGS_STORE_DIR as
// interrupt.ts does (or makes that store).
//   node dist/test/bench/column-build.js
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import { EmbeddedStore } from '../../language/store/embedded';
import type { EmbeddedCatalog } from '../../language/store/embedded/catalog';
import { logsStoreDir } from './interrupt';

const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

function measure(name: string, read: () => number): void {
  const c = cpuMs(), t = performance.now();
  const rows = read();
  console.log(`${name.padEnd(58)} ${(cpuMs() - c).toFixed(0).padStart(6)} ms CPU ${(performance.now() - t).toFixed(0).padStart(6)} ms wall  (${rows} rows)`);
}

function readWays(file: string): void {
  const db = new Database(file, { readonly: true });
  try {
    const table = (db.prepare("SELECT tbl FROM es_indices WHERE name = 'logs'").pluck().get()) as string;
    const fields = JSON.parse(db.prepare("SELECT fields FROM es_indices WHERE name = 'logs'").pluck().get() as string) as { name: string; column: string }[];
    const col = (name: string): string => `"${fields.find((f) => f.name === name)!.column}"`;
    const cols = ['service', 'level', 'duration_ms'].map(col).join(', ');
    const json = ['service', 'level', 'duration_ms'].map((f) => `json_extract(_source, '$.${f}')`).join(', ');
    measure('row ids, pluck().all()', () => (db.prepare(`SELECT rowid FROM "${table}" ORDER BY rowid`).pluck().all()).length);
    for (const f of ['service', 'level', 'duration_ms']) {
      measure(`${f}, pluck().all()`, () => db.prepare(`SELECT ${col(f)} FROM "${table}" ORDER BY rowid`).pluck().all().length);
    }
    measure('row ids + 3 columns, raw().all()', () => db.prepare(`SELECT rowid, ${cols} FROM "${table}" ORDER BY rowid`).raw().all().length);
    const iterate = (sql: string): number => { let n = 0; for (const _r of db.prepare(sql).raw().iterate()) n++; return n; };
    measure('row ids + 3 columns, raw().iterate()', () => iterate(`SELECT rowid, ${cols} FROM "${table}" ORDER BY rowid`));
    const max = Number(db.prepare(`SELECT max(rowid) FROM "${table}"`).pluck().get());
    const chunk = (select: string) => () => {
      const st = db.prepare(`SELECT ${select} FROM "${table}" WHERE rowid BETWEEN ? AND ? ORDER BY rowid`).raw();
      let n = 0;
      for (let lo = 1; lo <= max; lo += 16384) n += st.all(lo, lo + 16383).length;
      return n;
    };
    measure('3 columns, rowid ranges of 16,384, raw().all() each', chunk(cols));
    measure('3 values by json_extract(_source), same ranges', chunk(json));
  } finally {
    db.close();
  }
}

async function firstQueries(file: string): Promise<void> {
  const query = (t: number) => `FROM logs | EVAL d = duration_ms * ${t + 2} | STATS s = SUM(d), n = COUNT(*) BY service, level | SORT s DESC | LIMIT 5`;
  const rss0 = process.memoryUsage().rss;
  const store = new EmbeddedStore(file, { durability: 'process' });
  try {
    for (const [t, label] of [[0, 'first query (cold: builds its columns)'], [1, 'second query (warm)'], [2, 'third query (warm)']] as const) {
      let last = performance.now(), longest = 0;
      const timer = setInterval(() => { const now = performance.now(); longest = Math.max(longest, now - last); last = now; }, 1);
      const c = cpuMs(), t0 = performance.now();
      await store.esql(query(t));
      clearInterval(timer);
      longest = Math.max(longest, performance.now() - last);
      const held = (store.esqlCatalog as EmbeddedCatalog).columns.memory('logs');
      console.log(`${label.padEnd(40)} ${(cpuMs() - c).toFixed(0).padStart(6)} ms CPU ${(performance.now() - t0).toFixed(0).padStart(6)} ms wall; `
        + `longest event-loop wait ${longest.toFixed(0)} ms; RSS +${((process.memoryUsage().rss - rss0) / 1e6).toFixed(0)} MB; columns hold ${(held / 1e6).toFixed(1)} MB`);
    }
  } finally {
    await store.close();
  }
}

export async function run(): Promise<void> {
  console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (${os.cpus().length} CPUs)`);
  const { dir, made } = await logsStoreDir();
  try {
    const file = path.join(dir, 'store.db');
    // The queries first, in a process that has read nothing yet (the reads below leave garbage to collect).
    await firstQueries(file);
    readWays(file);
    console.log(`load average at end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    if (made) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}
