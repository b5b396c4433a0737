// The engine suite over the test-only SQLite file store (state that survives the process).

import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { defineEngineSuite } from './suite';
import { SqliteFileStore } from './support/sqlite-file-store';

const dir = mkdtempSync(join(tmpdir(), 'escript-async-'));
let n = 0;

defineEngineSuite('SQLite file (test store)', async () => new SqliteFileStore(join(dir, `store-${n++}.db`)));

after(() => rmSync(dir, { recursive: true, force: true }));
