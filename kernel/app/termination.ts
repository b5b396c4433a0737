// How `escript kernel` and `escript run` end when told to from outside: a signal, a dead parent, a closed stdout.
// The process stops its own work first (the session cancels its runs: CANCELLED, KERNEL_SHUTDOWN, FINALLY runs)
// within a bounded grace, closes what it holds in order (ZeroMQ sockets and the heartbeat thread before exit:
// exiting with them open aborts in native code), then exits with the conventional status.

/** 128 + the signal's number, as shells report a process a signal ended. */
export const SIGNAL_STATUS = { SIGHUP: 129, SIGINT: 130, SIGPIPE: 141, SIGTERM: 143 } as const;
export type TerminationSignal = 'SIGHUP' | 'SIGINT' | 'SIGTERM';

/** How long the process lets its background runs settle after a signal, unless ESCRIPT_SHUTDOWN_GRACE_MS says. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 4_000;

/** ESCRIPT_SHUTDOWN_GRACE_MS (whole milliseconds, 0 allowed), else the default; a bad value is an Error. */
export function shutdownGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ESCRIPT_SHUTDOWN_GRACE_MS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_SHUTDOWN_GRACE_MS;
  if (!/^\d+$/.test(raw.trim())) throw new Error(`ESCRIPT_SHUTDOWN_GRACE_MS must be a whole number of milliseconds, got ${raw}`);
  return Number(raw);
}

export interface TerminationOptions {
  /** Stops the work and releases everything; the process exits with `status` once it resolves. */
  stop: (status: number, reason: string) => Promise<void>;
  /** Upper bound for `stop`: past this (plus a margin) the process exits anyway. */
  graceMs: number;
  log: (message: string) => void;
  /** SIGINT first goes here; true when it was taken (a running cell interrupted), so the process goes on. */
  interrupt?: () => boolean;
}

/** What the process does when it is told to end. */
export class Termination {
  private stopping: Promise<void> | null = null;
  private readonly onSignal = (signal: TerminationSignal) => {
    if (signal === 'SIGINT' && !this.stopping && this.options.interrupt?.()) return;
    this.terminate(SIGNAL_STATUS[signal], signal);
  };

  constructor(private readonly options: TerminationOptions) {}

  /** Listens for SIGTERM, SIGHUP and SIGINT from now on. */
  listen(): this {
    for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(signal, this.onSignal);
    return this;
  }

  get started(): boolean {
    return this.stopping !== null;
  }

  /**
   * Stops (once) and exits with `status`. Told again while stopping (a second Ctrl-C), it exits at once: what has
   * not settled is left as a killed process leaves it (its lease runs out and a live kernel moves it to LOST).
   */
  terminate(status: number, reason: string): Promise<void> {
    if (this.stopping) {
      this.options.log(`${reason} while stopping: exiting now`);
      process.exit(status);
    }
    const watchdog = setTimeout(() => {
      this.options.log(`stopping took longer than ${this.options.graceMs} ms: exiting`);
      process.exit(status);
    }, this.options.graceMs + 5_000);
    watchdog.unref();
    this.stopping = this.options
      .stop(status, reason)
      .catch((err) => this.options.log(`while stopping: ${(err as Error)?.stack ?? err}`))
      .then(() => process.exit(status));
    return this.stopping;
  }
}

/**
 * Calls `onGone` once when the process that started this one dies: its parent changes (the kernel was re-parented
 * to init or a subreaper), or the process named by JPY_PARENT_PID (Jupyter's server) no longer exists.
 */
export function watchParent(onGone: (why: string) => void, options: { jupyterParent?: number; everyMs?: number } = {}): () => void {
  const parent = process.ppid;
  const jupyter = options.jupyterParent;
  const named = jupyter !== undefined && Number.isInteger(jupyter) && jupyter > 1 ? jupyter : null;
  const timer = setInterval(() => {
    let why: string | null = null;
    if (process.ppid !== parent) why = `parent process ${parent} is gone`;
    else if (named !== null && !alive(named)) why = `parent process ${named} (JPY_PARENT_PID) is gone`;
    if (why) {
      clearInterval(timer);
      onGone(why);
    }
  }, options.everyMs ?? 1_000);
  timer.unref();
  return () => clearInterval(timer);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
