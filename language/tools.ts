// What a host does with the language besides running cells: open a session on the configured store, and the
// command line's one-shot store tasks (each opens the configured store and closes it again). Hosts import this
// file and contract.ts, never the store's own modules.
import { readConfig, type Config } from './config';
import { stringifyExact } from './exact-json';
import { formatText } from './esql/format';
import { loadFile as loadIntoStore, type LoadOptions, type LoadResult } from './store/load-file';
import { openStore } from './store/open';
import type { DataStore } from './store/store';
import type { Session } from './session';

export { packageRoot } from './package-root';
export { readConfig };
export type { Config, LoadOptions, LoadResult };

// The session (the whole language) and the sample data are loaded only by the commands that use them: `escript
// load` and `escript esql` start faster without them.
export function openSession(...args: Parameters<typeof import('./open-session').openSession>): Session {
  return (require('./open-session') as typeof import('./open-session')).openSession(...args);
}

/** An ES|QL answer ready to print: the table as text (or JSON) and the warnings to show beside it. */
export interface EsqlOutput {
  text: string;
  warnings: string[];
}

/** Builds the ES|QL grammar and runs its parser once (a kernel does it at start, not in its first query). */
export function warmUpEsqlParser(): void {
  // required here, not imported: `escript load` must not load the ES|QL parser
  const { parseQuery } = require('./esql/parse') as typeof import('./esql/parse');
  parseQuery('FROM warm_up | WHERE a > 1 | EVAL b = a * 2 | STATS c = COUNT(*) BY b | SORT c DESC | LIMIT 1');
}

export async function runEsql(query: string, format: 'txt' | 'json', config: Config = readConfig(process.env)): Promise<EsqlOutput> {
  const result = await withStore(config, (store) => store.esql(query));
  return { text: format === 'json' ? stringifyExact(result, 2) : formatText(result), warnings: result.warnings };
}

/** The query's plans (analysed, optimised, physical) as the embedded engine's EXPLAIN prints them, one line each. */
export async function explainEsql(query: string, config: Config = readConfig(process.env)): Promise<EsqlOutput> {
  const result = await withStore(config, (store) => store.esql(`EXPLAIN ${query}`));
  return { text: result.values.map((row) => String(row[0])).join('\n'), warnings: result.warnings };
}

/** Loads an .ndjson/.json/.csv file into `index`. */
export function loadFile(file: string, index: string, config: Config = readConfig(process.env), options?: LoadOptions): Promise<LoadResult> {
  return withStore(config, (store) => loadIntoStore(store, file, index, options));
}

/** (Re)creates the tutorials' sample indices; the document count per index. */
export function loadSampleData(config: Config = readConfig(process.env)): Promise<Record<string, number>> {
  const { loadSampleData: loadSamplesIntoStore } = require('./store/sample-data') as typeof import('./store/sample-data');
  return withStore(config, (store) => loadSamplesIntoStore(store));
}

async function withStore<T>(config: Config, work: (store: DataStore) => Promise<T>): Promise<T> {
  const store = openStore(config.store);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
