// How a live kernel notices, within a moment of its lease's expiry, that another kernel died with runs
// unfinished, instead of at the next minute-long sweep. It keeps the earliest lease expiry among other kernels'
// unsettled runs (learnt from one aggregate query, and from every such document this engine reads) and wakes at
// that time to take over what really expired. The query runs every `everyMs` (a third of the lease or less:
// soon enough to learn a dying kernel's last lease before it runs out); on the embedded store only when another
// connection wrote since, which a dead kernel no longer does.

import { msOf } from './clock';
import type { Clock, TimerHandle } from './clock';
import type { Documents } from './documents';
import type { ExecutionDocument } from './document';
import * as q from './queries';

export interface LeaseWatchHost {
  readonly documents: Documents;
  readonly clock: Clock;
  readonly ownerId: string;
  /** Takes over every run whose lease expired (compare-and-set on each); returns how many it took. */
  recoverStale(): Promise<number>;
  reportError(err: unknown, executionId: string): void;
}

export class LeaseWatch {
  private timer: { at: number; handle: TimerHandle } | null = null;
  /** Earliest known lease expiry of another kernel's unsettled top-level run (ms), or null if none is known. */
  private nextExpiry: number | null = null;
  private lastToken: string | null | undefined = undefined;
  private lastQueryAt = -Infinity;
  /** No wake-up before this (set when an expiry was handled). */
  private notBefore = -Infinity;
  private busy = false;
  private stopped = true;
  /** Aggregate queries run (tests and the benchmark count them). */
  queries = 0;

  constructor(private readonly host: LeaseWatchHost, private readonly everyMs: number) {}

  start(): void {
    if (this.everyMs <= 0 || !this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.handle.cancel();
    this.timer = null;
  }

  /** A document of another kernel this engine read (STATUS, WAIT, a lookup): its lease expiry is worth knowing. */
  note(doc: ExecutionDocument): void {
    if (doc.settled_at !== null || doc.lease === null || doc.lease.owner_id === this.host.ownerId) return;
    const at = msOf(doc.lease.expires_at);
    if (at === null || (this.nextExpiry !== null && this.nextExpiry <= at)) return;
    this.nextExpiry = at;
    this.schedule();
  }

  /** One tick: takes over expired runs when the earliest known lease ran out, else refreshes what it knows. */
  async check(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const now = this.host.clock.now();
      if (this.nextExpiry !== null && this.nextExpiry <= now) {
        // Not again within a second, whatever happens: an expiry that does not take (a renewal the query does
        // not show yet, a store that is down) must not become a busy loop.
        this.notBefore = now + Math.min(this.everyMs, 1_000);
        await this.host.recoverStale();
        await this.learn();
      } else if (now - this.lastQueryAt >= this.everyMs) {
        const token = this.host.documents.othersWriteToken();
        if (token === null || token !== this.lastToken) await this.learn(token);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Asks the store now for the earliest lease expiry among other kernels' unsettled runs (one query). */
  async learn(token = this.host.documents.othersWriteToken()): Promise<void> {
    this.lastToken = token;
    this.lastQueryAt = this.host.clock.now();
    this.queries++;
    try {
      const result = await this.host.documents.esql(q.nextForeignExpiryQuery(), [this.host.ownerId]);
      const value = result.values[0]?.[0];
      this.nextExpiry = value === null || value === undefined ? null : typeof value === 'number' ? value : msOf(String(value));
    } catch (err) {
      this.lastToken = undefined;
      throw err;
    }
  }

  /** Wakes at the earliest known expiry, and at least every `everyMs` to learn about new runs. */
  private schedule(): void {
    if (this.stopped) return;
    const now = this.host.clock.now();
    const at = Math.max(Math.min(now + this.everyMs, this.nextExpiry ?? Infinity), this.notBefore);
    if (this.timer && this.timer.at <= at) return;
    this.timer?.handle.cancel();
    const handle = this.host.clock.setTimer(
      at - now,
      () => {
        this.timer = null;
        this.check()
          .catch((err) => this.host.reportError(err, ''))
          .finally(() => this.schedule());
      },
      true,
    );
    this.timer = { at, handle };
  }
}
