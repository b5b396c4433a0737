// The columns a query has after its complete commands, for completion and help: the source's fields (from the
// store's mappings), then what each command makes of them: EVAL and ROW add, STATS replaces with its aggregates
// and groups, RENAME renames, KEEP and DROP filter, DISSECT and GROK add the names of their patterns, LOOKUP JOIN
// adds the lookup index's fields. Columns a command computes have no type here (only the engine knows it).
import { parseQuery } from '../../esql/parse';
import type { Command, Expr, Field } from '../../esql/ast';
import { METADATA_FIELDS } from '../../esql/catalog';
import { esqlTypeOf } from '../../esql/types';
import { StoreNames, globRegExp } from './store-names';

export interface Column {
  name: string;
  /** ES|QL type, or '' when a command computes it. */
  type: string;
  /** Where it comes from: the indices of a field (`logs-sample`), or the command that makes it (`EVAL x = a + 1`). */
  origin: string;
  /** A field of indices (FROM, METADATA, LOOKUP JOIN), not a column a command computes. */
  fromIndex: boolean;
}

/** The commands of `text` (a query up to, not including, a pipe), dropping trailing commands that do not parse. */
export function completeCommands(text: string, pipes: number[]): Command[] {
  const ends = [text.length, ...pipes.filter((p) => p < text.length).reverse()];
  for (const end of ends.slice(0, 4)) {
    try {
      return parseQuery(text.slice(0, end)).commands;
    } catch {
      // an unfinished command: try without it
    }
  }
  return [];
}

export async function columnsOf(names: StoreNames, commands: Command[]): Promise<Column[]> {
  let columns: Column[] = [];
  for (const c of commands) {
    switch (c.kind) {
      case 'from': {
        const fields = await names.fields(c.sources);
        const origin = c.sources.join(', ');
        columns = fields.map((f) => ({ name: f.name, type: esqlTypeOf(f.type), origin: f.indices.join(', '), fromIndex: true }));
        for (const m of c.metadata) columns.push({ name: m, type: METADATA_FIELDS[m] ?? '', origin, fromIndex: true });
        break;
      }
      case 'row': columns = add([], c.fields, 'ROW'); break;
      case 'show': columns = ['build', 'date', 'version'].map((name) => ({ name, type: 'keyword', origin: 'SHOW INFO', fromIndex: false })); break;
      case 'eval': columns = add(columns, c.fields, 'EVAL', columns); break;
      case 'stats': columns = add(add([], c.aggs.map((a) => a.field), 'STATS'), c.groups, 'STATS ... BY', columns); break;
      case 'keep': {
        const kept: Column[] = [];
        for (const p of c.patterns) {
          const re = globRegExp(p.pattern);
          for (const col of columns) if (re.test(col.name) && !kept.includes(col)) kept.push(col);
        }
        columns = kept;
        break;
      }
      case 'drop': {
        const res = c.patterns.map((p) => globRegExp(p.pattern));
        columns = columns.filter((col) => !res.some((re) => re.test(col.name)));
        break;
      }
      case 'rename':
        for (const r of c.renames) {
          columns = columns.filter((col) => col.name !== r.to.pattern)
            .map((col) => (col.name === r.from.pattern ? { ...col, name: r.to.pattern } : col));
        }
        break;
      case 'dissect': columns = replace(columns, dissectNames(c.pattern), 'DISSECT', 'keyword'); break;
      case 'grok': columns = replace(columns, c.patterns.flatMap(grokNames), 'GROK', 'keyword'); break;
      case 'lookup_join': {
        const fields = await names.fields([c.index]);
        columns = replace(columns, fields.map((f) => f.name), c.index, '', fields);
        break;
      }
      default:
        break; // WHERE, SORT, LIMIT, MV_EXPAND keep the columns
    }
  }
  return columns;
}

/** Columns `fields` make (a later one of the same name replaces an earlier one). */
function add(columns: Column[], fields: Field[], command: string, scope: Column[] = []): Column[] {
  let out = columns;
  for (const f of fields) {
    const type = f.expr.kind === 'column' ? scope.find((c) => c.name === (f.expr as Expr & { kind: 'column' }).name)?.type ?? '' : literalType(f.expr);
    out = [...out.filter((c) => c.name !== f.name), { name: f.name, type, origin: `${command} ${f.name} = ${f.expr.text}`, fromIndex: false }];
  }
  return out;
}

function literalType(e: Expr): string {
  return e.kind === 'literal' ? e.literalType : '';
}

function replace(columns: Column[], made: string[], origin: string, type: string, typed: { name: string; type: string }[] = []): Column[] {
  const names = new Set(made.filter(Boolean));
  const kept = columns.filter((c) => !names.has(c.name));
  const typeOf = (name: string) => {
    const t = typed.find((f) => f.name === name);
    return t ? esqlTypeOf(t.type) : type;
  };
  return [...kept, ...[...names].map((name) => ({ name, type: typeOf(name), origin, fromIndex: typed.length > 0 }))];
}

/** `%{name}`, `%{+name}`, `%{name->}` make columns; `%{?name}` (a skipped key) does not. */
function dissectNames(pattern: string): string[] {
  return [...pattern.matchAll(/%\{([+?*&]?)([^}]*?)(?:->)?\}/g)].filter((m) => m[1] !== '?').map((m) => m[2].trim());
}

/** `%{SYNTAX:name}` and `%{SYNTAX:name:type}` make columns. */
function grokNames(pattern: string): string[] {
  return [...pattern.matchAll(/%\{\w+:([^}:]+)(?::\w+)?\}/g)].map((m) => m[1].trim());
}
