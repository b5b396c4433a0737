// Test support for the data forms: sessions over a real SQLite file in a temp ESCRIPT_DATA_DIR (or over the
// fake Elasticsearch cluster), a store wrapper that records the ES|QL requests, and a cell runner that keeps
// what the cell printed, displayed and returned.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { MimeBundle, ReportedError, PrintLevel } from '../../../language/contract';
import { openSession } from '../../../language/open-session';
import { readConfig } from '../../../language/config';
import type { Session } from '../../../language/session';
import { openStore } from '../../../language/store/open';
import type { DataStore, EsqlParams, EsqlResult, EsqlRunOptions } from '../../../language/store/store';

export interface CellRun {
  prints: { text: string; level?: PrintLevel }[];
  displays: MimeBundle[];
  result?: MimeBundle;
  error?: ReportedError;
}

export interface EsqlCall {
  query: string;
  params: EsqlParams | undefined;
}

/** Wraps a store so that the ES|QL requests a script makes are recorded. */
export function recording(store: DataStore, calls: EsqlCall[]): DataStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'esql') {
        return (query: string, params?: EsqlParams, signal?: AbortSignal, options?: EsqlRunOptions): Promise<EsqlResult> => {
          // the session's own reads of stored routines and the outbox are not what tests look at
          if (!/^FROM \.(elastic_script|escript)_/.test(query)) calls.push({ query, params });
          return target.esql(query, params, signal, options);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'escript-data-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface Harness {
  session: Session;
  /** ES|QL requests sent to the store, in order. */
  calls: EsqlCall[];
  run(code: string): Promise<CellRun>;
  /** Runs a cell and fails the test if it fails. */
  ok(code: string): Promise<CellRun>;
}

export function harness(session: Session, calls: EsqlCall[] = []): Harness {
  const run = async (code: string): Promise<CellRun> => {
    const ran: CellRun = { prints: [], displays: [] };
    const outcome = await session.execute(code, {
      print: (text, level) => { ran.prints.push({ text, level }); },
      display: (bundle) => { ran.displays.push(bundle); },
      updateDisplay: () => {},
      clear: () => {},
    }, new AbortController().signal);
    if (outcome.status === 'ok') ran.result = outcome.result;
    else ran.error = outcome.error;
    return ran;
  };
  return {
    session, calls, run,
    ok: async (code) => {
      const r = await run(code);
      if (r.error) throw new Error(`cell failed: ${r.error.evalue}\n${r.error.traceback.join('\n')}\n--- cell:\n${code}`);
      return r;
    },
  };
}

/** A session over the embedded store in `dir` (a real SQLite file), recording its ES|QL requests. */
export function embeddedHarness(dir: string): Harness {
  const calls: EsqlCall[] = [];
  const env = { ESCRIPT_DATA_DIR: dir, ESCRIPT_INTEGRATIONS: 'dry-run' };
  return harness(openSession(readConfig(env), (settings) => recording(openStore(settings), calls)), calls);
}

export function printed(r: CellRun): string[] {
  return r.prints.map((p) => p.text);
}

/** Mocha hooks for a describe block: one embedded-store harness with the sample data, shared by its tests. */
export function sampleDataHarness(): { readonly h: Harness } {
  const state = {} as { h: Harness; dir: string };
  before(async () => {
    state.dir = tempDataDir();
    state.h = embeddedHarness(state.dir);
    await state.h.ok('LOAD_SAMPLE_DATA();');
  });
  after(async () => {
    await state.h.session.shutdown();
    removeDir(state.dir);
  });
  return state;
}
