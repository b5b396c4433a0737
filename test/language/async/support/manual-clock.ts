// A clock that moves only when a test says so. `advance` fires due timers in time order and lets the
// engine's resulting store calls run to completion before firing the next one.

import type { Clock, TimerHandle } from '../../../../language/async/clock';

interface Timer {
  at: number;
  order: number;
  callback: () => void;
  cancelled: boolean;
}

/** Lets every promise chain that does not wait on I/O or timers run to completion. */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ManualClock implements Clock {
  private time: number;
  private order = 0;
  private timers: Timer[] = [];
  /** Awaited after each fired timer: lets the work a timer started (store I/O included) finish first. */
  settle: () => Promise<void> = drain;

  constructor(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    const timer: Timer = { at: this.time + Math.max(0, ms), order: this.order++, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Jumps to an absolute time without firing timers (for a fresh clock that must start later). */
  advanceTo(ms: number): void {
    if (this.timers.some((t) => !t.cancelled)) throw new Error('advanceTo is for a clock with no timers yet');
    this.time = Math.max(this.time, ms);
  }

  /** Timers still waiting to fire. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await this.settle();
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.time = Math.max(this.time, due.at);
      due.callback();
      await this.settle();
    }
    this.time = target;
    await this.settle();
  }
}
