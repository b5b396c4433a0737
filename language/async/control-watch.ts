// How the owning kernel learns, within a fraction of a second, what another kernel decided about one of its
// runs (CANCEL, COMPLETE, FAIL, PING, a takeover): one timer for all the engine's runs, never one poll per run.
// Each tick first asks whether anybody else can have written (the embedded store answers from SQLite's
// `data_version`, free); only then are the versions of the watched runs read in one call (one `_mget` without
// sources on a cluster, which cannot tell), and only the documents that changed are read in full.

import type { Clock, TimerHandle } from './clock';
import type { Documents, Versioned } from './documents';

/** What the watch needs of a run: its id, the version it knows, and a way to hand it a newer one. */
export interface WatchedRun {
  readonly id: string;
  readonly version: { seqNo: number; primaryTerm: number };
  observe(stored: Versioned): void;
}

export interface ControlWatchHost {
  readonly documents: Documents;
  readonly clock: Clock;
  /** The runs whose stored document someone else may change now. */
  watchedRuns(): WatchedRun[];
  reportError(err: unknown, executionId: string): void;
}

function newer(stored: { seqNo: number; primaryTerm: number }, known: { seqNo: number; primaryTerm: number }): boolean {
  return stored.primaryTerm > known.primaryTerm || (stored.primaryTerm === known.primaryTerm && stored.seqNo > known.seqNo);
}

export class ControlWatch {
  private timer: TimerHandle | null = null;
  /** The others-write token at the last read; undefined before the first (or after a failed) read. */
  private lastToken: string | null | undefined = undefined;
  private stopped = false;
  /** Reads made (tests and the benchmark count them). */
  reads = 0;

  constructor(private readonly host: ControlWatchHost, private readonly everyMs: number) {}

  /** Ticks while the engine has runs to watch; a new run starts it again (idempotent). */
  start(): void {
    if (this.timer || this.stopped || this.everyMs <= 0) return;
    this.timer = this.host.clock.setTimer(
      this.everyMs,
      () => {
        this.check()
          .catch((err) => this.host.reportError(err, ''))
          .finally(() => {
            this.timer = null;
            if (this.host.watchedRuns().length > 0) this.start();
          });
      },
      true,
    );
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }

  /** One tick: hands every watched run that someone else changed its new document. Returns how many changed. */
  async check(): Promise<number> {
    const runs = this.host.watchedRuns();
    if (runs.length === 0) return 0;
    const token = this.host.documents.othersWriteToken();
    if (token !== null && token === this.lastToken) return 0;
    // Taken before reading: a write that lands during the read changes the token, so the next tick reads again.
    this.lastToken = token;
    try {
      this.reads++;
      const versions = await this.host.documents.versions(runs.map((r) => r.id));
      const changed = runs.filter((run, i) => versions[i] !== null && newer(versions[i]!, run.version));
      if (changed.length === 0) return 0;
      this.reads++;
      const docs = await this.host.documents.readMany(changed.map((r) => r.id));
      changed.forEach((run, i) => {
        const stored = docs[i];
        if (stored) run.observe(stored);
      });
      return changed.length;
    } catch (err) {
      this.lastToken = undefined;
      throw err;
    }
  }
}
