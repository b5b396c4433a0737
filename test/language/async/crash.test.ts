// A kernel killed with SIGKILL mid-run: everything needed to recover is in the store, so another
// process takes the run over (LOST, then ON_FAIL and FINALLY, or a retry when the pipeline asked).

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { StatusView } from '../../../language/async/engine';
import { Harness } from './support/harness';
import { ChildKernel } from './support/child-kernel';
import { EmbeddedStore } from '../../../language/store/embedded';

describe('async engine: a kernel killed with SIGKILL', function () {
  this.timeout(20_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'escript-crash-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves a run that another process marks LOST, running ON_FAIL (WORKER_LOST) and FINALLY once', async () => {
    const path = join(dir, 'store.db');
    const child = await ChildKernel.start(path, { kernelId: 'doomed', leaseMs: 1_000, pipelines: [{ procedure: 'forever', track: 'doomed-job', onFail: ['report'], finally: ['cleanup'] }] });
    const executionId = child.ids.get('doomed-job')!;
    await child.kill();

    const store = new EmbeddedStore(path);
    const h = new Harness(store);
    h.clock.advanceTo(Date.now() + 1_001); // past the dead kernel's lease, without waiting for it
    h.body('forever', () => new Promise(() => undefined));
    h.handler('report');
    h.handler('cleanup');
    const survivor = h.engine({ kernelId: 'survivor' });
    const before = (await survivor.status('doomed-job')) as StatusView;
    expect(before).to.include({ status: 'RUNNING (owner unreachable)', execution_id: executionId });
    expect(before.owner).to.include({ kernel_id: 'doomed', pid: child.pid });
    expect((await survivor.open()).recovered).to.equal(1);
    const waited = await survivor.wait('doomed-job');
    expect(waited.document).to.include({ state: 'LOST', state_reason: 'WORKER_LOST' });
    expect(h.callsOf('report').map((c) => c.bindings.error_info!.type)).to.deep.equal(['WORKER_LOST']);
    expect(h.callsOf('report')[0].bindings.error).to.contain(`pid ${child.pid}`);
    expect(h.callsOf('cleanup')).to.have.length(1);
    survivor.halt();
    await store.close();
  });

  it('re-runs the body in the surviving process when the pipeline asked for retries', async () => {
    const path = join(dir, 'store.db');
    const child = await ChildKernel.start(path, { kernelId: 'doomed', leaseMs: 1_000, pipelines: [{ procedure: 'job', track: 'retried', retries: 2 }] });
    await child.kill();

    const store = new EmbeddedStore(path);
    const h = new Harness(store);
    h.clock.advanceTo(Date.now() + 1_001);
    h.body('job', async (_args, ctx) => `done on attempt ${ctx.attempt}`);
    const survivor = h.engine({ kernelId: 'survivor' });
    await survivor.open();
    const waited = await survivor.wait('retried');
    expect(waited.kind === 'result' && waited.value).to.equal('done on attempt 2');
    survivor.halt();
    await store.close();
  });
});
