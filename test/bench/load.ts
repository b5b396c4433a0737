// `escript load FILE --index NAME` as a whole process (cold: start-up included) on an NDJSON file of log
// documents, with its worker thread and without (`--threads 1`), beside DuckDB's read_json of the same file in
// the same run. Reports docs/s (wall), CPU time and peak RSS of each, and the load average (the machine is shared).
//   node dist/test/bench/load.js [--docs N]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { generateLogs } from './esql';

interface Measured { wallMs: number; cpuMs: number; maxRssMb: number; stdout: string; stderr: string; status: number | null }

/** Runs a command under /usr/bin/time (when present) for its CPU time and peak RSS. */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv): Measured {
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const t0 = process.hrtime.bigint();
  const r = timeBin
    ? spawnSync(timeBin, ['-f', '@@%U %S %M', cmd, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let cpuMs = NaN;
  let maxRssMb = NaN;
  const m = /@@([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (m) {
    cpuMs = (Number(m[1]) + Number(m[2])) * 1000;
    maxRssMb = Number(m[3]) / 1024;
  }
  return { wallMs, cpuMs, maxRssMb, stdout: r.stdout ?? '', stderr: (r.stderr ?? '').replace(/@@.*\n?$/, ''), status: r.status };
}

function writeNdjson(file: string, n: number): void {
  const fd = fs.openSync(file, 'w');
  let chunk: string[] = [];
  for (const d of generateLogs(n)) {
    chunk.push(JSON.stringify(d));
    if (chunk.length === 10000) { fs.writeSync(fd, chunk.join('\n') + '\n'); chunk = []; }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
}

const DUCK_SCRIPT = `
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const db = await DuckDBInstance.create(process.argv[2]);
  const c = await db.connect();
  await c.run("CREATE TABLE logs AS SELECT * FROM read_json('" + process.argv[1].replace(/'/g, "''") + "', format = 'newline_delimited')");
  const r = await c.runAndReadAll('SELECT COUNT(*) AS n FROM logs');
  console.log(String(r.getRows()[0][0]));
})().catch((e) => { console.error(e); process.exit(1); });`;

export async function run(options: { docs?: number } = {}): Promise<void> {
  const argDocs = process.argv.indexOf('--docs');
  const n = options.docs ?? (argDocs > 0 ? Number(process.argv[argDocs + 1]) : 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-load-bench-'));
  try {
    const file = path.join(dir, 'logs.ndjson');
    writeNdjson(file, n);
    const mb = fs.statSync(file).size / 1e6;
    const cli = path.join(__dirname, '..', '..', 'kernel', 'cli.js');
    const env: NodeJS.ProcessEnv = { ...process.env, ESCRIPT_DATA_DIR: path.join(dir, 'data') };
    delete env.ESCRIPT_STORE;
    delete env.ESCRIPT_ELASTICSEARCH_URL;
    const load1 = os.loadavg()[0];
    const e = measure(process.execPath, [cli, 'load', file, '--index', 'logs', '--threads', '2'], env);
    if (e.status !== 0) throw new Error(`escript load failed (${e.status}): ${e.stderr}`);
    const one = measure(process.execPath, [cli, 'load', file, '--index', 'logs-one-thread', '--threads', '1'], env);
    if (one.status !== 0) throw new Error(`escript load --threads 1 failed (${one.status}): ${one.stderr}`);
    const d = measure(process.execPath, ['-e', DUCK_SCRIPT, file, path.join(dir, 'duck.db')],
      { ...process.env, NODE_PATH: path.join(__dirname, '..', '..', '..', 'node_modules') });
    if (d.status !== 0) throw new Error(`duckdb failed (${d.status}): ${d.stderr}`);
    const load2 = os.loadavg()[0];
    const row = (name: string, m: Measured): string =>
      `${name}: ${n} docs (${mb.toFixed(0)} MB) wall ${(m.wallMs / 1000).toFixed(2)} s = ${Math.round(n / (m.wallMs / 1000))} docs/s, ` +
      `cpu ${(m.cpuMs / 1000).toFixed(2)} s = ${Math.round(n / (m.cpuMs / 1000))} docs/cpu-s, peak RSS ${m.maxRssMb.toFixed(0)} MB`;
    console.log(row('escript load --threads 2 (cold process)', e) + ' (target >= 150000 docs/s)');
    console.log(row('escript load --threads 1 (cold process)', one));
    console.log(row('duckdb read_json (cold process)', d) + ` (escript/duckdb cpu x${(e.cpuMs / d.cpuMs).toFixed(1)})`);
    console.log(`load average ${load1.toFixed(1)} -> ${load2.toFixed(1)} on ${os.cpus().length} cores`);
    console.log(`escript said: ${e.stdout.trim().split('\n').slice(-1)[0]}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) run().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
