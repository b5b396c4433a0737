// ES|QL on the embedded store, beside the same queries written by hand in SQL on the same SQLite file and
// beside DuckDB on the same data. Reports bulk loading speed and time ratios; for the columnar path (compute/)
// also its cold cost (first query after opening the file: columns built), its CPU time and the memory it holds.
//   node dist/test/bench/esql.js [--docs N]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import { EmbeddedStore } from '../../language/store/embedded';
import { seededRandom } from '../../language/seeded-random';
import { columnarCounters, setColumnarEnabled, setPagesEnabled } from '../../language/esql/compute/columnar';
import { setFusedEnabled } from '../../language/esql/compute/pages';

const SERVICES = ['api-gateway', 'user-service', 'order-service', 'payment-service', 'notification-service',
  'inventory-service', 'auth-service', 'search-service'];
const LEVELS = ['INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARN', 'ERROR'];

interface LogDoc {
  '@timestamp': string;
  level: string;
  service: string;
  duration_ms: number;
  status_code: number;
  message: string;
}

export function* generateLogs(n: number, seed = 1): Generator<LogDoc> {
  const rnd = seededRandom(seed);
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    const level = LEVELS[Math.floor(rnd() * LEVELS.length)];
    yield {
      '@timestamp': new Date(start + Math.floor(rnd() * 30 * 86400000)).toISOString(),
      level,
      service: SERVICES[Math.floor(rnd() * SERVICES.length)],
      duration_ms: Math.floor(rnd() * 2000),
      status_code: level === 'ERROR' ? 500 : 200,
      message: `request ${i} handled`,
    };
  }
}

/** The fastest of several runs: its wall time, and its CPU time (user + system, every thread of the process). */
class Fastest {
  ms = Infinity;
  cpuMs = Infinity;

  start(): { c0: NodeJS.CpuUsage; t0: bigint } {
    return { c0: process.cpuUsage(), t0: process.hrtime.bigint() };
  }

  stop({ c0, t0 }: { c0: NodeJS.CpuUsage; t0: bigint }): void {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= this.ms) return;
    this.ms = ms;
    const c = process.cpuUsage(c0);
    this.cpuMs = (c.user + c.system) / 1000;
  }
}

/** Best of `repeat` runs: wall time, and the CPU time (user + system) of that run. */
export function time<T>(f: () => T, repeat = 3): { ms: number; cpuMs: number; result: T } {
  const best = new Fastest();
  let result!: T;
  for (let i = 0; i < repeat; i++) {
    const at = best.start();
    result = f();
    best.stop(at);
  }
  return { ms: best.ms, cpuMs: best.cpuMs, result };
}

/** As `time`, for DuckDB's promises; its CPU time counts every thread of the process (DuckDB runs several). */
async function timeAsync<T>(f: () => Promise<T>, repeat = 3): Promise<{ ms: number; cpuMs: number; result: T }> {
  const best = new Fastest();
  let result!: T;
  for (let i = 0; i < repeat; i++) {
    const at = best.start();
    result = await f();
    best.stop(at);
  }
  return { ms: best.ms, cpuMs: best.cpuMs, result };
}

