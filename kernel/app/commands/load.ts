// `escript load FILE --index NAME`: documents from a file into the configured store.
import * as os from 'os';
import { parseArgs } from 'util';
import { loadFile } from '../../../language/tools';
import { UsageError } from './command';

export async function load(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { index: { type: 'string' }, threads: { type: 'string' } } });
  if (!positionals[0] || !values.index) throw new UsageError('load needs FILE and --index NAME');
  if (values.threads !== undefined && values.threads !== '1' && values.threads !== '2') throw new UsageError('--threads is 1 or 2');
  const worker = values.threads === undefined ? coreToSpare() : values.threads === '2';
  const result = await loadFile(positionals[0], values.index, undefined, { worker });
  console.log(JSON.stringify(result));
  // documents that failed to index are an error: the run did not do what it was asked
  if (result.failed === 0) return 0;
  for (const error of result.errors) console.error(`escript load: ${error}`);
  if (result.failed > result.errors.length) console.error(`escript load: ... and ${result.failed - result.errors.length} more`);
  console.error(`escript load: ${result.failed} of ${result.failed + result.loaded} documents failed`);
  return 1;
}

/**
 * Whether a second thread would find a core of its own: it costs more CPU in all (~6%: the rows cross between
 * threads), taken from the other work of a busy machine, so it is used only where a core is idle (measured in
 * README, "`escript load` speed").
 */
function coreToSpare(): boolean {
  const cores = os.availableParallelism();
  return cores >= 2 && os.loadavg()[0] <= cores - 1;
}
