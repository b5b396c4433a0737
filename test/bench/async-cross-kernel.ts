// What crosses between kernels sharing a store, with the default settings (part of `npm run bench -- async`):
// how long the owner of a run takes to see another kernel's CANCEL / COMPLETE / FAIL / PING, how long after its
// lease's expiry (and after its death) a killed kernel's run becomes LOST, and what the watches cost per running
// execution. The embedded store is one SQLite file shared by real processes; the cluster is the fake cluster of
// the store tests, shared by two clients of this process.

import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { EXECUTIONS_INDEX, ExecutionDocument } from '../../language/async/document';
import { ExecutionEngine } from '../../language/async/engine';
import { ElasticsearchStore } from '../../language/store/elasticsearch';
import { EmbeddedStore } from '../../language/store/embedded';
import { createFakeCluster } from '../language/store/fake-cluster';
import { ChildKernel } from '../language/async/support/child-kernel';
import { childOwner, clusterClients, controlLatencies, PIPELINES, survivor, untilLost } from '../language/async/support/cross-kernel';
import { Harness } from '../language/async/support/harness';

const ROUNDS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function summary(samples: Record<string, number[]>): string {
  return Object.entries(samples)
    .map(([verb, ms]) => `${verb} ${median(ms).toFixed(0)} ms (max ${Math.max(...ms).toFixed(0)})`)
    .join(', ');
}

function collect(into: Record<string, number[]>, latency: Record<string, number>): void {
  for (const [verb, ms] of Object.entries(latency)) (into[verb] ??= []).push(ms);
}

/** CANCEL / COMPLETE / FAIL / PING from a kernel process to another one on the same SQLite file, ROUNDS times. */
async function embeddedControl(dir: string): Promise<void> {
  const samples: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const file = join(dir, `control-${round}.db`);
    const child = await ChildKernel.start(file, { pipelines: PIPELINES });
    const store = new EmbeddedStore(file);
    const controller = new ExecutionEngine({ store, kernelId: 'controller' });
    try {
      collect(samples, await controlLatencies(controller, childOwner(child)));
    } finally {
      await child.kill();
      controller.halt();
      await store.close();
    }
  }
  console.log(`control reaches the owning process (embedded, 2 processes, median of ${ROUNDS}): ${summary(samples)}`);
}

/** The same between two clients of one cluster. */
async function clusterControl(): Promise<void> {
  const samples: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const { controller, owner, close } = await clusterClients();
    try {
      collect(samples, await controlLatencies(controller, owner));
    } finally {
      close();
    }
  }
  console.log(`control reaches the owning client (fake cluster, 2 clients, median of ${ROUNDS}): ${summary(samples)}`);
}

/** A kernel killed with the default 30 s lease: when a live kernel (default settings) moves its run to LOST. */
async function embeddedLost(dir: string): Promise<string> {
  const file = join(dir, 'lost.db');
  const child = await ChildKernel.start(file, { kernelId: 'doomed', pipelines: [{ procedure: 'forever', track: 'doomed', onFail: ['report'] }] });
  const id = child.ids.get('doomed')!;
  const store = new EmbeddedStore(file);
  const h = new Harness(store);
  h.body('forever', () => new Promise(() => undefined));
  h.handler('report');
  const live = survivor(store, h);
  try {
    await live.open();
    await new Promise((r) => setTimeout(r, 2_000 + Math.random() * 8_000)); // somewhere between two renewals
    const diedAt = Date.now();
    await child.kill();
    const expires = Date.parse(((await store.get(EXECUTIONS_INDEX, id))!._source as unknown as ExecutionDocument).lease!.expires_at);
    const lostAt = await untilLost(live, id);
    return `embedded (SIGKILLed process): ${lostAt - expires} ms after its lease expired, ${((lostAt - diedAt) / 1000).toFixed(1)} s after it died`;
  } finally {
    live.halt();
    await store.close();
  }
}

async function clusterLost(): Promise<string> {
  const fake = createFakeCluster();
  const store = new ElasticsearchStore(fake.client);
  const h = new Harness(store);
  h.body('forever', () => new Promise(() => undefined));
  const doomed = new ExecutionEngine({ store: new ElasticsearchStore(fake.client), kernelId: 'doomed' });
  const live = survivor(store, h);
  try {
    await live.open();
    const handle = await doomed.start(h.spec({ procedure: 'forever' }));
    await new Promise((r) => setTimeout(r, 2_000 + Math.random() * 8_000));
    const diedAt = Date.now();
    doomed.halt();
    const expires = Date.parse(((await store.get(EXECUTIONS_INDEX, handle.execution_id))!._source as unknown as ExecutionDocument).lease!.expires_at);
    const lostAt = await untilLost(live, handle.execution_id);
    return `fake cluster (client stopped): ${lostAt - expires} ms after its lease expired, ${((lostAt - diedAt) / 1000).toFixed(1)} s after it died`;
  } finally {
    doomed.halt();
    live.halt();
    fake.close();
  }
}

