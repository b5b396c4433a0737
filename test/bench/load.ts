// `escript load FILE --index NAME` as a whole process (cold: start-up included) on an NDJSON file of log
// documents, with its worker thread and without (`--threads 1`), beside DuckDB's read_json of the same file in
// the same run. Reports docs/s (wall), CPU time (also per thread) and peak RSS of each, and the load average (the
// machine is shared).
//   node dist/test/bench/load.js [--docs N]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { generateLogs } from './esql';

interface Measured {
  wallMs: number; cpuMs: number; maxRssMb: number; stdout: string; stderr: string; status: number | null;
  /** CPU ms of each thread of the measured process, the main thread first (sampled every 50 ms; Linux only). */
  threadsMs: number[];
}

/** Runs a command under /usr/bin/time (when present) for its CPU time and peak RSS, sampling its threads' CPU. */
async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Measured> {
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const t0 = process.hrtime.bigint();
  const child = timeBin ? spawn(timeBin, ['-f', '@@%U %S %M', cmd, ...args], { env }) : spawn(cmd, args, { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const threads = new Map<string, number>();
  const sampler = setInterval(() => sampleThreads(timeBin ? childOf(child.pid!) : child.pid!, threads), 50);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let cpuMs = NaN;
  let maxRssMb = NaN;
  const m = /@@([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  if (m) {
    cpuMs = (Number(m[1]) + Number(m[2])) * 1000;
    maxRssMb = Number(m[3]) / 1024;
  }
  return { wallMs, cpuMs, maxRssMb, stdout, stderr: stderr.replace(/@@.*\n?$/, ''), status, threadsMs: [...threads.values()] };
}

/** The first child of a process (the command /usr/bin/time runs). */
function childOf(pid: number): number | undefined {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU ms of each thread of `pid` now (from /proc/PID/task/TID/stat, in clock ticks of 10 ms). */
function sampleThreads(pid: number | undefined, into: Map<string, number>): void {
  if (pid === undefined) return;
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      into.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    }
  } catch {
    // the process (or a thread) has just ended
  }
}

/** "main 4.1 s, worker 3.0 s, other threads 0.6 s": the busiest thread besides the main one is the load worker. */
function threadSplit(ms: number[], worker: boolean): string {
  const [main = 0, ...rest] = ms;
  const sorted = [...rest].sort((a, b) => b - a);
  const second = worker ? sorted.shift() ?? 0 : null;
  const others = sorted.reduce((a, b) => a + b, 0);
  const s = (x: number): string => `${(x / 1000).toFixed(2)} s`;
  return `threads: main ${s(main)}${second === null ? '' : `, worker ${s(second)}`}, others (GC, I/O) ${s(others)}`;
}

function writeNdjson(file: string, n: number): void {
  const fd = fs.openSync(file, 'w');
  let chunk: string[] = [];
  for (const d of generateLogs(n)) {
    chunk.push(JSON.stringify(d));
    if (chunk.length === 10000) { fs.writeSync(fd, chunk.join('\n') + '\n'); chunk = []; }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  // on disk before the loads start: else the kernel writes the 156 MB back while they run, and their fsyncs wait
  // behind it (the first load measured ~2 s slower)
  fs.fsyncSync(fd);
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
    const e = await measure(process.execPath, [cli, 'load', file, '--index', 'logs', '--threads', '2'], env);
    if (e.status !== 0) throw new Error(`escript load failed (${e.status}): ${e.stderr}`);
    const one = await measure(process.execPath, [cli, 'load', file, '--index', 'logs-one-thread', '--threads', '1'], env);
    if (one.status !== 0) throw new Error(`escript load --threads 1 failed (${one.status}): ${one.stderr}`);
    const d = await measure(process.execPath, ['-e', DUCK_SCRIPT, file, path.join(dir, 'duck.db')],
      { ...process.env, NODE_PATH: path.join(__dirname, '..', '..', '..', 'node_modules') });
    if (d.status !== 0) throw new Error(`duckdb failed (${d.status}): ${d.stderr}`);
    const load2 = os.loadavg()[0];
    const row = (name: string, m: Measured): string =>
      `${name}: ${n} docs (${mb.toFixed(0)} MB) wall ${(m.wallMs / 1000).toFixed(2)} s = ${Math.round(n / (m.wallMs / 1000))} docs/s, ` +
      `cpu ${(m.cpuMs / 1000).toFixed(2)} s = ${Math.round(n / (m.cpuMs / 1000))} docs/cpu-s, peak RSS ${m.maxRssMb.toFixed(0)} MB`;
    console.log(row('escript load --threads 2 (cold process)', e) + ' (target >= 150000 docs/s)');
    console.log(`  ${threadSplit(e.threadsMs, true)}`);
    console.log(row('escript load --threads 1 (cold process)', one));
    console.log(`  ${threadSplit(one.threadsMs, false)}`);
    console.log(row('duckdb read_json (cold process)', d) + ` (escript/duckdb cpu x${(e.cpuMs / d.cpuMs).toFixed(1)})`);
    console.log(`load average ${load1.toFixed(1)} -> ${load2.toFixed(1)} on ${os.cpus().length} cores`);
    console.log(`escript said: ${e.stdout.trim().split('\n').slice(-1)[0]}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) run().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
