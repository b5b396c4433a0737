// `escript kernel -f CONNECTION_FILE`: serves one Jupyter client over ZeroMQ until it asks for shutdown.
import * as path from 'path';
import { parseArgs } from 'util';
import { openSession, readConfig, warmUpEsqlParser } from '../../../language/tools';
import { readConnectionFile } from '../../protocol/connection';
import { Kernel } from '../../protocol/dispatch';
import { History } from '../../protocol/history';
import { ZmqTransport } from '../../protocol/sockets';
import { Signer } from '../../protocol/wire';
import { packageVersion } from '../paths';
import { shutdownGraceMs, Termination, watchParent } from '../termination';
import { UsageError } from './command';

function log(message: string): void {
  process.stderr.write(`[escript ${new Date().toISOString()}] ${message}\n`);
}

export async function runKernel(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { f: { type: 'string', short: 'f' }, name: { type: 'string' } } });
  if (!values.f) throw new UsageError('kernel needs -f CONNECTION_FILE');
  const connection = readConnectionFile(values.f);
  const name = values.name ?? connection.kernel_name ?? 'escript';
  // The kernel must outlive anything user code or a client does; log and go on.
  process.on('uncaughtException', (err) => log(`uncaught: ${err.stack ?? err}`));
  process.on('unhandledRejection', (err) => log(`unhandled rejection: ${(err as Error)?.stack ?? err}`));
  const config = readConfig(process.env);
  const graceMs = shutdownGraceMs(process.env);
  const interpreter = openSession(config);
  const kernel: Kernel = new Kernel({
    transport: new ZmqTransport(connection, log),
    signer: new Signer(connection.key, connection.signature_scheme),
    interpreter,
    history: new History(path.join(config.dataDir, 'history.db'), name),
    implementationVersion: packageVersion(),
    log,
    shutdownGraceMs: graceMs,
    onShutdown: () => termination.terminate(0, 'shutdown request'),
  });
  // SIGTERM, SIGHUP, a dead parent: cancel this kernel's runs (KERNEL_SHUTDOWN), close the sockets, exit. SIGINT
  // interrupts a running cell (clients with interrupt_mode "signal"); with no cell running it stops the kernel.
  const termination = new Termination({
    graceMs,
    log,
    interrupt: () => kernel.interrupt(),
    stop: async (status, reason) => {
      log(`${reason}: stopping (status ${status})`);
      await kernel.stop();
    },
  }).listen();
  watchParent((why) => void termination.terminate(0, why), { jupyterParent: Number(process.env.JPY_PARENT_PID) });
  await kernel.start();
  log(`kernel ${name} started (pid ${process.pid})`);
  // Loading the grammars (from their recipes) and the parsers' first runs cost tens of milliseconds: spend them while
  // the frontend connects, not in cell 1 (where an interrupt would wait for them).
  setImmediate(() => {
    interpreter.isComplete('PRINT 0;');
    warmUpEsqlParser();
  });
  return new Promise<number>(() => undefined); // runs until shutdown_request
}
