// The data store as the evaluator sees it: opened on first use (a kernel starts without touching the disk or
// the network), and one way to run ES|QL from compiled code and from built-ins.
import type { DataStore, EsqlResult, EsqlRunOptions } from '../store/store';
import type { Services } from '../evaluator/runtime';
import { Value, isDoc, toJsonable } from '../values';
import { ScriptError } from '../errors';
import { rowsOf } from './rows';
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
  const s = services.store;
  if (!s) throw new ScriptError('not_available', 'no data store is configured for this session');
  return typeof s === 'function' ? s() : s;
}

/**
 * Runs ES|QL (text already in ES|QL's own syntax, parameters already converted) on the store, or through the
 * host's `esql` service when it has no store (then without column types or warnings).
 */
export async function runQuery(services: Services, text: string, params: unknown[], signal: AbortSignal,
  options?: EsqlRunOptions): Promise<EsqlResult> {
  if (!services.store && services.esql) return resultOfRows(await services.esql(text, params, signal));
  return storeOf(services).esql(text, params, signal, options);
}

function resultOfRows(rows: Value[]): EsqlResult {
  const names: string[] = [];
  for (const r of rows) if (isDoc(r)) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  const typeOfColumn = (n: string) => (rows.some((r) => isDoc(r) && r[n] instanceof Date) ? 'date' : 'unknown');
  return {
    columns: names.map((name) => ({ name, type: typeOfColumn(name) })),
    values: rows.map((r) => names.map((n) => (isDoc(r) ? toJsonable(r[n] ?? null) : null))),
    warnings: [],
  };
}

/** The `services` for a Session over a store opened on first use. */
export function dataServices(store: LazyStore): Services {
  return {
    store: () => store.get(),
    close: () => store.close(),
    esql: async (query: string, params: unknown[], signal: AbortSignal) => rowsOf(await store.get().esql(query, params, signal)),
  };
}
