// `escript run FILE|-`: a script with the kernel's language, for terminals, cron and CI. stdout carries what
// the script prints; executions it started are waited for and summed up on stderr; the exit status says
// whether anything failed unhandled. Signals and a closed stdout cancel its runs before it exits.
import * as fs from 'fs';
import { parseArgs } from 'util';
import type { ReportedError } from '../../../language/contract';
import { openSession, readConfig } from '../../../language/tools';
import { ConsoleOutput, plainText } from '../console-output';
import { shutdownGraceMs, SIGNAL_STATUS, Termination } from '../termination';
import { UsageError } from './command';
import { summarise } from './run-summary';

export const RUN_HELP = `usage: escript run FILE|- [--print-result] [--progress]

Runs an elastic-script file (- reads standard input) against the configured store.

  stdout          what the script prints: PRINT (WARN and ERROR go to stderr), DISPLAY as text, and the
                  PRINT lines of the background executions it started, each line once
  --print-result  also print the value of the script's last expression on stdout
  --progress      show each change of state or progress of the executions on stderr (the default when
                  stderr is a terminal)
  stderr          errors as FILE:LINE:COLUMN: kind: message, with the line and the call stack; after the
                  script, one line summing up the executions it started (when it started any)

The command waits for the executions the script started (their handlers and FINALLY included), also after
the script failed. Exit status:
  0    the script and every execution it started succeeded (or failed into an ON_FAIL, ON_ANY_FAIL or
       ON_ALL_SETTLED handler)
  1    the script failed, or an execution it started failed with no such handler
  2    wrong usage
  129, 130, 143  SIGHUP, SIGINT (Ctrl-C), SIGTERM: the script is stopped, its running executions are
       cancelled (CANCELLED, reason KERNEL_SHUTDOWN, FINALLY runs) within ESCRIPT_SHUTDOWN_GRACE_MS
       (default 4000); a second signal exits at once
  141  stdout was closed (escript run x | head -1): stopped the same way, quietly
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'print-result': { type: 'boolean' }, progress: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const file = positionals[0];
  if (!file) throw new UsageError('run needs a FILE (or - for standard input)');
  if (positionals.length > 1) throw new UsageError(`run takes one FILE, got ${positionals.length}`);
  const code = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  const source = file === '-' ? '<stdin>' : file;
  const graceMs = shutdownGraceMs(process.env);
  const session = openSession(readConfig(process.env));
  const log = (message: string) => process.stderr.write(`escript run: ${message}\n`);
  const controller = new AbortController();

  /** Cancels what still runs (within the grace), sums up what the script started, releases the store. Once. */
  let finishing: Promise<boolean> | null = null;
  const finish = (options: { summary: boolean }): Promise<boolean> => (finishing ??= (async () => {
    await session.executions.shutdown({ graceMs });
    const outcomes = await session.executions.launchedOutcomes().catch(() => []);
    if (options.summary && outcomes.length > 0) for (const line of summarise(outcomes)) log(line);
    await session.shutdown({ graceMs: 0 });
    return outcomes.some((o) => o.unhandledFailure);
  })());

  const termination = new Termination({
    graceMs,
    log,
    stop: async (status, reason) => {
      const quiet = status === SIGNAL_STATUS.SIGPIPE;
      const running = session.executions.started ? (await session.executions.engine()).activeIds.length : 0;
      if (!quiet) log(`${reason}: stopping${running > 0 ? `, cancelling ${running} running execution${running === 1 ? '' : 's'}` : ''}`);
      controller.abort(new Error(reason));
      await finish({ summary: !quiet });
    },
  }).listen();
  const progress = values.progress === true || process.stderr.isTTY === true;
  session.executions.showLiveDisplays(progress);
  const output = new ConsoleOutput({
    progress,
    onClosed: () => void termination.terminate(SIGNAL_STATUS.SIGPIPE, 'stdout closed'),
  });
  session.executions.recordLaunches();
  session.executions.onEvent((event) => {
    if (event.type === 'print' && event.text !== undefined) output.printBackground(event.text);
  });
  /** Once a signal or a closed stdout took over, this flow never settles: the termination exits the process. */
  const unlessTerminated = <T>(value: T): Promise<T> => (termination.started ? new Promise<T>(() => undefined) : Promise.resolve(value));

  const outcome = await unlessTerminated(await session.execute(code, output, controller.signal, source));
  if (outcome.status === 'error') process.stderr.write(describeError(outcome.error).join('\n') + '\n');
  else if (values['print-result'] && outcome.result) output.print(plainText(outcome.result));
  // The executions the script started finish (handlers and FINALLY included) before the command exits.
  await unlessTerminated(await session.drain());
  const unhandled = await unlessTerminated(await finish({ summary: true }));
  return outcome.status === 'error' || unhandled ? 1 : 0;
}

/** The traceback with its first line as `FILE:LINE:COLUMN: kind: message`, as compilers write it. */
export function describeError(error: ReportedError): string[] {
  const [first, ...rest] = error.traceback;
  const at = error.at;
  if (!at) return [first, ...rest];
  const prefix = `line ${at.line}:${at.column}: `;
  const message = error.evalue.startsWith(prefix) ? error.evalue.slice(prefix.length) : error.evalue;
  return [`${at.source}:${at.line}:${at.column}: ${error.ename}: ${message}`, ...rest];
}
