// The engine suite over the real embedded store (SQLite file in a temp directory, the default data store).

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { defineEngineSuite } from './suite';
import { EmbeddedStore } from '../../../language/store/embedded';
import { ExecutionEngine } from '../../../language/async/engine';

const dir = mkdtempSync(join(tmpdir(), 'escript-async-'));
let n = 0;

defineEngineSuite('embedded (SQLite file)', async () => new EmbeddedStore(join(dir, `store-${n++}.db`)));

after(() => rmSync(dir, { recursive: true, force: true }));

// Store traffic of one tracked start: what makes the engine's throughput (see `npm run bench -- async`).
describe('async engine on the embedded store: writes per execution', () => {
  it('acknowledges a tracked start after exactly one commit, which holds its document and the track move', async () => {
    const store = new EmbeddedStore(join(dir, `store-${n++}.db`));
    const engine = new ExecutionEngine({ store, sweepEveryMs: 0 });
    try {
      await engine.open();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const before = store.commitCount;
      const handle = await engine.start({
        procedure: 'p',
        pipeline: null,
        body: async () => {
          await gate;
          return 1;
        },
        track: { name: 'one-commit' },
      });
      expect(store.commitCount - before).to.equal(1);
      // Both documents are on disk: another connection to the file reads them.
      const other = new EmbeddedStore(store.file);
      try {
        expect((await other.get('.escript_executions', handle.execution_id))?._source.state).to.equal('RUNNING');
        expect((await other.get('.escript_execution_tracks', 'one-commit'))?._source.execution_id).to.equal(handle.execution_id);
      } finally {
        await other.close();
      }
      release();
      await engine.wait(handle.execution_id);
    } finally {
      await engine.shutdown();
      await store.close();
    }
  });
});
