// What the editor tooling (completion, inspection) reads from a session: names and what they stand for.
import type { Registry } from '../../builtins/registry';
import type { GlobalCell } from '../../evaluator/runtime';
import type { RoutineCatalog } from '../routine-catalog';

export interface ToolingContext {
  readonly builtins: Registry;
  readonly routines: RoutineCatalog;
  /** Session variables that hold a value. */
  variables(): GlobalCell[];
  /** The session variable of that name when it holds a value. */
  variable(name: string): GlobalCell | undefined;
}

const WORD_CHAR = /[A-Za-z0-9_]/;

/** Where the identifier that ends at `at` starts. */
export function wordStart(code: string, at: number): number {
  let start = at;
  while (start > 0 && WORD_CHAR.test(code[start - 1])) start--;
  return start;
}

/** Where the identifier that continues at `at` ends. */
export function wordEnd(code: string, at: number): number {
  let end = at;
  while (end < code.length && WORD_CHAR.test(code[end])) end++;
  return end;
}
