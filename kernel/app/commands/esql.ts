// `escript esql QUERY [--format txt|json] [--explain]`: one ES|QL query against the configured store, printed
// (or, with --explain, its analysed, optimised and physical plans instead of its rows).
import { parseArgs } from 'util';
import { explainEsql, runEsql } from '../../../language/tools';
import { UsageError } from './command';

export async function esql(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'txt' }, explain: { type: 'boolean', default: false } } });
  const query = positionals.join(' ');
  if (!query) throw new UsageError('esql needs a QUERY');
  const format = values.format;
  if (format !== 'txt' && format !== 'json') throw new UsageError(`unknown --format ${format}: expected txt or json`);
  const { text, warnings } = values.explain ? await explainEsql(query) : await runEsql(query, format);
  for (const warning of warnings) console.error(`warning: ${warning}`);
  console.log(text);
  return 0;
}
