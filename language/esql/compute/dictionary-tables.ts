// A function of one keyword column as a table over its dictionary, for the fused page loops (fused.ts): the
// row compiler's closure runs once per dictionary entry (and once for null) when the loop is built, and the
// loop looks each row's result up by its code. Only when no entry makes the closure warn: a table computed
// for every entry would record warnings for values no selected row holds (the node-by-node path, which
// evaluates entries as rows meet them, runs those queries instead).
import type { Expr } from '../ast';
import { Column, ExprCompiler } from '../compile';
import { Warnings } from '../warnings';
import { DataType } from '../types';
import { closureSafe } from './functions';

/** Results per code + 1 (index 0 is null): three-valued booleans, or numbers with a null mask. */
export type DictionaryTable =
  | { kind: 'bool'; table: Uint8Array }
  | { kind: 'num'; values: Float64Array; nulls: Uint8Array | null };

export function dictionaryTable(e: Expr, columns: Column[], at: number, dict: readonly unknown[], scratch: ExprCompiler,
  want: DataType): DictionaryTable | null {
  const bool = want === 'boolean';
  if (!bool && want !== 'integer' && want !== 'long' && want !== 'double' && want !== 'date') return null;
  if (!closureSafe(e, scratch.env.registry)) return null;
  const sink = new Warnings(scratch.env.query);
  const compiler = new ExprCompiler({ ...scratch.env, warnings: sink, failures: [] });
  let fn: (row: unknown[]) => unknown;
  try {
    const c = compiler.compile(e, columns);
    if (compiler.env.failures.length || c.type !== want) return null;
    fn = c.fn;
  } catch {
    return null;
  }
  const row: unknown[] = new Array(columns.length).fill(null);
  const size = dict.length + 1;
  const table = bool ? new Uint8Array(size) : null;
  const values = bool ? null : new Float64Array(size);
  let nulls: Uint8Array | null = null;
  for (let c = 0; c < size; c++) {
    row[at] = c === 0 ? null : dict[c - 1];
    const v = fn(row) ?? null;
    if (bool) {
      if (v !== null && typeof v !== 'boolean') return null;
      table![c] = v === null ? 2 : v ? 1 : 0;
    } else if (v === null) (nulls ??= new Uint8Array(size))[c] = 1;
    else if (typeof v === 'number' && Number.isFinite(v)) values![c] = v;
    else return null;
  }
  if (sink.failures() > 0) return null;
  return bool ? { kind: 'bool', table: table! } : { kind: 'num', values: values!, nulls };
}
