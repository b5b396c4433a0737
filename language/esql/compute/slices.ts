// Vectorised work written as generators that `yield` at points where it may pause (between pages, between
// passes over the rows). Run to the end at once (`runNow`), or in ~10 ms slices with a turn of the event loop
// and a look at the abort signal between them (`runInSlices`), so that a long query on a big index leaves
// heartbeats, control requests and interrupts their turn.

/** Work that yields where it may pause and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** How long the work runs before the event loop gets a turn. */
const SLICE_MS = 10;

/** Runs `work` to its end without pausing (an already aborted `signal` still stops it at a yield). */
export function runNow<T>(work: Steps<T>, signal?: AbortSignal): T {
  for (;;) {
    const next = work.next();
    if (next.done) return next.value;
    if (signal?.aborted) {
      work.return(undefined as T);
      throw signal.reason ?? new Error('aborted');
    }
  }
}

/** Runs `work` to its end in slices; rejects with the signal's reason once it aborts (the work is dropped). */
export async function runInSlices<T>(work: Steps<T>, signal?: AbortSignal): Promise<T> {
  let until = performance.now() + SLICE_MS;
  for (;;) {
    const next = work.next();
    if (next.done) return next.value;
    if (performance.now() < until) continue;
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) {
      work.return(undefined as T);
      throw signal.reason ?? new Error('aborted');
    }
    until = performance.now() + SLICE_MS;
  }
}
