// The columnar path on multivalued fields (blocks with multivalue offsets), beside the row engine and DuckDB
// (list columns, UNNEST) on the same documents: cold (columns built) and warm, wall and CPU time.
//   node dist/test/bench/esql-multivalue.js [--docs N]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EmbeddedStore } from '../../language/store/embedded';
import { seededRandom } from '../../language/seeded-random';
import { columnarCounters, setColumnarEnabled } from '../../language/esql/compute/columnar';
import { time } from './esql';

const SERVICES = ['api-gateway', 'user-service', 'order-service', 'payment-service'];
type EsqlResult = ReturnType<EmbeddedStore['esqlSync']>;

const TAGS = ['prod', 'eu', 'us', 'canary', 'retry', 'slow', 'cached', 'mobile', 'web', 'batch'];

/** Documents whose `tags` (distinct, sorted: as keyword doc values are) and `latency` hold 1 to 3 values. */
function* generate(n: number): Generator<{ service: string; tags: string[]; latency: number[] }> {
  const rnd = seededRandom(7);
  for (let i = 0; i < n; i++) {
    const count = 1 + Math.floor(rnd() * 3);
    const tags = [...new Set(Array.from({ length: count }, () => TAGS[Math.floor(rnd() * TAGS.length)]))].sort();
    const latency = Array.from({ length: count }, () => Math.floor(rnd() * 5000)).sort((a, b) => a - b);
    yield { service: SERVICES[Math.floor(rnd() * SERVICES.length)], tags, latency };
  }
}

export async function run(options: { docs?: number } = {}): Promise<void> {
  const n = options.docs ?? 300_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-esql-mv-'));
  const file = path.join(dir, 'store.db');
  const ndjson = path.join(dir, 'docs.ndjson');
  const store = new EmbeddedStore(file);
  try {
    await store.createIndex('docs', { mappings: { properties: {
      service: { type: 'keyword' }, tags: { type: 'keyword' }, latency: { type: 'long' },
    } } });
    const out = fs.openSync(ndjson, 'w');
    let batch: { doc: Record<string, unknown> }[] = [];
    for (const doc of generate(n)) {
      batch.push({ doc });
      fs.writeSync(out, JSON.stringify(doc) + '\n');
      if (batch.length === 10_000) { store.bulkSync('docs', batch); batch = []; }
    }
    if (batch.length) store.bulkSync('docs', batch);
    fs.closeSync(out);
    await store.close();

    const { DuckDBInstance } = await import('@duckdb/node-api');
    const duck = await DuckDBInstance.create(':memory:');
    const conn = await duck.connect();
    await conn.run(`CREATE TABLE docs AS SELECT * FROM read_json('${ndjson}', columns = {service: 'VARCHAR', tags: 'VARCHAR[]', latency: 'BIGINT[]'})`);

    const cases = [
      { name: 'STATS COUNT(*) BY tags (a row in each tag\'s group)', esql: 'FROM docs | STATS c = COUNT(*) BY tags',
        duck: 'SELECT COUNT(*), tag FROM (SELECT UNNEST(tags) AS tag FROM docs) GROUP BY tag' },
      { name: 'STATS SUM/AVG/COUNT over every latency value', esql: 'FROM docs | STATS s = SUM(latency), a = AVG(latency), c = COUNT(latency)',
        duck: 'SELECT SUM(x), AVG(x), COUNT(x) FROM (SELECT UNNEST(latency) AS x FROM docs)' },
      { name: 'STATS MAX(latency) BY service', esql: 'FROM docs | STATS m = MAX(latency) BY service',
        duck: 'SELECT MAX(list_max(latency)), service FROM docs GROUP BY service' },
      { name: 'SORT latency DESC (largest value) | LIMIT 100', esql: 'FROM docs | SORT latency DESC | LIMIT 100 | KEEP latency, tags',
        duck: 'SELECT latency, tags FROM docs ORDER BY list_max(latency) DESC LIMIT 100' },
    ];
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores, ${n} docs`);
    const fresh = new EmbeddedStore(file);
    try {
      // Each query on the columnar path (first run cold, then best of 10) and on the row engine, answers compared.
      const measure = (esql: string, columnar: boolean, repeat: number): ReturnType<typeof time<EsqlResult>> => {
        setColumnarEnabled(columnar);
        try {
          return time(() => fresh.esqlSync(esql), repeat);
        } finally {
          setColumnarEnabled(true);
        }
      };
      const sorted = (r: EsqlResult): string => JSON.stringify(r.values.map((v) => JSON.stringify(v)).sort());
      for (const c of cases) {
        const before = columnarCounters.runs;
        const [cold, warm] = [measure(c.esql, true, 1), measure(c.esql, true, 10)];
        const path = columnarCounters.runs > before ? 'columnar' : 'columnar (not used)';
        const rows = measure(c.esql, false, 3);
        if (!c.name.includes('SORT') && sorted(rows.result) !== sorted(warm.result)) throw new Error(`${c.name}: the paths disagree`);
        let duckMs = Infinity;
        for (let i = 0; i < 5; i++) {
          const t0 = process.hrtime.bigint();
          await conn.runAndReadAll(c.duck);
          duckMs = Math.min(duckMs, Number(process.hrtime.bigint() - t0) / 1e6);
        }
        const ms = (t: { ms: number; cpuMs: number }): string => `${t.ms.toFixed(1)} ms (cpu ${t.cpuMs.toFixed(1)} ms)`;
        console.log(`${path} ${c.name}: cold ${ms(cold)}, warm ${ms(warm)}, row engine ${ms(rows)}, ` +
          `duckdb ${duckMs.toFixed(1)} ms (columnar/duckdb x${(warm.ms / duckMs).toFixed(1)})`);
      }
      const held = (fresh as unknown as { catalog: { columns: { memory(i: string): number } } }).catalog.columns.memory('docs');
      console.log(`columnar memory: ${(held / 1048576).toFixed(0)} MB held for the columns read (${n} docs)`);
    } finally {
      await fresh.close();
    }
    conn.closeSync();
    duck.closeSync();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const at = process.argv.indexOf('--docs');
  run(at > 0 ? { docs: Number(process.argv[at + 1]) } : {}).catch((e) => { console.error(e); process.exitCode = 1; });
}
