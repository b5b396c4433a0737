// What the data statements share at run time: running a query on the frame's store (warnings printed, failures as
// script errors) and store calls with their errors at the statement.
import type * as A from '../ast';
import type { DataStore, EsqlResult } from '../store/store';
import { QueryOrigin, dataError } from '../data/errors';
import { storeOf } from '../data/services';
import { runShownQuery } from '../data/query-progress';
import { Frame, ctxOf } from './runtime';

export function storeAt(f: Frame, span: A.Span): DataStore {
  try {
    return storeOf(ctxOf(f).services);
  } catch (e) {
    const err = dataError(e, span);
    if (!err.span) err.span = span;
    throw err;
  }
}

export function guard<T>(p: Promise<T>, span: A.Span): Promise<T> {
  return p.catch((e) => { throw dataError(e, span); });
}

/** Runs a query on the frame's store, its progress shown; warnings are printed as WARN; failures become script errors. */
export async function execute(f: Frame, text: string, params: unknown[], span: A.Span, origin?: QueryOrigin): Promise<EsqlResult> {
  const rt = ctxOf(f);
  try {
    return await runShownQuery(rt.services, rt.out, text, params, rt.signal);
  } catch (e) {
    throw dataError(e, span, origin);
  }
}

