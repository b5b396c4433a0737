// `escript run FILE|-`: runs a script with the kernel's language, printing to the terminal; status 1 on error.
import * as fs from 'fs';
import { parseArgs } from 'util';
import { openSession, readConfig } from '../../../language/tools';
import { ConsoleOutput } from '../console-output';
import { UsageError } from './command';

export async function run(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const file = positionals[0];
  if (!file) throw new UsageError('run needs a FILE (or - for standard input)');
  const code = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  const session = openSession(readConfig(process.env));
  const controller = new AbortController();
  // Ctrl-C stops the script and cancels the async executions it started (their FINALLY still runs).
  process.on('SIGINT', () => {
    controller.abort();
    void session.shutdown();
  });
  const output = new ConsoleOutput();
  try {
    const outcome = await session.execute(code, output, controller.signal);
    if (outcome.status === 'error') {
      process.stderr.write(outcome.error.traceback.join('\n') + '\n');
      return 1;
    }
    if (outcome.result) output.display(outcome.result);
    // async executions started by the script finish before the command exits
    await session.drain();
    return 0;
  } finally {
    await session.shutdown();
  }
}
