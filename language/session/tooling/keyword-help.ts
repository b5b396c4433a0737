// Help for keywords where a reminder of the syntax helps: the ES|QL commands, and the elastic-script keywords of
// async executions. (Functions, built-ins and routines carry their own docs in their tables.)
import type { Help } from './help';

type Entry = [syntax: string, text: string];

const ESQL: Record<string, Entry> = {
  FROM: ['FROM pattern [, pattern ...] [METADATA _id, _index, ...]', 'Reads the documents of the indices the patterns name (`*` wildcards, `-name` to exclude); METADATA adds document metadata as columns.'],
  ROW: ['ROW name = value [, ...]', 'One row with the given columns.'],
  SHOW: ['SHOW INFO', 'The engine\'s version and build.'],
  WHERE: ['WHERE condition', 'Keeps the rows for which the condition is true.'],
  EVAL: ['EVAL [name =] expression [, ...]', 'Adds columns computed from each row (a column of the same name is replaced).'],
  STATS: ['STATS [name =] aggregate [WHERE condition] [, ...] [BY [name =] grouping [, ...]]', 'Aggregates the rows: one row per group of BY values, or one row in all.'],
  SORT: ['SORT expression [ASC | DESC] [NULLS FIRST | NULLS LAST] [, ...]', 'Orders the rows: ascending unless DESC; nulls come last when ascending, first when descending, unless NULLS says.'],
  LIMIT: ['LIMIT n', 'Keeps the first n rows. A query without LIMIT returns at most 1000 rows, and no query more than 10000.'],
  KEEP: ['KEEP column [, ...]', 'Keeps these columns (`*` wildcards allowed), in this order.'],
  DROP: ['DROP column [, ...]', 'Removes these columns (`*` wildcards allowed).'],
  RENAME: ['RENAME old AS new [, ...]', 'Renames columns.'],
  DISSECT: ['DISSECT column "pattern" [APPEND_SEPARATOR = "separator"]', 'Splits a string into new columns with a pattern of `%{name}` keys between fixed delimiters.'],
  GROK: ['GROK column "pattern"', 'Extracts new columns from a string with `%{SYNTAX:name}` regular-expression patterns.'],
  MV_EXPAND: ['MV_EXPAND column', 'One row per value of a multivalued column.'],
  LOOKUP: ['LOOKUP JOIN index ON column [, ...]', 'Adds the fields of the documents of a lookup index whose ON columns match the row\'s.'],
};

const SCRIPT: Record<string, Entry> = {
  ON_DONE: ['call | ON_DONE handler(@result)', 'Runs when the background execution succeeds; a non-null return replaces @result for the next ON_DONE.'],
  ON_FAIL: ['call | ON_FAIL handler(@error)', 'Runs when the background execution fails (after its retries).'],
  TRACK: ['call | TRACK AS \'name\' [ON CONFLICT REJECT | ATTACH | REPLACE | ALLOW]', 'Names the execution, so that EXECUTION(\'name\') finds it.'],
  TIMEOUT: ['call | TIMEOUT n [SECONDS | MINUTES | ...]', 'Cancels the execution when it runs longer; ON_FAIL and FINALLY then run.'],
  EXECUTION: ['EXECUTION(name_or_id) | STATUS | WAIT | CANCEL | RETRY | RESULT | HISTORY | PING | COMPLETE(v) | FAIL(msg)', 'Acts on an async execution found by its track name or id.'],
  EXECUTIONS: ['EXECUTIONS [WHERE condition]', 'The async executions of the store (an ES|QL condition over .escript_executions).'],
  PARALLEL: ['PARALLEL [p1(), p2(), ...] [MAX n] | ON_ALL_DONE handler(@results) | ...', 'Runs procedures in the background side by side.'],
};

/** Help for an ES|QL keyword (`inEsql`) or an elastic-script one, or null. */
export function keywordHelp(word: string, inEsql: boolean): Help | null {
  const key = word.toUpperCase();
  const entry = (inEsql ? ESQL : SCRIPT)[key];
  if (!entry) return null;
  return { name: key === 'LOOKUP' ? 'LOOKUP JOIN' : key, kind: inEsql ? 'ES|QL command' : 'keyword', signature: entry[0], paragraphs: [entry[1]] };
}
