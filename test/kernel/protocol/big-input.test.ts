// A big cell through the protocol (issue 14): while it parses, control requests are answered and an interrupt
// stops it. In process over the memory transport, then over the real ZeroMQ sockets of a kernel process.
import { expect } from 'chai';
import { performance } from 'perf_hooks';
import { TestClient } from '../client';
import type { KernelClient } from '../kernel-client';
import { InProcessKernel } from './memory-transport';

/** Distinct statements that neither the statement cache nor the shape cache can share (a name starting with a
 * grammar word, `is...`, stays part of the shape): seconds of parsing on a busy machine. */
const BIG = Array.from({ length: 4000 }, (_, i) => `VAR is_v${i} = ${i} * 2 + 1;`).join('\n');

async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!ready()) throw new Error(`timed out waiting for ${what}`);
}

/** Sends the big cell, then kernel_info on control once the cell started: how long the control reply took. */
async function controlDuringParse(k: KernelClient, started: (msgId: string) => boolean): Promise<{ controlMs: number; cellReplied: boolean }> {
  const cell = k.send('execute_request', { code: BIG });
  let cellReplied = false;
  void cell.reply.then(() => (cellReplied = true));
  await until(() => started(cell.msgId), 'the cell to start');
  const t = performance.now();
  const info = await k.request('kernel_info_request', {}, 'control');
  const controlMs = performance.now() - t;
  expect(info.content.status).to.equal('ok');
  const replied = cellReplied;
  const reply = await cell.reply;
  expect(reply.content.status).to.equal('ok');
  return { controlMs, cellReplied: replied };
}

describe('a big cell through the protocol', function () {
  this.timeout(120_000);

  it('answers kernel_info on control while the cell parses (in process)', async () => {
    const k = await InProcessKernel.start();
    try {
      await k.execute('PRINT 1;');
      const { controlMs, cellReplied } = await controlDuringParse(k, (id) => k.about(id).some((m) => m.type === 'execute_input'));
      expect(cellReplied, 'the control reply came before the cell finished').to.equal(false);
      expect(controlMs).to.be.below(1000); // one statement's parse plus a turn of the event loop (17 s before)
    } finally {
      await k.stop();
    }
  });

  it('stops parsing a big cell on interrupt_request', async () => {
    const k = await InProcessKernel.start();
    try {
      const cell = k.send('execute_request', { code: BIG.replace(/is_v(\d+)/g, 'is_w$1') });
      await until(() => k.about(cell.msgId).some((m) => m.type === 'execute_input'), 'the cell to start');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const t = performance.now();
      await k.request('interrupt_request', {}, 'control');
      const reply = await cell.reply;
      expect(performance.now() - t).to.be.below(1000);
      expect(reply.content).to.include({ status: 'error', ename: 'interrupted' });
      expect((await k.execute('PRINT 1 + 1;')).reply.content.status).to.equal('ok');
    } finally {
      await k.stop();
    }
  });

  it('answers kernel_info on the control socket while the cell parses (ZeroMQ, kernel process)', async () => {
    const k = await TestClient.start();
    try {
      await k.execute('PRINT 1;'); // the first cell opens the store: time that is not the parse's
      let started = false;
      const { controlMs, cellReplied } = await controlDuringParse(k, () => {
        // the kernel publishes busy for the cell before parsing it; give it a moment to get into the parse
        setTimeout(() => (started = true), 50);
        return started;
      });
      expect(cellReplied).to.equal(false);
      expect(controlMs).to.be.below(1000);
    } finally {
      await k.stop();
    }
  });
});
