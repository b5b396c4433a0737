// Measuring what crosses between kernels that share a store: how long the owner of a run takes to see a
// CANCEL / COMPLETE / FAIL / PING written by another kernel, and when a live kernel moves a dead one's run to
// LOST. Shared by test/language/async/cross-kernel.test.ts and the async benchmark.

import { ExecutionEngine } from '../../../../language/async/engine';
import type { ExecutionEvent } from '../../../../language/async/run';
import { ElasticsearchStore } from '../../../../language/store/elasticsearch';
import type { DataStore } from '../../../../language/store/store';
import { createFakeCluster } from '../../store/fake-cluster';
import type { ChildKernel } from './child-kernel';
import type { Harness } from './harness';

/** What the issue asks for: the owner learns of another kernel's decision within a second. */
export const CONTROL_BOUND_MS = 1_000;

/** The moment the owner saw each verb's effect, by execution id. */
export interface Owner {
  ids: Map<string, string>;
  sawCancel(id: string): Promise<number>;
  sawState(id: string, state: string): Promise<number>;
  sawDeadline(id: string, deadline: string): Promise<number>;
}

/** When `seen` resolves, or Infinity if it has not after `ms` (so a slow path fails an assertion, not the test's timeout). */
export function within(seen: Promise<number>, ms: number): Promise<number> {
  // A timer that holds the process open: the engines' own timers do not.
  let timer!: NodeJS.Timeout;
  const late = new Promise<number>((r) => (timer = setTimeout(() => r(Infinity), ms)));
  return Promise.race([seen, late]).finally(() => clearTimeout(timer));
}

/** Runs each verb from `controller` on the owner's runs; returns the latency of each, in ms. */
export async function controlLatencies(controller: ExecutionEngine, owner: Owner): Promise<Record<string, number>> {
  const latency: Record<string, number> = {};
  const patience = 3 * CONTROL_BOUND_MS;
  let t0 = Date.now();
  await controller.cancel(owner.ids.get('x-cancel')!);
  latency.CANCEL = (await within(owner.sawCancel(owner.ids.get('x-cancel')!), patience)) - t0;
  t0 = Date.now();
  await controller.complete(owner.ids.get('x-complete')!, 'from the controller');
  latency.COMPLETE = (await within(owner.sawState(owner.ids.get('x-complete')!, 'COMPLETED'), patience)) - t0;
  t0 = Date.now();
  await controller.fail(owner.ids.get('x-fail')!, 'failed by the controller');
  latency.FAIL = (await within(owner.sawState(owner.ids.get('x-fail')!, 'FAILED'), patience)) - t0;
  t0 = Date.now();
  const pinged = await controller.ping(owner.ids.get('x-ping')!);
  latency.PING = (await within(owner.sawDeadline(owner.ids.get('x-ping')!, pinged.document.deadline_at!), patience)) - t0;
  return latency;
}

export const PIPELINES = [
  { procedure: 'forever', track: 'x-cancel' },
  { procedure: 'forever', track: 'x-complete' },
  { procedure: 'forever', track: 'x-fail' },
  // A PING moves the deadline 60 s out from the moment of the PING.
  { procedure: 'forever', track: 'x-ping', timeoutMs: 60_000 },
];

/** The owner as an engine of this process (cluster case): its events and its bodies' stop signals. */
export function inProcessOwner(engine: ExecutionEngine): { owner: Owner; start(): Promise<void> } {
  const events: { t: number; e: ExecutionEvent }[] = [];
  const aborted = new Map<string, number>();
  const waiters: (() => void)[] = [];
  engine.onEvent((e) => {
    events.push({ t: Date.now(), e });
    waiters.splice(0).forEach((w) => w());
  });
  const until = (found: () => number | undefined): Promise<number> =>
    new Promise((resolve) => {
      const check = () => {
        const t = found();
        if (t !== undefined) resolve(t);
        else waiters.push(check);
      };
      check();
    });
  const ids = new Map<string, string>();
  return {
    owner: {
      ids,
      sawCancel: (id) => until(() => aborted.get(id)),
      sawState: (id, state) => until(() => events.find((x) => x.e.execution_id === id && x.e.document.state === state)?.t),
      sawDeadline: (id, at) => until(() => events.find((x) => x.e.execution_id === id && x.e.document.deadline_at === at)?.t),
    },
    async start() {
      for (const p of PIPELINES) {
        const handle = await engine.start({
          procedure: p.procedure,
          pipeline: p,
          track: { name: p.track },
          timeoutMs: p.timeoutMs,
          body: (ctx) =>
            new Promise((_, reject) =>
              ctx.signal.addEventListener('abort', () => {
                aborted.set(ctx.executionId, Date.now());
                waiters.splice(0).forEach((w) => w());
                reject(ctx.signal.reason);
              }),
            ),
        });
        ids.set(p.track, handle.execution_id);
      }
    },
  };
}

/** A kernel of this process on `store` with the default settings (real clock) that re-runs the harness's pipelines. */
export function survivor(store: DataStore, h: Harness, options: { leaseMs?: number } = {}): ExecutionEngine {
  const engine = new ExecutionEngine({ store, kernelId: 'survivor', resolve: (p) => h.resolve(p), ...options });
  engine.onError((err) => h.backgroundErrors.push(err));
  return engine;
}

/** When `engine` moves `id` to LOST. Keeps the process alive meanwhile: the engine's own timers do not. */
export function untilLost(engine: ExecutionEngine, id: string): Promise<number> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => undefined, 1_000);
    const off = engine.onEvent((e) => {
      if (e.execution_id === id && e.document.state === 'LOST') {
        off();
        clearInterval(keepAlive);
        resolve(Date.now());
      }
    });
  });
}

/** The owner as a child process: what it reported. */
export function childOwner(child: ChildKernel): Owner {
  return {
    ids: child.ids,
    sawCancel: async (id) => (await child.next((r) => r.aborted === id)).t,
    sawState: async (id, state) => (await child.next((r) => r.id === id && r.state === state)).t,
    sawDeadline: async (id, at) => (await child.next((r) => r.id === id && r.deadline_at === at)).t,
  };
}

/** Two clients of one fake cluster: `owning` runs PIPELINES (already started), `controller` sends the verbs. */
export async function clusterClients(): Promise<{ fake: ReturnType<typeof createFakeCluster>; owning: ExecutionEngine; controller: ExecutionEngine; owner: Owner; close(): void }> {
  const fake = createFakeCluster();
  const owning = new ExecutionEngine({ store: new ElasticsearchStore(fake.client), kernelId: 'owner' });
  const controller = new ExecutionEngine({ store: new ElasticsearchStore(fake.client), kernelId: 'controller' });
  const close = () => {
    owning.halt();
    controller.halt();
    fake.close();
  };
  try {
    await owning.open();
    const { owner, start } = inProcessOwner(owning);
    await start();
    return { fake, owning, controller, owner, close };
  } catch (err) {
    close();
    throw err;
  }
}
