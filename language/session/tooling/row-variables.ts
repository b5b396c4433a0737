// Variables that hold a row of a query the cell itself names: `FOR r IN (FROM ...) LOOP`, `FOR r IN c LOOP` or
// `FETCH c INTO r` with `DECLARE c CURSOR FOR FROM ...`, `DECLARE r DOCUMENT FROM ...`. Their keys are the
// query's columns, known before the cell runs, so `r.` can be completed inside the loop.
import { prepareQuery } from '../../data/query-text';
import { columnsOf, completeCommands, Column } from './esql-columns';
import { commandContext } from './esql-complete';
import type { StoreNames } from './store-names';

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';

/** The columns of the query whose rows `name` holds in `code`, or null when `name` is bound to no query there. */
export async function rowColumns(names: StoreNames, code: string, name: string): Promise<Column[] | null> {
  const query = boundQuery(code, name);
  if (query === null) return null;
  const text = prepareQuery(query).text;
  return columnsOf(names, completeCommands(text, commandContext(text, text.length).pipes));
}

function boundQuery(code: string, name: string): string | null {
  const n = escape(name);
  const inParens = lastMatch(code, new RegExp(`\\bFOR\\s+${n}\\s+IN\\s*\\(`, 'gi'));
  if (inParens) return balanced(code, inParens.index + inParens[0].length);
  const declared = lastMatch(code, new RegExp(`\\bDECLARE\\s+${n}\\s+(?:${IDENT}\\s+)+?(FROM\\b[^;]*)`, 'gi'));
  if (declared) return declared[1];
  const cursor = lastMatch(code, new RegExp(`\\bFOR\\s+${n}\\s+IN\\s+(${IDENT})\\s+LOOP\\b|\\bFETCH\\s+(${IDENT})\\s+(?:LIMIT\\s+[^;]*?\\s+)?INTO\\s+${n}\\b`, 'gi'));
  if (!cursor) return null;
  const c = escape(cursor[1] ?? cursor[2]);
  return lastMatch(code, new RegExp(`\\bDECLARE\\s+${c}\\s+CURSOR\\s+FOR\\s+([^;]*)`, 'gi'))?.[1] ?? null;
}

function lastMatch(text: string, re: RegExp): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  return last;
}

/** The text from `start` to the parenthesis that closes the one just before it (strings skipped). */
function balanced(code: string, start: number): string {
  let depth = 1;
  for (let i = start; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'") {
      const close = code.indexOf(c, i + 1);
      if (close < 0) break;
      i = close;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return code.slice(start, i);
  }
  return code.slice(start);
}

function escape(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '');
}
