// What the editor tooling (completion, inspection) reads from a session: names and what they stand for; and
// the token boundaries both use.
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

/** The characters of an elastic-script name. */
export const WORD_CHAR = /[A-Za-z0-9_]/;

/** Where the token made of `chars` that ends at `at` starts. */
export function tokenStart(code: string, at: number, chars: RegExp = WORD_CHAR): number {
  let start = at;
  while (start > 0 && chars.test(code[start - 1])) start--;
  return start;
}

/** Where the token made of `chars` that continues at `at` ends. */
export function tokenEnd(code: string, at: number, chars: RegExp = WORD_CHAR): number {
  let end = at;
  while (end < code.length && chars.test(code[end])) end++;
  return end;
}
