// Kernels that share a store, on the real clock with the default settings: the owner of a run learns of a
// CANCEL / COMPLETE / FAIL / PING written by another kernel within a second, and a live kernel moves a dead
// kernel's run to LOST within its lease plus a few seconds — on one SQLite file shared by real processes, and
// on a cluster shared by two clients (the fake cluster of the store tests).

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { EXECUTIONS_INDEX, ExecutionDocument } from '../../../language/async/document';
import { ExecutionEngine } from '../../../language/async/engine';
import { ElasticsearchStore } from '../../../language/store/elasticsearch';
import { EmbeddedStore } from '../../../language/store/embedded';
import { createFakeCluster } from '../store/fake-cluster';
import { ChildKernel } from './support/child-kernel';
import { Harness } from './support/harness';
import { childOwner, clusterClients, CONTROL_BOUND_MS, controlLatencies, PIPELINES, survivor, untilLost, within } from './support/cross-kernel';

/** A dead kernel's run is LOST within its lease plus this. */
const LOST_MARGIN_MS = 5_000;
const TEST_LEASE_MS = 2_000;

describe('kernels sharing a store, with the default settings', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'escript-cross-kernel-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('on one SQLite file, as separate processes', () => {
    it('the owning process learns of a CANCEL, COMPLETE, FAIL and PING by another within a second', async () => {
      const file = join(dir, 'store.db');
      const child = await ChildKernel.start(file, { pipelines: PIPELINES });
      const store = new EmbeddedStore(file);
      const controller = new ExecutionEngine({ store, kernelId: 'controller' });
      try {
        await controller.open();
        const latency = await controlLatencies(controller, childOwner(child));
        for (const [verb, ms] of Object.entries(latency)) expect(ms, `${verb} took ${ms} ms to reach the owner`).to.be.below(CONTROL_BOUND_MS);
        // The owner settles them: the controller sees the outcomes it asked for.
        expect((await controller.wait('x-complete', { timeoutMs: 5_000 })).document.state).to.equal('COMPLETED');
        expect((await controller.wait('x-cancel', { timeoutMs: 5_000 })).document.state).to.equal('CANCELLED');
      } finally {
        await child.kill();
        await controller.shutdown();
        await store.close();
      }
    });

    it('a SIGKILLed process’s run is moved to LOST by a live one within the lease plus 5 s, handlers once', async () => {
      const file = join(dir, 'store.db');
      const child = await ChildKernel.start(file, {
        kernelId: 'doomed',
        leaseMs: TEST_LEASE_MS,
        pipelines: [{ procedure: 'forever', track: 'doomed', onFail: ['report'], finally: ['cleanup'] }],
      });
      const id = child.ids.get('doomed')!;
      const store = new EmbeddedStore(file);
      const h = new Harness(store);
      h.body('forever', () => new Promise(() => undefined));
      h.handler('report');
      h.handler('cleanup');
      const live = survivor(store, h, { leaseMs: TEST_LEASE_MS });
      try {
        await live.open();
        await child.next((r) => r.event === 'state' && r.id === id); // running, lease renewed as it goes
        const killedAt = Date.now();
        await child.kill();
        const lastLease = ((await store.get(EXECUTIONS_INDEX, id))!._source as unknown as ExecutionDocument).lease!;
        const lostAt = await within(untilLost(live, id), TEST_LEASE_MS + LOST_MARGIN_MS + 2_000);
        expect(lostAt - killedAt, `LOST ${lostAt - killedAt} ms after the kill`).to.be.at.most(TEST_LEASE_MS + LOST_MARGIN_MS);
        expect(lostAt).to.be.at.least(Date.parse(lastLease.expires_at));
        await live.wait(id, { timeoutMs: 5_000 });
        expect(h.callsOf('report').map((c) => c.bindings.error_info!.type)).to.deep.equal(['WORKER_LOST']);
        expect(h.callsOf('cleanup')).to.have.length(1);
        expect(h.backgroundErrors).to.deep.equal([]);
      } finally {
        await child.kill();
        await live.shutdown();
        await store.close();
      }
    });
  });

  describe('on a cluster, as two clients', () => {
    it('the owner learns of a CANCEL, COMPLETE, FAIL and PING by another client within a second, with one _mget per tick for all its runs', async () => {
      const { fake, controller, owner, close } = await clusterClients();
      try {
        // Idle with four runs: one versions-only _mget per 500 ms tick, not one request per run.
        const before = fake.requests.length;
        await new Promise((r) => setTimeout(r, 2_000));
        const idle = fake.requests.slice(before);
        const mgets = idle.filter((r) => r.path.endsWith('/_mget'));
        expect(mgets.length, 'one _mget per tick').to.be.within(2, 5);
        expect(mgets.every((r) => r.querystring._source === 'false' && (r.body as { ids: string[] }).ids.length === 4)).to.equal(true);
        expect(idle.filter((r) => r.path.includes('/_doc/')), 'no per-run reads or writes while idle').to.deep.equal([]);

        const latency = await controlLatencies(controller, owner);
        for (const [verb, ms] of Object.entries(latency)) expect(ms, `${verb} took ${ms} ms to reach the owner`).to.be.below(CONTROL_BOUND_MS);
      } finally {
        close();
      }
    });

    it("a dead client's run is moved to LOST by a live one within the lease plus 5 s", async () => {
      const fake = createFakeCluster();
      const store = new ElasticsearchStore(fake.client);
      const h = new Harness(store);
      h.body('forever', () => new Promise(() => undefined));
      h.handler('report');
      const doomed = new ExecutionEngine({ store: new ElasticsearchStore(fake.client), kernelId: 'doomed', leaseMs: TEST_LEASE_MS, resolve: (p) => h.resolve(p) });
      const live = survivor(store, h, { leaseMs: TEST_LEASE_MS });
      try {
        await live.open();
        const handle = await doomed.start(h.spec({ procedure: 'forever', onFail: ['report'] }));
        await new Promise((r) => setTimeout(r, 1_000)); // a renewal or two
        const diedAt = Date.now();
        doomed.halt(); // nothing of it runs any more
        const lostAt = await within(untilLost(live, handle.execution_id), TEST_LEASE_MS + LOST_MARGIN_MS + 2_000);
        expect(lostAt - diedAt, `LOST ${lostAt - diedAt} ms after it died`).to.be.at.most(TEST_LEASE_MS + LOST_MARGIN_MS);
        await live.wait(handle.execution_id, { timeoutMs: 5_000 });
        expect(h.callsOf('report')).to.have.length(1);
        expect(h.backgroundErrors).to.deep.equal([]);
      } finally {
        doomed.halt();
        live.halt();
        fake.close();
      }
    });
  });
});
