// ES|QL completion, as Kibana's ES|QL editor offers it: what the ES|QL grammar expects at the cursor decides the
// kinds of names (a processing command after `|`, an index pattern after FROM, a column name and functions in
// an expression, a keyword such as BY, ASC, NULLS FIRST, METADATA, AS, ON), and the session supplies the names:
// indices from the store, columns from the query's source and the commands before the cursor, functions from
// the engine's table (aggregates where STATS takes them, scalar functions elsewhere).
import type { CompletionItem } from '../../contract';
import { esqlFunctions } from '../../esql/engine';
import type { EsqlFunction } from '../../esql/registry';
import { ESQL_GRAMMAR_FILE } from '../../esql/parse';
import { METADATA_FIELDS } from '../../esql/catalog';
import { TYPE_ALIASES } from '../../esql/types';
import { grammarFrom, grammarText } from '../../grammar/load';
import { Expectation, ExpectationReader } from './expectations';
import { Column, columnsOf, completeCommands } from './esql-columns';
import { lex, Token } from './scan';
import { tokenStart } from './context';
import type { StoreNames } from './store-names';
import { Named, Suggestions, keywordCase, keywordPhrases, keywordsOf } from './suggestions';

let reader: ExpectationReader | undefined;

/** The ES|QL grammar's expectation reader (one per process: the grammar is the same for every session). */
export function esqlReader(): ExpectationReader {
  reader ??= new ExpectationReader(grammarFrom('esql', grammarText(ESQL_GRAMMAR_FILE)).grammar);
  return reader;
}

/** The characters of an ES|QL word, of a column name with its dots, of an index pattern. */
const WORD = /[A-Za-z0-9_@]/;
export const DOTTED = /[A-Za-z0-9_@.]/;
export const INDEX = /[A-Za-z0-9_@.*\-:<>+${}]/;
/** The grammar's rules that spell an index pattern. */
export const INDEX_RULES = new Set(['indexName', 'indexChar', 'IndexPattern']);

export interface EsqlCompletion {
  /** Where the replaced token starts, in the query text. */
  start: number;
  /** The characters the token is made of (to find where it ends after the cursor). */
  tokenChars: RegExp;
  items: CompletionItem[];
}

/** Completions at the end of `query` (an ES|QL text that stops at the cursor). */
export async function completeEsql(names: StoreNames, query: string): Promise<EsqlCompletion> {
  const r = esqlReader();
  const at = locateToken(r, query);
  if (!at) return { start: tokenStart(query, query.length, WORD), tokenChars: WORD, items: [] };
  const { start, expected, tokenChars } = at;
  const before = query.slice(0, start);
  const typed = query.slice(start);
  const style = keywordCase(typed, before, (w) => r.rulesOfKeyword(w).size > 0);
  const out = new Suggestions(typed);
  const context = commandContext(query, start);

  if (expected.some((e) => INDEX_RULES.has(e.rule))) {
    const indices = (await names.indices()).filter((i) => !i.startsWith('.') || typed.startsWith('.'));
    out.add('index', [...indexPatterns(indices), ...indices]);
  }
  const columnsWanted = expected.some((e) => e.text === 'a column name' || e.text === 'a column name pattern');
  const identifier = expected.some((e) => e.rule === 'identStart');
  if (columnsWanted) {
    const columns = await columnsBefore(names, query, context);
    const functions = identifier ? functionsFor(context).map((f) => ({ text: style(f.name), signature: f.signature })) : [];
    const fields = columns.map((c) => ({ text: quoteName(c.name), signature: c.type || undefined }));
    if (context.wantsAggregates) out.add('function', functions, { sorted: false }).add('field', fields);
    else out.add('field', fields).add('function', functions, { sorted: false });
  } else if (identifier && /::\s*$/.test(before)) {
    out.add('type', Object.keys(TYPE_ALIASES).filter((t) => t.length > 2));
  } else if (identifier && /\bmetadata\s+(?:[\w@]+\s*,\s*)*$/i.test(before)) {
    out.add('field', Object.entries(METADATA_FIELDS).map(([text, signature]) => ({ text, signature })));
  }
  // time units follow any number: offered only once the user starts typing one
  const keywords = keywordsOf(expected, (e) => typed !== '' || !r.rulesOfKeyword(e.text).has('unitWord'));
  out.add('keyword', keywordPhrases(r, before, keywords, typed, 'Query').map(style));
  return { start, tokenChars, items: out.list() };
}

