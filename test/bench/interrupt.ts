// `npm run bench -- interrupt`: interrupts and heartbeats under every kind of work (issue 14), over the real ZeroMQ
// sockets of a kernel process. For each kind of cell, 20 tries: start it, let it run ~200-400 ms, send
// interrupt_request on control, and time until the cell's `idle` status arrives (interrupt-to-idle). Then the
// heartbeat's round trip, pinged every 50 ms through a 30 s CPU-bound cell. Targets: p99 <= 200 ms, heartbeat
// <= 100 ms. The ES|QL case needs a store of 1M log documents: made once in a temporary directory (minutes), or
// taken from BENCH_LOGS_STORE_DIR (a data directory whose store.db has the index `logs`, e.g. from an earlier run).
//   node dist/test/bench/interrupt.js [--tries N] [--esql-tries N] [--heartbeat-seconds S]
// (BENCH_INTERRUPT_CASES=TEXT runs only the kinds whose name holds TEXT; `heartbeat` only the heartbeat, `first`
// only the first cell on a store with 2,000 stored procedures, `fresh` only the first ES|QL query of a fresh
// kernel: 20 tries (--fresh-tries N), each on a new kernel over the 1M-document store, its columns not built.)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as zmq from 'zeromq';
import { EmbeddedStore } from '../../language/store/embedded';
import { TestClient } from '../kernel/client';
import { storeWithRoutines } from '../kernel/protocol/stored-routines';
import { generateLogs } from './esql';

interface Work {
  readonly name: string;
  /** Cells run once before the tries. */
  readonly setup?: string[];
  readonly cell: (tryIndex: number) => string;
}

/** Statements the parse caches cannot share (a name starting with a grammar word stays in the shape). */
const bigParse = (t: number) => Array.from({ length: 20000 }, (_, i) => `VAR is_${t}_${i} = ${i} * 2 + 1;`).join('\n');

const WORK: Work[] = [
  { name: 'endless loop', setup: ['VAR i = 0;'], cell: () => 'LOOP SET i = i + 1; END LOOP;' },
  { name: 'long SLEEP', cell: () => 'SLEEP(600000);' },
  {
    name: 'ES|QL on 1M documents',
    cell: (t) => `FROM logs | EVAL d = duration_ms * ${t + 2} | STATS s = SUM(d), n = COUNT(*) BY service, level | SORT s DESC | LIMIT 5;`,
  },
  {
    name: 'deep recursion',
    setup: ['CREATE OR REPLACE FUNCTION deep(n NUMBER) RETURNS NUMBER BEGIN IF n <= 0 THEN RETURN 0; END IF; RETURN 1 + deep(n - 1); END FUNCTION;', 'VAR r = 0;'],
    cell: () => 'LOOP SET r = deep(4500); END LOOP;',
  },
  { name: 'big parse (20,000 distinct statements)', cell: bigParse },
];

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function until(ready: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!ready() && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
  return ready();
}

function seen(k: TestClient, msgId: string, test: (type: string, content: Record<string, unknown>) => boolean): boolean {
  return k.iopubMessages.some((m) => m.parent_header.msg_id === msgId && test(m.header.msg_type, m.content as Record<string, unknown>));
}

/** One try: the interrupt-to-idle time, ms, and how the cell ended. */
async function interruptOnce(k: TestClient, code: string, runMs: number): Promise<{ ms: number; ended: string }> {
  const cell = k.send('execute_request', { code });
  if (!(await until(() => seen(k, cell.msgId, (t) => t === 'execute_input'), 30_000))) throw new Error('the cell never started');
  await new Promise((r) => setTimeout(r, runMs));
  if (seen(k, cell.msgId, (t, c) => t === 'status' && c.execution_state === 'idle')) return { ms: NaN, ended: 'finished before the interrupt' };
  const t0 = performance.now();
  void k.request('interrupt_request', {}, 'control');
  if (!(await until(() => seen(k, cell.msgId, (t, c) => t === 'status' && c.execution_state === 'idle'), 120_000))) throw new Error('no idle after the interrupt');
  const ms = performance.now() - t0;
  const reply = await cell.reply;
  return { ms, ended: String(reply.content.ename ?? reply.content.status) };
}

