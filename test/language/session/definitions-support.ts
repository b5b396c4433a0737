// Shared by the packages, record types and permissions tests: run cells on a session and read what they did.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { MimeBundle, Output, PrintLevel } from '../../../language/contract';
import type { Session } from '../../../language/session';
import { openSession } from '../../../language/open-session';
import { readConfig } from '../../../language/config';

class Recorder implements Output {
  prints: { text: string; level?: PrintLevel }[] = [];
  print(text: string, level?: PrintLevel): void { this.prints.push({ text, level }); }
  display(_bundle: MimeBundle): void {}
  updateDisplay(): void {}
  clear(): void {}
}

export interface CellRun {
  lines: string[];
  /** The cell's value as JSON (documents, arrays), or its text. */
  result?: unknown;
  error?: { ename: string; evalue: string };
}

export async function cell(s: Session, code: string): Promise<CellRun> {
  const out = new Recorder();
  const r = await s.execute(code, out, new AbortController().signal);
  const lines = out.prints.map((p) => p.text);
  if (r.status === 'error') return { lines, error: { ename: r.error.ename, evalue: r.error.evalue } };
  const bundle = r.status === 'ok' ? r.result : undefined;
  return { lines, result: bundle ? bundle['application/json'] ?? bundle['text/plain'] : undefined };
}

/** A fresh data directory: sessions opened on it share one embedded store file. */
export function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'escript-defs-'));
}

/** A session on the embedded store in `dir`, with more environment variables (ESCRIPT_USER, ...). */
export function storeSession(dir: string, env: Record<string, string> = {}): Session {
  return openSession(readConfig({ ESCRIPT_DATA_DIR: dir, ESCRIPT_INTEGRATIONS: 'dry-run', ...env }));
}