/**
 * The token the cursor ends and what the grammar expects where it starts. An index pattern may hold `-`, `.`,
 * `*` and `:` (`logs-*`), a column name dots (`host.name`); elsewhere a token is a word (`a::lo` completes `lo`).
 */
function locateToken(r: ExpectationReader, query: string): { start: number; expected: Expectation[]; tokenChars: RegExp } | null {
  const wide = tokenStart(query, query.length, INDEX);
  const dotted = tokenStart(query, query.length, DOTTED);
  const word = tokenStart(query, query.length, WORD);
  if (wide < dotted) {
    const expected = r.at(query.slice(0, wide), 'Query');
    if (expected?.some((e) => INDEX_RULES.has(e.rule))) return { start: wide, expected, tokenChars: INDEX };
  }
  for (const [start, tokenChars] of [[dotted, DOTTED], [word, WORD]] as const) {
    const expected = r.at(query.slice(0, start), 'Query');
    if (expected) return { start, expected, tokenChars };
  }
  return null;
}

export interface CommandContext {
  /** The processing command the cursor is in (upper-case), '' in the source command. */
  command: string;
  /** Offsets of the top-level pipes before the cursor. */
  pipes: number[];
  /** STATS before BY, not inside an aggregate's arguments. */
  wantsAggregates: boolean;
  /** STATS after BY (grouping functions such as BUCKET belong there). */
  inGroups: boolean;
  /** Inside the arguments of an aggregate call. */
  inAggregate: boolean;
}

export function commandContext(query: string, end: number): CommandContext {
  const { tokens } = lex(query, end);
  const pipes: number[] = [];
  let commandAt = 0;
  let calls: string[] = [];
  let by = false;
  tokens.forEach((t: Token, k: number) => {
    if (t.text === '|' && calls.length === 0) {
      pipes.push(t.start);
      commandAt = k + 1;
      by = false;
    } else if (t.text === '(') calls.push(tokens[k - 1]?.kind === 'word' ? tokens[k - 1].text.toLowerCase() : '');
    else if (t.text === ')') calls = calls.slice(0, -1);
    else if (calls.length === 0 && t.kind === 'word' && t.text.toUpperCase() === 'BY') by = true;
  });
  const command = pipes.length ? (tokens[commandAt]?.text ?? '').toUpperCase() : '';
  const registry = esqlFunctions();
  const inAggregate = calls.some((c) => registry.lookup(c)?.kind === 'aggregate');
  const stats = command === 'STATS';
  return { command, pipes, wantsAggregates: stats && !by && !inAggregate, inGroups: stats && by, inAggregate };
}

let functionLists: Record<'aggregates' | 'groups' | 'scalar', EsqlFunction[]> | undefined;

/** Functions valid here: aggregates (then scalar functions) in STATS, grouping functions after BY, else scalar ones. */
function functionsFor(context: CommandContext): EsqlFunction[] {
  if (!functionLists) {
    const all = esqlFunctions().list();
    const scalar = all.filter((f) => f.kind === 'scalar' && f.category !== 'grouping');
    functionLists = {
      aggregates: [...all.filter((f) => f.kind === 'aggregate'), ...scalar],
      groups: all.filter((f) => f.kind === 'scalar'),
      scalar,
    };
  }
  return context.wantsAggregates ? functionLists.aggregates : context.inGroups ? functionLists.groups : functionLists.scalar;
}

/** The columns the commands before the current one leave (none in the source command). */
export async function columnsBefore(names: StoreNames, query: string, context: CommandContext): Promise<Column[]> {
  if (context.pipes.length === 0) return [];
  const text = query.slice(0, context.pipes[context.pipes.length - 1]);
  return names.remember(`columns:${text}`, () => columnsOf(names, completeCommands(text, context.pipes.slice(0, -1))));
}

/** `logs-*` for indices that share the stem `logs-` (two or more), with how many it names. */
function indexPatterns(indices: string[]): Named[] {
  const stems = new Map<string, number>();
  for (const i of indices) {
    const stem = /^(.*[-.])[^-.]+$/.exec(i)?.[1];
    if (stem) stems.set(stem, (stems.get(stem) ?? 0) + 1);
  }
  return [...stems].filter(([, n]) => n > 1).map(([stem, n]) => ({ text: `${stem}*`, signature: `${n} indices` }));
}

/** A column name as a query must write it: in backticks unless every dotted part is a plain identifier. */
export function quoteName(name: string): string {
  return name.split('.').every((p) => /^[A-Za-z_@][A-Za-z0-9_@]*$/.test(p)) ? name : `\`${name.replace(/`/g, '``')}\``;
}
