// The data store as the evaluator sees it: opened on first use (a kernel starts without touching the disk or
// the network), and one way to run ES|QL from compiled code and from built-ins.
import type { DataStore, EsqlResult } from '../store/store';
import type { Services } from '../evaluator/runtime';
import type { Value } from '../values';
import { ScriptError } from '../errors';
import { paramValue, rowsOf } from './rows';
import { prepareQuery } from './query-text';
import { dataError } from './errors';

export class LazyStore {
  private store: DataStore | undefined;

  constructor(private readonly openStore: () => DataStore) {}

  get opened(): boolean {
    return this.store !== undefined;
  }

  /** The store, opened now if this is its first use; an opening failure is a `store_error`. */
  get(): DataStore {
    if (!this.store) {
      try {
        this.store = this.openStore();
      } catch (e) {
        throw dataError(e, undefined);
      }
    }
    return this.store;
  }

  async close(): Promise<void> {
    const s = this.store;
    this.store = undefined;
    if (s) await s.close();
  }
}

/** The store of a running program, or a clear error when the host gave it none. */
export function storeOf(services: Services): DataStore {
  if (!services.store) throw new ScriptError('not_available', 'no data store is configured for this session');
  return services.store();
}

/** Runs ES|QL on a store (the query already in ES|QL's own syntax, parameters already converted). */
export function runQuery(store: DataStore, text: string, params: unknown[], signal: AbortSignal): Promise<EsqlResult> {
  return store.esql(text, params, signal);
}

/**
 * The `services` for a Session over a store: the data store itself and `esql(query, params)` as built-ins use
 * it (`params` a document of named values or an array of positional ones).
 */
export function dataServices(store: LazyStore): Services {
  return {
    store: () => store.get(),
    close: () => store.close(),
    esql: async (query: string, params: Record<string, Value> | Value[], signal: AbortSignal) => {
      const prepared = prepareQuery(query);
      const list = Array.isArray(params) ? params.map(paramValue)
        : Object.entries(params).map(([k, v]) => ({ [k]: paramValue(v) }));
      return rowsOf(await runQuery(store.get(), prepared.text, list, signal));
    },
  };
}
