// Retrying Elasticsearch requests that failed for a passing reason. The official client retries by itself
// only on 502-504 and connection errors, for every method alike and without waiting on a 50x, and never on 429:
// a retried POST without an id can index a document twice. So the store asks the client for one attempt with
// its `requestTimeout`, and retries here with what it knows: only safe requests (reads, writes that name their
// document or carry a compare-and-set version), on connection errors, timeouts, 429, 502, 503 and 504, with
// exponential backoff and jitter, waiting what a Retry-After header asks, within a number of attempts and a total
// time. Anything else, or the last failure, goes to the caller (which makes it a clear store_error).
import { errors } from '@elastic/elasticsearch';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** Time all attempts and waits of one request may take, in ms. */
  readonly totalMs: number;
  /** First backoff, in ms (doubled each retry, with jitter). */
  readonly baseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, totalMs: 30_000, baseMs: 100 };

/** The failure that ended the retries: its cause and how many attempts were made. */
export interface Attempts {
  attempts: number;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

/** Whether `e` is worth another attempt of a safe request. */
export function isTransient(e: unknown): boolean {
  if (e instanceof errors.ResponseError) return RETRY_STATUS.has(e.statusCode ?? 0);
  return e instanceof errors.ConnectionError || e instanceof errors.TimeoutError || e instanceof errors.NoLivingConnectionsError;
}

/** The wait a 429/503 asks for with Retry-After (seconds or an HTTP date), in ms; null without one. */
export function retryAfterMs(e: unknown, now = Date.now()): number | null {
  if (!(e instanceof errors.ResponseError)) return null;
  const headers = (e.headers ?? e.meta?.headers ?? {}) as Record<string, string | string[] | undefined>;
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the policy's attempts or time run out. `safe`: whether
 * repeating the request cannot apply it twice. The error thrown is the last one, with `attempts` set on it.
 */
export async function withRetries<T>(safe: boolean, policy: RetryPolicy, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + policy.totalMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!safe || n > policy.retries || !isTransient(e) || signal?.aborted) throw tagged(e, n);
      const backoff = policy.baseMs * 2 ** (n - 1) * (0.5 + Math.random() / 2);
      const wait = Math.max(backoff, retryAfterMs(e) ?? 0);
      if (Date.now() + wait > deadline) throw tagged(e, n);
      await sleep(wait, signal);
    }
  }
}

function tagged(e: unknown, attempts: number): unknown {
  if (e && typeof e === 'object') (e as Partial<Attempts>).attempts = attempts;
  return e;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