export async function run(options: { docs?: number } = {}): Promise<void> {
  const n = options.docs ?? 1_000_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-esql-'));
  const file = path.join(dir, 'store.db');
  const store = new EmbeddedStore(file);
  try {
    await store.createIndex('logs', { mappings: { properties: {
      '@timestamp': { type: 'date' }, level: { type: 'keyword' }, service: { type: 'keyword' },
      duration_ms: { type: 'long' }, status_code: { type: 'integer' }, message: { type: 'text' },
    } } });

    // Bulk loading
    const batchSize = 10_000;
    let batch: { doc: Record<string, unknown> }[] = [];
    let loadNs = 0n;
    const flush = (): void => {
      const t0 = process.hrtime.bigint();
      store.bulkSync('logs', batch);
      loadNs += process.hrtime.bigint() - t0;
      batch = [];
    };
    // Only the bulk calls are timed, not the generation of the documents.
    for (const doc of generateLogs(n)) {
      batch.push({ doc: doc as unknown as Record<string, unknown> });
      if (batch.length === batchSize) flush();
    }
    if (batch.length) flush();
    const loadSeconds = Number(loadNs) / 1e9;
    console.log(`bulk load: ${n} docs in ${loadSeconds.toFixed(2)} s = ${Math.round(n / loadSeconds)} docs/s (store.bulkSync, batches of 10,000)`);

    // Hand-written SQL on the same file
    const db = new Database(file, { readonly: true });
    const { table } = store.physicalName('logs');
    const col = (f: string): string => `"${store.physicalName('logs', f).column}"`;

    // DuckDB on the same data
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const duck = await DuckDBInstance.create(':memory:');
    const conn = await duck.connect();
    await conn.run('CREATE TABLE logs (ts BIGINT, level VARCHAR, service VARCHAR, duration_ms BIGINT, status_code INTEGER, message VARCHAR)');
    const appender = await conn.createAppender('logs');
    for (const d of generateLogs(n)) {
      appender.appendBigInt(BigInt(Date.parse(d['@timestamp'])));
      appender.appendVarchar(d.level);
      appender.appendVarchar(d.service);
      appender.appendBigInt(BigInt(d.duration_ms));
      appender.appendInteger(d.status_code);
      appender.appendVarchar(d.message);
      appender.endRow();
    }
    appender.closeSync();

    const cases = [
      {
        name: 'STATS COUNT/AVG BY service',
        esql: 'FROM logs | STATS c = COUNT(*), p = AVG(duration_ms) BY service',
        sql: `SELECT COUNT(*), AVG(${col('duration_ms')}), ${col('service')} FROM "${table}" GROUP BY ${col('service')}`,
        duck: 'SELECT COUNT(*), AVG(duration_ms), service FROM logs GROUP BY service',
      },
      {
        name: 'WHERE level == ERROR | SORT @timestamp DESC | LIMIT 100',
        esql: 'FROM logs | WHERE level == "ERROR" | SORT @timestamp DESC | LIMIT 100',
        sql: `SELECT * FROM "${table}" WHERE ${col('level')} = 'ERROR' ORDER BY ${col('@timestamp')} DESC LIMIT 100`,
        duck: "SELECT * FROM logs WHERE level = 'ERROR' ORDER BY ts DESC LIMIT 100",
      },
      {
        name: 'EVAL + WHERE over all rows',
        esql: 'FROM logs | EVAL slow = duration_ms * 2 | WHERE slow > 3000 | STATS c = COUNT(*)',
        sql: `SELECT COUNT(*) FROM "${table}" WHERE ${col('duration_ms')} * 2 > 3000`,
        duck: 'SELECT COUNT(*) FROM logs WHERE duration_ms * 2 > 3000',
      },
      {
        name: 'STATS COUNT BY BUCKET(@timestamp, 1 hour)',
        esql: 'FROM logs | STATS c = COUNT(*) BY h = BUCKET(@timestamp, 1 hour) | LIMIT 10000',
        sql: `SELECT COUNT(*), (${col('@timestamp')} / 3600000) * 3600000 AS h FROM "${table}" GROUP BY h`,
        duck: 'SELECT COUNT(*), (ts // 3600000) * 3600000 AS h FROM logs GROUP BY h',
      },
      {
        // Not pushed down (CONCAT runs in JavaScript): on the row engine, the cost of the engine itself.
        name: 'EVAL CONCAT | STATS BY it (informational)',
        esql: 'FROM logs | EVAL k = CONCAT(service, "/", level) | STATS c = COUNT(*) BY k',
        sql: `SELECT COUNT(*), ${col('service')} || '/' || ${col('level')} AS k FROM "${table}" GROUP BY k`,
        duck: "SELECT COUNT(*), service || '/' || level AS k FROM logs GROUP BY k",
      },
      // Functions on the columnar path (compute/functions.ts), informational beside DuckDB.
      {
        name: 'EVAL TO_LOWER(service) | STATS BY it (informational)',
        esql: 'FROM logs | EVAL l = TO_LOWER(service) | STATS c = COUNT(*) BY l',
        sql: `SELECT COUNT(*), lower(${col('service')}) AS l FROM "${table}" GROUP BY l`,
        duck: 'SELECT COUNT(*), lower(service) AS l FROM logs GROUP BY l',
      },
      {
        name: 'WHERE message LIKE "*99*" | STATS COUNT (informational)',
        esql: 'FROM logs | WHERE message LIKE "*99*" | STATS c = COUNT(*)',
        sql: `SELECT COUNT(*) FROM "${table}" WHERE ${col('message')} GLOB '*99*'`,
        duck: "SELECT COUNT(*) FROM logs WHERE message LIKE '%99%'",
      },
      {
        name: 'EVAL DATE_TRUNC(1 hour) | STATS BY it (informational)',
        esql: 'FROM logs | EVAL d = DATE_TRUNC(1 hour, @timestamp) | STATS c = COUNT(*) BY d | LIMIT 10000',
        sql: `SELECT COUNT(*), (${col('@timestamp')} / 3600000) * 3600000 AS d FROM "${table}" GROUP BY d`,
        duck: 'SELECT COUNT(*), (ts // 3600000) * 3600000 AS d FROM logs GROUP BY d',
      },
      {
        name: 'EVAL CASE | STATS BY it (informational)',
        esql: 'FROM logs | EVAL s = CASE(duration_ms > 1000, "slow", duration_ms > 100, "ok", "fast") | STATS c = COUNT(*) BY s',
        sql: `SELECT COUNT(*), CASE WHEN ${col('duration_ms')} > 1000 THEN 'slow' WHEN ${col('duration_ms')} > 100 THEN 'ok' ELSE 'fast' END AS s FROM "${table}" GROUP BY s`,
        duck: "SELECT COUNT(*), CASE WHEN duration_ms > 1000 THEN 'slow' WHEN duration_ms > 100 THEN 'ok' ELSE 'fast' END AS s FROM logs GROUP BY s",
      },
      {
        name: 'EVAL ROUND(duration_ms / 7.0, 1) | STATS MAX (informational)',
        esql: 'FROM logs | EVAL r = ROUND(duration_ms / 7.0, 1) | STATS m = MAX(r)',
        sql: `SELECT MAX(ROUND(${col('duration_ms')} / 7.0, 1)) FROM "${table}"`,
        duck: 'SELECT MAX(ROUND(duration_ms / 7.0, 1)) FROM logs',
      },
    ];
    // The columnar path: each case first on a store just opened on the file (cold: the columns it reads are
    // built), then warm; the row engine (columnar path off) beside it in the same run.
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
    const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MB`;
    const rssBefore = process.memoryUsage().rss;
    const fresh = new EmbeddedStore(file);
    try {
      for (const c of cases) {
        setColumnarEnabled(true);
        const runs = columnarCounters.runs;
        const cold = time(() => fresh.esqlSync(c.esql), 1);
        // Best of 10: the first few warm runs still pay for V8 optimising the column loops.
        const warm = time(() => fresh.esqlSync(c.esql), 10);
        const used = columnarCounters.runs > runs;
        // The same query with its leading steps node by node instead of one fused loop per page, and over
        // whole-index blocks instead of pages.
        setFusedEnabled(false);
        const nodes = time(() => fresh.esqlSync(c.esql), 10);
        setFusedEnabled(true);
        setPagesEnabled(false);
        const whole = time(() => fresh.esqlSync(c.esql), 10);
        setPagesEnabled(true);
        setColumnarEnabled(false);
        const rows = time(() => fresh.esqlSync(c.esql));
        setColumnarEnabled(true);
        // Group order is open (the row engine's SQL GROUP BY sorts, the columnar path keeps first appearance).
        const canon = (r: { values: unknown[][] }): string => JSON.stringify(r.values.map((v) => JSON.stringify(v)).sort());
        if (canon(rows.result) !== canon(warm.result) && !c.name.includes('SORT')) {
          throw new Error(`${c.name}: the columnar path and the row engine disagree`);
        }
        const d = await timeAsync(async () => (await conn.runAndReadAll(c.duck)).getRows(), 10);
        const target = c.name.includes('informational') ? 'no target' : 'target <= 3';
        console.log(`columnar ${used ? '' : '(not used) '}${c.name}: cold ${cold.ms.toFixed(1)} ms (cpu ${cold.cpuMs.toFixed(0)} ms), ` +
          `warm ${warm.ms.toFixed(1)} ms (cpu ${warm.cpuMs.toFixed(1)} ms), node by node ${nodes.ms.toFixed(1)} ms (cpu ${nodes.cpuMs.toFixed(1)} ms), without pages ${whole.ms.toFixed(1)} ms (cpu ${whole.cpuMs.toFixed(1)} ms), row engine ${rows.ms.toFixed(1)} ms, ` +
          `duckdb ${d.ms.toFixed(1)} ms (cpu ${d.cpuMs.toFixed(1)} ms) (columnar/duckdb x${(warm.ms / d.ms).toFixed(1)}, ${target}; cpu x${(warm.cpuMs / d.cpuMs).toFixed(1)})`);
      }
      const held = (fresh as unknown as { catalog: { columns: { memory(i: string): number } } }).catalog.columns.memory('logs');
      console.log(`columnar memory: ${mb(held)} held for the columns read (${n} docs), RSS grew ${mb(process.memoryUsage().rss - rssBefore)}, RSS now ${mb(process.memoryUsage().rss)}`);
    } finally {
      await fresh.close();
    }
    setColumnarEnabled(false);
    for (const c of cases) {
      const e = time(() => store.esqlSync(c.esql));
      const s = time(() => db.prepare(c.sql).raw(true).all());
      const d = await timeAsync(async () => (await conn.runAndReadAll(c.duck)).getRows());
      if (e.result.values.length !== (s.result as unknown[]).length) {
        throw new Error(`${c.name}: ES|QL gave ${e.result.values.length} rows, SQL ${(s.result as unknown[]).length}`);
      }
      const target = c.name.includes('informational') ? 'no target' : 'target <= 2';
      console.log(`row engine ${c.name}: esql ${e.ms.toFixed(1)} ms, sqlite ${s.ms.toFixed(1)} ms (x${(e.ms / s.ms).toFixed(2)}, ${target}), ` +
        `duckdb ${d.ms.toFixed(1)} ms (esql/duckdb x${(e.ms / d.ms).toFixed(1)})`);
    }
    setColumnarEnabled(true);
    db.close();
    conn.closeSync();
    duck.closeSync();
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--docs');
  run({ docs: i > 0 ? Number(process.argv[i + 1]) : undefined }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
