// inspect_request (Shift-Tab, `NAME?`): help for the name at the cursor, or for the callee of an open `NAME(`.
// Inside ES|QL: an index after FROM (its fields), a column (its type and where it comes from), an ES|QL function
// (signature and description), a command (its syntax). In elastic-script: a document key of a known value or a
// column of a loop's query, a variable (type and a preview of its value), a procedure or function (signature and
// the comment it opens with), a built-in, a keyword of async executions; a name nothing else claims may still
// be an ES|QL function or command (`COUNT_DISTINCT?`, `STATS?`).
import type { MimeBundle } from '../../contract';
import { esqlFunctions } from '../../esql/engine';
import { prepareQuery } from '../../data/query-text';
import { ToolingContext, tokenEnd, tokenStart } from './context';
import { locate, Place } from './scan';
import type { StoreNames } from './store-names';
import { DOTTED, INDEX, INDEX_RULES, columnsBefore, commandContext, esqlReader } from './esql-complete';
import { memberPath, valueAt } from './script-complete';
import { rowColumns } from './row-variables';
import { keywordHelp } from './keyword-help';
import {
  Help, builtinHelp, columnHelp, esqlFunctionHelp, helpBundle, indexHelp, memberHelp, routineHelp, variableHelp,
} from './help';

export async function inspect(ctx: ToolingContext, names: StoreNames, code: string, cursor: number, detailLevel: number): Promise<MimeBundle | null> {
  try {
    const help = await findHelp(ctx, names, code, Math.max(0, Math.min(cursor, code.length)), detailLevel);
    return help ? helpBundle(help) : null;
  } catch {
    return null; // help is a courtesy: a failure to find it is no help, never an error
  }
}

async function findHelp(ctx: ToolingContext, names: StoreNames, code: string, cursor: number, detailLevel: number): Promise<Help | null> {
  let start = tokenStart(code, cursor);
  let end = tokenEnd(code, cursor);
  if (start === end) {
    // right after `NAME(`: describe NAME
    const m = /([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*$/.exec(code.slice(0, cursor));
    if (!m) return null;
    start = cursor - m[0].length;
    end = start + m[1].length;
  }
  const place = locate(code, start);
  if (place.kind === 'comment' || place.kind === 'string') return null;
  const word = code.slice(start, end);
  const called = /^\s*\(/.test(code.slice(end));
  if (place.kind === 'esql') return esqlHelp(names, code, place, start, end, called);
  return scriptHelp(ctx, names, code, start, word, called, detailLevel);
}

async function scriptHelp(ctx: ToolingContext, names: StoreNames, code: string, start: number, word: string, called: boolean, detailLevel: number): Promise<Help | null> {
  const member = memberPath(code.slice(0, start));
  if (member) {
    const v = valueAt(ctx, { root: member.root, path: [...member.path, word] });
    if (v !== undefined) return memberHelp(`${member.text}.${word}`, v);
    // a loop variable over a query: the column
    const column = member.path.length ? undefined : (await rowColumns(names, code.slice(0, start), member.root))?.find((c) => c.name === word);
    return column ? columnHelp(`${member.text}.${word}`, column.type, column.origin, column.fromIndex) : null;
  }
  const variable = () => {
    const cell = ctx.variable(word);
    return cell ? variableHelp(cell) : null;
  };
  const routine = () => {
    const r = ctx.routines.find(word, 'PROCEDURE');
    return r ? routineHelp(r, ctx.routines.sourceOf(r), detailLevel) : null;
  };
  const builtin = () => {
    const def = ctx.builtins.lookup(word);
    return def ? builtinHelp(def) : null;
  };
  const esqlFunction = () => {
    const f = esqlFunctions().lookup(word);
    return f ? esqlFunctionHelp(f) : null;
  };
  // an ES|QL command typed alone (`STATS?`) still gets its help
  const keyword = () => keywordHelp(word, false) ?? keywordHelp(word, true);
  const order = called ? [routine, builtin, variable, esqlFunction] : [variable, routine, builtin, esqlFunction, keyword];
  for (const find of order) {
    const h = find();
    if (h) return h;
  }
  return null;
}

async function esqlHelp(names: StoreNames, code: string, place: Place & { kind: 'esql' }, wordStart: number, wordEnd: number, called: boolean): Promise<Help | null> {
  const word = code.slice(wordStart, wordEnd);
  const fn = esqlFunctions().lookup(word);
  if (called) return fn ? esqlFunctionHelp(fn) : null;
  const query = (upTo: number) => place.header + prepareQuery(code.slice(place.start, upTo)).text;
  // an index pattern after FROM or LOOKUP JOIN
  const indexStart = Math.max(place.start, tokenStart(code, wordStart, INDEX));
  if (esqlReader().at(query(indexStart), 'Query')?.some((e) => INDEX_RULES.has(e.rule))) {
    const index = code.slice(indexStart, tokenEnd(code, wordEnd, INDEX));
    const fields = await names.fields([index]);
    return fields.length ? indexHelp(index, fields) : null;
  }
  // a column: the name with its dots, among the columns the commands before this one leave
  const nameStart = Math.max(place.start, tokenStart(code, wordStart, DOTTED));
  const name = code.slice(nameStart, tokenEnd(code, wordEnd, DOTTED)).replace(/^`|`$/g, '');
  const before = query(nameStart);
  const columns = await columnsBefore(names, before, commandContext(before, before.length));
  const column = columns.find((c) => c.name === name);
  if (column) return columnHelp(name, column.type, column.origin, column.fromIndex);
  return fn ? esqlFunctionHelp(fn) : keywordHelp(word, true);
}
