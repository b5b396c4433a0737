// A data directory whose store already holds many stored procedures (for the first-cell test and bench).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StoreRoutineRepository } from '../../../language/data/routine-store';
import { EmbeddedStore } from '../../../language/store/embedded';

/** A data directory whose store holds `n` stored procedures (written straight into the store: fast). */
export async function storeWithRoutines(n: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escript-routines-'));
  const store = new EmbeddedStore(path.join(dir, 'store.db'), { durability: 'process' });
  const repo = new StoreRoutineRepository(() => store);
  for (let i = 0; i < n; i++) {
    await repo.save({
      kind: 'PROCEDURE', name: `proc_${i}`, signature: '', createdAt: new Date(0).toISOString(),
      source: `CREATE PROCEDURE proc_${i}(a NUMBER)\nBEGIN\n  VAR t = a * ${i};\n  FOR j IN 1..a LOOP\n    IF j % ${i + 2} == 0 THEN SET t = t + j; END IF;\n  END LOOP;\n  PRINT 'proc ${i}: ' || t;\nEND PROCEDURE;`,
    });
  }
  await store.close();
  return dir;
}