/**
 * What one control-watch tick costs with n running executions: on the embedded store while nobody else writes
 * (the data_version check only) and while another connection writes (the versions of all n read); on a cluster
 * one _mget per tick whatever n.
 */
async function watchCost(dir: string): Promise<void> {
  for (const n of [100, 1_000]) {
    const file = join(dir, `watch-${n}.db`);
    // Durability does not change what a tick reads; `process` only makes setting up the runs quicker.
    const store = new EmbeddedStore(file, { durability: 'process' });
    const other = new EmbeddedStore(file, { durability: 'process' });
    // Only the ticks are measured: no timers of its own (no renewal either).
    const engine = new ExecutionEngine({ store, kernelId: 'owner', watchEveryMs: 0, sweepEveryMs: 0, lostCheckEveryMs: 0, renewEveryMs: 0 });
    try {
      for (let i = 0; i < n; i++) await engine.start({ procedure: 'forever', pipeline: null, body: () => new Promise(() => undefined) });
      const watch = engine.upkeep.control;
      const ticks = 200;
      await watch.check();
      let t0 = performance.now();
      for (let i = 0; i < ticks; i++) await watch.check();
      const quietUs = ((performance.now() - t0) / ticks) * 1000;
      let busyMs = 0;
      for (let i = 0; i < ticks; i++) {
        await other.index('elsewhere', { i }, { id: String(i) });
        t0 = performance.now();
        await watch.check();
        busyMs += performance.now() - t0;
      }
      const busyUs = (busyMs / ticks) * 1000;
      console.log(
        `control watch, embedded, ${n} running: ${quietUs.toFixed(1)} µs a tick while nobody else writes; ` +
          `${busyUs.toFixed(0)} µs a tick (${(busyUs / n).toFixed(2)} µs per execution) while another process writes; ` +
          `at 4 ticks/s: ${((quietUs * 4) / 1e4).toFixed(3)}% / ${((busyUs * 4) / 1e4).toFixed(2)}% of a core`,
      );
    } finally {
      engine.halt();
      await store.close();
      await other.close();
    }
  }
  const fake = createFakeCluster();
  const owning = new ExecutionEngine({ store: new ElasticsearchStore(fake.client), kernelId: 'owner' });
  try {
    for (let i = 0; i < 100; i++) await owning.start({ procedure: 'forever', pipeline: null, body: () => new Promise(() => undefined) });
    const before = fake.requests.length;
    await new Promise((r) => setTimeout(r, 5_000));
    const sent = fake.requests.slice(before);
    const mgets = sent.filter((r) => r.path.endsWith('/_mget')).length;
    console.log(`control watch, fake cluster, 100 running: ${(sent.length / 5).toFixed(1)} requests/s (${(mgets / 5).toFixed(1)} _mget/s, versions only, ~${JSON.stringify({ ids: [owning.activeIds[0]] }).length} bytes per execution)`);
  } finally {
    owning.halt();
    fake.close();
  }
}

/** The lease watch's query on the embedded store with the index as the throughput bench leaves it. */
async function leaseQueryCost(dir: string, docs: number): Promise<void> {
  const store = new EmbeddedStore(join(dir, 'lease-query.db'), { durability: 'process' });
  const engine = new ExecutionEngine({ store, kernelId: 'k', sweepEveryMs: 0, lostCheckEveryMs: 0, watchEveryMs: 0 });
  try {
    const done = await Promise.all(Array.from({ length: docs }, (_, i) => engine.start({ procedure: 'quick', pipeline: null, body: async () => i })));
    for (const handle of done) await engine.wait(handle.execution_id);
    const leases = engine.upkeep.leases;
    const t0 = performance.now();
    const times = 20;
    for (let i = 0; i < times; i++) await leases.learn();
    const ms = (performance.now() - t0) / times;
    console.log(`lease watch query, embedded, ${docs} executions in the index: ${ms.toFixed(1)} ms (every 5 s, only after another connection wrote: ≤ ${(ms / 50).toFixed(2)}% of a core)`);
  } finally {
    engine.halt();
    await store.close();
  }
}

export async function crossKernel(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'escript-bench-cross-'));
  try {
    await embeddedControl(dir);
    await clusterControl();
    await watchCost(dir);
    await leaseQueryCost(dir, 10_000);
    console.log('dead kernel -> LOST, default 30 s lease, default settings (both at once, ~40 s):');
    for (const line of await Promise.all([embeddedLost(dir), clusterLost()])) console.log(`  ${line}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
