// The background timers of one engine, all on its clock and none keeping the process alive. For its own runs:
// lease renewal and the control watch (what other kernels decided about them). For other kernels' runs: the
// lease watch (a dead kernel's runs become LOST within a moment of their lease's expiry) and the periodic sweep
// (the same, as a safety net, plus retention).

import type { Clock, TimerHandle } from './clock';
import { ControlWatch, ControlWatchHost } from './control-watch';
import { LeaseWatch, LeaseWatchHost } from './lease-watch';

export interface UpkeepHost extends ControlWatchHost, LeaseWatchHost {
  readonly clock: Clock;
  renewAll(): Promise<void>;
  sweep(): Promise<unknown>;
}

export interface UpkeepPeriods {
  renewEveryMs: number;
  sweepEveryMs: number;
  watchEveryMs: number;
  lostCheckEveryMs: number;
}

export class Upkeep {
  readonly control: ControlWatch;
  readonly leases: LeaseWatch;
  private renewTimer: TimerHandle | null = null;
  private sweepTimer: TimerHandle | null = null;
  private ownStopped = false;
  private foreignStopped = false;

  constructor(private readonly host: UpkeepHost, private readonly periods: UpkeepPeriods) {
    this.control = new ControlWatch(host, periods.watchEveryMs);
    this.leases = new LeaseWatch(host, periods.lostCheckEveryMs);
  }

  /** Renewal and the control watch: needed as soon as this engine owns a run (idempotent). */
  startOwn(): void {
    if (this.ownStopped) return;
    this.control.start();
    if (!this.renewTimer) this.scheduleRenewal();
  }

  /** The lease watch and the sweep: started when the engine opens. */
  startForeign(): void {
    if (this.foreignStopped) return;
    this.leases.start();
    if (!this.sweepTimer) this.scheduleSweep();
  }

  /** Shutdown begins: other kernels' runs are no longer this kernel's business. */
  stopForeign(): void {
    this.foreignStopped = true;
    this.leases.stop();
    this.sweepTimer?.cancel();
  }

  /** Shutdown is over, or the engine halted: every timer stops. */
  stopAll(): void {
    this.stopForeign();
    this.ownStopped = true;
    this.control.stop();
    this.renewTimer?.cancel();
  }

  private scheduleRenewal(): void {
    if (this.ownStopped || this.periods.renewEveryMs <= 0) return;
    this.renewTimer = this.host.clock.setTimer(
      this.periods.renewEveryMs,
      () => {
        this.host.renewAll().finally(() => this.scheduleRenewal());
      },
      true,
    );
  }

  private scheduleSweep(): void {
    if (this.foreignStopped || this.periods.sweepEveryMs <= 0) return;
    this.sweepTimer = this.host.clock.setTimer(
      this.periods.sweepEveryMs,
      () => {
        this.host
          .sweep()
          .catch((err) => this.host.reportError(err, ''))
          .finally(() => this.scheduleSweep());
      },
      true,
    );
  }
}
