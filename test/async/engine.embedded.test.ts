// The engine suite over the real embedded store (SQLite file in a temp directory, the default data store).

import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { defineEngineSuite } from './suite';
import { EmbeddedStore } from '../../language/store/embedded';

const dir = mkdtempSync(join(tmpdir(), 'escript-async-'));
let n = 0;

defineEngineSuite('embedded (SQLite file)', async () => new EmbeddedStore(join(dir, `store-${n++}.db`)));

after(() => rmSync(dir, { recursive: true, force: true }));
