// Benchmark of the async engine: 10,000 tracked executions each with an ON_DONE handler, and one PARALLEL
// of 1,000 branches. Reports executions per second, the per-execution overhead (bodies do no work, so all
// of the time is the engine's and the store's), store calls and commits per execution, and this disk's
// flush time (the floor of a start acknowledged only once it is on disk); then BullMQ on the same work.
//
// Then what crosses between kernels sharing a store (async-cross-kernel.ts).
//
// Then the same through the language: `escript run` of a script with 1,000 tracked starts (async-language.ts).
//
//   npm run bench -- async [--store memory|embedded|embedded-process-durable] [--only throughput|cross-kernel|escript-run]

import type { DataStore } from '../../language/store/store';
import { ExecutionEngine } from '../../language/async/engine';
import type { ProcedureSpec } from '../../language/async/spec';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { MemoryStore } from '../async/support/memory-store';
import { EmbeddedStore } from '../../language/store/embedded';
import { bullmqCompetitors } from './bullmq';
import { crossKernel } from './async-cross-kernel';
import { languageBench } from './async-language';
import Database from 'better-sqlite3';

/** Temporary directories of the file stores, removed when the bench ends. */
const scratch: string[] = [];
function scratchFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'escript-bench-'));
  scratch.push(dir);
  return join(dir, 'store.db');
}

export const STORES: Record<string, () => Promise<DataStore>> = {
  memory: async () => new MemoryStore(),
  /** The real embedded store on a file: every transition is a durable SQLite transaction. */
  embedded: async () => new EmbeddedStore(scratchFile()),
  /** The same with ESCRIPT_DURABILITY=process: commits survive a killed process, not a power cut. */
  'embedded-process-durable': async () =>
    new EmbeddedStore(scratchFile(), { durability: 'process' }),
};

/** Another job system run on the same workload (e.g. BullMQ on Redis): n jobs, each with a completion hook. */
export interface Competitor {
  name: string;
  /** Runs n trivial jobs with a completion callback each; resolves when all callbacks ran. */
  run(n: number): Promise<void>;
}

/** BullMQ on a local Redis server, when Debian's redis-server is installed. */
export const COMPETITORS: Competitor[] = bullmqCompetitors();

interface Measure {
  label: string;
  count: number;
  ms: number;
  io?: Io;
}

/** Store calls and (embedded store) commits made during a measure. */
interface Io {
  writes: number;
  reads: number;
  commits?: number;
}

function report(m: Measure): void {
  const perSecond = (m.count / m.ms) * 1000;
  const overheadUs = (m.ms / m.count) * 1000;
  const per = (n: number) => (n / m.count).toFixed(1);
  const io = m.io
    ? `; per execution ${per(m.io.writes)} writes, ${per(m.io.reads)} reads` + (m.io.commits !== undefined ? `, ${(m.io.commits / m.count).toFixed(2)} commits` : '')
    : '';
  console.log(`${m.label}: ${m.count} in ${m.ms.toFixed(0)} ms = ${perSecond.toFixed(0)} executions/s, ${overheadUs.toFixed(0)} µs/execution${io}`);
}

/** Counts the store calls the engine makes (any store: the methods are wrapped on this instance). */
function countIo(store: DataStore): () => Io {
  const counts = { writes: 0, reads: 0 };
  const wrap = (name: 'index' | 'bulk' | 'delete' | 'get' | 'esql', kind: 'writes' | 'reads') => {
    const original = store[name].bind(store) as (...args: unknown[]) => unknown;
    (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      counts[kind]++;
      return original(...args);
    };
  };
  (['index', 'bulk', 'delete'] as const).forEach((n) => wrap(n, 'writes'));
  (['get', 'esql'] as const).forEach((n) => wrap(n, 'reads'));
  const commitsOf = () => (store instanceof EmbeddedStore ? store.commitCount : undefined);
  const commitsBefore = commitsOf();
  return () => {
    const after = commitsOf();
    return { ...counts, commits: after !== undefined && commitsBefore !== undefined ? after - commitsBefore : undefined };
  };
}

/** Median time of one small durable SQLite commit on this disk (synchronous=FULL): what one fsync costs here. */
function diskFlushMicros(): number {
  const dir = mkdtempSync(join(tmpdir(), 'escript-fsync-'));
  const db = new Database(join(dir, 'probe.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      insert.run('x');
      times.push((performance.now() - t0) * 1000);
    }
    return times.sort((a, b) => a - b)[times.length >> 1];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The engine as a kernel runs it (control and lease watches on), or with `watches: false` both switched off. */
async function trackedExecutions(makeStore: () => Promise<DataStore>, n: number, watches = true): Promise<Measure[]> {
  const store = await makeStore();
  const engine = new ExecutionEngine({ store, sweepEveryMs: 0, ...(watches ? {} : { watchEveryMs: 0, lostCheckEveryMs: 0 }) });
  await engine.open();
  let handled = 0;
  const spec = (i: number): ProcedureSpec => ({
    procedure: 'noop',
    parameters: [i],
    pipeline: { procedure: 'noop', args: [i] },
    body: async () => i,
    onDone: [{ name: 'count', run: async (b) => ((handled += 1), (b.result as number) + 1) }],
    track: { name: `bench-${i}` },
  });
  const io = countIo(store);
  const t0 = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await engine.start(spec(i))).execution_id);
  const started = performance.now();
  for (const id of ids) await engine.wait(id);
  const t1 = performance.now();
  if (handled !== n) throw new Error(`ON_DONE ran ${handled} times, expected ${n}`);
  const counted = io();
  await engine.shutdown();
  await store.close();
  return [
    { label: 'start (handle returned)', count: n, ms: started - t0 },
    { label: 'tracked execution + ON_DONE, end to end', count: n, ms: t1 - t0, io: counted },
  ];
}

