// A new kernel's first cell on a store that holds many stored procedures (issue 14): it parses and compiles them
// all before the cell runs, which took seconds to a minute in one synchronous stretch, while kernel_info on the
// control channel waited behind it. Over real ZeroMQ sockets of a kernel process; the figures are in
// `npm run bench -- interrupt`.
import { expect } from 'chai';
import * as fs from 'fs';
import { TestClient, ofType } from '../client';
import { storeWithRoutines } from './stored-routines';

const ROUTINES = 1500;

describe('the first cell of a kernel on a store with many stored procedures', function () {
  this.timeout(180_000);

  it('answers kernel_info on control while the first cell loads the stored procedures, then runs them', async () => {
    const dir = await storeWithRoutines(ROUTINES);
    const k = await TestClient.start({ ESCRIPT_DATA_DIR: dir, ESCRIPT_DURABILITY: 'process' });
    try {
      const order: string[] = [];
      const cell = k.send('execute_request', { code: 'PRINT 1;' });
      void cell.reply.then(() => order.push('cell'));
      // once the kernel has taken the cell (busy published), ask on control
      for (let i = 0; i < 400 && !k.iopubMessages.some((m) => m.parent_header.msg_id === cell.msgId && m.header.msg_type === 'execute_input'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const info = await k.request('kernel_info_request', {}, 'control');
      order.push('control');
      expect(info.content.status).to.equal('ok');
      expect((await cell.reply).content.status).to.equal('ok');
      // the control reply came while the cell was still loading the procedures (before: after the whole load)
      expect(order).to.deep.equal(['control', 'cell']);
      const { reply, outputs } = await k.execute(`CALL proc_${ROUTINES - 1}(3);`);
      expect(reply.content.status).to.equal('ok');
      expect(ofType(outputs, 'stream').map((m) => m.content.text).join('')).to.contain(`proc ${ROUTINES - 1}: `);
    } finally {
      await k.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
