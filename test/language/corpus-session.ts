// Runs a corpus case's cells through a Session (one fresh session per case, with a data directory of its own:
// async executions store their documents there) and records what a host would show.
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Session, SessionOptions } from '../../language/session';
import type { Output } from '../../language/contract';
import type { CorpusActual } from './corpus';

export async function runCells(cells: string[], options: SessionOptions = {}): Promise<CorpusActual> {
  const dataDir = mkdtempSync(join(tmpdir(), 'escript-corpus-'));
  const session = new Session({ env: { ESCRIPT_INTEGRATIONS: 'dry-run', ESCRIPT_DATA_DIR: dataDir }, ...options });
  const actual: CorpusActual = { prints: [], result: null, displays: [] };
  const out: Output = {
    print: (text) => { actual.prints.push(text); },
    display: (bundle) => { actual.displays.push(String(bundle['text/plain'])); },
    updateDisplay: () => {},
    clear: () => {},
  };
  try {
    for (const cell of cells) {
      const outcome = await session.execute(cell, out, new AbortController().signal);
      actual.result = null;
      delete actual.error;
      if (outcome.status === 'ok') actual.result = outcome.result ? String(outcome.result['text/plain']) : null;
      else actual.error = { ename: outcome.error.ename, evalue: outcome.error.evalue };
    }
  } finally {
    await session.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return actual;
}