async function parallelBranches(makeStore: () => Promise<DataStore>, n: number): Promise<Measure> {
  const store = await makeStore();
  const engine = new ExecutionEngine({ store, sweepEveryMs: 0 });
  await engine.open();
  let settled = 0;
  const io = countIo(store);
  const t0 = performance.now();
  const handle = await engine.parallel({
    pipeline: { parallel: n },
    branches: Array.from({ length: n }, (_, i) => ({ procedure: 'noop', parameters: [i], body: async () => i })),
    onAllSettled: [{ name: 'count', run: async (b) => void (settled = b.outcomes!.length) }],
  });
  const waited = await engine.wait(handle.execution_id);
  const t1 = performance.now();
  if (waited.kind !== 'result' || (waited.value as unknown[]).length !== n || settled !== n) throw new Error('PARALLEL did not join every branch');
  const counted = io();
  await engine.shutdown();
  await store.close();
  return { label: `PARALLEL of ${n} branches (per branch)`, count: n, ms: t1 - t0, io: counted };
}

/** Cold: the first batch of the process (fresh engine and store file, code not yet optimised); warm: the same again. */
const PASSES = ['cold', 'warm'] as const;

async function throughput(chosen: string[]): Promise<void> {
  const ours: { store: string; pass: string; perSecond: number }[] = [];
  console.log(`this disk: one durable SQLite commit (fsync) takes ${diskFlushMicros().toFixed(0)} µs (median of 500)`);
  try {
    for (const name of chosen) {
      const makeStore = STORES[name];
      if (!makeStore) throw new Error(`unknown store ${name}; one of ${Object.keys(STORES).join(', ')}`);
      console.log(`async engine on the ${name} store`);
      for (const pass of PASSES) {
        const [, endToEnd] = await trackedExecutions(makeStore, 10_000);
        report({ ...endToEnd, label: `${pass}: ${endToEnd.label}` });
        ours.push({ store: name, pass, perSecond: (endToEnd.count / endToEnd.ms) * 1000 });
      }
      report(await parallelBranches(makeStore, 1_000));
    }
    // What the cross-kernel watches cost a kernel alone on its store: the same again with both switched off.
    const quick = STORES[chosen[chosen.length - 1]];
    const [, withWatches] = await trackedExecutions(quick, 10_000);
    const [, without] = await trackedExecutions(quick, 10_000, false);
    report({ ...withWatches, label: `${chosen[chosen.length - 1]}, watches on (default)`, io: undefined });
    report({ ...without, label: `${chosen[chosen.length - 1]}, watches off`, io: undefined });
  } finally {
    for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
  if (!COMPETITORS.length) console.log('BullMQ comparison skipped: install redis-server (apt-get install redis-server)');
  for (const competitor of COMPETITORS) {
    for (const pass of PASSES) {
      const t0 = performance.now();
      await competitor.run(10_000);
      const m = { label: `${pass}: ${competitor.name}: 10,000 jobs with a completion hook`, count: 10_000, ms: performance.now() - t0 };
      report(m);
      const theirs = (m.count / m.ms) * 1000;
      for (const o of ours.filter((x) => x.pass === pass)) console.log(`  ${pass} ratio ${o.store} / ${competitor.name}: ${(o.perSecond / theirs).toFixed(2)}x`);
    }
  }
}

/**
 * `npm run bench -- async [--store s] [--only throughput|cross-kernel]`: throughput beside BullMQ, then what
 * crosses between kernels (control and LOST latencies, the watches' cost).
 */
export async function run(): Promise<void> {
  const arg = (flag: string) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : undefined);
  const only = arg('--only');
  if (!only || only === 'throughput') await throughput(arg('--store') ? [arg('--store')!] : ['embedded', 'embedded-process-durable']);
  if (!only || only === 'escript-run') await language(Number(arg('--starts') ?? 1_000));
  if (!only || only === 'cross-kernel') await crossKernel();
}

/** `escript run` of n tracked starts beside the engine alone on the same store (end to end, per execution). */
async function language(n: number): Promise<void> {
  const engineOn = (store: string) => async (count: number) => {
    const cpu0 = process.cpuUsage();
    try {
      const [, endToEnd] = await trackedExecutions(STORES[store], count);
      const used = process.cpuUsage(cpu0);
      return { ms: endToEnd.ms / count, cpuMs: (used.user + used.system) / 1000 / count };
    } finally {
      for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
    }
  };
  await languageBench(n, [
    { store: 'embedded', durability: 'os', perExecutionMs: engineOn('embedded') },
    { store: 'embedded', durability: 'process', perExecutionMs: engineOn('embedded-process-durable') },
  ]);
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