/** Heartbeat round trips every `everyMs` while `code` runs for `seconds`, then interrupts it. */
async function heartbeatDuring(k: TestClient, code: string, seconds: number, everyMs = 50): Promise<number[]> {
  const hb = new zmq.Request({ linger: 0, receiveTimeout: 10_000, sendTimeout: 10_000 });
  hb.connect(`tcp://127.0.0.1:${k.connection.hb_port}`);
  const cell = k.send('execute_request', { code });
  await until(() => seen(k, cell.msgId, (t) => t === 'execute_input'), 30_000);
  const rtts: number[] = [];
  const end = Date.now() + seconds * 1000;
  try {
    while (Date.now() < end) {
      const t = performance.now();
      await hb.send('ping');
      await hb.receive();
      rtts.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  } finally {
    hb.close();
  }
  await k.request('interrupt_request', {}, 'control');
  await cell.reply;
  return rtts;
}

/** The first ES|QL query of a new kernel (its columns not built yet), interrupted 200-400 ms in; one per kernel. */
async function freshKernelQueries(dir: string, tries: number): Promise<void> {
  const times: number[] = [];
  const endings = new Map<string, number>();
  for (let t = 0; t < tries; t++) {
    const k = await TestClient.start({ ESCRIPT_DATA_DIR: dir, ESCRIPT_DURABILITY: 'process' });
    try {
      const { ms, ended } = await interruptOnce(k, WORK.find((w) => w.name.startsWith('ES|QL'))!.cell(t), 200 + ((t * 37) % 200));
      if (!Number.isNaN(ms)) times.push(ms);
      endings.set(ended, (endings.get(ended) ?? 0) + 1);
    } finally {
      await k.stop();
    }
  }
  report('first ES|QL query of a fresh kernel', times, endings);
  console.log(`  each try, ms: ${times.map((x) => x.toFixed(0)).join(' ')}`);
}

function report(name: string, times: number[], endings: Map<string, number>): void {
  const f = (x: number) => (times.length ? x.toFixed(0) : '-').padStart(7);
  const ends = [...endings].map(([e, n]) => `${n} ${e}`).join(', ');
  const over = times.length && percentile(times, 99) > 200 ? '  (over target)' : '';
  console.log(`${name.padEnd(40)} ${f(percentile(times, 50))}  ${f(percentile(times, 99))}  ${f(Math.max(...times))}   ${ends}${over}`);
}

/** A new kernel on a store with `n` stored procedures: kernel_info on control sent 500 ms into the first cell. */
async function firstCell(n: number): Promise<void> {
  const dir = await storeWithRoutines(n);
  const k = await TestClient.start({ ESCRIPT_DATA_DIR: dir, ESCRIPT_DURABILITY: 'process' });
  try {
    const t0 = performance.now();
    const cell = k.send('execute_request', { code: 'PRINT 1;' });
    await until(() => seen(k, cell.msgId, (t) => t === 'execute_input'), 30_000);
    await new Promise((r) => setTimeout(r, 500));
    const t1 = performance.now();
    await k.request('kernel_info_request', {}, 'control');
    const control = performance.now() - t1;
    await cell.reply;
    console.log(`first cell on a store with ${n} stored procedures: ${(performance.now() - t0).toFixed(0)} ms; kernel_info on control sent 500 ms into it answered in ${control.toFixed(0)} ms`);
  } finally {
    await k.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A data directory whose store.db has 1M log documents in `logs`: BENCH_LOGS_STORE_DIR, else made (minutes). */
export async function logsStoreDir(): Promise<{ dir: string; made: boolean }> {
  const given = process.env.BENCH_LOGS_STORE_DIR;
  if (given) return { dir: given, made: false };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-interrupt-'));
  const store = new EmbeddedStore(path.join(dir, 'store.db'), { durability: 'process' });
  await store.createIndex('logs', { mappings: { properties: {
    '@timestamp': { type: 'date' }, level: { type: 'keyword' }, service: { type: 'keyword' },
    duration_ms: { type: 'long' }, status_code: { type: 'integer' }, message: { type: 'text' },
  } } });
  let batch: { doc: Record<string, unknown> }[] = [];
  for (const doc of generateLogs(1_000_000)) {
    batch.push({ doc: doc as unknown as Record<string, unknown> });
    if (batch.length === 10_000) { store.bulkSync('logs', batch); batch = []; }
  }
  if (batch.length) store.bulkSync('logs', batch);
  await store.close();
  return { dir, made: true };
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

export async function run(): Promise<void> {
  const tries = option('--tries', 20);
  const hbSeconds = option('--heartbeat-seconds', 30);
  const only = process.env.BENCH_INTERRUPT_CASES;
  console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (${os.cpus().length} CPUs)`);
  const { dir, made } = await logsStoreDir();
  const k = await TestClient.start({ ESCRIPT_DATA_DIR: dir, ESCRIPT_DURABILITY: 'process' });
  try {
    console.log(`interrupt -> idle over ${tries} tries each (ES|QL: ${option('--esql-tries', tries)}; target p99 <= 200 ms)`);
    console.log('work                                      p50 ms   p99 ms   max ms   how the cells ended');
    for (const w of WORK) {
      if (only && !w.name.includes(only)) continue;
      for (const s of w.setup ?? []) {
        const r = await k.execute(s);
        if (r.reply.content.status !== 'ok') throw new Error(`setup failed: ${JSON.stringify(r.reply.content)}`);
      }
      const times: number[] = [];
      const endings = new Map<string, number>();
      // a long query runs for seconds to tens of seconds on a busy machine: --esql-tries bounds the bench's time
      const n = w.name.startsWith('ES|QL') ? option('--esql-tries', tries) : tries;
      for (let t = 0; t < n; t++) {
        const { ms, ended } = await interruptOnce(k, w.cell(t), 200 + ((t * 37) % 200));
        if (!Number.isNaN(ms)) times.push(ms);
        endings.set(ended, (endings.get(ended) ?? 0) + 1);
      }
      report(w.name, times, endings);
    }
    if (!only || only === 'fresh' || 'ES|QL'.includes(only)) await freshKernelQueries(dir, option('--fresh-tries', tries));
    if (!only || 'heartbeat'.includes(only)) {
      const rtts = await heartbeatDuring(k, 'VAR hb_k = 0; LOOP SET hb_k = hb_k + 1; END LOOP;', hbSeconds);
      const over = Math.max(...rtts) > 100 ? '  (over target)' : '';
      console.log(`heartbeat through a ${hbSeconds} s CPU-bound cell: ${rtts.length} pings, p50 ${percentile(rtts, 50).toFixed(1)} ms, p99 ${percentile(rtts, 99).toFixed(1)} ms, max ${Math.max(...rtts).toFixed(1)} ms (target <= 100 ms)${over}`);
    }
    if (!only || 'first cell'.includes(only)) await firstCell(2000);
    console.log(`load average at end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    await k.stop();
    if (made) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}
