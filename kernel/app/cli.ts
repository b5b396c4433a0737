// The `escript` command: the process edges (kernel, install, run, ...) around one Session class.
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { dataDir, openSession } from '../../language/open-session';
import { formatText } from '../../language/esql/format';
import { loadFile } from '../../language/store/load-file';
import { openStore } from '../../language/store/open';
import { loadSampleData } from '../../language/store/sample-data';
import type { DataStore } from '../../language/store/store';
import { ConsoleOutput } from './console-output';
import { readConnectionFile } from '../protocol/connection';
import { Kernel } from '../protocol/dispatch';
import { History } from '../protocol/history';
import { installKernelspec } from './install';
import { runTutorials } from './tutorials';
import { packageVersion } from './paths';

const USAGE = `usage: escript <command> [options]

commands:
  kernel -f CONNECTION_FILE [--name NAME]   run as a Jupyter kernel
  install [--user | --prefix DIR | --sys-prefix] [--name NAME] [--display-name TEXT] [--env KEY=VALUE ...]
                                            install the kernelspec (default: --user, name escript)
  run FILE|-                                run a script with the kernel's language; exit status 1 on error
  esql QUERY [--format txt|json]            run an ES|QL query against the configured store and print a table
  load FILE.ndjson|FILE.csv --index NAME    load documents into an index
  sample-data                               (re)load the tutorials' sample indices (logs-sample, ...)
  tutorials [--out DIR] [--kernel NAME] [NOTEBOOK ...]
                                            execute the notebooks in notebooks/ with nbconvert (default out: docs)
  version                                   print the version`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  kernel: runKernel,
  install,
  run,
  esql,
  load,
  'sample-data': sampleData,
  tutorials,
  version: async () => {
    console.log(packageVersion());
    return 0;
  },
};

function log(message: string): void {
  process.stderr.write(`[escript ${new Date().toISOString()}] ${message}\n`);
}

async function runKernel(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { f: { type: 'string', short: 'f' }, name: { type: 'string' } } });
  if (!values.f) throw new UsageError('kernel needs -f CONNECTION_FILE');
  const connection = readConnectionFile(values.f);
  const name = values.name ?? connection.kernel_name ?? 'escript';
  // The kernel must outlive anything user code or a client does; log and go on.
  process.on('uncaughtException', (err) => log(`uncaught: ${err.stack ?? err}`));
  process.on('unhandledRejection', (err) => log(`unhandled rejection: ${(err as Error)?.stack ?? err}`));
  const interpreter = openSession(process.env);
  const kernel = new Kernel({
    connection,
    interpreter,
    history: new History(path.join(dataDir(), 'history.db'), name),
    implementationVersion: packageVersion(),
    log,
    onShutdown: () => process.exit(0),
  });
  process.on('SIGINT', () => kernel.interrupt());
  exitWithParent(Number(process.env.JPY_PARENT_PID));
  await kernel.start();
  log(`kernel ${name} started (pid ${process.pid})`);
  // Loading the grammar (from its recipe) and the parser's first run cost a few milliseconds: spend them while the
  // frontend connects, not in cell 1.
  setImmediate(() => interpreter.isComplete('PRINT 0;'));
  return new Promise<number>(() => undefined); // runs until shutdown_request
}

/** Jupyter clients name themselves in JPY_PARENT_PID: a kernel whose client died must not linger. */
function exitWithParent(parentPid: number): void {
  if (!Number.isInteger(parentPid) || parentPid <= 1) return;
  setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      log(`parent process ${parentPid} is gone; exiting`);
      process.exit(0);
    }
  }, 1000).unref();
}

async function install(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'boolean' },
      prefix: { type: 'string' },
      'sys-prefix': { type: 'boolean' },
      name: { type: 'string', default: 'escript' },
      'display-name': { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
    },
  });
  const env = Object.fromEntries(
    (values.env ?? []).map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--env takes KEY=VALUE, got ${pair}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const target = values.prefix ? { kind: 'prefix' as const, dir: values.prefix } : values['sys-prefix'] ? { kind: 'sys-prefix' as const } : { kind: 'user' as const };
  const where = installKernelspec({ name: values.name!, displayName: values['display-name'], target, env });
  console.log(`installed kernelspec ${values.name} in ${where}`);
  return 0;
}

async function run(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const file = positionals[0];
  if (!file) throw new UsageError('run needs a FILE (or - for standard input)');
  const code = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  const session = openSession(process.env);
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

async function withStore<T>(work: (store: DataStore) => Promise<T>): Promise<T> {
  const store = openStore();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function esql(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'txt' } } });
  const query = positionals.join(' ');
  if (!query) throw new UsageError('esql needs a QUERY');
  const result = await withStore((store) => store.esql(query));
  for (const warning of result.warnings) console.error(`warning: ${warning}`);
  console.log(values.format === 'json' ? JSON.stringify(result, null, 2) : formatText(result));
  return 0;
}

async function load(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { index: { type: 'string' } } });
  if (!positionals[0] || !values.index) throw new UsageError('load needs FILE and --index NAME');
  const result = await withStore((store) => loadFile(store, positionals[0], values.index!));
  console.log(JSON.stringify(result));
  return 0;
}

async function sampleData(): Promise<number> {
  const counts = await withStore((store) => loadSampleData(store));
  for (const [index, count] of Object.entries(counts)) console.log(`${index}: ${count} documents`);
  return 0;
}

async function tutorials(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string', default: 'docs' }, kernel: { type: 'string', default: 'escript' } },
  });
  const results = runTutorials(path.resolve(values.out!), values.kernel!, positionals);
  for (const r of results) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.notebook}: ${r.message}`);
  return results.every((r) => r.ok) ? 0 : 1;
}

class UsageError extends Error {}

/** Runs one command line (without `node` and the script); resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(name && name !== 'help' && name !== '--help' ? `unknown command: ${name}\n${USAGE}` : USAGE);
    return name === 'help' || name === '--help' ? 0 : 2;
  }
  try {
    return await command(rest);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`escript ${name}: ${(err as Error).message}\n${USAGE}`);
      return 2;
    }
    console.error(`escript ${name}: ${(err as Error).message}`);
    return 1;
  }
}
