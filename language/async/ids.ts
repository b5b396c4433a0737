// Execution ids that sort by creation time: `exec-` + 10 Crockford base-32 digits of milliseconds
// + 16 digits of randomness (ULID layout). Within one millisecond a generator counts up, so ids it
// hands out keep their order even when the clock does not move.

import { randomBytes } from 'crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_DIGITS = 10;
const RANDOM_DIGITS = 16;
export const EXECUTION_ID_PREFIX = 'exec-';

function encodeTime(ms: number): string {
  let out = '';
  let rest = Math.floor(ms);
  for (let i = 0; i < TIME_DIGITS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function randomDigits(): number[] {
  return [...randomBytes(RANDOM_DIGITS)].map((b) => b % 32);
}

/** Adds one to a base-32 digit array, in place; wraps to zeros on overflow (2^80 ids in one millisecond). */
function increment(digits: number[]): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] < 31) {
      digits[i]++;
      return;
    }
    digits[i] = 0;
  }
}

export class ExecutionIdGenerator {
  private lastMs = -1;
  private lastRandom: number[] = [];

  next(nowMs: number): string {
    if (nowMs <= this.lastMs) {
      increment(this.lastRandom);
    } else {
      this.lastMs = nowMs;
      this.lastRandom = randomDigits();
    }
    return EXECUTION_ID_PREFIX + encodeTime(this.lastMs) + this.lastRandom.map((d) => ALPHABET[d]).join('');
  }
}

// A PARALLEL branch's id is its parent's followed by `-` and the zero-padded branch index.
const ID_PATTERN = new RegExp(`^${EXECUTION_ID_PREFIX}[${ALPHABET}]{${TIME_DIGITS + RANDOM_DIGITS}}(-[0-9]+)?$`);

export function isExecutionId(text: string): boolean {
  return ID_PATTERN.test(text);
}

/** The creation time encoded in an id, or null when `id` is not an execution id. */
export function executionIdTime(id: string): number | null {
  if (!isExecutionId(id)) return null;
  let ms = 0;
  for (const ch of id.slice(EXECUTION_ID_PREFIX.length, EXECUTION_ID_PREFIX.length + TIME_DIGITS)) {
    ms = ms * 32 + ALPHABET.indexOf(ch);
  }
  return ms;
}
