// The `escript` command: the process edges (kernel, install, run, ...) around one Session class. Each command
// lives in commands/; this file only picks one by name and turns misuse into the usage text.
import { Command, UsageError } from './commands/command';
import { packageVersion } from './paths';

const USAGE = `usage: escript <command> [options]

commands:
  kernel -f CONNECTION_FILE [--name NAME]   run as a Jupyter kernel
  install [--user | --prefix DIR | --sys-prefix] [--name NAME] [--display-name TEXT] [--env KEY=VALUE ...]
                                            install the kernelspec (default: --user, name escript)
  run FILE|- [--print-result] [--progress]  run a script: stdout is what it prints; waits for the executions it
                                            started; status 1 if it or one of them failed (escript run --help)
  esql QUERY [--format txt|json] [--explain]
                                            run an ES|QL query against the configured store and print a table
                                            (--explain: its logical and physical plans instead)
  load FILE --index NAME [--threads 1|2]   load documents into an index from FILE.ndjson, .jsonl, .json
                                            (an array of documents) or .csv (a header row; name:type columns);
                                            NDJSON of 4 MB or more is parsed on a second thread when a core
                                            is idle (--threads 2: always, --threads 1: never)
  sample-data                               (re)load the tutorials' sample indices (logs-sample, ...)
  tutorials [--out DIR] [--kernel NAME] [--markdown] [--data-dir DIR | --env-store] [NOTEBOOK ...]
                                            execute the notebooks in notebooks/ with nbconvert (default out: docs)
                                            on a scratch store (a temporary data directory, never yours)
  version                                   print the version`;

// A command's module is loaded only when it runs: the kernel need not load the installer, nor `version` the language.
const commands: Record<string, () => Promise<Command>> = {
  kernel: async () => (await import('./commands/kernel')).runKernel,
  install: async () => (await import('./commands/install')).install,
  run: async () => (await import('./commands/run')).run,
  esql: async () => (await import('./commands/esql')).esql,
  load: async () => (await import('./commands/load')).load,
  'sample-data': async () => (await import('./commands/sample-data')).sampleData,
  tutorials: async () => (await import('./commands/tutorials')).tutorials,
  version: async () => async () => {
    console.log(packageVersion());
    return 0;
  },
};

/** Runs one command line (without `node` and the script); resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(name && name !== 'help' && name !== '--help' ? `unknown command: ${name}\n${USAGE}` : USAGE);
    return name === 'help' || name === '--help' ? 0 : 2;
  }
  try {
    return await (await command())(rest);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`escript ${name}: ${(err as Error).message}\n${USAGE}`);
      return 2;
    }
    console.error(`escript ${name}: ${(err as Error).message}`);
    return 1;
  }
}
