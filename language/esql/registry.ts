// The ES|QL function table: data (name, aliases, signature, one-line doc, implementation), used by the
// analyzer to type calls, by the executor to run them, and by the language layer for completion and help.
import { DataType } from './types';
import { EvalFailure } from './errors';
import type { Expr } from './ast';
import type { Column, ExprCompiler } from './compile';
import type { TypedExpr } from './plan/typed';

/** A compiled argument or result: its type, its per-row evaluator, and its value when it is a constant. */
export interface Compiled {
  type: DataType;
  fn: (row: unknown[]) => unknown;
  constant?: { value: unknown };
  text: string;
  /** A column reference whose value is known (a propagated ROW or EVAL constant): still a field to MATCH. */
  column?: boolean;
  /** A field read straight from the index (a filter on it is a Lucene query in Elasticsearch). */
  indexed?: boolean;
  /** Set by ExprCompiler.compile: the parse node compiled and its typed node (plan/typed.ts). */
  source?: Expr;
  node?: TypedExpr;
}

export interface BuildContext {
  /** Records a failed evaluation of this call as Elasticsearch's two warning lines. */
  fail(e: EvalFailure, treatedAs?: 'null' | 'false'): void;
  /** Records a warning that is not an evaluation failure (once per message). */
  note(message: string): void;
  /** The query's start time: NOW() is the same value for every row. */
  now: number;
  /** The query's time zone (`SET time_zone`); date functions read local times in it. Absent: UTC. */
  timeZone?: string;
  text: string;
}

export interface ScalarFunction {
  kind: 'scalar';
  name: string;
  aliases?: string[];
  category: string;
  signature: string;
  doc: string;
  minArgs: number;
  maxArgs: number;
  /** The result type, or a failure message (analysis error) for these argument types. */
  resolve(types: DataType[], args: Compiled[]): DataType | string;
  /** Null in, null out; a multivalued argument gives null and a warning; `impl` sees single values only. */
  impl?: (args: unknown[], types: DataType[]) => unknown;
  /** Full control over null and multivalue handling (MV_*, CASE, COALESCE, conversions). */
  build?: (args: Compiled[], ctx: BuildContext, resultType: DataType) => (row: unknown[]) => unknown;
  /** Compiles the whole call itself, seeing the row's columns (BUCKET, KQL, QSTR); `resolve` is then not asked. */
  compileCall?: (e: Expr & { kind: 'call' }, columns: Column[], compiler: ExprCompiler) => Compiled;
  /** Reads fields its arguments do not name (KQL and QSTR name them inside a string): the scan keeps every field. */
  readsEveryField?: boolean;
}

export interface Accumulator {
  add(value: unknown): void;
  result(): unknown;
}

export interface AggregateFunction {
  kind: 'aggregate';
  name: string;
  aliases?: string[];
  category: string;
  signature: string;
  doc: string;
  minArgs: number;
  maxArgs: number;
  resolve(types: DataType[], args: Compiled[]): DataType | string;
  /** A fresh accumulator per group; `constants` are the evaluated extra arguments (PERCENTILE's percent). */
  create(type: DataType, argTypes: DataType[], constants: unknown[]): Accumulator;
}

export type EsqlFunction = ScalarFunction | AggregateFunction;

export class FunctionRegistry {
  private readonly byName = new Map<string, EsqlFunction>();

  define(f: EsqlFunction): void {
    for (const n of [f.name, ...(f.aliases ?? [])]) {
      const key = n.toLowerCase();
      if (this.byName.has(key)) throw new Error(`ES|QL function [${key}] registered twice`);
      this.byName.set(key, f);
    }
  }

  lookup(name: string): EsqlFunction | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Every function once (aliases not repeated), sorted by name. */
  list(): EsqlFunction[] {
    return [...new Set(this.byName.values())].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Markdown help: signature and doc. */
  describe(name: string): string | null {
    const f = this.lookup(name);
    if (!f) return null;
    const aliases = f.aliases?.length ? ` (also ${f.aliases.map((a) => a.toUpperCase()).join(', ')})` : '';
    return `**${f.signature}**${aliases}\n\n${f.doc}`;
  }
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

/** Elasticsearch's type-mismatch message for argument `i` of a call. */
export function typeError(call: string, i: number, arity: number, expected: string, arg: Compiled): string {
  const ordinal = arity === 1 ? '' : `${ORDINALS[i] ?? `${i + 1}th`} `;
  return `${ordinal}argument of [${call}] must be [${expected}], found value [${arg.text}] type [${arg.type}]`;
}
