// Time, injected: the engine never reads the wall clock or sets a timer except through a Clock,
// so tests drive time by hand and a run's history is deterministic.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Calls `callback` once after `ms`; the handle cancels it. A `background` timer (lease renewal, sweep)
   * does not keep the process alive; the others (deadlines, retries, WAIT) do, like the work they time.
   */
  setTimer(ms: number, callback: () => void, background?: boolean): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, callback, background = false) {
    const timer = setTimeout(callback, Math.max(0, ms));
    if (background) timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Resolves after `ms` on `clock`, or at once (resolving `false`) when `signal` aborts first. */
export function delay(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// A transition writes several timestamps of the same instant: the last one formatted is kept.
let lastMs = NaN;
let lastIso = '';

export function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

export function msOf(iso: string | null | undefined): number | null {
  if (iso == null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** Resolves when `promise` settles, `ms` pass on `clock` (never if not finite), or `signal` aborts: the first of them. */
export function untilSettledOr(clock: Clock, promise: Promise<unknown>, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = Number.isFinite(ms) ? clock.setTimer(ms, () => done()) : null;
    const done = () => {
      timer?.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    signal?.addEventListener('abort', done, { once: true });
    promise.then(done, done);
  });
}
