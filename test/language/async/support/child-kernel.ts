// The parent's side of kernel-child.js: spawns it on a SQLite file, waits until its executions started,
// collects what it reports, and kills it.

import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';
import type { PipelineDesc } from './harness';

export interface ChildReport {
  /** Date.now() in the child when it happened. */
  t: number;
  event?: string;
  id?: string;
  state?: string;
  deadline_at?: string | null;
  aborted?: string;
  reason?: string;
  handler?: string;
}

/** What the child starts: a PipelineDesc of the harness, whose handlers report that they ran. */
export type ChildPipeline = PipelineDesc & { track: string };

export class ChildKernel {
  readonly reports: ChildReport[] = [];
  /** Execution id per track. */
  readonly ids = new Map<string, string>();
  private waiters: { match: (r: ChildReport) => boolean; resolve: (r: ChildReport) => void }[] = [];
  private exited = false;

  private constructor(readonly child: ChildProcess) {}

  /** Starts a kernel process on `file` that starts `pipelines`; resolves once all of them started. */
  static start(file: string, config: { pipelines: ChildPipeline[]; leaseMs?: number; kernelId?: string }): Promise<ChildKernel> {
    const script = join(__dirname, 'kernel-child.js');
    const kernel = new ChildKernel(spawn(process.execPath, [script, file, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] }));
    return new Promise((resolve, reject) => {
      let pending = '';
      let errors = '';
      kernel.child.stdout!.on('data', (chunk) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          const started = /^started (\S+) (\S+)$/.exec(line);
          if (started) {
            kernel.ids.set(started[1], started[2]);
            if (kernel.ids.size === config.pipelines.length) resolve(kernel);
          } else if (line.startsWith('{')) {
            kernel.take(JSON.parse(line) as ChildReport);
          }
        }
      });
      kernel.child.stderr!.on('data', (chunk) => (errors += chunk));
      kernel.child.on('exit', (code, signal) => {
        kernel.exited = true;
        reject(new Error(`the child kernel exited (${code ?? signal}) before its executions started: ${errors}`));
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first report matching `match`, already received or still to come. */
  next(match: (r: ChildReport) => boolean): Promise<ChildReport> {
    const seen = this.reports.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** SIGKILL: nothing in the child runs any more (no FINALLY, no lease renewal). */
  kill(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  private take(report: ChildReport): void {
    this.reports.push(report);
    const ready = this.waiters.filter((w) => w.match(report));
    this.waiters = this.waiters.filter((w) => !w.match(report));
    ready.forEach((w) => w.resolve(report));
  }
}
