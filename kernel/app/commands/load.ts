// `escript load FILE --index NAME`: documents from a file into the configured store.
import { parseArgs } from 'util';
import { loadFile } from '../../../language/tools';
import { UsageError } from './command';

export async function load(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { index: { type: 'string' } } });
  if (!positionals[0] || !values.index) throw new UsageError('load needs FILE and --index NAME');
  console.log(JSON.stringify(await loadFile(positionals[0], values.index)));
  return 0;
}
