// A fresh embedded store on a file of its own for each test, closed and removed after it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EmbeddedStore } from '../../../language/store/embedded';

export interface TempStore {
  store: EmbeddedStore;
  dir: string;
  file: string;
}

/** Registers mocha hooks; the fields of the returned object are set anew before each test. */
export function storePerTest(prefix: string): TempStore {
  const t = {} as TempStore;
  beforeEach(() => {
    t.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    t.file = path.join(t.dir, 'store.db');
    t.store = new EmbeddedStore(t.file);
  });
  afterEach(async () => {
    await t.store.close();
    fs.rmSync(t.dir, { recursive: true, force: true });
  });
  return t;
}
